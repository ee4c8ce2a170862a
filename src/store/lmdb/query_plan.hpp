#pragma once
// Chooses, for one filter, the index whose key prefixes enumerate a superset of its matches, and
// tells what is left to check on each candidate.
#include <lmdb.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nostr/filter.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

enum class IndexKind : std::uint8_t {
  kNone,  // the filter can match nothing
  kIds,   // direct lookups of the filter's ids
  kPubkeyKind,
  kPubkey,
  kTag,
  kKind,
  kCreated,
};

// The leading bytes shared by the index keys of one scan lane; at most pubkey + kind.
struct Prefix {
  std::array<std::uint8_t, 36> bytes{};
  std::uint8_t size = 0;
};

struct Plan {
  IndexKind index = IndexKind::kNone;
  std::vector<Prefix> prefixes;  // one lane each, merged newest first
  // Some condition (tags beyond the scanned one, search) needs the parsed event, not just the header.
  bool needs_event = false;
  std::string describe() const;
};

struct PlannerLimits {
  // authors x kinds beyond this is scanned by author alone: seeking that many lanes costs more than
  // the kind check it saves.
  std::size_t max_prefixes = 4096;
};

Plan plan_filter(const nostr::Filter& filter, const PlannerLimits& limits);
MDB_dbi index_dbi(const Dbis& dbis, IndexKind index);

// The filter's conditions that the record header decides: ids, authors, kinds, since, until.
bool header_matches(const nostr::Filter& filter, const RecordHeader& header);

}  // namespace pleb::store::lmdb
