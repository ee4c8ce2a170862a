#include "store/postgres/schema.hpp"

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
  txn.exec("CREATE TABLE " + name + " (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
  txn.exec("WITH moved AS (DELETE FROM events_default WHERE created_at >= " + from + " AND created_at < " +
           to + " RETURNING *) INSERT INTO " + name + " SELECT * FROM moved");
  txn.exec("ALTER TABLE events ATTACH PARTITION " + name + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
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
    throw std::runtime_error("the event store schema is version " + std::to_string(current) +
                             ", newer than this program knows (" + std::to_string(kSchemaVersion) + ")");
  }
  for (int version = current + 1; version <= kSchemaVersion; ++version) {
    txn.exec(kMigrations[version - 1]);
    txn.exec("INSERT INTO event_store_schema_version (version) VALUES (" + std::to_string(version) + ")");
  }

  const std::string wanted = tag_index_name(tag_index);
  auto chosen = txn.exec("SELECT value FROM event_store_settings WHERE name = 'tag_index'");
  if (chosen.empty()) {
    txn.exec("INSERT INTO event_store_settings VALUES ('tag_index', " + txn.quote(wanted) + ")");
    if (tag_index == TagIndex::kGin) {
      txn.exec("CREATE INDEX IF NOT EXISTS events_tags_gin ON events USING gin (tags jsonb_path_ops)");
    }
  } else if (chosen[0][0].as<std::string>() != wanted) {
    throw std::runtime_error("the event store was created with the " + chosen[0][0].as<std::string>() +
                             " tag index, not " + wanted);
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
    auto exists = txn.exec1("SELECT to_regclass(" + txn.quote(partition_name(month)) + ") IS NOT NULL");
    if (!exists[0].as<bool>()) create_partition(txn, month);
  }
  txn.commit();
  return month;
}

}  // namespace pleb::store::pg
