#include "nostr/bytes.hpp"

namespace pleb::nostr {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// -1 for anything that is not a hex digit of the accepted case.
int hex_value(char c, bool allow_upper) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (allow_upper && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool decode(std::string_view hex, std::uint8_t* out, std::size_t out_size, bool allow_upper) {
  if (hex.size() != out_size * 2) return false;
  for (std::size_t i = 0; i < out_size; ++i) {
    int hi = hex_value(hex[2 * i], allow_upper);
    int lo = hex_value(hex[2 * i + 1], allow_upper);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace

void append_hex(std::string& out, const std::uint8_t* data, std::size_t size) {
  std::size_t at = out.size();
  out.resize(at + size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out[at + 2 * i] = kHexDigits[data[i] >> 4];
    out[at + 2 * i + 1] = kHexDigits[data[i] & 0xf];
  }
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

std::optional<ByteVector> parse_hex_vector(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  ByteVector out(hex.size() / 2);
  if (!decode(hex, out.data(), out.size(), true)) return std::nullopt;
  return out;
}

}  // namespace pleb::nostr
