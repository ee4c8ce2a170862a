#pragma once
// Levels of event caches in front of a loader: memory (L1), then Redis (L2), then the store. A get()
// asks each level in turn and fills the faster levels from the first that has the event (from the
// loader, every level). Knows nothing of the store: the loader is any function from id to JSON.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/event_cache.hpp"

namespace pleb::cache {

using EventLoader = std::function<std::optional<std::string>(std::string_view id)>;

struct TieredStats {
  std::vector<std::uint64_t> hits;  // per level
  std::uint64_t loads = 0;          // loader calls
  std::uint64_t misses = 0;         // loader found nothing either
};

class TieredEventCache final : public EventCache {
 public:
  // `levels` fastest first; the loader may be empty (then a miss everywhere is a miss).
  TieredEventCache(std::vector<std::shared_ptr<EventCache>> levels, EventLoader loader);
  std::optional<std::string> get(std::string_view id) override;
  // Into every level.
  void put(std::string_view id, std::string_view json) override;
  // From every level, slowest (shared) first, so no other process refills this process's L1 from L2 in
  // between.
  void erase(std::string_view id) override;
  TieredStats stats() const;

 private:
  std::vector<std::shared_ptr<EventCache>> levels_;
  EventLoader loader_;
  std::vector<std::atomic<std::uint64_t>> hits_;
  std::atomic<std::uint64_t> loads_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace pleb::cache
