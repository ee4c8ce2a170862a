#include "cache/tiered_event_cache.hpp"

namespace pleb::cache {

TieredEventCache::TieredEventCache(std::vector<std::shared_ptr<EventCache>> levels, EventLoader loader)
    : levels_(std::move(levels)), loader_(std::move(loader)), hits_(levels_.size()) {}

std::optional<std::string> TieredEventCache::get(std::string_view id) {
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    if (auto json = levels_[level]->get(id)) {
      hits_[level].fetch_add(1, std::memory_order_relaxed);
      for (std::size_t faster = 0; faster < level; ++faster) levels_[faster]->put(id, *json);
      return json;
    }
  }
  if (!loader_) return std::nullopt;
  loads_.fetch_add(1, std::memory_order_relaxed);
  auto json = loader_(id);
  if (!json) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  // Slowest level first, as erase() goes: a tombstone anywhere stops the fill there (put ignores it).
  for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) (*level)->put(id, *json);
  return json;
}

void TieredEventCache::put(std::string_view id, std::string_view json) {
  for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) (*level)->put(id, json);
}

void TieredEventCache::erase(std::string_view id) {
  for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) (*level)->erase(id);
}

TieredStats TieredEventCache::stats() const {
  TieredStats out;
  for (const auto& hits : hits_) out.hits.push_back(hits.load(std::memory_order_relaxed));
  out.loads = loads_.load(std::memory_order_relaxed);
  out.misses = misses_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace pleb::cache
