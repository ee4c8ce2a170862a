#include "store/lmdb/filter_run.hpp"

#include <algorithm>
#include <cstring>

#include "nostr/event_parse.hpp"
#include "store/event_store.hpp"
#include "store/lmdb/id_index.hpp"
#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/tag_index.hpp"

namespace pleb::store::lmdb {
namespace {

bool newest_first(const Candidate& a, const Candidate& b) {
  return a.created_at != b.created_at ? a.created_at > b.created_at : a.serial > b.serial;
}

}  // namespace

FilterRun::FilterRun(nostr::Filter filter, const PlannerLimits& limits, std::uint64_t limit)
    : filter_(std::move(filter)), plan_(plan_filter(filter_, limits)), limit_(limit) {
  description_ = plan_.describe();
  if (plan_.index == IndexKind::kNone || limit_ == 0) done_ = true;
  if (plan_.index != IndexKind::kIds && !done_) {
    scan_.init(std::move(plan_.prefixes), filter_.since.value_or(INT64_MIN),
               filter_.until.value_or(INT64_MAX));
  }
}

void FilterRun::look_up_ids(MDB_txn* txn, const Dbis& dbis) {
  IdSnapshot index(txn, dbis);
  for (const auto& id : *filter_.ids) {
    ++id_lookups_;
    std::uint64_t serial = index.find(id);
    if (serial == 0) continue;
    MDB_val record;
    RecordHeader header;
    std::string_view json;
    if (!get(txn, dbis.events, to_val(&serial, sizeof serial), record) ||
        !decode_record(record, header, json)) {
      continue;
    }
    id_candidates_.push_back({header.created_at, serial});
  }
  std::sort(id_candidates_.begin(), id_candidates_.end(), newest_first);
  ids_loaded_ = true;
}

void FilterRun::open(MDB_txn* txn, const Dbis& dbis) {
  if (plan_.index == IndexKind::kIds) {
    if (!ids_loaded_) look_up_ids(txn, dbis);
  } else if (plan_.index == IndexKind::kTag) {
    scan_.open(txn, RunSnapshot(txn, tag_layout(dbis)));
  } else {
    scan_.open(txn, index_dbi(dbis, plan_.index));
  }
}

bool FilterRun::next(Candidate& out) {
  if (plan_.index != IndexKind::kIds) return scan_.next(out);
  if (id_pos_ >= id_candidates_.size()) return false;
  out = id_candidates_[id_pos_++];
  return true;
}

void FilterRun::close() {
  if (plan_.index != IndexKind::kIds) scan_.close();
}

FilterRun::Outcome FilterRun::run(MDB_txn* txn, const Dbis& dbis, std::int64_t now, Deadline& deadline,
                                  const OnMatch& on_match) {
  if (done_) return Outcome::kDone;
  open(txn, dbis);
  struct Closer {
    FilterRun* run;
    ~Closer() { run->close(); }
  } closer{this};

  Candidate candidate;
  RecordHeader header;
  std::string_view json;
  for (;;) {
    if (deadline.expired()) return Outcome::kPaused;
    if (!next(candidate)) break;
    MDB_val record;
    // An index entry without its record would be a bug or corruption; skipping it keeps queries alive.
    if (!get(txn, dbis.events, to_val(&candidate.serial, sizeof candidate.serial), record) ||
        !decode_record(record, header, json)) {
      continue;
    }
    if (header.expiration <= now) continue;  // NIP-40: never served, even before it is purged
    if (!header_matches(filter_, header)) continue;
    nostr::Event* event = nullptr;
    if (plan_.needs_event) {
      auto parsed = nostr::parse_event(json, stored_event_limits());
      if (!parsed) continue;
      parsed_ = std::move(*parsed);
      if (!filter_.matches(parsed_)) continue;
      event = &parsed_;
    }
    ++matched_;
    if (!on_match(Match{header, json, event, candidate.serial})) {
      done_ = true;
      return Outcome::kStopped;
    }
    if (matched_ >= limit_) break;
  }
  done_ = true;
  return Outcome::kDone;
}

}  // namespace pleb::store::lmdb
