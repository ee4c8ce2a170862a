// What only the PostgreSQL engine has: migrations, monthly partitions, the connection pool, and
// recovery after the server goes away.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "store/postgres/postgres_store.hpp"
#include "store/postgres/schema.hpp"
#include "test_database.hpp"
#include "test_events.hpp"

namespace pleb::store::testing {
namespace {

using nostr::Event;

const auto kAlice = pubkey_of(1);

std::int64_t wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs a function of tests/servers/servers.sh (stop_postgres, restart_postgres) on the server that
// run-with started; PG_DIR and PG_PORT come from it.
int servers(const std::string& function) {
  const char* pg_dir = std::getenv("PG_DIR");
  if (!pg_dir) return -1;
  // servers.sh makes a folder of its own unless told which one holds the servers.
  std::string dir = std::filesystem::path(pg_dir).parent_path().string();
  std::string command = "SERVERS_DIR='" + dir + "' bash -c 'source " PLEB_SERVERS_SH " && " + function + "'";
  return std::system(command.c_str());
}

std::string partition_of(const TestDatabase& db, const Event& e) {
  auto r =
      db.exec("SELECT tableoid::regclass::text FROM events WHERE event_id = '\\x" + hex(e.id) + "'::bytea");
  return r.empty() ? "" : r[0][0].as<std::string>();
}

std::vector<nostr::Bytes32> ids(EventStore& store, std::vector<nostr::Filter> filters,
                                std::int64_t now = kNow) {
  auto cursor = store.query(std::move(filters), now);
  std::vector<nostr::Bytes32> out;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(30), [&](const StoredEvent& e) {
    out.push_back(e.event.id);
    return true;
  }));
  return out;
}

class PostgresStore : public ::testing::Test {
 protected:
  WriteResult put(const Event& e, std::int64_t now = kNow) {
    auto results = store_->write(std::span<const Event>(&e, 1), now);
    return results.empty() ? WriteResult{} : results[0];
  }

  TestDatabase db_;
  PostgresOptions options_;
  std::unique_ptr<EventStore> store_ = open_postgres_store(db_.url(), options_);
};

TEST_F(PostgresStore, MigrationsRunOnceAndRecordTheirVersion) {
  store_.reset();
  store_ = open_postgres_store(db_.url(), options_);  // again: nothing to do
  auto versions = db_.exec("SELECT version FROM event_store_schema_version ORDER BY version");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0][0].as<int>(), pg::kSchemaVersion);
}

TEST_F(PostgresStore, TheOtherTagIndexIsRefused) {
  PostgresOptions gin = options_;
  gin.tag_index = TagIndex::kGin;
  try {
    open_postgres_store(db_.url(), gin);
    FAIL() << "opened a side-table database with the GIN tag index";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("side_table tag index, not gin"), std::string::npos) << e.what();
  }
}

TEST_F(PostgresStore, AnUnreachableServerIsAClearError) {
  TestDatabase other;
  std::string url = "postgresql://pleb@127.0.0.1:1/" + other.name();
  try {
    open_postgres_store(url, options_);
    FAIL() << "opened a store on a closed port";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot open the PostgreSQL event store: ", 0), 0u) << e.what();
  }
}

TEST_F(PostgresStore, PartitionsAreCreatedAhead) {
  auto partitions = db_.exec(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'events'::regclass");
  std::set<std::string> names;
  for (const auto& row : partitions) names.insert(row[0].as<std::string>());
  EXPECT_TRUE(names.count("events_default"));
  std::int64_t month = pg::month_start(wall_clock());
  for (int i = 0; i <= options_.partition_months_ahead; ++i, month = pg::next_month(month)) {
    EXPECT_TRUE(names.count(pg::partition_name(month))) << pg::partition_name(month);
  }
  EXPECT_FALSE(names.count(pg::partition_name(month))) << "no further than asked";
  EXPECT_EQ(pg::partition_name(pg::month_start(kNow)), "events_y2023m11");

  // Writing at another time prepares the months around that time.
  ASSERT_TRUE(put(make_event(kAlice, 1, kNow)).ok());
  auto created = db_.exec(
      "SELECT to_regclass('events_y2023m11') IS NOT NULL, to_regclass('events_y2024m02') IS NOT NULL");
  EXPECT_TRUE(created[0][0].as<bool>());
  EXPECT_TRUE(created[0][1].as<bool>());
}

TEST_F(PostgresStore, EventsOutsideThePartitionsLandInTheDefaultOne) {
  Event now = make_event(kAlice, 1, kNow);
  Event ancient = make_event(kAlice, 1, 1000);
  Event far_future = make_event(kAlice, 1, 4'000'000'000);
  for (const auto& r : store_->write(std::vector{now, ancient, far_future}, kNow))
    ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(partition_of(db_, now), "events_y2023m11");
  EXPECT_EQ(partition_of(db_, ancient), "events_default");
  EXPECT_EQ(partition_of(db_, far_future), "events_default");
  EXPECT_EQ(ids(*store_, {F()}), (std::vector{far_future.id, now.id, ancient.id}));
  EXPECT_EQ(ids(*store_, {F().ids({ancient.id})}), std::vector{ancient.id});
}

TEST_F(PostgresStore, ANewPartitionTakesItsMonthFromTheDefaultOne) {
  // Dated eight months after kNow, when only four months are prepared: it waits in the default.
  const std::int64_t later = kNow + 8 * 31 * 86400;
  Event early_bird = make_event(kAlice, 1, later, {{"t", "x"}});
  ASSERT_TRUE(put(early_bird).ok());
  EXPECT_EQ(partition_of(db_, early_bird), "events_default");
  // Time passes: the partitions of that month are created and the event moves in.
  ASSERT_TRUE(put(make_event(kAlice, 1, later), later).ok());
  EXPECT_EQ(partition_of(db_, early_bird), pg::partition_name(pg::month_start(later)));
  EXPECT_EQ(ids(*store_, {F().tag('t', {"x"})}, later), std::vector{early_bird.id});
  EXPECT_EQ(put(early_bird, later).status, WriteStatus::kDuplicate);
}

TEST_F(PostgresStore, ThePoolStaysFixedUnderManyConcurrentQueries) {
  options_.query_connections = 3;
  store_ = open_postgres_store(db_.url(), options_);
  std::vector<Event> events;
  for (int i = 0; i < 200; ++i) events.push_back(make_event(pubkey_of(i % 10), 1, kNow - i, {{"t", "pool"}}));
  for (const auto& r : store_->write(events, kNow)) ASSERT_TRUE(r.ok()) << r.message;

  const std::string connections = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db_.name() +
                                  "' AND application_name = 'pleb-event-store'";
  std::atomic<int> failures{0};
  std::atomic<int> completed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 10; ++i) {
        try {
          auto cursor =
              store_->query({F().authors({pubkey_of((c + i) % 10)}), F().tag('t', {"pool"}).limit(50)}, kNow);
          int n = 0;
          for (int steps = 0; steps < 10000; ++steps) {
            if (cursor->step(std::chrono::microseconds(100), [&](const StoredEvent&) { return ++n, true; }))
              break;
          }
          if (n < 50 || n > 70) failures++;  // 20 by the author, 50 tagged, some of them the same
          if (store_->count({F().tag('t', {"pool"})}, kNow) != 200) failures++;
          completed++;
        } catch (const std::exception&) {
          failures++;
        }
      }
    });
  }
  long most = 0;
  for (int sample = 0; sample < 10000 && completed < 160; ++sample) {
    most = std::max(most, db_.exec(connections)[0][0].as<long>());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(completed, 160);
  EXPECT_GE(most, 2) << "queries used the pool";
  EXPECT_LE(most, 3 + 1) << "three query connections and the writer's";
  EXPECT_LE(db_.exec(connections)[0][0].as<long>(), 4);
}

TEST_F(PostgresStore, ServerStoppedThenRestarted) {
  ASSERT_NE(std::getenv("PG_DIR"), nullptr) << "run under tests/servers/run-with --postgres";
  Event before = make_event(kAlice, 1, kNow - 1);
  ASSERT_TRUE(put(before).ok());
  ASSERT_EQ(ids(*store_, {F()}), std::vector{before.id});  // a query connection is open and idle

  ASSERT_EQ(servers("stop_postgres"), 0);
  Event during = make_event(kAlice, 1, kNow);
  auto failed = store_->write(std::vector{during, make_event(kAlice, 7, kNow)}, kNow);
  ASSERT_EQ(failed.size(), 2u);
  for (const auto& r : failed) {
    EXPECT_EQ(r.status, WriteStatus::kError);
    EXPECT_EQ(r.message.rfind("error: ", 0), 0u) << r.message;
  }
  EXPECT_THROW(ids(*store_, {F()}), std::runtime_error);
  EXPECT_THROW(store_->count({F()}, kNow), std::runtime_error);
  EXPECT_FALSE(store_->writable());
  EXPECT_EQ(store_->purge_expired(kNow), 0u);

  ASSERT_EQ(servers("restart_postgres"), 0);
  EXPECT_TRUE(store_->writable());
  ASSERT_TRUE(put(during).ok()) << "the same store reconnects";
  EXPECT_EQ(ids(*store_, {F()}), (std::vector{during.id, before.id}));
  EXPECT_EQ(store_->count({F()}, kNow), 2u);
}

TEST_F(PostgresStore, AQueryStoppedByTheServerThrowsAtItsNextStep) {
  ASSERT_NE(std::getenv("PG_DIR"), nullptr) << "run under tests/servers/run-with --postgres";
  std::vector<Event> events;
  for (int i = 0; i < 50; ++i) events.push_back(make_event(kAlice, 1, kNow - i));
  for (const auto& r : store_->write(events, kNow)) ASSERT_TRUE(r.ok()) << r.message;
  auto cursor = store_->query({F().authors({kAlice}), F().kinds({1})}, kNow);
  int n = 0;
  auto sink = [&](const StoredEvent&) { return ++n, true; };
  ASSERT_FALSE(cursor->step(std::chrono::microseconds(0), sink));
  ASSERT_EQ(servers("stop_postgres"), 0);
  // What was fetched is delivered; the next page needs the server.
  bool threw = false;
  try {
    for (int steps = 0; steps < 1000 && !cursor->step(std::chrono::microseconds(0), sink); ++steps) {
    }
  } catch (const std::runtime_error& e) {
    threw = true;
    EXPECT_EQ(std::string(e.what()).rfind("database", 0), 0u) << e.what();
  }
  ASSERT_EQ(servers("restart_postgres"), 0);
  EXPECT_TRUE(threw);
  EXPECT_EQ(n, 50) << "the first filter's page was fetched before the stop";
}

TEST_F(PostgresStore, StepsFetchPagesAndRecordThePlan) {
  options_.page_rows = 16;
  store_ = open_postgres_store(db_.url(), options_);
  std::vector<Event> events;
  for (int i = 0; i < 100; ++i) events.push_back(make_event(kAlice, i % 2 ? 1 : 7, kNow - i, {{"t", "p"}}));
  for (const auto& r : store_->write(events, kNow)) ASSERT_TRUE(r.ok()) << r.message;
  auto cursor = store_->query({F().authors({kAlice}).kinds({1}), F().tag('t', {"p"}).limit(30)}, kNow);
  int n = 0;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(30), [&](const StoredEvent&) { return ++n, true; }));
  EXPECT_EQ(n, 50 + 15);  // 30 newest tagged: 15 of kind 1 already sent
  auto stats = cursor->stats();
  EXPECT_EQ(stats.plan, "pubkey_kind[1]; tag[#t x1]");
  EXPECT_EQ(stats.delivered, 65u);
  EXPECT_GE(stats.examined, 80u);
}

TEST_F(PostgresStore, TheTagConditionWithFewerEntriesDrivesTheQuery) {
  std::vector<Event> events;
  for (int i = 0; i < 300; ++i) {
    std::vector<nostr::Tag> tags = {{"t", "common"}};
    if (i % 100 == 7) tags.push_back({"p", "rare"});
    events.push_back(make_event(kAlice, 1, kNow - i, tags));
  }
  events.push_back(make_event(kAlice, 1, kNow - 1000, {{"p", "rare"}}));  // not "common": left out
  for (const auto& r : store_->write(events, kNow)) ASSERT_TRUE(r.ok()) << r.message;
  // One value of t against two of p: by values alone t would drive, yet it has 100 times the entries.
  nostr::Filter filter = F().tag('t', {"common"}).tag('p', {"rare", "unused"});
  auto cursor = store_->query({filter}, kNow);
  std::vector<nostr::Bytes32> got;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(30), [&](const StoredEvent& e) {
    got.push_back(e.event.id);
    return true;
  }));
  EXPECT_EQ(got, (std::vector{events[7].id, events[107].id, events[207].id}));
  EXPECT_EQ(cursor->stats().plan, "tag[#p x2]");
  EXPECT_LE(cursor->stats().examined, 4u) << "the p entries, not the 300 t entries";
  EXPECT_EQ(store_->count({filter}, kNow), 3u);
}

// Two relay processes share the database: two stores writing the same events at once must agree on
// one copy of each, and on one version of each replaceable event.
TEST_F(PostgresStore, TwoStoresWritingTheSameEventsAtOnce) {
  auto other = open_postgres_store(db_.url(), options_);
  std::vector<Event> notes;
  std::vector<Event> profiles;
  for (int i = 0; i < 200; ++i) notes.push_back(make_event(pubkey_of(i % 7), 1, kNow - i));
  for (int v = 0; v < 20; ++v)
    profiles.push_back(make_event(kAlice, 0, kNow - 100 + v, {}, "v" + std::to_string(v)));
  std::atomic<int> stored{0};
  std::atomic<int> errors{0};
  auto writer = [&](EventStore& store, bool reversed) {
    for (int round = 0; round < 10; ++round) {
      std::vector<Event> batch;
      for (int i = 0; i < 20; ++i) batch.push_back(notes[round * 20 + (reversed ? 19 - i : i)]);
      batch.push_back(profiles[reversed ? 19 - 2 * round : 2 * round]);
      for (const auto& r : store.write(batch, kNow)) {
        if (r.ok()) stored++;
        if (r.status == WriteStatus::kError) errors++;
      }
    }
  };
  std::thread a([&] { writer(*store_, false); });
  std::thread b([&] { writer(*other, true); });
  a.join();
  b.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(store_->count({F().kinds({1})}, kNow), 200u);
  EXPECT_EQ(ids(*store_, {F().kinds({0})}), std::vector{profiles[19].id});
  // Every note stored once; each profile version stored at most once, and only the newest remains.
  EXPECT_GE(stored, 200 + 1);
  EXPECT_LE(stored, 200 + 20);
  EXPECT_EQ(db_.exec("SELECT count(*) FROM event_ids")[0][0].as<int>(), 201);
}

// PostgreSQL text and jsonb refuse U+0000; what is served must still be exact, and a filter must not
// confuse it with the U+FFFD that stands for it in SQL.
TEST_F(PostgresStore, StringsWithNulAreStoredAndMatchedExactly) {
  const std::string nul("x\0y", 3);
  const std::string replacement = "x\xEF\xBF\xBDy";
  Event with_nul = make_event(kAlice, 1, kNow - 1, {{"t", nul}}, std::string("hello\0world", 11));
  Event with_replacement = make_event(kAlice, 1, kNow - 2, {{"t", replacement}}, "hello\xEF\xBF\xBDworld");
  for (const auto& r : store_->write(std::vector{with_nul, with_replacement}, kNow)) {
    ASSERT_TRUE(r.ok()) << r.message;
  }
  auto cursor = store_->query({F().ids({with_nul.id})}, kNow);
  std::vector<StoredEvent> got;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(30), [&](const StoredEvent& e) {
    got.push_back(e);
    return true;
  }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, with_nul);
  EXPECT_EQ(got[0].json, nostr::to_json(with_nul));

  EXPECT_EQ(ids(*store_, {F().tag('t', {nul})}), std::vector{with_nul.id});
  EXPECT_EQ(ids(*store_, {F().tag('t', {replacement})}), std::vector{with_replacement.id});
  EXPECT_EQ(store_->count({F().tag('t', {nul})}, kNow), 1u);
  EXPECT_EQ(ids(*store_, {F().search(std::string("o\0w", 3))}), std::vector{with_nul.id});
  EXPECT_EQ(ids(*store_, {F().search("o\xEF\xBF\xBDw")}), std::vector{with_replacement.id});
}

TEST_F(PostgresStore, LongTagValuesAndDTagsWork) {
  const std::string long_value(3000, 'v');  // too long for a btree entry as it is
  const std::string long_d(4000, 'd');
  Event tagged = make_event(kAlice, 1, kNow - 1, {{"r", long_value}});
  Event article = make_event(kAlice, 30023, kNow - 10, {{"d", long_d}});
  for (const auto& r : store_->write(std::vector{tagged, article}, kNow)) ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(ids(*store_, {F().tag('r', {long_value})}), std::vector{tagged.id});
  EXPECT_TRUE(ids(*store_, {F().tag('r', {long_value + "w"})}).empty());
  Event edit = make_event(kAlice, 30023, kNow - 5, {{"d", long_d}});
  ASSERT_TRUE(put(edit).ok());
  EXPECT_EQ(ids(*store_, {F().kinds({30023})}), std::vector{edit.id});
  EXPECT_EQ(ids(*store_, {F().tag('d', {long_d})}), std::vector{edit.id});
}

}  // namespace
}  // namespace pleb::store::testing
