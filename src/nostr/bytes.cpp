#include "nostr/bytes.hpp"

#include <array>
#include <cstring>

namespace pleb::nostr {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Both digits of every byte value: ids, keys and signatures are written a byte (two digits) per step.
struct HexPairs {
  std::array<std::array<char, 2>, 256> digits;
  constexpr HexPairs() : digits() {
    for (int b = 0; b < 256; ++b) digits[b] = {kHexDigits[b >> 4], kHexDigits[b & 0xf]};
  }
};
constexpr HexPairs kHexPairs;

// Digit values by byte, 0xff for anything that is not a hex digit of the accepted case. Every event's id,
// pubkey, signature and hex tags go through here: a table lookup per character instead of branches.
struct HexTable {
  std::array<std::uint8_t, 256> value;
  constexpr explicit HexTable(bool allow_upper) : value() {
    for (auto& v : value) v = 0xff;
    for (int c = 0; c < 10; ++c) value['0' + c] = static_cast<std::uint8_t>(c);
    for (int c = 0; c < 6; ++c) {
      value['a' + c] = static_cast<std::uint8_t>(10 + c);
      if (allow_upper) value['A' + c] = static_cast<std::uint8_t>(10 + c);
    }
  }
};
constexpr HexTable kLowerHex(false), kAnyCaseHex(true);

bool decode(std::string_view hex, std::uint8_t* out, std::size_t out_size, bool allow_upper) {
  if (hex.size() != out_size * 2) return false;
  const auto& table = allow_upper ? kAnyCaseHex.value : kLowerHex.value;
  std::uint8_t invalid = 0;
  for (std::size_t i = 0; i < out_size; ++i) {
    std::uint8_t hi = table[static_cast<unsigned char>(hex[2 * i])];
    std::uint8_t lo = table[static_cast<unsigned char>(hex[2 * i + 1])];
    invalid |= static_cast<std::uint8_t>(hi | lo);  // only 0xff has bit 7 set
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return (invalid & 0x80) == 0;
}

}  // namespace

void append_hex(std::string& out, const std::uint8_t* data, std::size_t size) {
  const std::size_t at = out.size();
  out.resize(at + size * 2);
  char* to = out.data() + at;
  for (std::size_t i = 0; i < size; ++i) std::memcpy(to + 2 * i, kHexPairs.digits[data[i]].data(), 2);
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  std::string out;
  append_hex(out, data, size);
  return out;
}

bool from_hex_lower(std::string_view hex, std::uint8_t* out, std::size_t out_size) {
  return decode(hex, out, out_size, false);
}

bool from_hex_any_case(std::string_view hex, std::uint8_t* out, std::size_t out_size) {
  return decode(hex, out, out_size, true);
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      std::uint8_t high = kAnyCaseHex.value[static_cast<unsigned char>(text[i + 1])];
      std::uint8_t low = kAnyCaseHex.value[static_cast<unsigned char>(text[i + 2])];
      if ((high | low) & 0x80) return std::nullopt;
      c = static_cast<char>(high << 4 | low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::optional<ByteVector> parse_hex_vector(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  ByteVector out(hex.size() / 2);
  if (!decode(hex, out.data(), out.size(), true)) return std::nullopt;
  return out;
}

}  // namespace pleb::nostr
