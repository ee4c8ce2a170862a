#pragma once
// NIP-01 subscription filters: parsing, matching, and serialization.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/result.hpp"

namespace pleb::nostr {

struct TagFilter {
  char letter = 0;
  std::vector<std::string> values;  // sorted, unique
  bool operator==(const TagFilter&) const = default;
};

struct Filter {
  // An absent list places no condition; a present but empty list matches nothing.
  std::optional<std::vector<Bytes32>> ids;          // sorted, unique
  std::optional<std::vector<Bytes32>> authors;      // sorted, unique
  std::optional<std::vector<std::uint32_t>> kinds;  // sorted, unique
  std::vector<TagFilter> tags;                      // each must match (AND); values within one are OR-ed
  std::optional<std::int64_t> since;
  std::optional<std::int64_t> until;
  std::optional<std::uint64_t> limit;
  std::optional<std::string> search;  // NIP-50

  bool matches(const Event& event) const;
  // True when the filter can match nothing at all (an empty list, or since > until).
  bool is_empty_set() const;
  // The tag condition with the fewest values (the first of equals), nullptr without tag conditions: the
  // smallest set of values of which a matching event must carry one, so indexes drive by it.
  const TagFilter* narrowest_tag() const;
  bool operator==(const Filter&) const = default;
};

struct FilterLimits {
  // In ids, authors, kinds and each tag list. A home feed names every author the user follows, and
  // follow lists of a few thousand are common; 5,000 hex keys fit well within a 512 KiB message.
  std::size_t max_values = 5000;
  std::size_t max_tag_value_bytes = 1024;
  std::size_t max_depth = 8;
};

Result<Filter> parse_filter(std::string_view json, const FilterLimits& limits = {});
std::string to_json(const Filter& filter);

// NIP-50: every word of the query (key:value extensions aside) occurs in the content, ignoring ASCII case.
bool search_matches(std::string_view query, std::string_view content);

}  // namespace pleb::nostr
