#pragma once
// The secondary index entries an event owns, built in one place so that insertion and removal can
// never disagree about them.
#include <lmdb.h>

#include <cstdint>
#include <vector>

#include "nostr/event.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

struct IndexedFields {
  const nostr::Bytes32& pubkey;
  std::int64_t created_at;
  std::uint32_t kind;
  const std::vector<nostr::Tag>& tags;
  std::uint64_t serial;
};

// Calls fn(dbi, key) for the created, pubkey, kind, pubkey_kind and tag entries of an event.
// An event with the same tag twice yields the same key twice; callers put or delete idempotently.
template <typename Fn>
void for_each_index_entry(const Dbis& dbis, const IndexedFields& e, Fn&& fn) {
  {
    Key k;
    fn(dbis.created, k.suffix(e.created_at, e.serial));
  }
  {
    Key k;
    fn(dbis.pubkey, k.append(e.pubkey).suffix(e.created_at, e.serial));
  }
  {
    Key k;
    fn(dbis.kind, k.be32(e.kind).suffix(e.created_at, e.serial));
  }
  {
    Key k;
    fn(dbis.pubkey_kind, k.append(e.pubkey).be32(e.kind).suffix(e.created_at, e.serial));
  }
  for (const auto& tag : e.tags) {
    // Exactly the tags a NIP-01 "#x" filter can match: a one-character name and a value.
    if (tag.size() < 2 || tag[0].size() != 1) continue;
    Key k;
    k.u8(static_cast<std::uint8_t>(tag[0][0])).append(hash_value(tag[1])).suffix(e.created_at, e.serial);
    fn(dbis.tag, k);
  }
}

}  // namespace pleb::store::lmdb
