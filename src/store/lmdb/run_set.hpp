#pragma once
// An index kept as a log-structured merge of small B-trees ("runs"), so that keys that land all over
// the key space (event ids, the values of `e` and `p` tags) no longer write out a page of one large
// tree at a random place per entry (docs/BENCHMARKS.md). The id index (id_index.hpp) and the tag index
// (tag_index.hpp) are two of these.
//
// New entries go into the active run. A full active run is sealed and a new one started. `merge_width`
// sealed runs of one size tier are merged into a free slot, a bounded number of entries per write batch,
// by appending in key order, which fills pages one after the other. A key is in at most one run, so a
// lookup may ask the runs in any order and a scan merges them. All of it lives in the store's LMDB
// environment and changes inside the batch's transaction: a crash loses nothing and leaves a merge that
// the next batch continues.
//
//   meta "<name>_runs"     the runs' slot numbers, the active run first (absent: slot 0 alone, which is
//                          how a store from before the runs held its one tree)
//   meta "<name>_merge"    target slot, input count, input slots, the last key copied (absent: no merge)
//   meta "<name>_bloom.N"  the Bloom filter of sealed run N
//
// Bloom filters hold a leading part of each key, its "unit" (a whole id; a tag's letter and value hash),
// at 10 bits per entry. The writer keeps one per run in memory, so a new key costs a B-tree lookup only
// in the runs whose filter admits it. A run's filter is stored beside it when it is sealed or made by a
// merge, so opening the store reads the filters and scans only the active run; readers use the stored
// filters of their snapshot. Keys erased later leave a filter a superset, which is all a filter needs.
#include <lmdb.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

struct RunSetOptions {
  std::size_t run_entries = 65536;  // entries in the active run before it is sealed
  std::size_t merge_width = 4;      // sealed runs of one tier merged into one
  // A batch copies this many merge entries per entry it inserted, and at least min_merge_step: each
  // entry is copied once per tier it passes, so merges keep up while there are fewer tiers than this.
  std::size_t merge_step_per_entry = 8;
  std::size_t min_merge_step = 4096;
};

// What tells one run set from another.
struct RunLayout {
  std::string_view name;         // meta keys "<name>_runs" …; "id" or "tag"
  std::string_view description;  // in error messages: "the id index"
  const std::array<MDB_dbi, kRunSlots>* slots;
  MDB_dbi meta;             // where the list of runs, the merge state and the filters are kept
  std::size_t key_size;     // every key has this size; anything else in a run is skipped
  std::size_t unit_size;    // the leading bytes of a key that the Bloom filters hold
  std::size_t hash_offset;  // where 16 uniformly spread bytes begin in the unit; bytes before are mixed in
};

using RunSlots = std::vector<std::uint8_t>;  // slot numbers, the active run first

// The runs a read transaction sees. Throws std::runtime_error when the stored list is damaged.
RunSlots read_runs(MDB_txn* txn, const RunLayout& layout);

// The two hashes of double hashing, taken from a unit's bytes (they are hash output already).
struct BloomHash {
  std::uint64_t first = 0;
  std::uint64_t step = 0;
};
BloomHash bloom_hash(const RunLayout& layout, const std::uint8_t* unit);

class RunBloom {
 public:
  explicit RunBloom(std::size_t expected_entries);
  // A filter as bytes() gave it; nullopt when they are not one.
  static std::optional<RunBloom> from_bytes(std::string_view bytes);
  // may_contain() asked of bytes() as stored, without copying them; true for bytes that are no filter
  // (the caller then asks the run itself).
  static bool stored_may_contain(std::string_view bytes, BloomHash hash);
  void add(BloomHash hash);
  bool may_contain(BloomHash hash) const { return stored_may_contain(bytes(), hash); }
  std::string_view bytes() const;

 private:
  RunBloom() = default;  // for from_bytes()
  std::vector<std::uint64_t> words_;
};

// The run set as one read transaction sees it: its runs and the filters stored for the sealed ones, read
// in place from the transaction's pages. Valid while the transaction is.
class RunSnapshot {
 public:
  RunSnapshot(MDB_txn* txn, const RunLayout& layout);
  // The value of `key` (key_size bytes) in the run that holds it.
  bool get(const std::uint8_t* key, MDB_val& value) const;
  // The runs that may hold keys beginning with `unit`, as database handles, appended to `out`.
  void runs_for(const std::uint8_t* unit, std::vector<MDB_dbi>& out) const;

 private:
  bool may_hold(std::size_t run, BloomHash hash) const;

  MDB_txn* txn_;
  RunLayout layout_;
  RunSlots runs_;
  std::vector<std::string_view> filters_;  // per run; empty: none stored, ask the run
};

// The writer's side. Used under the store's write lock only.
class RunSet {
 public:
  RunSet(RunLayout layout, RunSetOptions options) : layout_(layout), options_(options) {}

  // Reads the runs and builds the filters on first use and after invalidate().
  void prepare(MDB_txn* txn);
  bool get(MDB_txn* txn, const std::uint8_t* key, MDB_val& value) const;
  // A cursor on the active run, for put(): keys in order through one cursor skip most of LMDB's descents.
  Cursor active_cursor(MDB_txn* txn) const;
  void put(Cursor& active, const MDB_val& key, const MDB_val& value);
  // Removes a key from whichever run holds it (and from a merge's target, which may have it already).
  bool erase(MDB_txn* txn, const std::uint8_t* key);
  // After a batch that inserted `inserted` entries: seals a full active run, starts a merge when one is
  // due and copies a share of it proportional to the batch.
  void maintain(MDB_txn* txn, std::size_t inserted);
  // A write transaction failed: what is in memory may no longer match what is stored.
  void invalidate() { prepared_ = false; }

  struct Merge {
    std::uint8_t target = 0;
    RunSlots inputs;
    std::optional<std::string> last;  // the last key copied
  };

  const RunLayout& layout() const { return layout_; }
  const RunSlots& runs() const { return runs_; }
  bool merging() const { return merge_.has_value(); }
  // Entries read to rebuild filters that were not stored, since this set was made.
  std::size_t entries_scanned() const { return entries_scanned_; }

 private:
  MDB_dbi dbi(std::uint8_t slot) const { return (*layout_.slots)[slot]; }
  std::size_t entries(MDB_txn* txn, std::uint8_t slot) const;
  std::size_t tier(std::size_t entries) const;
  std::optional<std::uint8_t> free_slot() const;
  void build_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected);
  // The stored filter of a sealed run, or one rebuilt from its keys and then stored.
  void load_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected);
  void store_bloom(MDB_txn* txn, std::uint8_t slot) const;
  void clear_slot(MDB_txn* txn, std::uint8_t slot) const;
  void seal_if_full(MDB_txn* txn);
  void start_merge_if_due(MDB_txn* txn);
  void advance_merge(MDB_txn* txn, std::size_t budget);
  void write_runs(MDB_txn* txn) const;
  void write_merge(MDB_txn* txn) const;

  RunLayout layout_;
  RunSetOptions options_;
  bool prepared_ = false;
  RunSlots runs_;
  std::optional<Merge> merge_;
  std::array<std::optional<RunBloom>, kRunSlots> blooms_;
  std::array<bool, kRunSlots> unstored_{};  // sealed runs whose filter was rebuilt in a read transaction
  std::size_t entries_scanned_ = 0;
};

// The merge in progress as stored in meta "<name>_merge", checked against the runs: throws
// std::runtime_error when it cannot be one, since continuing a merge from the wrong place would fail
// every batch after it.
RunSet::Merge parse_merge(std::string_view state, const RunSlots& runs, const RunLayout& layout);

}  // namespace pleb::store::lmdb
