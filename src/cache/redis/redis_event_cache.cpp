#include "cache/redis/redis_event_cache.hpp"

#include <vector>

namespace pleb::cache {

RedisEventCache::RedisEventCache(std::shared_ptr<RedisClient> client, RedisEventCacheOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      ttl_text_(std::to_string(std::max<long long>(1, options_.ttl.count()))),
      tombstone_ttl_text_(std::to_string(std::max<long long>(1, options_.tombstone_ttl.count()))),
      outage_(options_.log, "event cache in Redis at " + client_->endpoint().describe(),
              "reads go to the store and erasures wait until it returns") {}

std::string RedisEventCache::key(std::string_view id) const {
  std::string out = options_.key_prefix;
  out.append(id);
  return out;
}

std::size_t RedisEventCache::pending_erasures() const {
  std::lock_guard lock(pending_mutex_);
  return pending_.size();
}

bool RedisEventCache::is_pending(std::string_view id) const {
  if (!has_pending_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(pending_mutex_);
  return pending_.contains(std::string(id));
}

void RedisEventCache::remember_erasure(std::string_view id) {
  std::lock_guard lock(pending_mutex_);
  if (pending_.size() >= options_.max_pending_erasures) {
    if (options_.log) {
      options_.log("event cache: too many erasures waiting for Redis; " + std::string(id) +
                   " stays cached there until its TTL ends");
    }
    return;
  }
  pending_.emplace(id);
  has_pending_.store(true, std::memory_order_release);
}

void RedisEventCache::write_tombstone(std::string_view id) {
  const RedisReply reply = client_->command({"SET", key(id), "", "PX", tombstone_ttl_text_});
  if (reply.is_error()) throw RedisUnavailable("SET failed: " + reply.text);
}

void RedisEventCache::flush_pending() {
  if (!has_pending_.load(std::memory_order_acquire)) return;
  std::vector<std::string> batch;
  {
    std::lock_guard lock(pending_mutex_);
    batch.assign(pending_.begin(), pending_.end());
  }
  // Each id leaves the pending set only once its tombstone is written, so no reader sees the old entry
  // in between. Concurrent flushes may write a tombstone twice, which is harmless.
  for (const std::string& id : batch) {
    write_tombstone(id);
    std::lock_guard lock(pending_mutex_);
    pending_.erase(id);
    if (pending_.empty()) has_pending_.store(false, std::memory_order_release);
  }
}

std::optional<std::string> RedisEventCache::get(std::string_view id) {
  try {
    flush_pending();
    if (is_pending(id)) return std::nullopt;
    RedisReply reply = client_->command({"GET", key(id)});
    if (reply.is_error()) throw RedisUnavailable("GET failed: " + reply.text);
    outage_.succeeded();
    if (reply.type != RedisReply::Type::kString || reply.text.empty()) return std::nullopt;
    return std::move(reply.text);
  } catch (const RedisUnavailable& error) {
    outage_.failed(error.what());
    return std::nullopt;
  }
}

void RedisEventCache::put(std::string_view id, std::string_view json) {
  if (json.empty()) return;
  try {
    flush_pending();
    if (is_pending(id)) return;
    const RedisReply reply = client_->command({"SET", key(id), json, "PX", ttl_text_, "NX"});
    if (reply.is_error()) throw RedisUnavailable("SET failed: " + reply.text);
    outage_.succeeded();
  } catch (const RedisUnavailable& error) {
    outage_.failed(error.what());
  }
}

void RedisEventCache::erase(std::string_view id) {
  try {
    flush_pending();
    write_tombstone(id);
    outage_.succeeded();
  } catch (const RedisUnavailable& error) {
    outage_.failed(error.what());
    remember_erasure(id);
  }
}

}  // namespace pleb::cache
