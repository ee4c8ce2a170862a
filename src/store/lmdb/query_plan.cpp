#include "store/lmdb/query_plan.hpp"

#include <algorithm>
#include <cstring>

namespace pleb::store::lmdb {
namespace {

template <typename T>
bool contains(const std::vector<T>& sorted, const T& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

Prefix make_prefix(const Key& key) {
  Prefix p;
  std::memcpy(p.bytes.data(), key.data(), key.size());
  p.size = static_cast<std::uint8_t>(key.size());
  return p;
}

}  // namespace

Plan plan_filter(const nostr::Filter& filter, const PlannerLimits& limits) {
  Plan plan;
  if (filter.is_empty_set()) return plan;
  if (filter.ids) {
    plan.index = IndexKind::kIds;
  } else if (filter.authors && filter.kinds &&
             filter.authors->size() * filter.kinds->size() <= limits.max_prefixes) {
    plan.index = IndexKind::kPubkeyKind;
    plan.prefixes.reserve(filter.authors->size() * filter.kinds->size());
    for (const auto& author : *filter.authors) {
      for (std::uint32_t kind : *filter.kinds)
        plan.prefixes.push_back(make_prefix(Key().append(author).be32(kind)));
    }
  } else if (filter.authors) {
    plan.index = IndexKind::kPubkey;
    plan.prefixes.reserve(filter.authors->size());
    for (const auto& author : *filter.authors) plan.prefixes.push_back(make_prefix(Key().append(author)));
  } else if (!filter.tags.empty()) {
    plan.index = IndexKind::kTag;
    const auto& tag = *filter.narrowest_tag();
    plan.prefixes.reserve(tag.values.size());
    for (const auto& value : tag.values) {
      plan.prefixes.push_back(
          make_prefix(Key().u8(static_cast<std::uint8_t>(tag.letter)).append(hash_value(value))));
    }
  } else if (filter.kinds) {
    plan.index = IndexKind::kKind;
    plan.prefixes.reserve(filter.kinds->size());
    for (std::uint32_t kind : *filter.kinds) plan.prefixes.push_back(make_prefix(Key().be32(kind)));
  } else {
    plan.index = IndexKind::kCreated;
    plan.prefixes.push_back(Prefix{});
  }
  // A tag lane proves exactly one tag condition (the hash cannot be forged); anything more needs tags.
  bool tags_decided = filter.tags.empty() || (plan.index == IndexKind::kTag && filter.tags.size() == 1);
  plan.needs_event = !tags_decided || filter.search.has_value();
  return plan;
}

std::string Plan::describe() const {
  std::string out;
  switch (index) {
    case IndexKind::kNone:
      return "none";
    case IndexKind::kIds:
      out = "ids";
      break;
    case IndexKind::kPubkeyKind:
      out = "pubkey_kind[" + std::to_string(prefixes.size()) + "]";
      break;
    case IndexKind::kPubkey:
      out = "pubkey[" + std::to_string(prefixes.size()) + "]";
      break;
    case IndexKind::kTag:
      out = "tag[#";
      out.push_back(static_cast<char>(prefixes.front().bytes[0]));
      out += " x" + std::to_string(prefixes.size()) + "]";
      break;
    case IndexKind::kKind:
      out = "kind[" + std::to_string(prefixes.size()) + "]";
      break;
    case IndexKind::kCreated:
      out = "created_at";
      break;
  }
  if (needs_event) out += "+parse";
  return out;
}

MDB_dbi index_dbi(const Dbis& dbis, IndexKind index) {
  switch (index) {
    case IndexKind::kPubkeyKind:
      return dbis.pubkey_kind;
    case IndexKind::kPubkey:
      return dbis.pubkey;
    case IndexKind::kKind:
      return dbis.kind;
    case IndexKind::kCreated:
      return dbis.created;
    case IndexKind::kIds:  // looked up (id_index.hpp), never scanned
    case IndexKind::kTag:  // read in runs (tag_index.hpp)
    case IndexKind::kNone:
      break;
  }
  return dbis.created;
}

bool header_matches(const nostr::Filter& filter, const RecordHeader& header) {
  if (filter.ids && !contains(*filter.ids, header.id)) return false;
  if (filter.authors && !contains(*filter.authors, header.pubkey)) return false;
  if (filter.kinds && !contains(*filter.kinds, header.kind)) return false;
  if (filter.since && header.created_at < *filter.since) return false;
  if (filter.until && header.created_at > *filter.until) return false;
  return true;
}

}  // namespace pleb::store::lmdb
