#include "nostr/bech32.hpp"

#include <optional>
#include <stdexcept>

#include "nostr/secret.hpp"

namespace pleb::nostr::bech32 {
namespace {

constexpr char kAlphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr char kSeparator = '1';
// What the polymod of a valid string comes to: 1 for bech32, this for bech32m (BIP-350). Knowing
// the second lets us tell the user why a well-formed bech32m string is refused.
constexpr std::uint32_t kBech32Constant = 1;
constexpr std::uint32_t kBech32mConstant = 0x2bc830a3;

// One step of the BCH checksum of BIP-173: the checksum is computed value by value, so no
// expanded copy of the (possibly secret) data is ever built.
std::uint32_t polymod_step(std::uint32_t checksum, std::uint8_t value) {
  constexpr std::uint32_t kGenerator[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t top = checksum >> 25;
  checksum = (checksum & 0x1ffffff) << 5 ^ value;
  for (int i = 0; i < 5; ++i) {
    if ((top >> i) & 1) checksum ^= kGenerator[i];
  }
  return checksum;
}

// The checksum covers the human-readable part too, expanded as its high bits, a zero, its low bits.
std::uint32_t polymod_hrp(std::string_view hrp) {
  std::uint32_t checksum = 1;
  for (char c : hrp) checksum = polymod_step(checksum, static_cast<std::uint8_t>(c) >> 5);
  checksum = polymod_step(checksum, 0);
  for (char c : hrp) checksum = polymod_step(checksum, static_cast<std::uint8_t>(c) & 31);
  return checksum;
}

// -1 for characters outside the alphabet; both cases map, case consistency is checked separately.
int alphabet_value(char c) {
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

bool is_printable_ascii(char c) {
  return c > 32 && c < 127;
}

// Names one character of the input without echoing more of it (the input may be an nsec).
std::string describe_char(char c, std::size_t index) {
  std::string position = " at position " + std::to_string(index + 1);
  if (c >= 32 && c < 127) return "character '" + std::string(1, c) + "'" + position;
  constexpr char kHex[] = "0123456789abcdef";
  auto byte = static_cast<std::uint8_t>(c);
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 15] + position;
}

// BIP-173: every character is printable ASCII, and letters are all of one case.
std::optional<std::string> check_characters(std::string_view text) {
  bool has_lower = false;
  bool has_upper = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!is_printable_ascii(c)) {
      return "invalid " + describe_char(c, i) + ": bech32 strings are printable ASCII";
    }
    has_lower |= c >= 'a' && c <= 'z';
    has_upper |= c >= 'A' && c <= 'Z';
  }
  if (has_lower && has_upper) return std::string("mixed upper and lower case in bech32 string");
  return std::nullopt;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string encode(std::string_view hrp, const ByteVector& values) {
  if (hrp.empty()) throw std::invalid_argument("bech32::encode: empty human-readable part");
  for (char c : hrp) {
    if (!is_printable_ascii(c) || (c >= 'A' && c <= 'Z')) {
      throw std::invalid_argument("bech32::encode: human-readable part must be lowercase printable ASCII");
    }
  }
  std::string out;
  out.reserve(hrp.size() + 1 + values.size() + kChecksumLength);
  out.append(hrp);
  out.push_back(kSeparator);
  std::uint32_t checksum = polymod_hrp(hrp);
  for (std::uint8_t value : values) {
    if (value >= 32) throw std::invalid_argument("bech32::encode: data value above 31");
    checksum = polymod_step(checksum, value);
    out.push_back(kAlphabet[value]);
  }
  for (std::size_t i = 0; i < kChecksumLength; ++i) checksum = polymod_step(checksum, 0);
  checksum ^= kBech32Constant;
  for (std::size_t i = 0; i < kChecksumLength; ++i) {
    out.push_back(kAlphabet[(checksum >> (5 * (kChecksumLength - 1 - i))) & 31]);
  }
  return out;
}

Result<Decoded> decode(std::string_view text, std::size_t max_length) {
  // Checked first, so an oversized input costs nothing more than its length.
  if (text.empty()) return Result<Decoded>::failure("empty bech32 string");
  if (text.size() > max_length) {
    return Result<Decoded>::failure("bech32 string too long: " + std::to_string(text.size()) +
                                    " characters, the limit is " + std::to_string(max_length));
  }
  if (auto error = check_characters(text)) return Result<Decoded>::failure(std::move(*error));

  // The human-readable part may itself contain '1', so the separator is the last one.
  std::size_t separator = text.rfind(kSeparator);
  if (separator == std::string_view::npos) {
    return Result<Decoded>::failure("missing the bech32 separator '1'");
  }
  if (separator == 0) return Result<Decoded>::failure("empty human-readable part before the '1' separator");
  std::string_view data = text.substr(separator + 1);
  if (data.size() < kChecksumLength) {
    return Result<Decoded>::failure("bech32 data part too short: " + std::to_string(data.size()) +
                                    " characters, the checksum alone takes 6");
  }

  Decoded decoded;
  decoded.hrp = to_lower(text.substr(0, separator));
  WipeGuard guard(decoded.values);
  decoded.values.reserve(data.size());
  std::uint32_t checksum = polymod_hrp(decoded.hrp);
  for (std::size_t i = 0; i < data.size(); ++i) {
    int value = alphabet_value(data[i]);
    if (value < 0) {
      return Result<Decoded>::failure("invalid " + describe_char(data[i], separator + 1 + i) +
                                      ": not in the bech32 alphabet");
    }
    decoded.values.push_back(static_cast<std::uint8_t>(value));
    checksum = polymod_step(checksum, static_cast<std::uint8_t>(value));
  }
  if (checksum == kBech32mConstant) {
    return Result<Decoded>::failure("bad checksum: this is a bech32m string, NIP-19 uses bech32");
  }
  if (checksum != kBech32Constant) return Result<Decoded>::failure("bad bech32 checksum");
  // Shrinking keeps the buffer, so the checksum values stay inside the capacity that gets wiped.
  decoded.values.resize(decoded.values.size() - kChecksumLength);
  // Moving hands the buffer over; the guard then wipes an empty vector.
  return Result<Decoded>(std::move(decoded));
}

ByteVector bytes_to_values(const std::uint8_t* data, std::size_t size) {
  ByteVector values;
  values.reserve((size * 8 + 4) / 5);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    accumulator = (accumulator << 8 | data[i]) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      values.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 31));
    }
  }
  if (bits > 0) values.push_back(static_cast<std::uint8_t>((accumulator << (5 - bits)) & 31));
  return values;
}

Result<ByteVector> values_to_bytes(const ByteVector& values) {
  ByteVector bytes;
  WipeGuard guard(bytes);
  bytes.reserve(values.size() * 5 / 8);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (std::uint8_t value : values) {
    if (value >= 32) return Result<ByteVector>::failure("bech32 data value above 31");
    accumulator = (accumulator << 5 | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 0xff));
    }
  }
  if (bits >= 5) {
    return Result<ByteVector>::failure(
        "bad bech32 data length: " + std::to_string(bits) +
        " bits left over after the last byte, at most 4 bits of padding are allowed");
  }
  if ((accumulator & ((1u << bits) - 1)) != 0) {
    return Result<ByteVector>::failure("non-zero padding bits at the end of the bech32 data");
  }
  return Result<ByteVector>(std::move(bytes));
}

void wipe(ByteVector& bytes) {
  bytes.resize(bytes.capacity());
  secure_wipe(bytes.data(), bytes.size());
  bytes.clear();
}

}  // namespace pleb::nostr::bech32
