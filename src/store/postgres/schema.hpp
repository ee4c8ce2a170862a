#pragma once
// The tables of the event store, their migrations, and the monthly partitions of `events`.
//
//   events                  RANGE-partitioned on created_at: one partition per month (events_yYYYYmMM),
//                           created ahead of time, plus events_default for anything outside them.
//                           Primary key (created_at, event_id): a unique key must contain the
//                           partition key, so the id alone is made unique by event_ids.
//   event_ids               event_id → created_at. Not partitioned: the one place that makes an id
//                           unique, and how a lookup by id finds its partition.
//   event_tags              (name, value key, created_at, event_id) for one-letter tags
//   (TagIndex::kSideTable). event_addresses         address → the one stored version of a
//   replaceable/addressable event. event_deleted_ids       (event_id, deleter): NIP-09 tombstones, kept even
//   before the event arrives. event_deleted_addresses address → created_at of the newest deletion by address.
//   event_store_settings    name → value (the tag index chosen at creation).
//   event_store_schema_version  the migrations applied.
//
// An address is pubkey(32) ‖ kind(4, big-endian) for replaceable kinds, ‖ sha256(d)(32) for addressable.
#include <pqxx/pqxx>

#include <cstdint>
#include <string>

#include "store/postgres/postgres_store.hpp"

namespace pleb::store::pg {

// Every write transaction (and partition maintenance) holds this advisory lock: writers of all
// processes take turns, so each sees the state the previous one committed.
inline constexpr std::int64_t kWriteLock = 0x706c6562'65767473;  // "plebevts"
inline constexpr int kSchemaVersion = 1;

// Applies the missing migrations in one transaction and checks the tag index choice.
// Throws std::runtime_error when the database is newer than this code or uses the other tag index.
void migrate(pqxx::connection& connection, TagIndex tag_index);

// First second (UTC) of the month holding `t`, and of the month after the one starting at `month`.
std::int64_t month_start(std::int64_t t);
std::int64_t next_month(std::int64_t month);
std::string partition_name(std::int64_t month);

// Makes sure a partition exists for every month from the one holding `from` up to `months_ahead`
// months after it. Rows of such a month already in the default partition move into the new one.
// Returns the first second not covered by the partitions it ensured.
std::int64_t ensure_partitions(pqxx::connection& connection, std::int64_t from, int months_ahead);

}  // namespace pleb::store::pg
