#pragma once
// The database of the services (accounts, names, membership, governance...): SQLite in the data folder
// for `pleb serve`, PostgreSQL for `pleb api`, both through SOCI with the same SQL. Each service brings
// its own numbered migrations; they run at start-up, each once, each in its own transaction.
//
// Connections come from a small pool, so handlers on several threads query at once. Write transactions
// on SQLite take the write lock when they begin (BEGIN IMMEDIATE): two writers wait for each other
// instead of failing on a lock upgrade.
#include <soci/soci.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pleb::store {

enum class SqlDialect { kSqlite, kPostgres };

// The database failed or is unreachable; callers answer "service unavailable" and lose nothing.
struct ServiceDbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One schema change of one service. Statements are portable SQL (SQLite and PostgreSQL), run in order.
struct Migration {
  int version = 0;  // 1, 2, 3...: applied in increasing order
  std::string name;
  std::vector<std::string> statements;
};

class ServiceDb {
 public:
  // `location`: a postgres:// or postgresql:// URL, or the path of a SQLite file (created when missing).
  static std::unique_ptr<ServiceDb> open(const std::string& location, std::size_t connections = 4);
  ~ServiceDb();
  ServiceDb(const ServiceDb&) = delete;
  ServiceDb& operator=(const ServiceDb&) = delete;

  SqlDialect dialect() const { return dialect_; }

  // Applies the migrations of `service` that this database has not seen yet, in version order, each in
  // one transaction together with its row in schema_migrations. Safe when several processes start at
  // once. Fails when the database already holds a version this build does not know (a newer build
  // migrated it). Returns how many were applied.
  int migrate(std::string_view service, const std::vector<Migration>& migrations);
  // The highest applied version of `service` (0: none).
  int schema_version(std::string_view service);

  // Runs `work` on a pooled connection; each statement commits on its own. A connection the server
  // dropped (restart, failover) is reopened and `work` runs once more, so `work` must keep its state
  // inside itself.
  template <typename Work>
  auto read(Work&& work) -> decltype(work(std::declval<soci::session&>())) {
    soci::session sql(*pool_);
    for (int attempt = 1;; ++attempt) {
      try {
        return work(sql);
      } catch (const soci::soci_error& error) {
        if (!reconnected(sql) || attempt == 2) throw ServiceDbError(error.what());
      }
    }
  }

  // Runs `work` in a write transaction: committed when `work` returns, rolled back when it throws
  // (the exception goes on; SOCI's are turned into ServiceDbError). A failure after BEGIN is not
  // retried: whether a lost COMMIT took effect is unknown, so the caller decides.
  template <typename Work>
  auto write(Work&& work) -> decltype(work(std::declval<soci::session&>())) {
    soci::session sql(*pool_);
    for (int attempt = 1;; ++attempt) {
      try {
        begin(sql);
        break;
      } catch (const soci::soci_error& error) {
        // Nothing ran yet: on a reopened connection the transaction can begin again.
        if (!reconnected(sql) || attempt == 2) throw ServiceDbError(error.what());
      }
    }
    try {
      if constexpr (std::is_void_v<decltype(work(sql))>) {
        work(sql);
        sql << "COMMIT";
      } else {
        auto result = work(sql);
        sql << "COMMIT";
        return result;
      }
    } catch (const soci::soci_error& error) {
      rollback(sql);
      throw ServiceDbError(error.what());
    } catch (...) {
      rollback(sql);
      throw;
    }
  }

 private:
  ServiceDb(SqlDialect dialect, std::size_t connections);
  void begin(soci::session& sql);
  void lock_migrations(soci::session& sql);
  void rollback(soci::session& sql) noexcept;
  // True when `sql` had lost its server connection and now has a new one.
  bool reconnected(soci::session& sql) noexcept;

  SqlDialect dialect_;
  std::unique_ptr<soci::connection_pool> pool_;
};

// True for a PostgreSQL URL (postgres:// or postgresql://).
bool is_postgres_url(std::string_view location);
// The URL in libpq's keyword form (host='...' port='...' ...), which SOCI passes on unchanged.
std::string postgres_conninfo(std::string_view url);

}  // namespace pleb::store
