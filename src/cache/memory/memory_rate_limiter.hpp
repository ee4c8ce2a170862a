#pragma once
// Rate-limit buckets in this process's memory, for `pleb serve`: sharded hash maps, one mutex per shard,
// so callers on different keys rarely meet.
//
// Memory stays bounded by the keys active within one refill period: a bucket that has refilled
// completely holds no information (a missing bucket is full), so each shard forgets its full buckets
// after as many takes as it held buckets after its last sweep (at least 1,024). A sweep then visits at
// most twice as many buckets as takes since the last one, a constant cost per take, and a flood of new
// keys cannot outgrow the sweeps.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cache/rate_limiter.hpp"

namespace pleb::cache {

struct MemoryRateLimiterOptions {
  std::size_t shards = 16;
  // Tests replace the clock to age buckets without waiting.
  std::function<std::chrono::steady_clock::time_point()> clock = [] {
    return std::chrono::steady_clock::now();
  };
};

class MemoryRateLimiter final : public RateLimiter {
 public:
  explicit MemoryRateLimiter(MemoryRateLimiterOptions options = {});
  RateDecision take_all(std::span<const Limit> limits, double cost = 1) override;
  // Buckets held now (full ones not yet swept included): for tests and metrics.
  std::size_t bucket_count() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Bucket {
    double tokens = 0;
    TimePoint updated;
    TimePoint full_at;  // when the bucket will have refilled completely: it may be forgotten from then on
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
    std::size_t takes_since_sweep = 0;
    std::size_t size_after_sweep = 0;
  };
  Shard& shard_of(std::string_view key) { return shards_[KeyHash{}(key) % shards_.size()]; }
  void maybe_sweep(Shard& shard, TimePoint now);

  MemoryRateLimiterOptions options_;
  std::vector<Shard> shards_;
};

}  // namespace pleb::cache
