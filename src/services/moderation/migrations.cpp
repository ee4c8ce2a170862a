#include "services/moderation/migrations.hpp"

namespace pleb::moderation {

const std::vector<store::Migration>& moderation_migrations() {
  // Ids and pubkeys are 64 lowercase hex characters; times are Unix seconds. A decided event keeps its
  // row (status approved or rejected), so a second decision is told apart from an unknown id, and the
  // authors moderators rejected are known to the automatic admission.
  static const std::vector<store::Migration> migrations = {
      {1,
       "events held for moderators",
       {
           "CREATE TABLE held_events ("
           " id TEXT PRIMARY KEY,"
           " pubkey TEXT NOT NULL,"
           " kind BIGINT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " json TEXT NOT NULL,"
           " reason TEXT NOT NULL,"
           " held_at BIGINT NOT NULL,"
           " status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'approved', 'rejected')),"
           " decided_at BIGINT NOT NULL DEFAULT 0)",
           // The queue pages, and the sweeper looks for the oldest, in this order.
           "CREATE INDEX held_events_queue ON held_events (status, held_at, id)",
           "CREATE INDEX held_events_by_author ON held_events (pubkey, status)",
       }},
      // A ban is one row per (type, value); `id` is the hex SHA-256 of "type:value", a fixed-size key that
      // pages in a stable order next to banned_at whatever the value (an IPv6 address, a pubkey).
      {2,
       "bans made by moderators",
       {
           "CREATE TABLE bans ("
           " id TEXT PRIMARY KEY,"
           " type TEXT NOT NULL CHECK (type IN ('pubkey', 'event', 'address')),"
           " value TEXT NOT NULL,"
           " shadow INTEGER NOT NULL DEFAULT 0 CHECK (shadow IN (0, 1)),"
           " reason TEXT NOT NULL DEFAULT '',"
           " banned_by TEXT NOT NULL,"
           " banned_at BIGINT NOT NULL,"
           " UNIQUE (type, value))",
           "CREATE INDEX bans_in_order ON bans (banned_at, id)",
       }},
      {3,
       "bans that purge the author's stored events",
       {
           "ALTER TABLE bans ADD COLUMN purge INTEGER NOT NULL DEFAULT 0 CHECK (purge IN (0, 1))",
       }},
  };
  return migrations;
}

}  // namespace pleb::moderation
