#pragma once
// Kind classes (NIP-01) and the tags that change how an event is stored (NIP-01 d, NIP-40 expiration).
#include <cstdint>
#include <optional>
#include <string_view>

#include "nostr/event.hpp"

namespace pleb::nostr {

enum class KindClass { kRegular, kReplaceable, kEphemeral, kAddressable };

constexpr KindClass kind_class(std::uint32_t kind) {
  if (kind == 0 || kind == 3 || (kind >= 10000 && kind < 20000)) return KindClass::kReplaceable;
  if (kind >= 20000 && kind < 30000) return KindClass::kEphemeral;
  if (kind >= 30000 && kind < 40000) return KindClass::kAddressable;
  return KindClass::kRegular;
}
constexpr bool is_replaceable(std::uint32_t kind) {
  return kind_class(kind) == KindClass::kReplaceable;
}
constexpr bool is_ephemeral(std::uint32_t kind) {
  return kind_class(kind) == KindClass::kEphemeral;
}
constexpr bool is_addressable(std::uint32_t kind) {
  return kind_class(kind) == KindClass::kAddressable;
}

inline constexpr std::uint32_t kKindMetadata = 0;
inline constexpr std::uint32_t kKindFollows = 3;
inline constexpr std::uint32_t kKindDirectMessage = 4;
inline constexpr std::uint32_t kKindDeletion = 5;
inline constexpr std::uint32_t kKindGiftWrap = 1059;
inline constexpr std::uint32_t kKindClientAuth = 22242;
inline constexpr std::uint32_t kKindHttpAuth = 27235;

// The `d` tag of an addressable event; an absent tag counts as the empty string (NIP-01).
std::string_view d_tag(const Event& event);

// NIP-40: the expiration timestamp, if the event carries a well-formed one.
std::optional<std::int64_t> expiration(const Event& event);
inline bool is_expired(const Event& event, std::int64_t now) {
  auto at = expiration(event);
  return at && *at <= now;
}

// NIP-70: the event carries the `["-"]` tag and may only be published by its author.
bool is_protected(const Event& event);

// NIP-13: number of leading zero bits of the id.
int leading_zero_bits(const Bytes32& id);
// The difficulty the author committed to in the nonce tag (third element), if any.
std::optional<int> committed_pow_target(const Event& event);

}  // namespace pleb::nostr
