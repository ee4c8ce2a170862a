#include "store/postgres/postgres_store.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>

#include "store/postgres/connection_pool.hpp"
#include "store/postgres/event_writer.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/sql_text.hpp"
#include "store/postgres/write_plan.hpp"

namespace pleb::store {
namespace {

using pg::ConnectionPool;

constexpr std::size_t kPurgeChunk = 1000;

std::string describe_failure(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return "database unavailable";
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e)) return "database connection lost during commit";
  return "database: " + pg::first_line(e.what());
}

std::int64_t wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// libpq gives up connecting after connect_timeout only when asked to.
std::string with_connect_timeout(const std::string& url, std::chrono::seconds timeout) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  std::string setting = "connect_timeout=" + std::to_string(timeout.count());
  bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!uri) return url.empty() ? setting : url + " " + setting;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + setting;
}

class PostgresStore final : public EventStore {
 public:
  PostgresStore(const std::string& url, const PostgresOptions& options)
      : options_(options),
        writer_(ConnectionPool::Settings{url, 1, options.acquire_timeout, options.statement_timeout}),
        readers_(std::make_shared<ConnectionPool>(ConnectionPool::Settings{
            url, options.query_connections, options.acquire_timeout, options.statement_timeout})) {
    query_settings_.tag_index = options.tag_index;
    query_settings_.max_limit = options.max_limit;
    query_settings_.page_rows = options.page_rows;
    query_settings_.max_prefixes = options.max_scan_prefixes;
    writer_.with_connection([&](pqxx::connection& connection) {
      pg::migrate(connection, options_.tag_index);
      ensure_partitions(connection, wall_clock());
    });
  }

  using EventStore::write;
  std::vector<WriteResult> write(std::span<const EventToWrite> events, std::int64_t now,
                                 const BeforeCommit& before_commit) override {
    if (events.empty()) return {};
    std::lock_guard lock(write_mutex_);
    try {
      const pg::BatchKeys keys = pg::keys_of(events);
      bool announced = false;
      return writer_.with_connection([&](pqxx::connection& connection) {
        if (announced) throw pqxx::in_doubt_error("connection lost after the batch was announced");
        keep_partitions_ahead(connection, now);
        pqxx::work txn(connection);
        pg::WritePlan plan = pg::plan_batch(events, now, pg::lock_and_load(txn, keys));
        pg::apply_plan(txn, plan, now, options_.tag_index);
        announced = true;
        if (before_commit) before_commit(plan.results);
        txn.commit();
        return std::move(plan.results);
      });
    } catch (const std::exception& e) {
      // The transaction was rolled back: nothing of the batch is stored.
      return std::vector<WriteResult>(events.size(), error_result(describe_failure(e)));
    }
  }

  std::unique_ptr<QueryCursor> query(std::vector<nostr::Filter> filters, std::int64_t now) override {
    return std::make_unique<pg::PgQueryCursor>(readers_, query_settings_, std::move(filters), now, true);
  }

  std::unique_ptr<QueryCursor> query_json(std::vector<nostr::Filter> filters, std::int64_t now) override {
    return std::make_unique<pg::PgQueryCursor>(readers_, query_settings_, std::move(filters), now, false);
  }

  std::uint64_t count(const std::vector<nostr::Filter>& filters, std::int64_t now) override {
    return pg::count_matching(readers_, query_settings_, filters, now);
  }

  std::size_t erase(std::span<const nostr::Bytes32> ids) override {
    if (ids.empty()) return 0;
    std::string listed;
    for (const auto& id : ids) {
      if (!listed.empty()) listed.push_back(',');
      pg::append_bytea(listed, id);
    }
    return removing("SELECT created_at, event_id FROM event_ids WHERE event_id IN (" + listed + ")");
  }

  std::size_t erase_author(const nostr::Bytes32& pubkey, std::size_t limit) override {
    std::string source = "SELECT created_at, event_id FROM events WHERE pubkey = ";
    pg::append_bytea(source, pubkey);
    source.append(" LIMIT ").append(std::to_string(limit));
    return removing(source);
  }

  std::size_t purge_expired(std::int64_t now) override {
    const std::string source =
        "SELECT created_at, event_id FROM events WHERE expiration <= " + std::to_string(now) + " LIMIT " +
        std::to_string(kPurgeChunk);
    std::size_t removed = 0;
    try {
      // Chunks in their own transactions, so that the write lock is never held for long.
      for (;;) {
        std::size_t chunk = removing(source);
        removed += chunk;
        if (chunk < kPurgeChunk) break;
      }
    } catch (const std::exception&) {
      // Housekeeping: expired events stay hidden from queries, and the next call tries again.
    }
    return removed;
  }

  bool writable() override {
    std::lock_guard lock(write_mutex_);
    try {
      return writer_.with_connection([](pqxx::connection& connection) {
        pqxx::nontransaction txn(connection);
        return !txn.exec1("SELECT pg_is_in_recovery()")[0].as<bool>();  // a standby cannot take writes
      });
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  // Removes the events `source` selects (created_at, event_id) in one transaction; how many there were.
  std::size_t removing(const std::string& source) {
    const std::string sql = pg::removal_sql(source, options_.tag_index);
    std::lock_guard lock(write_mutex_);
    try {
      return writer_.with_connection([&](pqxx::connection& connection) {
        pqxx::work txn(connection);
        txn.exec("SELECT pg_advisory_xact_lock(" + std::to_string(pg::kWriteLock) + ")");
        auto removed = txn.exec1(sql)[0].as<std::size_t>();
        txn.commit();
        return removed;
      });
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot remove events: " + describe_failure(e));
    }
  }

  void ensure_partitions(pqxx::connection& connection, std::int64_t now) {
    pg::ensure_partitions(connection, now, options_.partition_months_ahead);
    partitions_checked_for_ = pg::month_start(now);
  }

  // Once per month of `now`, the partitions ahead are extended. Should that fail for any reason
  // other than a lost connection, the batch still goes in (the default partition takes anything)
  // and the next batch tries again.
  void keep_partitions_ahead(pqxx::connection& connection, std::int64_t now) {
    if (pg::month_start(now) == partitions_checked_for_) return;
    try {
      ensure_partitions(connection, now);
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const std::exception&) {
    }
  }

  PostgresOptions options_;
  pg::QuerySettings query_settings_;
  std::mutex write_mutex_;
  ConnectionPool writer_;  // guarded by write_mutex_
  std::shared_ptr<ConnectionPool> readers_;
  std::int64_t partitions_checked_for_ = INT64_MIN;
};

}  // namespace

std::unique_ptr<EventStore> open_postgres_store(const std::string& url, const PostgresOptions& options) {
  try {
    return std::make_unique<PostgresStore>(with_connect_timeout(url, options.connect_timeout), options);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open the PostgreSQL event store: " + pg::first_line(e.what()));
  }
}

}  // namespace pleb::store
