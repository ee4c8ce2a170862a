#pragma once
// The id → serial index: a run set (run_set.hpp) keyed by the 32-byte id, so that storing an event no
// longer writes out a page of one large tree at a random place (docs/BENCHMARKS.md). Its meta keys are
// "id_runs", "id_merge" and "id_bloom.N"; a format-1 store's one "ids" tree is its slot 0.
#include <lmdb.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "nostr/event.hpp"
#include "store/lmdb/run_set.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

using IdIndexOptions = RunSetOptions;

RunLayout id_layout(const Dbis& dbis);

// The id index as one read transaction sees it. Valid while the transaction is.
class IdSnapshot {
 public:
  IdSnapshot(MDB_txn* txn, const Dbis& dbis) : runs_(txn, id_layout(dbis)) {}
  // The stored event's serial, 0 when the id is absent.
  std::uint64_t find(const nostr::Bytes32& id) const;

 private:
  RunSnapshot runs_;
};

// The writer's side. Used under the store's write lock only.
class IdIndex {
 public:
  IdIndex(const Dbis& dbis, IdIndexOptions options) : runs_(id_layout(dbis), options) {}

  void prepare(MDB_txn* txn) { runs_.prepare(txn); }
  std::uint64_t find(MDB_txn* txn, const nostr::Bytes32& id) const;
  // `ids` sorted by id, none of them stored yet.
  void put_sorted(MDB_txn* txn, std::span<const std::pair<nostr::Bytes32, std::uint64_t>> ids);
  bool erase(MDB_txn* txn, const nostr::Bytes32& id) { return runs_.erase(txn, id.data()); }
  void maintain(MDB_txn* txn, std::size_t inserted) { runs_.maintain(txn, inserted); }
  void invalidate() { runs_.invalidate(); }

  const RunSlots& runs() const { return runs_.runs(); }
  bool merging() const { return runs_.merging(); }
  // Ids read to rebuild filters that were not stored, since this index was made.
  std::size_t ids_scanned() const { return runs_.entries_scanned(); }

 private:
  RunSet runs_;
};

}  // namespace pleb::store::lmdb
