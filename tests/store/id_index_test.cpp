// The id index's runs (store/lmdb/id_index.hpp) on a real LMDB environment, with runs of a few ids so
// that sealing and merging happen within a test: every id stays findable by the writer and by readers,
// through seals, merges, reopening mid-merge, erasures and failed transactions.
#include "store/lmdb/id_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <random>

#include "run_set_fixture.hpp"
#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/schema.hpp"
#include "temp_dir.hpp"

namespace pleb::store::testing {
namespace {

using lmdb::Dbis;
using lmdb::IdIndex;
using lmdb::Txn;
using nostr::Bytes32;

Bytes32 random_id(std::mt19937_64& rng) {
  Bytes32 id;
  for (auto& b : id) b = static_cast<std::uint8_t>(rng());
  return id;
}

class IdIndexTest : public ::testing::Test {
 protected:
  IdIndexTest() { open(); }

  void open() {
    index_.reset();
    open_schema_env(dir_, env_, dbis_);
    index_.emplace(*dbis_, small_runs());
  }

  // One write batch: the ids not stored yet are put with fresh serials, as EventWriter::finish does.
  void insert(std::vector<Bytes32> ids, bool commit = true) {
    Txn txn(env_->get(), 0);
    index_->prepare(txn.get());
    std::sort(ids.begin(), ids.end());
    std::vector<std::pair<Bytes32, std::uint64_t>> batch;
    for (const auto& id : ids) {
      ASSERT_EQ(index_->find(txn.get(), id), 0u);
      batch.emplace_back(id, ++serial_);
    }
    index_->put_sorted(txn.get(), batch);
    index_->maintain(txn.get(), batch.size());
    if (!commit) {
      txn.abort();
      index_->invalidate();
      return;
    }
    txn.commit();
    for (const auto& [id, serial] : batch) stored_[id] = serial;
  }

  bool erase(const Bytes32& id) {
    Txn txn(env_->get(), 0);
    index_->prepare(txn.get());
    bool erased = index_->erase(txn.get(), id);
    index_->maintain(txn.get(), 0);
    txn.commit();
    if (erased) stored_.erase(id);
    return erased;
  }

  // Every stored id is found by the writer and by a reader with the right serial, the erased ones by
  // neither, and the live runs hold each stored id exactly once.
  void expect_consistent(const std::vector<Bytes32>& erased = {}) {
    Txn write(env_->get(), 0);
    index_->prepare(write.get());
    for (const auto& [id, serial] : stored_) ASSERT_EQ(index_->find(write.get(), id), serial);
    for (const auto& id : erased) EXPECT_EQ(index_->find(write.get(), id), 0u);
    write.abort();

    Txn read(env_->get(), MDB_RDONLY);
    lmdb::IdSnapshot snapshot(read.get(), *dbis_);
    for (const auto& [id, serial] : stored_) ASSERT_EQ(snapshot.find(id), serial);
    for (const auto& id : erased) EXPECT_EQ(snapshot.find(id), 0u);
    auto runs = lmdb::read_runs(read.get(), lmdb::id_layout(*dbis_));
    std::size_t in_runs = 0;
    for (std::uint8_t slot : runs) {
      MDB_stat stat;
      ASSERT_EQ(mdb_stat(read.get(), dbis_->id_slots[slot], &stat), 0);
      in_runs += stat.ms_entries;
    }
    EXPECT_EQ(in_runs, stored_.size());
  }

  TempDir dir_;
  std::optional<lmdb::Env> env_;
  std::optional<Dbis> dbis_;
  std::optional<IdIndex> index_;
  std::map<Bytes32, std::uint64_t> stored_;
  std::uint64_t serial_ = 0;
  std::mt19937_64 rng_{42};
};

TEST_F(IdIndexTest, SealsMergesAndFindsEveryId) {
  std::size_t most_runs = 0, batches_merging = 0;
  for (int batch = 0; batch < 60; ++batch) {
    insert({random_id(rng_), random_id(rng_), random_id(rng_)});
    most_runs = std::max(most_runs, index_->runs().size());
    batches_merging += index_->merging();
    expect_consistent();
  }
  EXPECT_GE(most_runs, 3u);
  EXPECT_GE(batches_merging, 10u);
  // Merging keeps the number of runs logarithmic in the number of ids: 180 ids are 45 runs of 4, and
  // with two runs of a tier merged into one of the next that is about one run per tier (log2 45 < 6),
  // plus the active run and the runs waiting while one merge at a time goes on.
  EXPECT_LE(index_->runs().size(), 12u);
}

TEST_F(IdIndexTest, AMergeContinuesAfterReopen) {
  for (int i = 0; i < 200 && !index_->merging(); ++i) insert({random_id(rng_), random_id(rng_)});
  ASSERT_TRUE(index_->merging());
  open();  // the merge's state comes from the store, the Bloom filters are rebuilt
  index_->prepare(Txn(env_->get(), MDB_RDONLY).get());
  EXPECT_TRUE(index_->merging());
  expect_consistent();
  for (int i = 0; i < 20 && index_->merging(); ++i) insert({random_id(rng_)});
  EXPECT_FALSE(index_->merging());
  expect_consistent();
}

TEST_F(IdIndexTest, AReopenReadsTheStoredFiltersNotTheIds) {
  for (int i = 0; i < 40; ++i) insert({random_id(rng_), random_id(rng_)});
  for (int i = 0; i < 40 && index_->merging(); ++i) insert({random_id(rng_)});
  ASSERT_FALSE(index_->merging());
  ASSERT_GE(stored_.size(), 80u);
  open();
  index_->prepare(Txn(env_->get(), MDB_RDONLY).get());
  // Only the active run is read: at most a full run of 4 and the batch that filled it.
  EXPECT_LE(index_->ids_scanned(), 6u);
  expect_consistent();
}

TEST_F(IdIndexTest, IdsErasedDuringAMergeStayErased) {
  for (int i = 0; i < 200 && !index_->merging(); ++i) insert({random_id(rng_), random_id(rng_)});
  ASSERT_TRUE(index_->merging());
  // Every third id, wherever it is: in the active run, in a run not being merged, in a merge's input
  // before or after the point copied so far (then in the target too).
  std::vector<Bytes32> erased;
  int n = 0;
  for (const auto& [id, serial] : stored_) {
    if (n++ % 3 == 0) erased.push_back(id);
  }
  for (const auto& id : erased) EXPECT_TRUE(erase(id));
  EXPECT_FALSE(erase(erased[0]));  // gone from every run
  for (int i = 0; i < 20 && index_->merging(); ++i) insert({random_id(rng_)});
  EXPECT_FALSE(index_->merging());
  expect_consistent(erased);
}

TEST_F(IdIndexTest, AFailedTransactionLeavesNoTrace) {
  for (int i = 0; i < 5; ++i) insert({random_id(rng_), random_id(rng_)});
  auto runs_before = index_->runs();
  std::vector<Bytes32> lost = {random_id(rng_), random_id(rng_), random_id(rng_), random_id(rng_)};
  insert(lost, false);  // seals and merges in memory, then aborts
  expect_consistent(lost);
  EXPECT_EQ(index_->runs(), runs_before);
  insert(lost);  // the same ids can be stored after all
  expect_consistent();
}

TEST_F(IdIndexTest, AFormatOneStoreIsUpgradedAndItsIdsFound) {
  index_.reset();
  dbis_.reset();
  env_.reset();
  {
    // What a format-1 store holds: one "ids" tree and the format number.
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    ASSERT_EQ(mdb_env_open(env, dir_.path().c_str(), 0, 0644), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi ids, meta;
    ASSERT_EQ(mdb_dbi_open(txn, "ids", MDB_CREATE, &ids), 0);
    ASSERT_EQ(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
    for (int i = 0; i < 10; ++i) {
      Bytes32 id = random_id(rng_);
      std::uint64_t serial = ++serial_;
      MDB_val k{id.size(), id.data()}, v{sizeof serial, &serial};
      ASSERT_EQ(mdb_put(txn, ids, &k, &v, 0), 0);
      stored_[id] = serial;
    }
    std::uint32_t format = 1;
    std::string key = "format";
    MDB_val k{key.size(), key.data()}, v{sizeof format, &format};
    ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  open();
  expect_consistent();
  for (int i = 0; i < 10; ++i) insert({random_id(rng_), random_id(rng_)});
  for (int i = 0; i < 40 && index_->merging(); ++i) insert({random_id(rng_)});
  ASSERT_FALSE(index_->merging());  // a merge's target is read again on opening
  expect_consistent();
  // The old "ids" was read once; its filter was stored at the first write.
  open();
  index_->prepare(Txn(env_->get(), MDB_RDONLY).get());
  EXPECT_LE(index_->ids_scanned(), 6u);
  expect_consistent();

  Txn read(env_->get(), MDB_RDONLY);
  MDB_val value;
  ASSERT_TRUE(lmdb::get(read.get(), dbis_->meta, lmdb::to_val(std::string_view("format")), value));
  std::uint32_t format = 0;
  std::memcpy(&format, value.mv_data, sizeof format);
  EXPECT_EQ(format, lmdb::kFormatVersion);
}

TEST_F(IdIndexTest, DamagedStateIsRefusedWithAClearError) {
  for (int i = 0; i < 5; ++i) insert({random_id(rng_), random_id(rng_)});
  auto refused = [&](std::string_view key, std::string_view value) {
    {
      Txn txn(env_->get(), 0);
      lmdb::put(txn.get(), dbis_->meta, lmdb::to_val(key), lmdb::to_val(value));
      txn.commit();
    }
    open();
    Txn txn(env_->get(), MDB_RDONLY);
    try {
      index_->prepare(txn.get());
      return std::string("accepted");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
  };
  // A merge whose input is the active run, then one cut short.
  lmdb::RunSlots live;
  {
    Txn read(env_->get(), MDB_RDONLY);
    live = lmdb::read_runs(read.get(), lmdb::id_layout(*dbis_));
  }
  const char active = static_cast<char>(live.front());
  EXPECT_EQ(refused("id_merge", std::string{char(39), char(2), active, active, char(0)}),
            "event store: the id index's merge state is damaged");
  EXPECT_EQ(refused("id_merge", std::string{char(39), char(5)}),
            "event store: the id index's merge state is damaged");
  if (live.size() >= 2) {  // one sealed run named twice
    const char sealed = static_cast<char>(live[1]);
    EXPECT_EQ(refused("id_merge", std::string{char(39), char(2), sealed, sealed, char(0)}),
              "event store: the id index's merge state is damaged");
  }
  EXPECT_EQ(refused("id_runs", std::string{char(1), char(1)}),
            "event store: the id index's list of runs is damaged");
  EXPECT_EQ(refused("id_runs", std::string{char(200)}),
            "event store: the id index's list of runs is damaged");
}

TEST(RunBloom, HoldsEveryIdAddedAndFewOthers) {
  std::mt19937_64 rng(7);
  lmdb::Dbis dbis;
  auto layout = lmdb::id_layout(dbis);
  lmdb::RunBloom bloom(10000);
  std::vector<Bytes32> added;
  for (int i = 0; i < 10000; ++i)
    bloom.add(lmdb::bloom_hash(layout, added.emplace_back(random_id(rng)).data()));
  for (const auto& id : added) ASSERT_TRUE(bloom.may_contain(lmdb::bloom_hash(layout, id.data())));
  int false_positives = 0;
  for (int i = 0; i < 10000; ++i)
    false_positives += bloom.may_contain(lmdb::bloom_hash(layout, random_id(rng).data()));
  EXPECT_LT(false_positives, 300);  // ~1 % expected at 10 bits per id
}

}  // namespace
}  // namespace pleb::store::testing
