#include "store/lmdb/schema.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "store/lmdb/lmdb_env.hpp"

namespace pleb::store::lmdb {
namespace {

MDB_dbi open_dbi(MDB_txn* txn, const char* name, unsigned flags) {
  MDB_dbi dbi = 0;
  check(mdb_dbi_open(txn, name, flags | MDB_CREATE, &dbi), std::string("mdb_dbi_open ") + name);
  return dbi;
}

}  // namespace

Dbis open_schema(MDB_env* env) {
  Txn txn(env, 0);
  Dbis d;
  d.events = open_dbi(txn.get(), "events", MDB_INTEGERKEY);
  for (unsigned slot = 0; slot < kRunSlots; ++slot) {
    std::string suffix = slot == 0 ? "" : "." + std::to_string(slot);
    d.id_slots[slot] = open_dbi(txn.get(), ("ids" + suffix).c_str(), 0);
    d.tag_slots[slot] = open_dbi(txn.get(), ("tag" + suffix).c_str(), 0);
  }

  d.created = open_dbi(txn.get(), "created", 0);
  d.pubkey = open_dbi(txn.get(), "pubkey", 0);
  d.kind = open_dbi(txn.get(), "kind", 0);
  d.pubkey_kind = open_dbi(txn.get(), "pubkey_kind", 0);
  d.tag = d.tag_slots[0];
  d.address = open_dbi(txn.get(), "address", 0);
  d.expiry = open_dbi(txn.get(), "expiry", 0);
  d.deleted_ids = open_dbi(txn.get(), "deleted_ids", 0);
  d.deleted_addrs = open_dbi(txn.get(), "deleted_addrs", 0);
  d.meta = open_dbi(txn.get(), "meta", 0);

  static constexpr std::string_view kFormatKey = "format";
  // Upgraded by opening: their single trees are the first runs of the run sets that came later.
  static constexpr std::uint32_t kOldestUpgradable = 1;
  MDB_val value;
  bool present = get(txn.get(), d.meta, to_val(kFormatKey), value);
  std::uint32_t found = 0;
  if (present && value.mv_size == sizeof found) std::memcpy(&found, value.mv_data, sizeof found);
  if (present && (found > kFormatVersion || found < kOldestUpgradable)) {
    throw std::runtime_error("event store format " + std::to_string(found) + " is not the supported " +
                             std::to_string(kFormatVersion));
  }
  if (!present || found != kFormatVersion) {
    std::uint32_t version = kFormatVersion;
    put(txn.get(), d.meta, to_val(kFormatKey), to_val(&version, sizeof version));
  }
  txn.commit();
  return d;
}

}  // namespace pleb::store::lmdb
