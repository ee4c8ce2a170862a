#include "store/service_db/service_db.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "nostr/bytes.hpp"

namespace pleb::store {
namespace {

// Joins pieces of a message with append (g++ 12 -O3 misreads chains of string operator+ as overlapping
// copies and fails the release build with -Wrestrict).
std::string join_text(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out.append(part);
  return out;
}

// Serializes migrations across processes sharing one PostgreSQL database ("pleb" in ASCII).
constexpr long long kMigrationLockKey = 0x706c6562;

std::string sqlite_connect_string(const std::string& path) {
  // SOCI reads a string without '=' as the file name itself; otherwise it wants db="...".
  if (path.find('=') == std::string::npos) return path;
  if (path.find('"') != std::string::npos)
    throw ServiceDbError(join_text({"unsupported SQLite path: ", path}));
  return join_text({"db=\"", path, "\""});
}

std::string percent_decode(std::string_view text) {
  auto decoded = nostr::percent_decode(text);
  if (!decoded) throw ServiceDbError("malformed PostgreSQL URL (bad percent escape, or a NUL)");
  return std::move(*decoded);
}

void append_conninfo(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  if (!out.empty()) out.push_back(' ');
  out.append(key);
  out.append("='");
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

}  // namespace

// SOCI 4.0 reads its connection string as key=value pairs and mangles URLs, so the URL is turned into
// libpq's keyword form: postgresql://user:password@host:port/dbname?option=value&...
std::string postgres_conninfo(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view dbname;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    dbname = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string_view userinfo;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest, port;
  if (rest.starts_with('[')) {  // [IPv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos) throw ServiceDbError("malformed PostgreSQL URL (IPv6 host)");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
    throw ServiceDbError("malformed PostgreSQL URL (port)");
  std::string conninfo;
  append_conninfo(conninfo, "host", percent_decode(host));
  append_conninfo(conninfo, "port", port);
  if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
    append_conninfo(conninfo, "user", percent_decode(userinfo.substr(0, colon)));
    append_conninfo(conninfo, "password", percent_decode(userinfo.substr(colon + 1)));
  } else {
    append_conninfo(conninfo, "user", percent_decode(userinfo));
  }
  append_conninfo(conninfo, "dbname", percent_decode(dbname));
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    // libpq takes keywords bare: anything but a plain name could smuggle in another option.
    std::string keyword = percent_decode(pair.substr(0, eq));
    if (keyword.empty() || keyword.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
      throw ServiceDbError("malformed PostgreSQL URL (query parameter name)");
    append_conninfo(conninfo, keyword, percent_decode(pair.substr(eq + 1)));
  }
  return conninfo;
}

namespace {

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool is_postgres_url(std::string_view location) {
  return location.starts_with("postgres://") || location.starts_with("postgresql://");
}

ServiceDb::ServiceDb(SqlDialect dialect, std::size_t connections)
    : dialect_(dialect), pool_(std::make_unique<soci::connection_pool>(connections)) {}

ServiceDb::~ServiceDb() = default;

std::unique_ptr<ServiceDb> ServiceDb::open(const std::string& location, std::size_t connections) {
  connections = std::max<std::size_t>(connections, 1);
  bool postgres = is_postgres_url(location);
  std::unique_ptr<ServiceDb> db(
      new ServiceDb(postgres ? SqlDialect::kPostgres : SqlDialect::kSqlite, connections));
  try {
    if (!postgres) {
      std::filesystem::path parent = std::filesystem::path(location).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
    }
    for (std::size_t i = 0; i < connections; ++i) {
      soci::session& sql = db->pool_->at(i);
      if (postgres) {
        sql.open(*soci::factory_postgresql(), postgres_conninfo(location));
      } else {
        sql.open(*soci::factory_sqlite3(), sqlite_connect_string(location));
        // WAL: readers never wait for the writer. The busy timeout makes writers queue for the lock.
        sql << "PRAGMA busy_timeout = 10000";
        sql << "PRAGMA journal_mode = WAL";
        sql << "PRAGMA foreign_keys = ON";
      }
    }
  } catch (const soci::soci_error& error) {
    throw ServiceDbError(join_text({"cannot open the service database: ", error.what()}));
  } catch (const std::filesystem::filesystem_error& error) {
    throw ServiceDbError(join_text({"cannot open the service database: ", error.what()}));
  }
  db->write([&](soci::session& sql) {
    db->lock_migrations(sql);
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           "service TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL, "
           "PRIMARY KEY (service, version))";
  });
  return db;
}

void ServiceDb::lock_migrations(soci::session& sql) {
  if (dialect_ == SqlDialect::kPostgres) sql << "SELECT pg_advisory_xact_lock(" << kMigrationLockKey << ")";
}

void ServiceDb::begin(soci::session& sql) {
  sql << (dialect_ == SqlDialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

void ServiceDb::rollback(soci::session& sql) noexcept {
  try {
    sql << "ROLLBACK";
  } catch (...) {
    reconnected(sql);
  }
}

bool ServiceDb::reconnected(soci::session& sql) noexcept {
  // A PostgreSQL connection lost with its server is opened again; SQLite has no connection to lose.
  if (dialect_ != SqlDialect::kPostgres) return false;
  try {
    if (sql.is_connected()) return false;
    sql.reconnect();
    return sql.is_connected();
  } catch (...) {
    return false;
  }
}

int ServiceDb::schema_version(std::string_view service) {
  return read([&](soci::session& sql) {
    int version = 0;
    soci::indicator ind = soci::i_null;
    std::string name(service);
    sql << "SELECT MAX(version) FROM schema_migrations WHERE service = :service", soci::into(version, ind),
        soci::use(name);
    return ind == soci::i_ok ? version : 0;
  });
}

int ServiceDb::migrate(std::string_view service_view, const std::vector<Migration>& migrations) {
  std::string service(service_view);
  std::vector<const Migration*> ordered;
  for (const Migration& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->version < b->version; });
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i]->version <= 0 || (i > 0 && ordered[i]->version == ordered[i - 1]->version))
      throw ServiceDbError(
          join_text({"migrations of ", service, ": versions must be positive and distinct"}));
  }
  int known = ordered.empty() ? 0 : ordered.back()->version;

  auto applied_version = [&](soci::session& sql) {
    int version = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(version) FROM schema_migrations WHERE service = :service", soci::into(version, ind),
        soci::use(service);
    return ind == soci::i_ok ? version : 0;
  };

  int applied = 0;
  for (const Migration* migration : ordered) {
    bool done = false;
    try {
      done = write([&](soci::session& sql) {
        lock_migrations(sql);
        int current = applied_version(sql);
        if (current > known) {
          throw ServiceDbError(join_text({"the ", service, " schema is at version ", std::to_string(current),
                                          ", newer than this build knows (", std::to_string(known), ")"}));
        }
        int present = 0;
        sql << "SELECT COUNT(*) FROM schema_migrations WHERE service = :service AND version = :version",
            soci::into(present), soci::use(service), soci::use(migration->version);
        // Present: applied before, or by another process that got there first. Checked per version,
        // so a step merged in below the highest applied one still runs.
        if (present > 0) return false;
        for (const std::string& statement : migration->statements) sql << statement;
        long long now = unix_now();
        sql << "INSERT INTO schema_migrations (service, version, name, applied_at) "
               "VALUES (:service, :version, :name, :applied_at)",
            soci::use(service), soci::use(migration->version), soci::use(migration->name), soci::use(now);
        return true;
      });
    } catch (const ServiceDbError& error) {
      throw ServiceDbError(join_text({"migration ", service, " ", std::to_string(migration->version), " (",
                                      migration->name, "): ", error.what()}));
    }
    if (done) ++applied;
  }
  if (ordered.empty()) {
    // Still refuse a database a newer build migrated.
    int current = schema_version(service);
    if (current > 0)
      throw ServiceDbError(join_text({"the ", service, " schema is at version ", std::to_string(current),
                                      ", newer than this build knows (0)"}));
  }
  return applied;
}

}  // namespace pleb::store
