#pragma once
// A cache of event JSON by event id (hex). Ids name immutable content, so an entry never goes stale by
// changing; it goes away only because the event was deleted (NIP-09) or moderated. Hence erase() leaves
// a tombstone: a put() of that id within `tombstone_ttl` is ignored, so that a read which loaded the event
// just before the deletion cannot fill it back in afterwards. Callers erase after the deletion is durable
// in the store.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pleb::cache {

class EventCache {
 public:
  virtual ~EventCache() = default;
  virtual std::optional<std::string> get(std::string_view id) = 0;
  // Ignored for an id erased within the tombstone time, and for empty JSON.
  virtual void put(std::string_view id, std::string_view json) = 0;
  virtual void erase(std::string_view id) = 0;
};

// Long enough to outlast any read racing with a deletion; afterwards the store itself answers "deleted".
inline constexpr std::chrono::seconds kDefaultTombstoneTtl{60};

}  // namespace pleb::cache
