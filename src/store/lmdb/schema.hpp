#pragma once
// The named databases of one store and the key → value layout of each. Everything lives in one LMDB
// environment so that a write batch commits atomically across all of them.
//
//   events         serial (native uint64, MDB_INTEGERKEY)      → RecordHeader + event JSON
//   ids, ids.1 … ids.39  id[32]                                → serial: the runs of the id index
//                  (run_set.hpp says which are live; a format-1 store has "ids" alone)

//   created        created_at, serial                          → (empty)
//   pubkey         pubkey[32], created_at, serial              → (empty)
//   kind           kind[4], created_at, serial                 → (empty)
//   pubkey_kind    pubkey[32], kind[4], created_at, serial     → (empty)
//   tag, tag.1 … tag.39  letter[1], hash(value)[16], created_at, serial  → (empty): the runs of the
//                  tag index (a format-2 store has "tag" alone)
//   address        pubkey[32], kind[4] [, hash(d)[16]]         → serial of the one stored version
//   expiry         expiration, serial                          → (empty)
//   deleted_ids    id[32], deleter pubkey[32]                  → (empty)
//   deleted_addrs  pubkey[32], kind[4] [, hash(d)[16]]         → created_at of the newest deletion
//   meta           "next_serial" → uint64; "format" → uint32; "id_runs", "id_merge", "id_bloom.N",
//                  "tag_runs", "tag_merge", "tag_bloom.N" (run_set.hpp)

//
// created_at and expiration are encoded by encode_time() (big-endian, sign bit flipped), kind and
// serial big-endian: see keys.hpp.
#include <lmdb.h>

#include <array>

namespace pleb::store::lmdb {

// Database handles per run set: enough for the runs of ~6 tiers at four per tier, a merge target and room.
inline constexpr unsigned kRunSlots = 40;

struct Dbis {
  MDB_dbi events = 0;
  std::array<MDB_dbi, kRunSlots> id_slots{};
  std::array<MDB_dbi, kRunSlots> tag_slots{};

  MDB_dbi created = 0;
  MDB_dbi pubkey = 0;
  MDB_dbi kind = 0;
  MDB_dbi pubkey_kind = 0;
  MDB_dbi tag = 0;  // tag_slots[0]: names the tag index where index entries are listed (index_entries.hpp)
  MDB_dbi address = 0;
  MDB_dbi expiry = 0;
  MDB_dbi deleted_ids = 0;
  MDB_dbi deleted_addrs = 0;
  MDB_dbi meta = 0;
};

inline constexpr unsigned kMaxDbs = 128;
// 2: the id index has runs. 3: the tag index has runs too. An older store is upgraded when it is opened
// (its "ids" and "tag" become the first run of each); an older binary refuses a newer store rather than
// miss the entries in other runs.
inline constexpr unsigned kFormatVersion = 3;

// Opens (creating if needed) every database and checks the on-disk format version.
Dbis open_schema(MDB_env* env);

}  // namespace pleb::store::lmdb
