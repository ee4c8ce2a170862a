#include "store/postgres/sql_text.hpp"

#include "nostr/json_writer.hpp"

namespace pleb::store::pg {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

std::string without_nul(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') {
      out.append(kReplacement);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void append_bytea(std::string& out, const std::uint8_t* data, std::size_t size) {
  out.append("'\\x");
  nostr::append_hex(out, data, size);
  out.append("'::bytea");
}

void append_text(std::string& out, std::string_view text) {
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'') {
      out.append("''");
    } else if (c == '\0') {
      out.append(kReplacement);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
}

std::string tags_json_for_sql(const std::vector<nostr::Tag>& tags) {
  bool has_nul = false;
  for (const auto& tag : tags) {
    for (const auto& value : tag) has_nul = has_nul || value.find('\0') != std::string::npos;
  }
  std::string out;
  if (!has_nul) {
    nostr::append_tags(out, tags);
    return out;
  }
  std::vector<nostr::Tag> clean = tags;
  for (auto& tag : clean) {
    for (auto& value : tag) value = without_nul(value);
  }
  nostr::append_tags(out, clean);
  return out;
}

bool needs_exact_check(std::string_view value) {
  return value.find('\0') != std::string_view::npos || value.find(kReplacement) != std::string_view::npos;
}

std::string first_line(std::string_view message) {
  constexpr std::string_view kError = "ERROR:";
  if (message.substr(0, kError.size()) == kError) message.remove_prefix(kError.size());
  while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
  auto end = message.find('\n');
  return std::string(message.substr(0, end));
}

}  // namespace pleb::store::pg
