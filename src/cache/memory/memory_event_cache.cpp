#include "cache/memory/memory_event_cache.hpp"

namespace pleb::cache {

std::size_t MemoryEventCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t MemoryEventCache::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

void MemoryEventCache::remove(Order::iterator entry) {
  bytes_ -= entry->cost();
  index_.erase(std::string_view(entry->id));
  order_.erase(entry);
}

void MemoryEventCache::insert_front(Entry entry) {
  bytes_ += entry.cost();
  order_.push_front(std::move(entry));
  index_.emplace(std::string_view(order_.front().id), order_.begin());
}

void MemoryEventCache::evict_to_budget() {
  while (bytes_ > options_.max_bytes && !order_.empty()) remove(std::prev(order_.end()));
}

std::optional<std::string> MemoryEventCache::get(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(id);
  if (found == index_.end() || found->second->json.empty()) return std::nullopt;
  if (found->second->expires <= options_.clock()) {
    remove(found->second);
    return std::nullopt;
  }
  order_.splice(order_.begin(), order_, found->second);
  return found->second->json;
}

void MemoryEventCache::put(std::string_view id, std::string_view json) {
  if (json.empty()) return;
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(id); found != index_.end()) {
    const Entry& existing = *found->second;
    if (existing.json.empty() && options_.clock() < existing.expires) return;
    remove(found->second);
  }
  const auto expires = options_.ttl.count() > 0 ? options_.clock() + options_.ttl
                                                : std::chrono::steady_clock::time_point::max();
  Entry entry{std::string(id), std::string(json), expires};
  if (entry.cost() > options_.max_bytes) return;  // would evict everything and still not fit
  insert_front(std::move(entry));
  evict_to_budget();
}

void MemoryEventCache::erase(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(id); found != index_.end()) remove(found->second);
  Entry tombstone{std::string(id), std::string(), options_.clock() + options_.tombstone_ttl};
  insert_front(std::move(tombstone));
  evict_to_budget();
}

}  // namespace pleb::cache
