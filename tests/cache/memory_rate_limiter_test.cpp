// What only the in-process engine promises: memory bounded by forgetting buckets that are full again.
#include <gtest/gtest.h>

#include "cache/memory/memory_rate_limiter.hpp"

namespace pleb::cache {
namespace {

using namespace std::chrono_literals;

struct ManualClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  auto function() {
    return [this] { return now; };
  }
};

TEST(MemoryRateLimiter, ForgetsBucketsThatAreFullAgain) {
  ManualClock clock;
  MemoryRateLimiterOptions options;
  options.shards = 4;
  options.clock = clock.function();
  MemoryRateLimiter limiter(options);
  const RateRule per_ip{2, 1};  // full again one second after a take

  for (int i = 0; i < 20000; ++i) ASSERT_TRUE(limiter.take("ip:" + std::to_string(i), per_ip).allowed);
  EXPECT_EQ(limiter.bucket_count(), 20000u);  // none full yet: each still holds information

  clock.now += 2s;
  const RateRule hot{1e6, 1e6};  // never full while the clock stands still
  for (int i = 0; i < 80000; ++i) limiter.take("hot:" + std::to_string(i % 100), hot);
  EXPECT_EQ(limiter.bucket_count(), 100u);

  // A forgotten bucket behaves as a full one.
  EXPECT_TRUE(limiter.take("ip:7", per_ip).allowed);
  EXPECT_TRUE(limiter.take("ip:7", per_ip).allowed);
  EXPECT_FALSE(limiter.take("ip:7", per_ip).allowed);
}

TEST(MemoryRateLimiter, AFloodOfNewKeysStaysBounded) {
  // Every take from a new address (a scan, or spoofed sources behind a proxy): the buckets must be forgotten
  // as fast as they are made once they are full again.
  ManualClock clock;
  MemoryRateLimiterOptions options;
  options.shards = 4;
  options.clock = clock.function();
  MemoryRateLimiter limiter(options);
  const RateRule per_ip{1, 10};  // full again 100 ms after a take
  std::size_t largest = 0;
  for (int i = 0; i < 100000; ++i) {
    clock.now += 1ms;
    ASSERT_TRUE(limiter.take("ip:" + std::to_string(i), per_ip).allowed);
    if (i % 500 == 0) largest = std::max(largest, limiter.bucket_count());
  }
  // At most about 1,024 takes' worth per shard between sweeps, plus the ~100 still refilling.
  EXPECT_LE(largest, 4u * 2048u);
  EXPECT_GT(largest, 100u);
}

TEST(MemoryRateLimiter, KeepsBucketsThatStillCount) {
  ManualClock clock;
  MemoryRateLimiterOptions options;
  options.shards = 1;
  options.clock = clock.function();
  MemoryRateLimiter limiter(options);
  ASSERT_TRUE(limiter.take("slow", RateRule{1, 0.001}).allowed);  // full again in 1,000 s
  clock.now += 10s;
  for (int i = 0; i < 5000; ++i) limiter.take("other" + std::to_string(i), RateRule{1, 1}, 0);
  // The sweeps forgot the full buckets that zero-cost takes leave, but not the one still refilling.
  EXPECT_LE(limiter.bucket_count(), 1024u);
  EXPECT_FALSE(limiter.take("slow", RateRule{1, 0.001}).allowed);
}

TEST(MemoryRateLimiter, RefillFollowsTheClock) {
  ManualClock clock;
  MemoryRateLimiterOptions options;
  options.clock = clock.function();
  MemoryRateLimiter limiter(options);
  const RateRule rule{3, 0.5};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take("k", rule).allowed);
  RateDecision denied = limiter.take("k", rule);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, 2u);
  clock.now += 1500ms;  // three quarters of a token
  denied = limiter.take("k", rule);
  ASSERT_FALSE(denied.allowed);
  EXPECT_NEAR(denied.remaining, 0.75, 1e-9);
  EXPECT_EQ(denied.retry_after, 1u);
  clock.now += 500ms;
  const RateDecision allowed = limiter.take("k", rule);
  EXPECT_TRUE(allowed.allowed);
  EXPECT_NEAR(allowed.remaining, 0, 1e-9);
  // A clock that goes backwards refills nothing and takes nothing away.
  clock.now -= 10s;
  EXPECT_FALSE(limiter.take("k", rule).allowed);
}

}  // namespace
}  // namespace pleb::cache
