#include <algorithm>

#include "nostr/filter.hpp"
#include "nostr/json_reader.hpp"

namespace pleb::nostr {
namespace json {
namespace {

template <typename T>
void sort_unique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

std::string too_many(std::string_view field, const FilterLimits& limits) {
  return std::string(field) + " has too many values (at most " + std::to_string(limits.max_values) + ")";
}

std::string read_hex_list(simdjson::dom::element value, std::string_view field, const FilterLimits& limits,
                          std::optional<std::vector<Bytes32>>& out) {
  std::string message = std::string(field) + " must be an array of 64-character lowercase hex strings";
  simdjson::dom::array array;
  if (value.get_array().get(array)) return message;
  if (array.size() > limits.max_values) return too_many(field, limits);
  auto& list = out.emplace();
  list.reserve(array.size());
  for (simdjson::dom::element item : array) {
    std::string_view text;
    Bytes32 bytes;
    if (item.get_string().get(text) || !from_hex_lower(text, bytes.data(), bytes.size())) return message;
    list.push_back(bytes);
  }
  sort_unique(list);
  return {};
}

std::string read_timestamp(simdjson::dom::element value, std::string_view field,
                           std::optional<std::int64_t>& out) {
  std::int64_t number = 0;
  if (value.type() == simdjson::dom::element_type::UINT64) {
    number = kMaxCreatedAt;  // beyond any timestamp: clamp rather than refuse
  } else if (value.type() != simdjson::dom::element_type::INT64 || value.get_int64().get(number) ||
             number < 0) {
    return std::string(field) + " must be a non-negative integer";
  }
  out = std::min(number, kMaxCreatedAt);
  return {};
}

std::string read_filter_field(std::string_view key, simdjson::dom::element value, const FilterLimits& limits,
                              Filter& filter) {
  if (key == "ids") return read_hex_list(value, key, limits, filter.ids);
  if (key == "authors") return read_hex_list(value, key, limits, filter.authors);
  if (key == "kinds") {
    simdjson::dom::array array;
    const char* message = "kinds must be an array of integers between 0 and 65535";
    if (value.get_array().get(array)) return message;
    if (array.size() > limits.max_values) return too_many(key, limits);
    auto& kinds = filter.kinds.emplace();
    for (simdjson::dom::element item : array) {
      std::int64_t kind = 0;
      if (item.type() != simdjson::dom::element_type::INT64 || item.get_int64().get(kind) || kind < 0 ||
          kind > kMaxKind) {
        return message;
      }
      kinds.push_back(static_cast<std::uint32_t>(kind));
    }
    sort_unique(kinds);
    return {};
  }
  if (key == "since") return read_timestamp(value, key, filter.since);
  if (key == "until") return read_timestamp(value, key, filter.until);
  if (key == "limit") {
    std::int64_t limit = 0;
    if (value.type() == simdjson::dom::element_type::UINT64) {
      filter.limit = UINT64_MAX;
      return {};
    }
    if (value.type() != simdjson::dom::element_type::INT64 || value.get_int64().get(limit) || limit < 0) {
      return "limit must be a non-negative integer";
    }
    filter.limit = static_cast<std::uint64_t>(limit);
    return {};
  }
  if (key == "search") {
    std::string_view text;
    if (value.get_string().get(text)) return "search must be a string";
    filter.search.emplace(text);
    return {};
  }
  if (!key.empty() && key[0] == '#') {
    bool letter = key.size() == 2 && ((key[1] >= 'a' && key[1] <= 'z') || (key[1] >= 'A' && key[1] <= 'Z'));
    if (!letter) return "tag filter " + std::string(key) + " must be # followed by a single letter";
    for (const auto& existing : filter.tags) {
      if (existing.letter == key[1]) return "duplicate field: " + std::string(key);
    }
    std::string message = std::string(key) + " must be an array of strings";
    simdjson::dom::array array;
    if (value.get_array().get(array)) return message;
    if (array.size() > limits.max_values) return too_many(key, limits);
    TagFilter tag{key[1], {}};
    tag.values.reserve(array.size());
    for (simdjson::dom::element item : array) {
      std::string_view text;
      if (item.get_string().get(text)) return message;
      if (text.size() > limits.max_tag_value_bytes) return std::string(key) + " has a value that is too long";
      tag.values.emplace_back(text);
    }
    sort_unique(tag.values);
    filter.tags.push_back(std::move(tag));
    return {};
  }
  return {};  // unknown fields are ignored, so newer clients keep working
}

}  // namespace

Result<Filter> filter_from_element(simdjson::dom::element element, const FilterLimits& limits) {
  simdjson::dom::object object;
  if (element.get_object().get(object)) return Result<Filter>::failure("a filter must be a JSON object");
  Filter filter;
  unsigned seen = 0;  // duplicate detection for the fixed fields
  static constexpr std::string_view kFixed[] = {"ids",   "authors", "kinds", "since",
                                                "until", "limit",   "search"};
  for (auto [key, value] : object) {
    for (unsigned i = 0; i < std::size(kFixed); ++i) {
      if (key == kFixed[i]) {
        if (seen & (1u << i)) return Result<Filter>::failure("duplicate field: " + std::string(key));
        seen |= 1u << i;
      }
    }
    if (auto error = read_filter_field(key, value, limits, filter); !error.empty()) {
      return Result<Filter>::failure(error);
    }
  }
  std::sort(filter.tags.begin(), filter.tags.end(),
            [](const TagFilter& a, const TagFilter& b) { return a.letter < b.letter; });
  return filter;
}

}  // namespace json

Result<Filter> parse_filter(std::string_view text, const FilterLimits& limits) {
  auto root = json::parse_document(text, limits.max_depth);
  if (!root) return Result<Filter>::failure(root.error());
  return json::filter_from_element(*root, limits);
}

}  // namespace pleb::nostr
