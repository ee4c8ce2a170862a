#pragma once
// Fixed-size byte arrays and hex conversion used throughout the protocol core.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pleb::nostr {

using Bytes32 = std::array<std::uint8_t, 32>;
using Bytes64 = std::array<std::uint8_t, 64>;
using ByteVector = std::vector<std::uint8_t>;

// Big-endian 64-bit words: keys that sort as numbers, and 32-byte values read as four words.
inline void store_be64(std::uint8_t* at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) at[i] = static_cast<std::uint8_t>(v);
}
inline std::uint64_t load_be64(const std::uint8_t* at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | at[i];
  return v;
}

// Lowercase hex, as NIP-01 requires for ids, pubkeys and signatures.
std::string to_hex(const std::uint8_t* data, std::size_t size);
void append_hex(std::string& out, const std::uint8_t* data, std::size_t size);
template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
  return to_hex(bytes.data(), N);
}
inline std::string to_hex(const ByteVector& bytes) {
  return to_hex(bytes.data(), bytes.size());
}

// Decodes exactly out_size bytes from 2*out_size lowercase hex characters; false on anything else.
bool from_hex_lower(std::string_view hex, std::uint8_t* out, std::size_t out_size);
// Accepts either case; used for user-typed input on the command line and for test vectors.
bool from_hex_any_case(std::string_view hex, std::uint8_t* out, std::size_t out_size);

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse_hex_lower(std::string_view hex) {
  std::array<std::uint8_t, N> out{};
  if (!from_hex_lower(hex, out.data(), N)) return std::nullopt;
  return out;
}
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse_hex_any_case(std::string_view hex) {
  std::array<std::uint8_t, N> out{};
  if (!from_hex_any_case(hex, out.data(), N)) return std::nullopt;
  return out;
}
std::optional<ByteVector> parse_hex_vector(std::string_view hex);

// Percent-decoding (RFC 3986) of URL parts: request paths and queries, engine URLs. Nullopt for a
// truncated or non-hex escape, and for a NUL, raw or escaped: C interfaces (libpq, hiredis) would cut
// the text there. `plus_is_space`: '+' stands for a space, as in query strings.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace pleb::nostr
