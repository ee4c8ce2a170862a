#pragma once
// A newest-first k-way merge over several key prefixes ("lanes") of one index. An index kept as runs
// (run_set.hpp) is read from every run that may hold a lane: each (lane, run) pair is a source, and the
// merge is over sources. It is resumable across transactions: each lane remembers the last key it
// handed out, and the next transaction continues strictly below it in whatever runs it then has, so a
// query can let go of its snapshot between slices even while runs are merged.
#include <lmdb.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/query_plan.hpp"
#include "store/lmdb/run_set.hpp"

namespace pleb::store::lmdb {

struct Candidate {
  std::int64_t created_at = 0;
  std::uint64_t serial = 0;
};

class IndexScan {
 public:
  // Lanes cover [since, until] of created_at, both inclusive.
  void init(std::vector<Prefix> prefixes, std::int64_t since, std::int64_t until);

  // Finds the newest remaining entry of every lane in this transaction: in one database, or in the
  // runs of a run set whose filters admit the lane's prefix.
  void open(MDB_txn* txn, MDB_dbi dbi);
  void open(MDB_txn* txn, const RunSnapshot& runs);
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
    std::uint32_t open_sources = 0;  // in this transaction; none left: the lane is done
  };
  struct Source {
    std::uint32_t lane;
    std::uint32_t reader;  // index into readers_
  };
  // One cursor per database read, and the source whose head it sits on.
  struct Reader {
    MDB_dbi dbi;
    Cursor cursor;
    std::uint32_t on_source;
  };
  struct Head {
    std::uint64_t time;
    std::uint64_t serial;
    std::uint32_t source;
    bool operator<(const Head& o) const { return time != o.time ? time < o.time : serial < o.serial; }
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  template <typename DbisOfLane>
  void open_sources(MDB_txn* txn, DbisOfLane dbis_of_lane);
  std::uint32_t reader_for(MDB_txn* txn, MDB_dbi dbi);
  bool seek(std::uint32_t source, Head& out);
  bool step_back(std::uint32_t source, Head& out);
  bool accept(std::uint32_t source, const MDB_val& key, Head& out);
  void exhausted(std::uint32_t source);
  void push(Head head);

  std::vector<Lane> lanes_;
  std::vector<Source> sources_;
  std::vector<Reader> readers_;
  std::vector<Head> heap_;
  std::vector<MDB_dbi> lane_dbis_;  // scratch for open()
  std::uint64_t since_ = 0;         // encoded
  bool has_last_ = false;
  std::uint64_t last_time_ = 0;
  std::uint64_t last_serial_ = 0;
  std::uint64_t examined_ = 0;
};

}  // namespace pleb::store::lmdb
