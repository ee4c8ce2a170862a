// ServiceDb: migrations (once each, in order, atomically, across processes) and transactions.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "scratch_db.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::store {
namespace {

using pleb::testing::Backend;
using pleb::testing::BothDatabases;

std::vector<Migration> two_steps() {
  return {
      {1, "notes", {"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"}},
      {2,
       "note authors",
       {"ALTER TABLE notes ADD COLUMN author TEXT", "CREATE INDEX notes_by_author ON notes (author)"}},
  };
}

int count_rows(ServiceDb& db, const std::string& table) {
  return db.read([&](soci::session& sql) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
  });
}

class ServiceDbTest : public BothDatabases {};

TEST_P(ServiceDbTest, AppliesEachMigrationOnceAcrossOpenings) {
  {
    auto db = scratch().open();
    EXPECT_EQ(db->dialect(), GetParam() == Backend::kSqlite ? SqlDialect::kSqlite : SqlDialect::kPostgres);
    EXPECT_EQ(db->schema_version("notes"), 0);
    EXPECT_EQ(db->migrate("notes", two_steps()), 2);
    EXPECT_EQ(db->migrate("notes", two_steps()), 0);
    db->write(
        [](soci::session& sql) { sql << "INSERT INTO notes (id, body, author) VALUES (1, 'kept', 'a')"; });
  }
  auto reopened = scratch().open();
  EXPECT_EQ(reopened->migrate("notes", two_steps()), 0);
  EXPECT_EQ(reopened->schema_version("notes"), 2);
  EXPECT_EQ(count_rows(*reopened, "notes"), 1);
  EXPECT_EQ(count_rows(*reopened, "schema_migrations"), 2);
}

TEST_P(ServiceDbTest, AppliesOnlyTheNewStepsOfALaterBuild) {
  auto db = scratch().open();
  auto steps = two_steps();
  EXPECT_EQ(db->migrate("notes", {steps[0]}), 1);
  EXPECT_EQ(db->schema_version("notes"), 1);
  EXPECT_EQ(db->migrate("notes", steps), 1);
  EXPECT_EQ(db->schema_version("notes"), 2);
}

TEST_P(ServiceDbTest, AppliesAStepMergedInBelowTheHighestApplied) {
  auto db = scratch().open();
  auto steps = two_steps();
  steps.push_back({3, "tags", {"CREATE TABLE tags (name TEXT PRIMARY KEY)"}});
  EXPECT_EQ(db->migrate("notes", {steps[0], steps[2]}), 2);  // a branch with 1 and 3
  EXPECT_EQ(db->migrate("notes", steps), 1);                 // 2 arrives with a later merge
  EXPECT_EQ(count_rows(*db, "schema_migrations"), 3);
  db->write([](soci::session& sql) { sql << "INSERT INTO notes (id, body, author) VALUES (1, 'x', 'a')"; });
}

TEST_P(ServiceDbTest, ServicesHaveSeparateVersions) {
  auto db = scratch().open();
  EXPECT_EQ(db->migrate("notes", two_steps()), 2);
  EXPECT_EQ(db->migrate("tags", {{1, "tags", {"CREATE TABLE tags (name TEXT PRIMARY KEY)"}}}), 1);
  EXPECT_EQ(db->schema_version("notes"), 2);
  EXPECT_EQ(db->schema_version("tags"), 1);
}

TEST_P(ServiceDbTest, AFailingMigrationLeavesNothingBehind) {
  auto db = scratch().open();
  std::vector<Migration> broken = {
      {1, "half done", {"CREATE TABLE first_half (id INTEGER)", "CREATE TABLE broken (id NOSUCHSYNTAX("}}};
  try {
    db->migrate("broken", broken);
    FAIL() << "a broken migration must throw";
  } catch (const ServiceDbError& error) {
    EXPECT_NE(std::string(error.what()).find("migration broken 1 (half done)"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(db->schema_version("broken"), 0);
  EXPECT_THROW(count_rows(*db, "first_half"), ServiceDbError);
  // Fixed, it applies.
  broken[0].statements[1] = "CREATE TABLE broken (id INTEGER)";
  EXPECT_EQ(db->migrate("broken", broken), 1);
  EXPECT_EQ(count_rows(*db, "first_half"), 0);
}

TEST_P(ServiceDbTest, RefusesADatabaseANewerBuildMigrated) {
  auto db = scratch().open();
  db->migrate("notes", two_steps());
  try {
    db->migrate("notes", {two_steps()[0]});
    FAIL() << "an older build must not run on a newer schema";
  } catch (const ServiceDbError& error) {
    EXPECT_NE(std::string(error.what()).find("newer than this build knows"), std::string::npos)
        << error.what();
  }
}

TEST_P(ServiceDbTest, RefusesDuplicateVersions) {
  auto db = scratch().open();
  EXPECT_THROW(db->migrate("dup", {{1, "a", {"CREATE TABLE a (x INTEGER)"}},
                                   {1, "b", {"CREATE TABLE b (x INTEGER)"}}}),
               ServiceDbError);
  EXPECT_THROW(db->migrate("zero", {{0, "a", {"CREATE TABLE a (x INTEGER)"}}}), ServiceDbError);
}

TEST_P(ServiceDbTest, ProcessesStartingTogetherMigrateOnce) {
  // Two ServiceDb objects are two processes' connections to one database.
  auto first = scratch().open(2);
  auto second = scratch().open(2);
  std::atomic<int> applied{0};
  std::atomic<int> failures{0};
  std::latch start(2);
  auto run = [&](ServiceDb* db) {
    start.arrive_and_wait();
    try {
      applied += db->migrate("notes", two_steps());
    } catch (const std::exception& error) {
      ADD_FAILURE() << error.what();
      ++failures;
    }
  };
  std::thread a(run, first.get());
  std::thread b(run, second.get());
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(applied.load(), 2);
  EXPECT_EQ(first->schema_version("notes"), 2);
}

TEST_P(ServiceDbTest, WriteCommitsOnReturnAndRollsBackOnThrow) {
  auto db = scratch().open();
  db->migrate("notes", two_steps());
  db->write([](soci::session& sql) { sql << "INSERT INTO notes (id, body) VALUES (1, 'committed')"; });
  EXPECT_THROW(db->write([](soci::session& sql) {
    sql << "INSERT INTO notes (id, body) VALUES (2, 'rolled back')";
    throw std::runtime_error("handler failed");
  }),
               std::runtime_error);
  // A failing statement rolls back the statements before it, and the connection stays usable.
  EXPECT_THROW(db->write([](soci::session& sql) {
    sql << "INSERT INTO notes (id, body) VALUES (3, 'rolled back')";
    sql << "INSERT INTO notes (id, body) VALUES (1, 'duplicate key')";
  }),
               ServiceDbError);
  EXPECT_EQ(count_rows(*db, "notes"), 1);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(count_rows(*db, "notes"), 1);  // every pooled connection still works
}

TEST_P(ServiceDbTest, ConcurrentWritersAllCommit) {
  auto db = scratch().open(4);
  db->migrate("notes", two_steps());
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        int id = t * kEach + i;
        db->write([&](soci::session& sql) {
          int max = 0;
          soci::indicator ind;
          sql << "SELECT MAX(id) FROM notes", soci::into(max, ind);
          sql << "INSERT INTO notes (id, body) VALUES (:id, 'x')", soci::use(id);
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(count_rows(*db, "notes"), kThreads * kEach);
}

TEST(ServiceDbOpen, UnreachablePostgresIsAClearError) {
  try {
    ServiceDb::open("postgresql://pleb@127.0.0.1:1/none?connect_timeout=2");
    FAIL() << "opening an unreachable server must throw";
  } catch (const ServiceDbError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot open the service database"), std::string::npos);
  }
}

TEST(ServiceDbOpen, UnwritableSqlitePathIsAClearError) {
  EXPECT_THROW(ServiceDb::open("/proc/pleb-cannot-write-here/services.db"), ServiceDbError);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServiceDbTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         pleb::testing::backend_name);

}  // namespace
}  // namespace pleb::store

namespace pleb::store {
namespace {

TEST(PostgresUrl, PartsAreDecodedAndQuotedForLibpq) {
  EXPECT_EQ(postgres_conninfo("postgresql://us%40r:p'w%5C@[::1]:5433/pleb%20db?sslmode=disable"),
            "host='::1' port='5433' user='us@r' password='p\\'w\\\\' dbname='pleb db' sslmode='disable'");
}

TEST(PostgresUrl, MalformedEscapesAndNulsAreRefused) {
  for (const char* url : {"postgresql://u:p%zz@host/db", "postgresql://host/d%00b",
                          "postgresql://host/db?x=%4", "postgresql://host:54x2/db",
                          "postgresql://host:543210/db", "postgresql://host/db?a%3D%27b%27%20host=evil"}) {
    EXPECT_THROW(postgres_conninfo(url), ServiceDbError) << url;
  }
}

}  // namespace
}  // namespace pleb::store
