#pragma once
// RFC 4648 base64 (the standard alphabet), over libsodium's constant-time codec.
#include <optional>
#include <string>
#include <string_view>

namespace pleb::nostr {

// Padded.
std::string to_base64(std::string_view bytes);

enum class Base64Padding {
  kRequired,  // NIP-44: exactly as encoded, padding included
  kOptional,  // NIP-98 headers: padded as the NIP shows, or unpadded as some encoders write them
};
// Any character outside the alphabet, or non-zero trailing bits, fail. Empty text fails.
std::optional<std::string> from_base64(std::string_view text,
                                       Base64Padding padding = Base64Padding::kRequired);

}  // namespace pleb::nostr
