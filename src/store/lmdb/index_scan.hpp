#pragma once
// A newest-first k-way merge over several key prefixes ("lanes") of one index. It is resumable across
// transactions: each lane remembers the last key it handed out, and the next transaction continues
// strictly below it, so a query can let go of its snapshot between slices.
#include <lmdb.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/query_plan.hpp"

namespace pleb::store::lmdb {

struct Candidate {
  std::int64_t created_at = 0;
  std::uint64_t serial = 0;
};

class IndexScan {
 public:
  // Lanes cover [since, until] of created_at, both inclusive.
  void init(std::vector<Prefix> prefixes, std::int64_t since, std::int64_t until);

  // Finds the newest remaining entry of every lane in this transaction.
  void open(MDB_txn* txn, MDB_dbi dbi);
  // The next entry, newest first, each (created_at, serial) once even when several lanes hold it.
  bool next(Candidate& out);
  // Stops using the transaction; open() may be called again with a newer one.
  void close();

  // Index entries read so far, for the "never scan everything" tests and slow-query logs.
  std::uint64_t examined() const { return examined_; }

 private:
  struct Lane {
    Prefix prefix;
    std::uint64_t bound_time;  // exclusive upper bound (encoded created_at, serial) of what is left
    std::uint64_t bound_serial;
    bool done = false;
  };
  struct Head {
    std::uint64_t time;
    std::uint64_t serial;
    std::uint32_t lane;
    bool operator<(const Head& o) const { return time != o.time ? time < o.time : serial < o.serial; }
  };
  static constexpr std::uint32_t kNoLane = UINT32_MAX;

  bool seek(std::uint32_t lane, Head& out);
  bool step_back(std::uint32_t lane, Head& out);
  bool accept(std::uint32_t lane, const MDB_val& key, Head& out);
  void push(Head head);

  std::vector<Lane> lanes_;
  std::vector<Head> heap_;
  std::uint64_t since_ = 0;  // encoded
  std::optional<Cursor> cursor_;
  std::uint32_t cursor_lane_ = kNoLane;  // the lane whose current head the cursor is sitting on
  bool has_last_ = false;
  std::uint64_t last_time_ = 0;
  std::uint64_t last_serial_ = 0;
  std::uint64_t examined_ = 0;
};

}  // namespace pleb::store::lmdb
