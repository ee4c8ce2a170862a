#pragma once
// The tag index: a run set (run_set.hpp) of keys letter[1], hash(value)[16], created_at, serial. The
// values of `e` and `p` tags name events and people all over the key space, so one large tree took a
// page write at a random place per tag; runs take them in a small tree and merge by appending. Its
// filters hold the 17-byte (letter, value hash) prefix, so a scan of one tag value (index_scan.hpp)
// reads only the runs that may hold it. A format-2 store's one "tag" tree is its slot 0.
#include "store/lmdb/run_set.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

inline constexpr std::size_t kTagPrefixSize = 17;  // letter, hash(value)
inline constexpr std::size_t kTagKeySize = kTagPrefixSize + 16;

inline RunLayout tag_layout(const Dbis& dbis) {
  return RunLayout{"tag", "the tag index", &dbis.tag_slots, dbis.meta, kTagKeySize, kTagPrefixSize, 1};
}

}  // namespace pleb::store::lmdb
