#include "store/postgres/schema.hpp"

#include "store/postgres/sql_text.hpp"

#include <chrono>
#include <stdexcept>

namespace pleb::store::pg {
namespace {

constexpr std::int64_t kMigrationLock = 0x706c6562'6d696772;  // "plebmigr"

// Migration N is kMigrations[N - 1]. Append only: a released migration never changes.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE events (
  created_at  bigint  NOT NULL,
  event_id    bytea   NOT NULL,
  pubkey      bytea   NOT NULL,
  kind        integer NOT NULL,
  content     text    NOT NULL,
  tags        jsonb   NOT NULL,
  sig         bytea   NOT NULL,
  raw         text    NOT NULL,
  expiration  bigint,
  address     bytea,
  received_at bigint  NOT NULL,
  PRIMARY KEY (created_at, event_id)
) PARTITION BY RANGE (created_at);
CREATE INDEX events_pubkey ON events (pubkey, created_at, event_id);
CREATE INDEX events_kind ON events (kind, created_at, event_id);
CREATE INDEX events_pubkey_kind ON events (pubkey, kind, created_at, event_id);
CREATE INDEX events_expiration ON events (expiration) WHERE expiration IS NOT NULL;
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE TABLE event_ids (
  event_id   bytea  PRIMARY KEY,
  created_at bigint NOT NULL
);
CREATE TABLE event_tags (
  name       text   NOT NULL,
  value      bytea  NOT NULL,
  created_at bigint NOT NULL,
  event_id   bytea  NOT NULL,
  PRIMARY KEY (name, value, created_at, event_id)
);
CREATE TABLE event_addresses (
  address    bytea  PRIMARY KEY,
  event_id   bytea  NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE event_deleted_ids (
  event_id bytea NOT NULL,
  deleter  bytea NOT NULL,
  PRIMARY KEY (event_id, deleter)
);
CREATE TABLE event_deleted_addresses (
  address bytea  PRIMARY KEY,
  up_to   bigint NOT NULL
);
CREATE TABLE event_store_settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);
-- The key of a tag value in event_tags: the value itself, or for long ones (a btree entry must stay
-- small) 0xff and its SHA-256; 0xff never occurs in UTF-8, so the two forms cannot meet.
CREATE FUNCTION event_tag_key(v text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT CASE WHEN octet_length(v) <= 256 THEN convert_to(v, 'UTF8')
                    ELSE '\xff'::bytea || sha256(convert_to(v, 'UTF8')) END $$;
)sql",
};

const char* tag_index_name(TagIndex index) {
  return index == TagIndex::kGin ? "gin" : "side_table";
}

std::chrono::year_month_day civil(std::int64_t t) {
  using namespace std::chrono;
  return year_month_day{floor<days>(sys_seconds{seconds{t}})};
}

std::int64_t to_seconds(std::chrono::year_month_day ymd) {
  using namespace std::chrono;
  return duration_cast<seconds>(sys_days{ymd}.time_since_epoch()).count();
}

void create_partition(pqxx::work& txn, std::int64_t month) {
  const std::string name = partition_name(month);
  const std::string from = std::to_string(month);
  const std::string to = std::to_string(next_month(month));
  // Created detached, filled with the rows the default partition held for its month, then attached:
  // CREATE TABLE ... PARTITION OF would fail if the default partition held any such row.
  std::string create = "CREATE TABLE ";
  create.append(name).append(" (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
  txn.exec(create);
  std::string move = "WITH moved AS (DELETE FROM events_default WHERE created_at >= ";
  move.append(from).append(" AND created_at < ").append(to);
  move.append(" RETURNING *) INSERT INTO ").append(name).append(" SELECT * FROM moved");
  txn.exec(move);
  std::string attach = "ALTER TABLE events ATTACH PARTITION ";
  attach.append(name).append(" FOR VALUES FROM (").append(from).append(") TO (").append(to).append(")");
  txn.exec(attach);
}

}  // namespace

void migrate(pqxx::connection& connection, TagIndex tag_index) {
  pqxx::work txn(connection);
  txn.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
  txn.exec(
      "CREATE TABLE IF NOT EXISTS event_store_schema_version ("
      "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
  int current = txn.exec1("SELECT coalesce(max(version), 0) FROM event_store_schema_version")[0].as<int>();
  if (current > kSchemaVersion) {
    std::string message = "the event store schema is version ";
    message.append(std::to_string(current)).append(", newer than this program knows (");
    message.append(std::to_string(kSchemaVersion)).append(")");
    throw std::runtime_error(message);
  }
  for (int version = current + 1; version <= kSchemaVersion; ++version) {
    txn.exec(kMigrations[version - 1]);
    txn.exec("INSERT INTO event_store_schema_version (version) VALUES (" + std::to_string(version) + ")");
  }

  const std::string wanted = tag_index_name(tag_index);
  auto chosen = txn.exec("SELECT value FROM event_store_settings WHERE name = 'tag_index'");
  if (chosen.empty()) {
    std::string insert = "INSERT INTO event_store_settings VALUES ('tag_index', ";
    append_text(insert, wanted);
    txn.exec(insert.append(")"));
    if (tag_index == TagIndex::kGin) {
      txn.exec("CREATE INDEX IF NOT EXISTS events_tags_gin ON events USING gin (tags jsonb_path_ops)");
    }
  } else if (chosen[0][0].as<std::string>() != wanted) {
    std::string message = "the event store was created with the ";
    message.append(chosen[0][0].as<std::string>()).append(" tag index, not ").append(wanted);
    throw std::runtime_error(message);
  }
  txn.commit();
}

std::int64_t month_start(std::int64_t t) {
  auto ymd = civil(t);
  return to_seconds(ymd.year() / ymd.month() / 1);
}

std::int64_t next_month(std::int64_t month) {
  auto ymd = civil(month);
  auto next = ymd.year() / ymd.month() / 1 + std::chrono::months{1};
  return to_seconds(next);
}

std::string partition_name(std::int64_t month) {
  auto ymd = civil(month);
  char buf[32];
  std::snprintf(buf, sizeof buf, "events_y%04dm%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()));
  return buf;
}

std::int64_t ensure_partitions(pqxx::connection& connection, std::int64_t from, int months_ahead) {
  std::int64_t month = month_start(from);
  pqxx::work txn(connection);
  txn.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
  for (int i = 0; i <= months_ahead; ++i, month = next_month(month)) {
    std::string check = "SELECT to_regclass(";
    append_text(check, partition_name(month));
    auto exists = txn.exec1(check.append(") IS NOT NULL"));
    if (!exists[0].as<bool>()) create_partition(txn, month);
  }
  txn.commit();
  return month;
}

}  // namespace pleb::store::pg
