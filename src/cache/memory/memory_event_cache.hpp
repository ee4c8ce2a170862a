#pragma once
// Event JSON in this process's memory: least recently used entries go first once the entries' bytes
// exceed the budget. Bytes counted per entry: id + JSON + a fixed estimate of the bookkeeping (list node,
// hash node, string headers), so the budget tracks real memory rather than payload alone.
// One mutex: a get() reorders the list, so even readers write.
#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cache/event_cache.hpp"

namespace pleb::cache {

struct MemoryEventCacheOptions {
  std::size_t max_bytes = 64 << 20;
  std::chrono::milliseconds tombstone_ttl = kDefaultTombstoneTtl;
  // 0: entries live until evicted (one process: every erase reaches this cache). With several processes,
  // a deletion seen by another process reaches this one only through the bus; a TTL bounds how long this
  // L1 may serve the event if that message is late or lost.
  std::chrono::milliseconds ttl{0};
  std::function<std::chrono::steady_clock::time_point()> clock = [] {
    return std::chrono::steady_clock::now();
  };
};

class MemoryEventCache final : public EventCache {
 public:
  static constexpr std::size_t kEntryOverhead = 128;

  explicit MemoryEventCache(MemoryEventCacheOptions options = {}) : options_(std::move(options)) {}
  std::optional<std::string> get(std::string_view id) override;
  void put(std::string_view id, std::string_view json) override;
  void erase(std::string_view id) override;

  std::size_t bytes() const;
  std::size_t size() const;  // entries, tombstones included

 private:
  struct Entry {
    std::string id;
    std::string json;                               // empty: a tombstone
    std::chrono::steady_clock::time_point expires;  // time_point::max() when the entry never expires
    std::size_t cost() const { return id.size() + json.size() + kEntryOverhead; }
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using Order = std::list<Entry>;  // most recently used first
  void insert_front(Entry entry);
  void remove(Order::iterator entry);
  void evict_to_budget();

  MemoryEventCacheOptions options_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string_view, Order::iterator, KeyHash, std::equal_to<>>
      index_;  // views into order_
  std::size_t bytes_ = 0;
};

}  // namespace pleb::cache
