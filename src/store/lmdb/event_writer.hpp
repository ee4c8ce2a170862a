#pragma once
// The storage rules of NIP-01 (replaceable and addressable events), NIP-09 (deletions and their
// tombstones) and NIP-40 (expiration), applied inside one write transaction. Every LMDB failure
// throws LmdbError; the caller aborts the transaction and fails the whole batch.
#include <lmdb.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nostr/event.hpp"
#include "store/event_store.hpp"
#include "store/lmdb/id_index.hpp"
#include "store/lmdb/run_set.hpp"

#include "store/lmdb/keys.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

// What a write batch gathers before finish(), owned by the store and reused so that a batch of thousands
// of events does not allocate (and fault in) its buffers anew.
//
// Index entries of the events inserted are put at finish() in key order: each B-tree is then walked once
// in order instead of once per event at random, which keeps its pages in the cache (docs/BENCHMARKS.md).
// Secondary entries (created, pubkey, kind, pubkey_kind, tag) are never read during a write; ids are, so
// lookups by id look in `ids` first. Ids and tags go to the active runs of their run sets (run_set.hpp).
struct WriteBuffers {
  // One list per index database, in arrival order: the time-ordered ones (created, kind) arrive sorted
  // and skip the sort, and the others sort without comparing databases.
  struct Pending {
    MDB_dbi dbi;
    std::vector<Key> keys;
  };
  struct IdHash {
    std::size_t operator()(const nostr::Bytes32& id) const {
      std::size_t h;
      std::memcpy(&h, id.data(), sizeof h);  // ids are hashes already
      return h;
    }
  };
  std::vector<Key>& keys_of(MDB_dbi dbi) {
    for (auto& pending : entries)
      if (pending.dbi == dbi) return pending.keys;
    return entries.emplace_back(Pending{dbi, {}}).keys;
  }
  std::string record;            // the record being encoded
  std::vector<Pending> entries;  // a handful, one per secondary index database
  std::unordered_map<nostr::Bytes32, std::uint64_t, IdHash> ids;
  std::vector<std::pair<nostr::Bytes32, std::uint64_t>> sorted_ids;
  // Events inserted and removed again in the same batch (replaced, deleted): their entries are dropped.
  std::unordered_set<std::uint64_t> removed;

  void clear() {
    for (auto& pending : entries) pending.keys.clear();  // the lists keep their capacity
    ids.clear();
    sorted_ids.clear();
    removed.clear();
  }
};

class EventWriter {
 public:
  EventWriter(MDB_txn* txn, const Dbis& dbis, WriteBuffers& buffers, IdIndex& ids, RunSet& tags);

  // Applies the rules to one event; later calls see the effects of earlier ones. `json`: the event's
  // serialization when the caller has it, stored as it is.
  WriteResult write(const nostr::Event& event, std::int64_t now, std::string_view json = {});
  // Removes every event whose expiration is at or before `now`.
  std::size_t purge_expired(std::int64_t now);
  // Removes the stored events with these ids; returns how many there were.
  std::size_t erase(std::span<const nostr::Bytes32> ids);
  std::size_t erase_author(const nostr::Bytes32& pubkey, std::size_t limit);
  // Writes the batch's secondary index entries and persists the serial counter; call once before
  // committing.
  void finish();

 private:
  std::uint64_t find_serial(const nostr::Bytes32& id);
  bool read_header(std::uint64_t serial, RecordHeader& header);
  bool is_tombstoned(const nostr::Event& event, const Key* address);
  void insert(const nostr::Event& event, std::int64_t expiration, const Key* address, std::string_view json);
  bool remove(std::uint64_t serial);
  void apply_deletion(const nostr::Event& deletion);
  void delete_by_id(const nostr::Event& deletion, std::string_view hex_id);
  void delete_by_address(const nostr::Event& deletion, std::string_view address);

  MDB_txn* txn_;
  const Dbis& dbis_;
  WriteBuffers& buffers_;
  IdIndex& ids_;
  RunSet& tags_;  // the tag index (tag_index.hpp)

  std::uint64_t next_serial_ = 1;
  std::uint64_t first_serial_ = 1;  // the first serial this writer hands out
};

}  // namespace pleb::store::lmdb
