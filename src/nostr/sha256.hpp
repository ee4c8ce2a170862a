#pragma once
#include <string_view>

#include "nostr/bytes.hpp"

namespace pleb::nostr {

Bytes32 sha256(std::string_view data);
Bytes32 sha256(const std::uint8_t* data, std::size_t size);

}  // namespace pleb::nostr
