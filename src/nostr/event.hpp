#pragma once
// A Nostr event (NIP-01) and the limits a parser enforces on it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/bytes.hpp"

namespace pleb::nostr {

using Tag = std::vector<std::string>;

struct Event {
  Bytes32 id{};
  Bytes32 pubkey{};
  std::int64_t created_at = 0;
  std::uint32_t kind = 0;
  std::vector<Tag> tags;
  std::string content;
  Bytes64 sig{};

  // First value of the first tag with this name, if any (for "d", "expiration", ...).
  std::optional<std::string_view> first_tag_value(std::string_view name) const;
  bool operator==(const Event&) const = default;
};

// The JavaScript-safe integer range; clients written in JavaScript cannot represent more.
inline constexpr std::int64_t kMaxCreatedAt = 9007199254740991;
inline constexpr std::uint32_t kMaxKind = 65535;

struct EventLimits {
  std::size_t max_event_bytes = 256 * 1024;
  std::size_t max_content_bytes = 128 * 1024;
  std::size_t max_tags = 2000;
  std::size_t max_tag_values = 100;        // strings in one tag
  std::size_t max_tag_value_bytes = 4096;  // bytes in one tag string
  std::size_t max_depth = 16;              // JSON nesting, unknown fields included
};

}  // namespace pleb::nostr
