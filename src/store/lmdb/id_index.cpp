#include "store/lmdb/id_index.hpp"

#include <cstring>

#include "store/lmdb/lmdb_env.hpp"

namespace pleb::store::lmdb {
namespace {

std::uint64_t serial_of(const MDB_val& value) {
  std::uint64_t serial = 0;
  if (value.mv_size == sizeof serial) std::memcpy(&serial, value.mv_data, sizeof serial);
  return serial;
}

}  // namespace

RunLayout id_layout(const Dbis& dbis) {
  // Ids are SHA-256 output: the whole id is the unit, and its first 16 bytes serve the filters as they are.
  return RunLayout{"id", "the id index", &dbis.id_slots, dbis.meta, 32, 32, 0};
}

std::uint64_t IdSnapshot::find(const nostr::Bytes32& id) const {
  MDB_val value;
  return runs_.get(id.data(), value) ? serial_of(value) : 0;
}

std::uint64_t IdIndex::find(MDB_txn* txn, const nostr::Bytes32& id) const {
  MDB_val value;
  return runs_.get(txn, id.data(), value) ? serial_of(value) : 0;
}

void IdIndex::put_sorted(MDB_txn* txn, std::span<const std::pair<nostr::Bytes32, std::uint64_t>> ids) {
  if (ids.empty()) return;
  Cursor active = runs_.active_cursor(txn);
  for (const auto& [id, serial] : ids)
    runs_.put(active, to_val(id.data(), id.size()), to_val(&serial, sizeof serial));
}

}  // namespace pleb::store::lmdb
