#pragma once
// The scale-out event store: one PostgreSQL database shared by any number of relay processes.
// Schema, partitioning and the choice of tag index are described in docs/POSTGRES.md.
//
// Durability: write() returns after COMMIT, so an OK true sent after it is in PostgreSQL's WAL.
//
// Threads: write() and purge_expired() from one writer thread at a time (they use a connection of
// their own); query cursors, count() and writable() from any threads concurrently, sharing a fixed
// pool of `query_connections`. A cursor holds a connection only while a step fetches a page, so a
// slow subscriber never pins one. Several processes may write at once: each write transaction takes
// one PostgreSQL advisory lock, so the rules (duplicates, replacement, deletions) see a stable state.
//
// Failures: a lost connection is dropped and opened again on next use, so the store recovers by
// itself when the server comes back. While it is away write() returns kError "error: ..." and
// queries throw std::runtime_error.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "store/event_store.hpp"

namespace pleb::store {

// How "#x" tag filters find their events (measured in docs/POSTGRES.md). Fixed when the database is
// created: opening it with the other choice throws.
enum class TagIndex {
  kSideTable,  // event_tags (name, value, created_at, event_id): newest first straight from a btree
  kGin,        // a GIN index on events.tags (jsonb_path_ops): containment, then a sort
};

struct PostgresOptions {
  // Connections shared by queries; write() and purge_expired() use one more of their own.
  std::size_t query_connections = 4;
  // How long a query waits for a free connection before it throws.
  std::chrono::milliseconds acquire_timeout{10000};
  // Server-side cap on any statement (SET statement_timeout); a page that takes longer throws.
  std::chrono::milliseconds statement_timeout{30000};
  // libpq connect_timeout, unless the URL sets one.
  std::chrono::seconds connect_timeout{5};
  // Cap on any filter's limit, and the limit of a filter without one.
  std::uint64_t max_limit = 5000;
  // Rows fetched by one round trip of a query; a step fetches at least one page.
  std::size_t page_rows = 500;
  // authors x kinds above this scans the authors' index and checks kinds on each row.
  std::size_t max_scan_prefixes = 4096;
  // Monthly partitions kept ready beyond the current month (created at open and as time passes).
  int partition_months_ahead = 3;
  TagIndex tag_index = TagIndex::kSideTable;
};

// Connects, runs the schema migrations (idempotent, recorded in pleb_schema_version) and creates the
// partitions due. Throws std::runtime_error when the database cannot be reached or migrated.
// `url` is a libpq connection string or URI (postgresql://user@host:port/dbname).
std::unique_ptr<EventStore> open_postgres_store(const std::string& url, const PostgresOptions& options = {});

}  // namespace pleb::store
