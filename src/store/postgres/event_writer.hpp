#pragma once
// One write batch inside one transaction: take the write lock, load what the batch can touch, plan it
// (write_plan.hpp), then carry the plan out in a single round trip of multi-row statements.
#include <pqxx/pqxx>

#include <cstdint>
#include <span>
#include <string>

#include "nostr/event.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/write_plan.hpp"

namespace pleb::store::pg {

// Takes the write lock and returns the state the batch needs.
KnownState lock_and_load(pqxx::work& txn, const BatchKeys& keys);

// Executes the plan: removals (with their tags, ids and addresses), inserts, tombstones, holders.
void apply_plan(pqxx::work& txn, const WritePlan& plan, std::int64_t now, TagIndex tag_index);

// The statement that removes the events listed by `source` (a query yielding created_at, event_id)
// together with everything that refers to them; it returns the number removed.
std::string removal_sql(const std::string& source, TagIndex tag_index);

}  // namespace pleb::store::pg
