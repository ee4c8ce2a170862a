#pragma once
// The id → serial index as a log-structured merge of small B-trees ("runs"), so that storing an event
// no longer writes out a page of one large tree at a random place (docs/BENCHMARKS.md).
//
// New ids go into the active run. A full active run is sealed and a new one started. Four sealed runs of
// one size tier are merged into a free slot, a bounded number of entries per write batch, by appending in
// key order, which fills pages one after the other. An id is in at most one run, so lookups may ask the
// runs in any order. All of it lives in the store's LMDB environment and changes inside the batch's
// transaction: a crash loses nothing and leaves a merge that the next batch continues.
//
//   meta "id_runs"   the runs' slot numbers, the active run first (absent: slot 0 alone, format 1)
//   meta "id_merge"  target slot, input count, input slots, the last key copied (absent: no merge)
//
// The writer keeps a Bloom filter per run in memory (10 bits per id), so that a new id costs a B-tree
// lookup only in the active run and rarely in any other. A run's filter is stored beside it when the run
// is sealed or made by a merge (meta "id_bloom.N"), so opening the store reads the filters and scans only
// the active run, and readers (IdSnapshot) use the stored filters of their snapshot; ids erased later
// leave a filter a superset, which is all a Bloom filter needs to be.
#include <lmdb.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "nostr/event.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

struct IdIndexOptions {
  std::size_t run_entries = 65536;  // ids in the active run before it is sealed
  std::size_t merge_width = 4;      // sealed runs of one tier merged into one
  // A batch copies this many merge entries per id it inserted, and at least min_merge_step: each id is
  // copied once per tier it passes, so merges keep up while there are fewer tiers than merge_step_per_id.
  std::size_t merge_step_per_id = 8;
  std::size_t min_merge_step = 4096;
};

using IdRuns = std::vector<std::uint8_t>;  // slot numbers, the active run first

// The runs a read transaction sees.
IdRuns read_id_runs(MDB_txn* txn, const Dbis& dbis);

class IdBloom {
 public:
  explicit IdBloom(std::size_t expected_ids);
  // A filter as bytes() gave it; nullopt when they are not one.
  static std::optional<IdBloom> from_bytes(std::string_view bytes);
  // may_contain() asked of bytes() as stored, without copying them; true for bytes that are no filter
  // (the caller then asks the run itself).
  static bool stored_may_contain(std::string_view bytes, const nostr::Bytes32& id);
  void add(const nostr::Bytes32& id);
  bool may_contain(const nostr::Bytes32& id) const;
  std::string_view bytes() const;

 private:
  IdBloom() = default;  // for from_bytes()
  std::vector<std::uint64_t> words_;
  std::uint64_t mask_ = 0;  // bit count − 1 (a power of two)
};

// The id index as one read transaction sees it: its runs, and the filters stored for the sealed ones,
// read in place from the transaction's pages. Valid while the transaction is.
class IdSnapshot {
 public:
  IdSnapshot(MDB_txn* txn, const Dbis& dbis);
  // The stored event's serial, 0 when the id is absent.
  std::uint64_t find(const nostr::Bytes32& id) const;

 private:
  MDB_txn* txn_;
  const Dbis& dbis_;
  IdRuns runs_;
  std::vector<std::string_view> filters_;  // per run; empty: none stored, ask the run
};

// The writer's side. Used under the store's write lock only.
class IdIndex {
 public:
  IdIndex(const Dbis& dbis, IdIndexOptions options) : dbis_(dbis), options_(options) {}

  // Reads the runs and builds the filters on first use and after invalidate().
  void prepare(MDB_txn* txn);
  std::uint64_t find(MDB_txn* txn, const nostr::Bytes32& id) const;
  // `ids` sorted by id, none of them stored yet.
  void put_sorted(MDB_txn* txn, std::span<const std::pair<nostr::Bytes32, std::uint64_t>> ids);
  bool erase(MDB_txn* txn, const nostr::Bytes32& id);
  // After a batch that inserted `inserted` ids: seals a full active run, starts a merge when one is due
  // and copies a share of it proportional to the batch.
  void maintain(MDB_txn* txn, std::size_t inserted);
  // A write transaction failed: what is in memory may no longer match what is stored.
  void invalidate();

  struct Merge {
    std::uint8_t target = 0;
    IdRuns inputs;
    std::optional<nostr::Bytes32> last;  // the last id copied
  };

  const IdRuns& runs() const { return runs_; }
  bool merging() const { return merge_.has_value(); }
  // Ids read to rebuild filters that were not stored, since this index was made.
  std::size_t ids_scanned() const { return ids_scanned_; }

 private:
  std::size_t entries(MDB_txn* txn, std::uint8_t slot) const;
  std::size_t tier(std::size_t entries) const;
  std::optional<std::uint8_t> free_slot() const;
  void build_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected);
  // The stored filter of a sealed run, or one rebuilt from its ids and then stored.
  void load_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected);
  void store_bloom(MDB_txn* txn, std::uint8_t slot) const;
  void clear_slot(MDB_txn* txn, std::uint8_t slot) const;
  void seal_if_full(MDB_txn* txn);
  void start_merge_if_due(MDB_txn* txn);
  void advance_merge(MDB_txn* txn, std::size_t budget);
  void write_runs(MDB_txn* txn) const;
  void write_merge(MDB_txn* txn) const;

  const Dbis& dbis_;
  IdIndexOptions options_;
  bool prepared_ = false;
  IdRuns runs_;
  std::optional<Merge> merge_;
  std::array<std::optional<IdBloom>, kIdSlots> blooms_;
  std::array<bool, kIdSlots> unstored_{};  // sealed runs whose filter was rebuilt in a read transaction
  std::size_t ids_scanned_ = 0;
};

// The merge in progress as stored in meta "id_merge", checked against the runs: throws
// std::runtime_error when it cannot be one, since continuing a merge from the wrong place would fail
// every batch after it.
IdIndex::Merge parse_id_merge(std::string_view state, const IdRuns& runs);

}  // namespace pleb::store::lmdb
