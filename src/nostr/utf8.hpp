#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pleb::nostr {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(const std::uint8_t* data, std::size_t size);
bool is_valid_utf8(std::string_view text);

}  // namespace pleb::nostr
