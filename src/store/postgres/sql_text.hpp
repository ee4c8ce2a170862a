#pragma once
// SQL literals for the statements the PostgreSQL engine builds. Everything it sends is assembled as
// text (a write batch is one multi-row statement), so every value goes through these functions:
// bytea as hex ('\x…'), text with quotes doubled (the connection sets standard_conforming_strings).
//
// PostgreSQL text and jsonb cannot hold U+0000, which a Nostr string may contain. The copies that only
// serve SQL conditions (content, tags jsonb, tag keys) carry U+FFFD in its place; the served JSON (raw)
// keeps the exact escape. A filter value containing either character therefore needs its matches
// checked again in C++ (needs_exact_check).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/bytes.hpp"
#include "nostr/event.hpp"

namespace pleb::store::pg {

void append_bytea(std::string& out, const std::uint8_t* data, std::size_t size);
template <std::size_t N>
void append_bytea(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  append_bytea(out, bytes.data(), N);
}
inline void append_bytea(std::string& out, std::string_view bytes) {
  append_bytea(out, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// A quoted text literal; U+0000 becomes U+FFFD.
void append_text(std::string& out, std::string_view text);

// The tags as JSON for the jsonb column, U+0000 replaced.
std::string tags_json_for_sql(const std::vector<nostr::Tag>& tags);

// True when SQL may confuse this value with another (it holds U+0000 or U+FFFD).
bool needs_exact_check(std::string_view value);

// Comma-separated bytea literals: the inside of an IN (...) list.
template <typename Range>
std::string bytea_list(const Range& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out.push_back(',');
    append_bytea(out, v);
  }
  return out;
}

// The first line of a libpq/libpqxx error, without "ERROR:  " and the trailing newline.
std::string first_line(std::string_view message);

}  // namespace pleb::store::pg
