#pragma once
// The opaque cursor of keyset-paginated lists: "<seconds>.<64 lowercase hex>", the sort key (a time,
// then an id or pubkey) of the last item of the previous page.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nostr/bytes.hpp"

namespace pleb::services {

struct KeysetPosition {
  std::int64_t time = 0;
  nostr::Bytes32 key{};
};

std::string encode_keyset_cursor(std::int64_t time, const nostr::Bytes32& key);
// nullopt for anything not made by encode_keyset_cursor.
std::optional<KeysetPosition> decode_keyset_cursor(std::string_view cursor);

}  // namespace pleb::services
