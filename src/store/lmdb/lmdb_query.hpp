#pragma once
// QueryCursor and count() over the LMDB indexes: the filters of a query run one after the other, each
// newest first up to its limit, with events delivered once across filters.
#include <cstdint>
#include <memory>
#include <unordered_set>
#include <vector>

#include "store/event_store.hpp"
#include "store/lmdb/database.hpp"
#include "store/lmdb/filter_run.hpp"

namespace pleb::store::lmdb {

class LmdbQueryCursor final : public QueryCursor {
 public:
  LmdbQueryCursor(std::shared_ptr<Database> db, std::vector<nostr::Filter> filters, std::int64_t now,
                  bool full_events);

  bool step(std::chrono::microseconds budget, const EventSink& sink) override;
  QueryStats stats() const override;
  void pause() override { pause_requested_ = true; }

 private:
  bool deliver(const Match& match, const EventSink& sink);

  std::shared_ptr<Database> db_;
  std::vector<FilterRun> runs_;
  std::size_t current_ = 0;
  std::int64_t now_;
  bool full_events_;
  bool finished_ = false;
  bool pause_requested_ = false;
  // Only a query of several filters can meet an event twice (within a filter the scan dedups).
  std::unordered_set<std::uint64_t> delivered_serials_;
  StoredEvent out_;  // reused so that delivering an event copies its JSON without allocating
  std::uint64_t delivered_ = 0;
  std::uint64_t steps_ = 0;
};

// NIP-45: distinct events matching any filter; limits do not apply.
std::uint64_t count_matching(Database& db, const std::vector<nostr::Filter>& filters, std::int64_t now);

}  // namespace pleb::store::lmdb
