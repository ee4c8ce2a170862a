#pragma once
// Event JSON in Redis, shared by every process: one string key per id with a TTL. put() is SET NX, so it
// never overwrites a tombstone (an empty string) that erase() left for a deletion.
//
// While Redis is unreachable: get() misses (the caller falls through to the store), put() is skipped,
// and erase() is remembered (up to `max_pending_erasures` ids) and written as soon as Redis answers again,
// before anything else; an id with a pending erasure is never read from Redis meanwhile. The outage is
// logged when it starts and when it ends.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "cache/event_cache.hpp"
#include "cache/redis/outage_log.hpp"
#include "cache/redis/redis_client.hpp"

namespace pleb::cache {

struct RedisEventCacheOptions {
  std::string key_prefix = "pleb:ev:";
  std::chrono::milliseconds ttl = std::chrono::hours(1);
  std::chrono::milliseconds tombstone_ttl = kDefaultTombstoneTtl;
  std::size_t max_pending_erasures = 100000;
  LogSink log = default_log_sink();
};

class RedisEventCache final : public EventCache {
 public:
  RedisEventCache(std::shared_ptr<RedisClient> client, RedisEventCacheOptions options = {});
  std::optional<std::string> get(std::string_view id) override;
  void put(std::string_view id, std::string_view json) override;
  void erase(std::string_view id) override;

  std::size_t pending_erasures() const;

 private:
  std::string key(std::string_view id) const;
  void write_tombstone(std::string_view id);
  // Writes the erasures remembered during an outage; throws RedisUnavailable if Redis is still away.
  void flush_pending();
  bool is_pending(std::string_view id) const;
  void remember_erasure(std::string_view id);

  std::shared_ptr<RedisClient> client_;
  RedisEventCacheOptions options_;
  std::string ttl_text_;
  std::string tombstone_ttl_text_;
  OutageLog outage_;
  mutable std::mutex pending_mutex_;
  std::unordered_set<std::string> pending_;
  std::atomic<bool> has_pending_{false};
};

}  // namespace pleb::cache
