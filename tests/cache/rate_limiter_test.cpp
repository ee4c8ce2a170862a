// The behavioural suite every RateLimiter engine passes: in-process and Redis.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "backends.hpp"
#include "cache/memory/memory_rate_limiter.hpp"
#include "cache/redis/redis_rate_limiter.hpp"

namespace pleb::cache {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

// A refill so slow that no token comes back during a test.
constexpr double kNoRefill = 0.0001;

class RateLimiterSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      limiter_ = std::make_unique<MemoryRateLimiter>();
    } else {
      RedisRateLimiterOptions options;
      options.key_prefix = testing::unique_prefix("rl");
      limiter_ = std::make_unique<RedisRateLimiter>(testing::redis_client(), options);
    }
  }
  RateLimiter& limiter() { return *limiter_; }

 private:
  std::unique_ptr<RateLimiter> limiter_;
};

TEST_P(RateLimiterSuite, BurstThenDenyWithRetryAfter) {
  const RateRule rule{5, 0.5};
  for (int i = 0; i < 5; ++i) {
    const RateDecision decision = limiter().take("ip:1.2.3.4", rule);
    ASSERT_TRUE(decision.allowed) << "take " << i;
    EXPECT_EQ(decision.retry_after, 0u);
    EXPECT_FALSE(decision.degraded);
    // A little refill may have come in since the first take; never a whole token.
    EXPECT_GE(decision.remaining, 4.0 - i);
    EXPECT_LT(decision.remaining, 5.0 - i);
  }
  const RateDecision denied = limiter().take("ip:1.2.3.4", rule);
  EXPECT_FALSE(denied.allowed);
  EXPECT_FALSE(denied.degraded);
  EXPECT_LT(denied.remaining, 1.0);
  // One token at 0.5 per second: two seconds, rounded up.
  EXPECT_EQ(denied.retry_after, 2u);
}

TEST_P(RateLimiterSuite, RetryAfterIsAtLeastOneSecond) {
  const RateRule rule{1, 2};  // a token every half second
  ASSERT_TRUE(limiter().take("k", rule).allowed);
  const RateDecision denied = limiter().take("k", rule);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, 1u);
}

TEST_P(RateLimiterSuite, RetryAfterCoversTheWholeCost) {
  const RateRule rule{10, 1};
  ASSERT_TRUE(limiter().take("k", rule, 10).allowed);
  const RateDecision denied = limiter().take("k", rule, 4);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, 4u);
}

TEST_P(RateLimiterSuite, RefillsOverTime) {
  const RateRule rule{2, 20};  // a token every 50 ms
  ASSERT_TRUE(limiter().take("k", rule).allowed);
  ASSERT_TRUE(limiter().take("k", rule).allowed);
  ASSERT_FALSE(limiter().take("k", rule).allowed);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return limiter().take("k", rule).allowed; }, 3s));
  // Refill is by elapsed time, not by attempts.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 35ms);
  // Refill stops at the capacity: after a long rest, only a burst of two.
  std::this_thread::sleep_for(250ms);
  EXPECT_TRUE(limiter().take("k", rule).allowed);
  EXPECT_TRUE(limiter().take("k", rule).allowed);
  EXPECT_FALSE(limiter().take("k", rule).allowed);
}

TEST_P(RateLimiterSuite, KeysAreIndependent) {
  const RateRule rule{1, kNoRefill};
  EXPECT_TRUE(limiter().take("ip:10.0.0.1", rule).allowed);
  EXPECT_FALSE(limiter().take("ip:10.0.0.1", rule).allowed);
  EXPECT_TRUE(limiter().take("ip:10.0.0.2", rule).allowed);
  EXPECT_TRUE(limiter().take("pubkey:10.0.0.1", rule).allowed);
}

TEST_P(RateLimiterSuite, CostIsTakenAtOnce) {
  const RateRule rule{10, kNoRefill};
  const RateDecision first = limiter().take("k", rule, 7);
  ASSERT_TRUE(first.allowed);
  EXPECT_NEAR(first.remaining, 3, 0.01);
  const RateDecision second = limiter().take("k", rule, 4);
  EXPECT_FALSE(second.allowed);
  EXPECT_NEAR(second.remaining, 3, 0.01);
  EXPECT_TRUE(limiter().take("k", rule, 3).allowed);
}

TEST_P(RateLimiterSuite, MultiLevelReportsTheFirstDenyingLevel) {
  RequestLimits limits;
  limits.global = RateRule{100, kNoRefill};
  limits.per_ip = RateRule{2, kNoRefill};
  limits.per_pubkey = RateRule{3, kNoRefill};
  limits.per_route = RateRule{100, kNoRefill};
  const std::string pubkey(64, 'a');
  const RequestIdentity alice_home{"10.0.0.1", pubkey, "POST /api/v1/nip05", ""};
  const RequestIdentity alice_away{"10.0.0.2", pubkey, "POST /api/v1/nip05", ""};

  EXPECT_TRUE(check_request(limiter(), limits, alice_home).allowed);
  EXPECT_TRUE(check_request(limiter(), limits, alice_home).allowed);
  const RateDecision by_ip = check_request(limiter(), limits, alice_home);
  EXPECT_FALSE(by_ip.allowed);
  EXPECT_EQ(by_ip.denied_level, "ip");
  EXPECT_EQ(by_ip.denied_key, "ip:10.0.0.1");
  EXPECT_GE(by_ip.retry_after, 1u);

  // The refusal spent nothing elsewhere: the pubkey still has one of its three tokens.
  EXPECT_TRUE(check_request(limiter(), limits, alice_away).allowed);
  const RateDecision by_pubkey = check_request(limiter(), limits, alice_away);
  EXPECT_FALSE(by_pubkey.allowed);
  EXPECT_EQ(by_pubkey.denied_level, "pubkey");
  EXPECT_EQ(by_pubkey.denied_key, "pubkey:" + pubkey);

  // Without a pubkey (unauthenticated) the per-pubkey level does not apply.
  const RateDecision anonymous = check_request(limiter(), limits, {"10.0.0.3", "", "POST /api/v1/nip05", ""});
  EXPECT_TRUE(anonymous.allowed);
  // Allowed: the fewest tokens left, here the new IP's bucket.
  EXPECT_NEAR(anonymous.remaining, 1, 0.01);
}

TEST_P(RateLimiterSuite, MultiLevelGlobalDeniesFirst) {
  RequestLimits limits;
  limits.global = RateRule{2, kNoRefill};
  limits.per_pubkey = RateRule{10, kNoRefill};
  limits.per_connection = RateRule{10, kNoRefill};
  const std::string pubkey(64, 'b');
  EXPECT_TRUE(check_request(limiter(), limits, {"", pubkey, "", "c1"}).allowed);
  EXPECT_TRUE(check_request(limiter(), limits, {"", pubkey, "", "c2"}).allowed);
  const RateDecision denied = check_request(limiter(), limits, {"", pubkey, "", "c3"});
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.denied_level, "global");
  EXPECT_EQ(denied.denied_key, "global");
}

TEST_P(RateLimiterSuite, RetryAfterCoversEveryDenyingLevel) {
  const Limit limits[] = {{"fast", "fast", RateRule{1, 1}}, {"slow", "slow", RateRule{1, 0.25}}};
  ASSERT_TRUE(limiter().take_all(limits).allowed);
  const RateDecision denied = limiter().take_all(limits);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.denied_level, "fast");  // the first in the caller's order
  EXPECT_EQ(denied.retry_after, 4u);       // but retrying after 1 s would meet "slow"
}

TEST_P(RateLimiterSuite, NoLevelAppliesMeansAllowed) {
  RequestLimits limits;
  limits.per_pubkey = RateRule{1, kNoRefill};
  EXPECT_TRUE(check_request(limiter(), limits, {"10.0.0.1", "", "", ""}).allowed);
  EXPECT_TRUE(check_request(limiter(), limits, {"10.0.0.1", "", "", ""}).allowed);
}

TEST_P(RateLimiterSuite, RejectsRulesThatCannotWork) {
  EXPECT_THROW(limiter().take("k", RateRule{0, 1}), std::invalid_argument);
  EXPECT_THROW(limiter().take("k", RateRule{1, 0}), std::invalid_argument);
  EXPECT_THROW(limiter().take("k", RateRule{-1, 1}), std::invalid_argument);
  EXPECT_THROW(limiter().take("k", RateRule{NAN, 1}), std::invalid_argument);
  EXPECT_THROW(limiter().take("k", RateRule{1, INFINITY}), std::invalid_argument);
  EXPECT_THROW(limiter().take("k", RateRule{2, 1}, 3), std::invalid_argument);
  EXPECT_THROW(limiter().take("k", RateRule{2, 1}, -1), std::invalid_argument);
  EXPECT_THROW(limiter().take_all({}), std::invalid_argument);
  const Limit repeated[] = {{"a", "same", RateRule{1, 1}}, {"b", "same", RateRule{1, 1}}};
  EXPECT_THROW(limiter().take_all(repeated), std::invalid_argument);
  // None of them spent anything.
  EXPECT_NEAR(limiter().take("k", RateRule{2, kNoRefill}).remaining, 1, 0.01);
}

TEST_P(RateLimiterSuite, ConcurrentTakesNeverOverAdmit) {
  const RateRule rule{300, kNoRefill};
  const Limit limits[] = {{"global", "global", RateRule{1000, kNoRefill}}, {"key", "hot", rule}};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 60; ++i) {
        if (limiter().take_all(limits).allowed) admitted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 300);
  // The denied takes spent nothing at the global level.
  EXPECT_NEAR(limiter().take("global", RateRule{1000, kNoRefill}).remaining, 1000 - 300 - 1, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Engines, RateLimiterSuite, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pleb::cache
