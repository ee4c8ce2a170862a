// The tag index's runs (store/lmdb/tag_index.hpp) read by IndexScan on a real LMDB environment, with runs
// of a few entries so that sealing and merging happen within a test: a scan finds every entry of its
// lanes newest first and once, also when it resumes in a later transaction after runs were sealed and
// merged, entries erased anywhere stay erased, and a format-2 store's single "tag" tree is read as the
// first run and then folded into the others.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "run_set_fixture.hpp"
#include "store/lmdb/index_scan.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/run_set.hpp"
#include "store/lmdb/schema.hpp"
#include "store/lmdb/tag_index.hpp"
#include "temp_dir.hpp"

namespace pleb::store::testing {
namespace {

using lmdb::Key;
using lmdb::Txn;

// (created_at, serial), newest first as a scan hands them out.
using Entry = std::pair<std::int64_t, std::uint64_t>;
struct NewestFirst {
  bool operator()(const Entry& a, const Entry& b) const { return a > b; }
};

Key tag_key(char letter, const std::string& value, Entry entry) {
  Key k;
  k.u8(static_cast<std::uint8_t>(letter)).append(lmdb::hash_value(value)).suffix(entry.first, entry.second);
  return k;
}

lmdb::Prefix tag_prefix(char letter, const std::string& value) {
  Key k;
  k.u8(static_cast<std::uint8_t>(letter)).append(lmdb::hash_value(value));
  lmdb::Prefix p;
  std::copy(k.data(), k.data() + k.size(), p.bytes.begin());
  p.size = static_cast<std::uint8_t>(k.size());
  return p;
}

class TagIndexTest : public ::testing::Test {
 protected:
  TagIndexTest() { open(); }

  void open() {
    tags_.reset();
    open_schema_env(dir_, env_, dbis_);
    tags_.emplace(lmdb::tag_layout(*dbis_), small_runs());
  }

  // One write batch, put in key order as EventWriter::finish does.
  void insert(std::vector<std::pair<std::string, Entry>> entries) {
    std::vector<Key> keys;
    for (const auto& [value, entry] : entries) keys.push_back(tag_key('e', value, entry));
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.view() < b.view(); });
    Txn txn(env_->get(), 0);
    tags_->prepare(txn.get());
    {
      lmdb::Cursor active = tags_->active_cursor(txn.get());
      for (const auto& k : keys) tags_->put(active, k.val(), lmdb::to_val("", 0));
    }
    tags_->maintain(txn.get(), keys.size());
    txn.commit();
    for (const auto& [value, entry] : entries) stored_[value].insert(entry);
  }

  // A batch of three entries under random values and one under each of `values`.
  void insert_some(const std::vector<std::string>& values = {}) {
    std::vector<std::pair<std::string, Entry>> batch;
    for (int i = 0; i < 3; ++i) batch.push_back({"v" + std::to_string(rng_() % 1000), next_entry()});
    for (const auto& v : values) batch.push_back({v, next_entry()});
    insert(batch);
  }

  Entry next_entry() { return {static_cast<std::int64_t>(rng_() % 50), ++serial_}; }

  bool erase(const std::string& value, Entry entry) {
    Txn txn(env_->get(), 0);
    tags_->prepare(txn.get());
    bool erased = tags_->erase(txn.get(), tag_key('e', value, entry).data());
    tags_->maintain(txn.get(), 0);
    txn.commit();
    if (erased) stored_[value].erase(entry);
    return erased;
  }

  std::vector<Entry> expected(const std::vector<std::string>& values) {
    std::set<Entry, NewestFirst> all;
    for (const auto& v : values) all.insert(stored_[v].begin(), stored_[v].end());
    return {all.begin(), all.end()};
  }

  lmdb::IndexScan scan_of(const std::vector<std::string>& values) {
    std::vector<lmdb::Prefix> prefixes;
    for (const auto& v : values) prefixes.push_back(tag_prefix('e', v));
    lmdb::IndexScan scan;
    scan.init(prefixes, INT64_MIN, INT64_MAX);
    return scan;
  }

  // Reads up to `n` entries of the scan in one read transaction.
  void read_some(lmdb::IndexScan& scan, std::size_t n, std::vector<Entry>& out) {
    Txn txn(env_->get(), MDB_RDONLY);
    scan.open(txn.get(), lmdb::RunSnapshot(txn.get(), lmdb::tag_layout(*dbis_)));
    lmdb::Candidate c;
    for (std::size_t i = 0; i < n && scan.next(c); ++i) out.push_back({c.created_at, c.serial});
    scan.close();
  }

  std::vector<Entry> read_all(const std::vector<std::string>& values) {
    auto scan = scan_of(values);
    std::vector<Entry> out;
    read_some(scan, SIZE_MAX, out);
    return out;
  }

  TempDir dir_;
  std::optional<lmdb::Env> env_;
  std::optional<lmdb::Dbis> dbis_;
  std::optional<lmdb::RunSet> tags_;
  std::map<std::string, std::set<Entry>> stored_;
  std::uint64_t serial_ = 0;
  std::mt19937_64 rng_{42};
};

TEST_F(TagIndexTest, AScanFindsEveryEntryOfItsLanesAcrossRuns) {
  std::size_t most_runs = 0, batches_merging = 0;
  for (int batch = 0; batch < 80; ++batch) {
    insert_some(batch % 3 == 0 ? std::vector<std::string>{"hot", "warm"} : std::vector<std::string>{"hot"});
    most_runs = std::max(most_runs, tags_->runs().size());
    batches_merging += tags_->merging();
  }
  EXPECT_GE(most_runs, 3u);
  EXPECT_GE(batches_merging, 10u);
  ASSERT_EQ(expected({"hot"}).size(), 80u);
  EXPECT_EQ(read_all({"hot"}), expected({"hot"}));
  EXPECT_EQ(read_all({"warm"}), expected({"warm"}));
  // Two lanes merged, and a value nobody used.
  EXPECT_EQ(read_all({"hot", "warm", "never"}), expected({"hot", "warm"}));
  EXPECT_TRUE(read_all({"never"}).empty());
  for (const auto& [value, entries] : stored_) ASSERT_EQ(read_all({value}), expected({value})) << value;
}

TEST_F(TagIndexTest, AScanResumedAfterSealsAndMergesMissesNothingAndRepeatsNothing) {
  for (int batch = 0; batch < 40; ++batch) insert_some({"hot"});
  auto want = expected({"hot"});
  auto scan = scan_of({"hot"});
  std::vector<Entry> got;
  std::size_t merges_seen = 0;
  for (int slice = 0; slice < 100 && got.size() < want.size(); ++slice) {
    read_some(scan, 3, got);
    auto runs_before = tags_->runs();
    // Between slices the runs change: entries under other values seal the active run and move merges on.
    insert_some();
    insert_some();
    merges_seen += tags_->runs() != runs_before;
  }
  read_some(scan, SIZE_MAX, got);
  EXPECT_GE(merges_seen, 5u);
  EXPECT_EQ(got, want);
}

TEST_F(TagIndexTest, EntriesErasedInAnyRunStayErased) {
  for (int i = 0; i < 200 && !tags_->merging(); ++i) insert_some({"hot"});
  for (int i = 0; i < 30; ++i) insert_some({"hot"});
  ASSERT_TRUE(tags_->merging() || tags_->runs().size() >= 3);
  // Every third entry of "hot", wherever it is: the active run, a sealed run, a merge's input before or
  // after the point copied so far (then in the target too).
  std::vector<Entry> erased;
  int n = 0;
  for (const auto& entry : stored_["hot"]) {
    if (n++ % 3 == 0) erased.push_back(entry);
  }
  for (const auto& entry : erased) EXPECT_TRUE(erase("hot", entry));
  EXPECT_FALSE(erase("hot", erased[0]));
  for (int i = 0; i < 30 && tags_->merging(); ++i) insert_some();
  EXPECT_FALSE(tags_->merging());
  EXPECT_EQ(read_all({"hot"}), expected({"hot"}));
  open();  // the stored filters and runs, read again
  EXPECT_EQ(read_all({"hot"}), expected({"hot"}));
}

TEST_F(TagIndexTest, AFormatTwoTagTreeIsTheFirstRunAndIsMergedAway) {
  tags_.reset();
  {
    // What a format-2 store holds for tags: one "tag" tree, no list of runs.
    Txn txn(env_->get(), 0);
    for (int i = 0; i < 20; ++i) {
      Entry entry{i, ++serial_};
      std::string value = i % 2 ? "old" : "older";
      lmdb::put(txn.get(), dbis_->tag, tag_key('e', value, entry).val(), lmdb::to_val("", 0));
      stored_[value].insert(entry);
    }
    std::uint32_t format = 2;
    lmdb::put(txn.get(), dbis_->meta, lmdb::to_val(std::string_view("format")),
              lmdb::to_val(&format, sizeof format));
    txn.commit();
  }
  open();
  EXPECT_EQ(read_all({"old"}), expected({"old"}));
  for (int i = 0; i < 40; ++i) insert_some({"old"});
  for (int i = 0; i < 40 && tags_->merging(); ++i) insert_some();
  EXPECT_EQ(read_all({"old"}), expected({"old"}));
  EXPECT_EQ(read_all({"older"}), expected({"older"}));
  EXPECT_EQ(read_all({"old", "older"}), expected({"old", "older"}));
  // The old tree was sealed with its filter stored: reopening reads only the active run.
  open();
  tags_->prepare(Txn(env_->get(), MDB_RDONLY).get());
  EXPECT_LE(tags_->entries_scanned(), 10u);
  EXPECT_EQ(read_all({"old", "older"}), expected({"old", "older"}));
}

TEST_F(TagIndexTest, FiltersTellTagLettersApart) {
  lmdb::Dbis dbis;
  auto layout = lmdb::tag_layout(dbis);
  // The same value under two letters: one hash of the value, two units.
  auto e = tag_prefix('e', "same"), p = tag_prefix('p', "same");
  lmdb::RunBloom bloom(100);
  bloom.add(lmdb::bloom_hash(layout, e.bytes.data()));
  EXPECT_TRUE(bloom.may_contain(lmdb::bloom_hash(layout, e.bytes.data())));
  EXPECT_FALSE(bloom.may_contain(lmdb::bloom_hash(layout, p.bytes.data())));
}

}  // namespace
}  // namespace pleb::store::testing
