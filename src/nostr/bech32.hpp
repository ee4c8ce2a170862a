#pragma once
// BIP-173 bech32 (the original checksum, not bech32m), which NIP-19 builds on.
//
// The strings handled here are user input, and some carry secret keys (nsec). Every buffer that
// held decoded data is therefore wiped before it is released, including on failure paths, and the
// error messages never echo the input beyond the single offending character.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "nostr/bytes.hpp"
#include "nostr/result.hpp"

namespace pleb::nostr::bech32 {

// BIP-173 caps strings at 90 characters, but nprofile/nevent/naddr with a few relays routinely
// exceed that; NIP-19 implementations agree on 5000.
inline constexpr std::size_t kMaxLength = 5000;
inline constexpr std::size_t kChecksumLength = 6;

// A decoded string: the human-readable part in lowercase and the 5-bit data values, checksum removed.
struct Decoded {
  std::string hrp;
  ByteVector values;
};

// Encodes `values` (each below 32) under `hrp` (lowercase, printable ASCII, not empty). Throws
// std::invalid_argument when those preconditions are broken: that is a programming error, not input.
// The result is allocated once, so no stray copy of the data is left behind by reallocation.
std::string encode(std::string_view hrp, const ByteVector& values);

// Decodes and verifies a bech32 string of at most `max_length` characters. All-lowercase and
// all-uppercase are both accepted; mixed case is not.
Result<Decoded> decode(std::string_view text, std::size_t max_length = kMaxLength);

// Regroups 8-bit bytes into 5-bit values, zero-padding the last one.
ByteVector bytes_to_values(const std::uint8_t* data, std::size_t size);
inline ByteVector bytes_to_values(const ByteVector& bytes) {
  return bytes_to_values(bytes.data(), bytes.size());
}

// Regroups 5-bit values into bytes. Strict, as BIP-173 requires: the padding must be shorter than
// 5 bits and all zero, so every byte string has exactly one encoding.
Result<ByteVector> values_to_bytes(const ByteVector& values);

// Zeroes a buffer's whole capacity (not just its size) and empties it.
void wipe(ByteVector& bytes);

// Wipes the referenced buffer when the scope ends, whichever way it ends.
class WipeGuard {
 public:
  explicit WipeGuard(ByteVector& bytes) : bytes_(bytes) {}
  WipeGuard(const WipeGuard&) = delete;
  WipeGuard& operator=(const WipeGuard&) = delete;
  ~WipeGuard() { wipe(bytes_); }

 private:
  ByteVector& bytes_;
};

}  // namespace pleb::nostr::bech32
