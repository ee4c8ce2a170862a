#include "nostr/filter.hpp"

#include <algorithm>
#include <charconv>

#include "nostr/json_writer.hpp"

namespace pleb::nostr {
namespace {

template <typename T>
bool contains(const std::vector<T>& sorted, const T& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

bool tag_matches(const TagFilter& filter, const Event& event) {
  for (const auto& tag : event.tags) {
    if (tag.size() >= 2 && tag[0].size() == 1 && tag[0][0] == filter.letter &&
        std::binary_search(filter.values.begin(), filter.values.end(), tag[1])) {
      return true;
    }
  }
  return false;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return lower(a) == lower(b); });
  return it != haystack.end();
}

void append_hex_list(std::string& out, const char* name, const std::vector<Bytes32>& list) {
  out.append("\"").append(name).append("\":[");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out.push_back(',');
    out.append("\"").append(to_hex(list[i])).append("\"");
  }
  out.push_back(']');
}

}  // namespace

bool search_matches(std::string_view query, std::string_view content) {
  std::size_t at = 0;
  while (at < query.size()) {
    while (at < query.size() && query[at] == ' ') ++at;
    std::size_t end = query.find(' ', at);
    if (end == std::string_view::npos) end = query.size();
    std::string_view word = query.substr(at, end - at);
    at = end;
    if (word.empty() || word.find(':') != std::string_view::npos) continue;  // extensions like lang:en
    if (!contains_ignoring_case(content, word)) return false;
  }
  return true;
}

bool Filter::matches(const Event& event) const {
  if (ids && !contains(*ids, event.id)) return false;
  if (authors && !contains(*authors, event.pubkey)) return false;
  if (kinds && !contains(*kinds, event.kind)) return false;
  if (since && event.created_at < *since) return false;
  if (until && event.created_at > *until) return false;
  for (const auto& tag : tags) {
    if (!tag_matches(tag, event)) return false;
  }
  if (search && !search_matches(*search, event.content)) return false;
  return true;
}

bool Filter::is_empty_set() const {
  if ((ids && ids->empty()) || (authors && authors->empty()) || (kinds && kinds->empty())) return true;
  for (const auto& tag : tags) {
    if (tag.values.empty()) return true;
  }
  return since && until && *since > *until;
}

const TagFilter* Filter::narrowest_tag() const {
  if (tags.empty()) return nullptr;
  return &*std::min_element(tags.begin(), tags.end(),
                            [](const auto& a, const auto& b) { return a.values.size() < b.values.size(); });
}

std::string to_json(const Filter& filter) {
  std::string out = "{";
  auto comma = [&] {
    if (out.size() > 1) out.push_back(',');
  };
  if (filter.ids) append_hex_list(out, "ids", *filter.ids);
  if (filter.authors) comma(), append_hex_list(out, "authors", *filter.authors);
  if (filter.kinds) {
    comma();
    out.append("\"kinds\":[");
    for (std::size_t i = 0; i < filter.kinds->size(); ++i) {
      if (i) out.push_back(',');
      out.append(std::to_string((*filter.kinds)[i]));
    }
    out.push_back(']');
  }
  for (const auto& tag : filter.tags) {
    comma();
    out.append("\"#").push_back(tag.letter);
    out.append("\":[");
    for (std::size_t i = 0; i < tag.values.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, tag.values[i]);
    }
    out.push_back(']');
  }
  if (filter.since) comma(), out.append("\"since\":").append(std::to_string(*filter.since));
  if (filter.until) comma(), out.append("\"until\":").append(std::to_string(*filter.until));
  if (filter.limit) comma(), out.append("\"limit\":").append(std::to_string(*filter.limit));
  if (filter.search) comma(), out.append("\"search\":"), append_json_string(out, *filter.search);
  out.push_back('}');
  return out;
}

}  // namespace pleb::nostr
