#include "cache/memory/memory_rate_limiter.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace pleb::cache {
namespace {

constexpr std::size_t kMinTakesBetweenSweeps = 1024;
constexpr double kForeverSeconds = 100.0 * 365 * 24 * 3600;

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

}  // namespace

MemoryRateLimiter::MemoryRateLimiter(MemoryRateLimiterOptions options)
    : options_(std::move(options)), shards_(std::max<std::size_t>(1, options_.shards)) {}

std::size_t MemoryRateLimiter::bucket_count() const {
  std::size_t count = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.buckets.size();
  }
  return count;
}

void MemoryRateLimiter::maybe_sweep(Shard& shard, TimePoint now) {
  if (++shard.takes_since_sweep < std::max(kMinTakesBetweenSweeps, shard.size_after_sweep)) return;
  shard.takes_since_sweep = 0;
  std::erase_if(shard.buckets, [now](const auto& entry) { return entry.second.full_at <= now; });
  shard.size_after_sweep = shard.buckets.size();
}

RateDecision MemoryRateLimiter::take_all(std::span<const Limit> limits, double cost) {
  validate(limits, cost);
  // Every shard involved is locked, in address order so that two multi-key calls cannot deadlock.
  std::vector<Shard*> involved;
  involved.reserve(limits.size());
  for (const Limit& limit : limits) involved.push_back(&shard_of(limit.key));
  std::sort(involved.begin(), involved.end());
  involved.erase(std::unique(involved.begin(), involved.end()), involved.end());
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(involved.size());
  for (Shard* shard : involved) locks.emplace_back(shard->mutex);

  const TimePoint now = options_.clock();
  std::vector<double> levels(limits.size());
  RateDecision decision;
  decision.allowed = true;
  for (std::size_t i = 0; i < limits.size(); ++i) {
    const Limit& limit = limits[i];
    const Shard& shard = shard_of(limit.key);
    double tokens = limit.rule.capacity;
    if (auto found = shard.buckets.find(limit.key); found != shard.buckets.end()) {
      const Bucket& bucket = found->second;
      tokens = std::min(limit.rule.capacity,
                        bucket.tokens + seconds_between(bucket.updated, now) * limit.rule.refill_per_second);
    }
    levels[i] = tokens;
    if (tokens < cost) {
      if (decision.allowed) {
        decision.allowed = false;
        decision.remaining = tokens;
        decision.denied_level = limit.level;
        decision.denied_key = limit.key;
      }
      decision.retry_after =
          std::max(decision.retry_after, retry_after_seconds(tokens, cost, limit.rule.refill_per_second));
    }
  }
  if (!decision.allowed) return decision;

  decision.remaining = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < limits.size(); ++i) {
    const Limit& limit = limits[i];
    Shard& shard = shard_of(limit.key);
    auto found = shard.buckets.find(limit.key);
    if (found == shard.buckets.end()) found = shard.buckets.emplace(std::string(limit.key), Bucket{}).first;
    Bucket& bucket = found->second;
    bucket.tokens = levels[i] - cost;
    bucket.updated = now;
    // Clamped so that an extreme rule cannot overflow the clock's integer ticks (a century is forever).
    const double refill_seconds =
        std::min(kForeverSeconds, (limit.rule.capacity - bucket.tokens) / limit.rule.refill_per_second);
    bucket.full_at = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(refill_seconds));
    decision.remaining = std::min(decision.remaining, bucket.tokens);
  }
  for (Shard* shard : involved) maybe_sweep(*shard, now);
  return decision;
}

}  // namespace pleb::cache
