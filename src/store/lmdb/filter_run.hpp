#pragma once
// Runs one filter of a query: walks the planned index newest first, checks each candidate, counts
// matches against the limit, and can stop at any candidate and go on in a later transaction.
#include <lmdb.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "store/lmdb/index_scan.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/query_plan.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

// A time budget that reads the clock only every 64 candidates, so checking it costs nothing.
class Deadline {
 public:
  static Deadline after(std::chrono::microseconds budget) {
    Deadline d;
    d.end_ = std::chrono::steady_clock::now() + budget;
    return d;
  }
  static Deadline never() {
    Deadline d;
    d.unlimited_ = true;
    return d;
  }
  // Makes the next check report expiry: a consumer that cannot take more output asked for a pause.
  void expire_now() { forced_ = true; }
  bool expired() {
    if (forced_) return true;
    if (unlimited_ || (++ticks_ & 63) != 0) return false;
    return std::chrono::steady_clock::now() >= end_;
  }

 private:
  bool forced_ = false;
  std::chrono::steady_clock::time_point end_{};
  std::uint32_t ticks_ = 0;
  bool unlimited_ = false;
};

struct Match {
  const RecordHeader& header;
  std::string_view json;  // valid until the transaction ends
  nostr::Event* event;    // the parsed event when the filter needed it, else null; may be moved from
  std::uint64_t serial;
};

class FilterRun {
 public:
  enum class Outcome { kDone, kPaused, kStopped };
  // Returns false to stop the whole query.
  using OnMatch = std::function<bool(const Match&)>;

  FilterRun(nostr::Filter filter, const PlannerLimits& limits, std::uint64_t limit);

  Outcome run(MDB_txn* txn, const Dbis& dbis, std::int64_t now, Deadline& deadline, const OnMatch& on_match);

  IndexKind index() const { return plan_.index; }
  const std::string& description() const { return description_; }
  std::uint64_t examined() const { return scan_.examined() + id_lookups_; }

 private:
  void open(MDB_txn* txn, const Dbis& dbis);
  bool next(Candidate& out);
  void close();
  void look_up_ids(MDB_txn* txn, const Dbis& dbis);

  nostr::Filter filter_;
  Plan plan_;  // its prefixes are moved into scan_
  std::string description_;
  std::uint64_t limit_;
  std::uint64_t matched_ = 0;
  bool done_ = false;
  IndexScan scan_;
  // The ids plan: every id looked up once, sorted newest first, then handed out from `id_pos_`.
  bool ids_loaded_ = false;
  std::vector<Candidate> id_candidates_;
  std::size_t id_pos_ = 0;
  std::uint64_t id_lookups_ = 0;
  nostr::Event parsed_;
};

}  // namespace pleb::store::lmdb
