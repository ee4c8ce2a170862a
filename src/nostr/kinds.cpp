#include "nostr/kinds.hpp"

#include <bit>
#include <charconv>

namespace pleb::nostr {
namespace {

template <typename Int>
std::optional<Int> parse_decimal(std::string_view text) {
  Int value{};
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view d_tag(const Event& event) {
  return event.first_tag_value("d").value_or("");
}

std::optional<std::int64_t> expiration(const Event& event) {
  auto value = event.first_tag_value("expiration");
  if (!value) return std::nullopt;
  auto parsed = parse_decimal<std::int64_t>(*value);
  if (!parsed || *parsed < 0) return std::nullopt;
  return parsed;
}

bool is_protected(const Event& event) {
  for (const auto& tag : event.tags) {
    if (!tag.empty() && tag[0] == "-") return true;
  }
  return false;
}

int leading_zero_bits(const Bytes32& id) {
  int bits = 0;
  for (std::uint8_t byte : id) {
    if (byte == 0) {
      bits += 8;
      continue;
    }
    bits += std::countl_zero(byte);
    break;
  }
  return bits;
}

std::optional<int> committed_pow_target(const Event& event) {
  for (const auto& tag : event.tags) {
    if (tag.size() >= 3 && tag[0] == "nonce") return parse_decimal<int>(tag[2]);
  }
  return std::nullopt;
}

}  // namespace pleb::nostr
