#include "services/keyset_cursor.hpp"

#include <charconv>

namespace pleb::services {

std::string encode_keyset_cursor(std::int64_t time, const nostr::Bytes32& key) {
  std::string cursor = std::to_string(time);
  cursor.push_back('.');
  nostr::append_hex(cursor, key.data(), key.size());
  return cursor;
}

std::optional<KeysetPosition> decode_keyset_cursor(std::string_view cursor) {
  auto dot = cursor.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  KeysetPosition position;
  auto digits = cursor.substr(0, dot);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), position.time);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  // Only what the encoder writes (no leading zero, no "-0"), so one position has one cursor.
  if (std::to_string(position.time) != digits) return std::nullopt;
  auto key = nostr::parse_hex_lower<32>(cursor.substr(dot + 1));
  if (!key) return std::nullopt;
  position.key = *key;
  return position;
}

}  // namespace pleb::services
