// LMDB-specific behaviour: which index each filter shape uses and that selective queries read few
// entries, MDB_MAP_FULL handling, options, and the lifetime of cursors.
#include "store/lmdb/lmdb_store.hpp"

#include <gtest/gtest.h>

#include <lmdb.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "nostr/kinds.hpp"
#include "scratch_store.hpp"
#include "store/lmdb/schema.hpp"
#include "temp_dir.hpp"
#include "test_events.hpp"

namespace pleb::store::testing {
namespace {

using nostr::Event;

class LmdbStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventStore> open(LmdbOptions options = {}) {
    options.directory = dir_.path() / "db";
    return open_lmdb_store(options);
  }

  static QueryStats run(EventStore& store, std::vector<nostr::Filter> filters,
                        std::size_t* delivered = nullptr) {
    auto cursor = store.query(std::move(filters), kNow);
    std::size_t n = 0;
    EXPECT_TRUE(cursor->step(std::chrono::seconds(30), [&](const StoredEvent&) { return ++n, true; }));
    if (delivered) *delivered = n;
    return cursor->stats();
  }

  TempDir dir_;
};

TEST_F(LmdbStoreTest, PlanForEachFilterShape) {
  auto store = open();
  auto plan = [&](std::vector<nostr::Filter> filters) {
    return store->query(std::move(filters), kNow)->stats().plan;
  };
  const auto a = pubkey_of(1), b = pubkey_of(2);
  EXPECT_EQ(plan({F().ids({a}).authors({a}).kinds({1})}), "ids");
  EXPECT_EQ(plan({F().authors({a, b}).kinds({1, 7, 9})}), "pubkey_kind[6]");
  EXPECT_EQ(plan({F().authors({a}).tag('p', {"x"})}), "pubkey[1]+parse");
  EXPECT_EQ(plan({F().authors({a, b})}), "pubkey[2]");
  EXPECT_EQ(plan({F().tag('e', {"1", "2", "3"}).kinds({1})}), "tag[#e x3]");
  EXPECT_EQ(plan({F().tag('e', {"1", "2", "3"}).tag('p', {"x"})}), "tag[#p x1]+parse");
  EXPECT_EQ(plan({F().kinds({1, 7})}), "kind[2]");
  EXPECT_EQ(plan({F().since(1).until(2)}), "created_at");
  EXPECT_EQ(plan({F().search("hello")}), "created_at+parse");
  EXPECT_EQ(plan({F().kinds({})}), "none");
  EXPECT_EQ(plan({F().kinds({1}), F()}), "kind[1]; created_at");
}

TEST_F(LmdbStoreTest, HugeAuthorKindProductFallsBackToTheAuthorIndex) {
  LmdbOptions options;
  options.max_scan_prefixes = 10;
  auto store = open(options);
  std::vector<nostr::Bytes32> authors;
  for (int i = 0; i < 6; ++i) authors.push_back(pubkey_of(i));
  EXPECT_EQ(store->query({F().authors(authors).kinds({1})}, kNow)->stats().plan, "pubkey_kind[6]");
  EXPECT_EQ(store->query({F().authors(authors).kinds({1, 2})}, kNow)->stats().plan, "pubkey[6]");
  ASSERT_TRUE(store->write(std::vector{make_event(pubkey_of(3), 2, kNow)}, kNow)[0].ok());
  std::size_t n = 0;
  run(*store, {F().authors(authors).kinds({1, 2})}, &n);
  EXPECT_EQ(n, 1u);
}

TEST_F(LmdbStoreTest, SelectiveQueriesExamineFewEntries) {
  LmdbOptions options;
  options.sync = false;
  auto store = open(options);
  std::vector<Event> events;
  for (int i = 0; i < 4000; ++i) {
    std::uint32_t kind = (i / 40) % 4 == 0 ? 7 : 1;
    events.push_back(
        make_event(pubkey_of(i % 40), kind, kNow - 4000 + i, {{"p", hex(pubkey_of(1000 + i % 100))}}));
  }
  for (const auto& r : store->write(events, kNow)) ASSERT_TRUE(r.ok());

  std::size_t n = 0;
  auto s = run(*store, {F().authors({pubkey_of(5)}).kinds({1}).limit(10)}, &n);
  EXPECT_EQ(n, 10u);
  EXPECT_LE(s.examined, 12u) << s.plan;

  s = run(*store, {F().authors({pubkey_of(5), pubkey_of(6), pubkey_of(7)}).kinds({1, 7}).limit(20)}, &n);
  EXPECT_EQ(n, 20u);
  EXPECT_LE(s.examined, 20u + 6u + 1u) << "one seek per lane, then one entry per result";

  s = run(*store, {F().tag('p', {hex(pubkey_of(1042))}).limit(5)}, &n);
  EXPECT_EQ(n, 5u);
  EXPECT_LE(s.examined, 7u) << s.plan;

  s = run(*store, {F().kinds({7}).limit(10)}, &n);
  EXPECT_EQ(n, 10u);
  EXPECT_LE(s.examined, 12u);

  s = run(*store, {F().since(kNow - 2000).until(kNow - 1991)}, &n);
  EXPECT_EQ(n, 10u);
  EXPECT_LE(s.examined, 11u);

  s = run(*store, {F().ids({events[17].id, events[3999].id})}, &n);
  EXPECT_EQ(n, 2u);
  EXPECT_LE(s.examined, 2u);

  // The author's 100 events are the ceiling: a tag condition on top is checked, never scanned for.
  s = run(*store, {F().authors({pubkey_of(5)}).tag('p', {hex(pubkey_of(1005))})}, &n);
  EXPECT_EQ(n, 20u);
  EXPECT_LE(s.examined, 101u);
  EXPECT_EQ(store->count({F().authors({pubkey_of(5)}).kinds({1})}, kNow), 75u);
}

// Entries per named database, read straight from the file with the store closed.
std::map<std::string, std::size_t> entry_counts(const std::filesystem::path& dir) {
  std::map<std::string, std::size_t> counts;
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  EXPECT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, lmdb::kMaxDbs);
  mdb_env_set_mapsize(env, 64 << 20);  // LMDB maps at least the data; no need for the store's 1 TiB
  int rc = mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0644);
  if (rc == 0) rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
  if (rc != 0) {
    ADD_FAILURE() << mdb_strerror(rc);
    mdb_env_close(env);
    return counts;
  }
  auto entries = [&](const std::string& name) -> std::size_t {
    MDB_dbi dbi;
    MDB_stat stat;
    EXPECT_EQ(mdb_dbi_open(txn, name.c_str(), 0, &dbi), 0) << name;
    EXPECT_EQ(mdb_stat(txn, dbi, &stat), 0);
    return stat.ms_entries;
  };
  for (const char* name : {"events", "created", "pubkey", "kind", "pubkey_kind", "address", "expiry"}) {
    counts[name] = entries(name);
  }
  // The slots of the id and tag indexes together. Only a merge in progress has a key in two slots, and
  // the merges of these tests' few keys finish in the batch that starts them.
  counts["ids"] = entries("ids");
  counts["tag"] = entries("tag");
  for (unsigned slot = 1; slot < lmdb::kRunSlots; ++slot) {
    counts["ids"] += entries("ids." + std::to_string(slot));
    counts["tag"] += entries("tag." + std::to_string(slot));
  }
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return counts;
}

// What every index should hold for exactly these stored events.
std::map<std::string, std::size_t> expected_counts(const std::vector<Event>& stored) {
  std::map<std::string, std::size_t> counts;
  for (const char* name : {"events", "ids", "created", "pubkey", "kind", "pubkey_kind"})
    counts[name] = stored.size();
  std::size_t tags = 0, addresses = 0, expiring = 0;
  for (const auto& e : stored) {
    std::set<std::pair<std::string, std::string>> distinct;
    for (const auto& t : e.tags) {
      if (t.size() >= 2 && t[0].size() == 1) distinct.insert({t[0], t[1]});
    }
    tags += distinct.size();
    auto k = nostr::kind_class(e.kind);
    addresses += k == nostr::KindClass::kReplaceable || k == nostr::KindClass::kAddressable;
    expiring += nostr::expiration(e).has_value();
  }
  counts["tag"] = tags;
  counts["address"] = addresses;
  counts["expiry"] = expiring;
  return counts;
}

class LmdbRemovalTest : public LmdbStoreTest, public ::testing::WithParamInterface<std::size_t> {};

// With the default runs of the id and tag indexes, and with runs of 3 entries, sealed and merged all along.
INSTANTIATE_TEST_SUITE_P(Runs, LmdbRemovalTest, ::testing::Values(65536, 3));

TEST_P(LmdbRemovalTest, RemovalLeavesNoIndexEntryBehind) {
  LmdbOptions options;
  options.id_run_entries = options.tag_run_entries = GetParam();
  auto store = open(options);
  const auto alice = pubkey_of(1), bob = pubkey_of(2);
  std::vector<Event> notes;
  for (int i = 0; i < 20; ++i) {
    notes.push_back(make_event(i % 2 ? alice : bob, 1, kNow - 100 + i,
                               {{"t", "x"}, {"t", "x"}, {"p", hex(bob)}, {"title", "long name"}, {"e"}}));
  }
  store->write(notes, kNow);
  // Deleted in the batch it arrives in: its index entries were never committed.
  Event short_lived = make_event(alice, 1, kNow - 35, {{"t", "gone"}, {"p", hex(bob)}});
  std::vector<Event> batch = {
      short_lived,
      make_event(alice, 0, kNow - 50, {{"p", hex(bob)}}),
      make_event(alice, 0, kNow - 40, {{"t", "profile"}}),  // replaces the one above
      make_event(alice, 30023, kNow - 50, {{"d", "post"}, {"t", "x"}}),
      make_event(alice, 30023, kNow - 45, {{"d", "post"}, {"t", "y"}}),  // replaces the one above
      make_event(bob, 30023, kNow - 45, {{"d", "post"}}),
      make_event(alice, 5, kNow - 30,
                 {{"a", std::string("30023:").append(hex(alice)).append(":post")},
                  e_tag(notes[1]),
                  e_tag(notes[2]),
                  e_tag(short_lived)}),
      make_event(bob, 1, kNow - 10, {{"expiration", std::to_string(kNow + 10)}, {"t", "soon"}}),
      make_event(bob, 1, kNow - 10, {{"expiration", std::to_string(kNow + 1000)}, {"t", "later"}}),
  };
  for (const auto& r : store->write(batch, kNow)) EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(store->purge_expired(kNow + 10), 1u);

  std::vector<Event> stored;
  auto cursor = store->query({F()}, kNow);
  cursor->step(std::chrono::seconds(5),
               [&](const StoredEvent& e) { return stored.push_back(e.event), true; });
  EXPECT_EQ(stored.size(), 20u - 1 /* notes[1] is alice's */ + 1 + 1 + 1 + 1);
  store.reset();
  EXPECT_EQ(entry_counts(dir_.path() / "db"), expected_counts(stored));
}

TEST_F(LmdbStoreTest, MaxLimitCapsEveryFilter) {
  LmdbOptions options;
  options.max_limit = 4;
  auto store = open(options);
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) events.push_back(make_event(pubkey_of(1), 1, kNow - i));
  store->write(events, kNow);
  std::size_t n = 0;
  run(*store, {F()}, &n);
  EXPECT_EQ(n, 4u);
  run(*store, {F().limit(100)}, &n);
  EXPECT_EQ(n, 4u);
  run(*store, {F().limit(2)}, &n);
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(store->count({F()}, kNow), 10u);
}

// What the relay asks before delivering a regular event ahead of the writer.
TEST_F(LmdbStoreTest, KnownNewOnlyForEventsNeitherStoredNorDeleted) {
  auto store = open();
  const Event stored = make_event(pubkey_of(1), 1, kNow - 10);
  const Event deleted = make_event(pubkey_of(1), 1, kNow - 9);
  const Event fresh = make_event(pubkey_of(1), 1, kNow - 8);
  Event forged_copy = deleted;  // same id, another author: their deletion does not apply to it
  forged_copy.pubkey = pubkey_of(2);
  EXPECT_TRUE(store->known_new(stored));
  store->write(std::vector<Event>{stored, deleted}, kNow);
  EXPECT_FALSE(store->known_new(stored));
  store->write(std::vector<Event>{make_event(pubkey_of(1), nostr::kKindDeletion, kNow - 5, {e_tag(deleted)})},
               kNow);
  ASSERT_EQ(store->count({F().ids({deleted.id})}, kNow), 0u);
  EXPECT_FALSE(store->known_new(deleted));  // tombstoned for its author
  EXPECT_TRUE(store->known_new(forged_copy));
  EXPECT_TRUE(store->known_new(fresh));
}

TEST_F(LmdbStoreTest, FullMapFailsTheBatchCleanly) {
  LmdbOptions options;
  options.map_size = 4 << 20;
  auto store = open(options);
  Event first = make_event(pubkey_of(1), 1, kNow, {}, "first");
  Event expiring = make_event(pubkey_of(1), 1, kNow, {{"expiration", std::to_string(kNow + 1)}});
  for (const auto& r : store->write(std::vector{first, expiring}, kNow)) ASSERT_TRUE(r.ok());

  bool full = false;
  for (int batch = 0; batch < 100 && !full; ++batch) {
    std::vector<Event> events;
    for (int i = 0; i < 10; ++i) {
      events.push_back(make_event(pubkey_of(2), 1, kNow - batch * 10 - i, {}, std::string(50000, 'x')));
    }
    auto results = store->write(events, kNow);
    if (!results[0].ok()) {
      full = true;
      for (const auto& r : results) {
        EXPECT_EQ(r.status, WriteStatus::kError);
        EXPECT_EQ(r.message, "error: storage is full");
      }
    }
  }
  ASSERT_TRUE(full);
  // Earlier commits are intact and the store keeps serving.
  std::size_t n = 0;
  run(*store, {F().ids({first.id})}, &n);
  EXPECT_EQ(n, 1u);
  EXPECT_TRUE(store->writable());
  EXPECT_EQ(store->write(std::vector{first}, kNow)[0].status, WriteStatus::kDuplicate);
  EXPECT_LE(store->purge_expired(kNow + 1), 1u);  // may fail for want of pages, but never throws
}

TEST_F(LmdbStoreTest, CursorMayOutliveTheStore) {
  auto store = open();
  store->write(std::vector{make_event(pubkey_of(1), 1, kNow)}, kNow);
  auto cursor = store->query({F()}, kNow);
  store.reset();
  int n = 0;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(1), [&](const StoredEvent&) { return ++n, true; }));
  EXPECT_EQ(n, 1);
}

TEST_F(LmdbStoreTest, CreatesItsDirectoryAndReportsWhatItCannotOpen) {
  LmdbOptions options;
  options.directory = dir_.path() / "a" / "b" / "c";
  EXPECT_NE(open_lmdb_store(options), nullptr);
  EXPECT_TRUE(std::filesystem::exists(options.directory / "data.mdb"));

  std::ofstream(dir_.path() / "file") << "not a directory";
  options.directory = dir_.path() / "file";
  EXPECT_THROW(open_lmdb_store(options), std::runtime_error);
}

std::size_t virtual_memory_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

TEST_F(LmdbStoreTest, SmallerMapWhenAddressSpaceIsLimited) {
  // In a child process, since the limit cannot be lifted again: room for a few GiB more, not 1 TiB.
  auto dir = dir_.path() / "limited";
  EXPECT_EXIT(
      {
        rlimit limit{};
        limit.rlim_cur = limit.rlim_max = virtual_memory_bytes() + (std::size_t{4} << 30);
        if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(2);
        LmdbOptions options;
        options.directory = dir;
        auto store = open_lmdb_store(options);
        bool ok = store->write(std::vector{make_event(pubkey_of(1), 1, kNow)}, kNow)[0].ok();
        _exit(ok && store->count({F()}, kNow) == 1 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(LmdbStoreTest, ManyCursorsDoNotExhaustReaderSlots) {
  LmdbOptions options;
  options.max_readers = 8;
  auto store = open(options);
  store->write(std::vector{make_event(pubkey_of(1), 1, kNow)}, kNow);
  // Paused cursors hold no transaction, so far more of them than reader slots can be in flight.
  std::vector<std::unique_ptr<QueryCursor>> cursors;
  for (int i = 0; i < 100; ++i) {
    cursors.push_back(store->query({F()}, kNow));
    int n = 0;
    EXPECT_TRUE(cursors.back()->step(std::chrono::seconds(1), [&](const StoredEvent&) { return ++n, true; }));
    EXPECT_EQ(n, 1);
  }
}

}  // namespace
}  // namespace pleb::store::testing

namespace pleb::store::testing {
namespace {

// A consumer that cannot take more asks the cursor to pause: each step then ends after one event and
// the next resumes right after it, so nothing is lost or repeated.
TEST(LmdbCursorPause, PausingFromTheSinkYieldsAfterEachEventAndResumes) {
  ScratchStore scratch;
  auto& store = scratch.store;
  std::vector<nostr::Event> events;
  for (int i = 0; i < 10; ++i) events.push_back(make_event(pubkey_of(1), 1, kNow - 100 + i));
  for (const auto& result : store->write(events, kNow)) ASSERT_TRUE(result.ok()) << result.message;

  auto cursor = store->query_json({nostr::Filter{}}, kNow);
  std::vector<std::int64_t> seen;
  int steps = 0;
  bool done = false;
  while (!done && steps < 100) {
    ++steps;
    std::size_t in_this_step = 0;
    done = cursor->step(std::chrono::seconds(10), [&](const StoredEvent& stored) {
      seen.push_back(stored.event.created_at);
      ++in_this_step;
      cursor->pause();
      return true;
    });
    EXPECT_LE(in_this_step, 1u);
  }
  ASSERT_TRUE(done);
  ASSERT_EQ(seen.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(seen[i], kNow - 91 - i) << i;  // newest first, each once
  EXPECT_GE(steps, 10);
}

}  // namespace
}  // namespace pleb::store::testing
