#include "store/lmdb/lmdb_query.hpp"

#include <algorithm>

#include "nostr/event_parse.hpp"
#include "store/event_store.hpp"

namespace pleb::store::lmdb {

LmdbQueryCursor::LmdbQueryCursor(std::shared_ptr<Database> db, std::vector<nostr::Filter> filters,
                                 std::int64_t now, bool full_events)
    : db_(std::move(db)), now_(now), full_events_(full_events) {
  runs_.reserve(filters.size());
  for (auto& filter : filters) {
    std::uint64_t limit = std::min(filter.limit.value_or(db_->query.max_limit), db_->query.max_limit);
    runs_.emplace_back(std::move(filter), db_->query.planner, limit);
  }
}

bool LmdbQueryCursor::deliver(const Match& match, const EventSink& sink) {
  if (runs_.size() > 1 && !delivered_serials_.insert(match.serial).second) return true;
  out_.json.assign(match.json);
  nostr::Event& e = out_.event;
  if (match.event) {
    e = std::move(*match.event);
  } else if (full_events_) {
    auto parsed = nostr::parse_event(match.json, stored_event_limits());
    if (!parsed) return true;  // unreachable for records we wrote; never hand out half an event
    e = std::move(*parsed);
  } else {
    e.id = match.header.id;
    e.pubkey = match.header.pubkey;
    e.created_at = match.header.created_at;
    e.kind = match.header.kind;
    e.tags.clear();
    e.content.clear();
    e.sig = {};
  }
  ++delivered_;
  return sink(out_);
}

bool LmdbQueryCursor::step(std::chrono::microseconds budget, const EventSink& sink) {
  if (finished_) return true;
  ++steps_;
  Deadline deadline = Deadline::after(budget);
  auto txn = db_->readers.acquire();
  pause_requested_ = false;
  FilterRun::OnMatch on_match = [&](const Match& m) {
    bool keep_going = deliver(m, sink);
    if (pause_requested_) deadline.expire_now();
    return keep_going;
  };
  for (; current_ < runs_.size(); ++current_) {
    switch (runs_[current_].run(txn.get(), db_->dbis, now_, deadline, on_match)) {
      case FilterRun::Outcome::kPaused:
        return false;
      case FilterRun::Outcome::kStopped:
        finished_ = true;
        return true;
      case FilterRun::Outcome::kDone:
        break;
    }
  }
  finished_ = true;
  return true;
}

QueryStats LmdbQueryCursor::stats() const {
  QueryStats s;
  for (const auto& run : runs_) {
    if (!s.plan.empty()) s.plan += "; ";
    s.plan += run.description();
    s.examined += run.examined();
  }
  s.delivered = delivered_;
  s.steps = steps_;
  return s;
}

std::uint64_t count_matching(Database& db, const std::vector<nostr::Filter>& filters, std::int64_t now) {
  auto txn = db.readers.acquire();
  Deadline deadline = Deadline::never();
  std::uint64_t count = 0;
  std::unordered_set<std::uint64_t> seen;
  const bool distinct = filters.size() > 1;
  FilterRun::OnMatch on_match = [&](const Match& m) {
    if (!distinct || seen.insert(m.serial).second) ++count;
    return true;
  };
  for (const auto& filter : filters) {
    FilterRun run(filter, db.query.planner, UINT64_MAX);
    run.run(txn.get(), db.dbis, now, deadline, on_match);
  }
  return count;
}

}  // namespace pleb::store::lmdb
