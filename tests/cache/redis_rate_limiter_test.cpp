// What only the Redis engine promises: one bucket for several processes, expiry of idle buckets, the
// script cache being lost, and Redis going away and coming back.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "backends.hpp"
#include "cache/redis/redis_rate_limiter.hpp"

namespace pleb::cache {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

constexpr double kNoRefill = 0.0001;

RedisRateLimiterOptions options_with(std::string prefix, FailureMode mode = FailureMode::kOpen,
                                     LogSink log = nullptr) {
  RedisRateLimiterOptions options;
  options.key_prefix = std::move(prefix);
  options.failure_mode = mode;
  options.log = std::move(log);
  return options;
}

TEST(RedisRateLimiter, TwoLimitersShareOneBucket) {
  // Two limiters with their own connections stand for two processes.
  const std::string prefix = testing::unique_prefix("shared");
  RedisRateLimiter first(testing::redis_client(), options_with(prefix));
  RedisRateLimiter second(testing::redis_client(), options_with(prefix));
  const RateRule rule{4, kNoRefill};
  int admitted = 0;
  for (int i = 0; i < 4; ++i) {
    admitted += first.take("pubkey:abc", rule).allowed;
    admitted += second.take("pubkey:abc", rule).allowed;
  }
  EXPECT_EQ(admitted, 4);
  EXPECT_FALSE(first.take("pubkey:abc", rule).allowed);
  EXPECT_FALSE(second.take("pubkey:abc", rule).allowed);
  // Another prefix is another set of buckets.
  RedisRateLimiter elsewhere(testing::redis_client(), options_with(testing::unique_prefix("other")));
  EXPECT_TRUE(elsewhere.take("pubkey:abc", rule).allowed);
}

// Runs tests/cache/tools/cache_take and returns how many takes it was allowed.
FILE* start_taker(const std::string& prefix, int count) {
  std::string command = PLEB_CACHE_TAKE " --url '" + testing::redis_url() + "' --prefix '" + prefix +
                        "' --key hot --capacity 150 --rate 0.0001 --count " + std::to_string(count) +
                        " --threads 2";
  return popen(command.c_str(), "r");
}

int finish_taker(FILE* pipe) {
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << output;
  const auto at = output.find("allowed=");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no allowed= in: " << output;
    return -1;
  }
  return std::stoi(output.substr(at + 8));
}

TEST(RedisRateLimiter, TwoProcessesShareOneBucket) {
  const std::string prefix = testing::unique_prefix("processes");
  FILE* one = start_taker(prefix, 200);
  FILE* two = start_taker(prefix, 200);
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  const int first = finish_taker(one);
  const int second = finish_taker(two);
  EXPECT_EQ(first + second, 150) << first << " + " << second;
}

TEST(RedisRateLimiter, BucketKeyExpiresWhenFullAgain) {
  auto client = testing::redis_client();
  const std::string prefix = testing::unique_prefix("ttl");
  RedisRateLimiter limiter(client, options_with(prefix));
  ASSERT_TRUE(limiter.take("k", RateRule{10, 5}).allowed);  // one token back in 200 ms
  const RedisReply ttl = client->command({"PTTL", prefix + "k"});
  ASSERT_EQ(ttl.type, RedisReply::Type::kInteger);
  EXPECT_GT(ttl.integer, 0);
  EXPECT_LE(ttl.integer, 201);
  // And the key does go away once it would be full.
  EXPECT_TRUE(eventually([&] { return client->command({"EXISTS", prefix + "k"}).integer == 0; }, 3s));
}

TEST(RedisRateLimiter, DenialWritesNothing) {
  auto client = testing::redis_client();
  const std::string prefix = testing::unique_prefix("deny");
  RedisRateLimiter limiter(client, options_with(prefix));
  ASSERT_TRUE(limiter.take("k", RateRule{1, kNoRefill}).allowed);
  const std::string before = client->command({"HGET", prefix + "k", "at"}).text;
  std::this_thread::sleep_for(2ms);
  ASSERT_FALSE(limiter.take("k", RateRule{1, kNoRefill}).allowed);
  EXPECT_EQ(client->command({"HGET", prefix + "k", "at"}).text, before);
}

TEST(RedisRateLimiter, SurvivesLosingTheScriptCache) {
  auto client = testing::redis_client();
  RedisRateLimiter limiter(client, options_with(testing::unique_prefix("noscript")));
  const RateRule rule{2, kNoRefill};
  ASSERT_TRUE(limiter.take("k", rule).allowed);
  ASSERT_EQ(client->command({"SCRIPT", "FLUSH"}).text, "OK");
  const RateDecision after = limiter.take("k", rule);  // EVALSHA answers NOSCRIPT; EVAL runs it
  EXPECT_TRUE(after.allowed);
  EXPECT_FALSE(after.degraded);
  EXPECT_FALSE(limiter.take("k", rule).allowed);
}

TEST(RedisRateLimiter, AnswersWithTheFailureModeWhileRedisIsDownThenRecovers) {
  testing::CapturedLog open_log;
  testing::CapturedLog closed_log;
  const std::string prefix = testing::unique_prefix("outage");
  RedisRateLimiter open(testing::redis_client(), options_with(prefix, FailureMode::kOpen, open_log.sink()));
  RedisRateLimiter closed(testing::redis_client(),
                          options_with(prefix, FailureMode::kClosed, closed_log.sink()));
  const RateRule rule{1, kNoRefill};
  ASSERT_TRUE(open.take("a", rule).allowed);
  ASSERT_FALSE(closed.take("a", rule).allowed);  // a real denial: the bucket is empty
  ASSERT_TRUE(closed.take("b", rule).allowed);   // the closed limiter's connections are open too

  testing::servers("stop_redis");
  for (int i = 0; i < 3; ++i) {
    const RateDecision allowed = open.take("a", rule);
    EXPECT_TRUE(allowed.allowed);
    EXPECT_TRUE(allowed.degraded);
    const RateDecision denied = closed.take("c", rule);
    EXPECT_FALSE(denied.allowed);
    EXPECT_TRUE(denied.degraded);
    EXPECT_EQ(denied.retry_after, 1u);
    EXPECT_TRUE(denied.denied_level.empty());
  }
  // Logged once per outage, not once per call.
  auto lines = open_log.snapshot();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("unreachable"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("fail open"), std::string::npos) << lines[0];
  lines = closed_log.snapshot();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("fail closed"), std::string::npos) << lines[0];

  testing::servers("restart_redis");
  // Back without being told: the next calls reconnect (the restarted server has empty buckets).
  EXPECT_TRUE(eventually([&] { return !open.take("fresh", rule).degraded; }));
  EXPECT_TRUE(eventually([&] { return !closed.take("fresh2", rule).degraded; }));
  const RateDecision counted = closed.take("c", rule);
  EXPECT_TRUE(counted.allowed);
  EXPECT_FALSE(counted.degraded);
  EXPECT_FALSE(closed.take("c", rule).allowed);
  lines = open_log.snapshot();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find("reachable again"), std::string::npos) << lines[1];
}

TEST(RedisRateLimiter, StartsWhileRedisIsDown) {
  RedisClientOptions client_options;
  client_options.url = "redis://127.0.0.1:1";  // nothing listens on port 1
  testing::CapturedLog log;
  RedisRateLimiter limiter(std::make_shared<RedisClient>(client_options),
                           options_with("x:", FailureMode::kClosed, log.sink()));
  const RateDecision decision = limiter.take("k", RateRule{1, 1});
  EXPECT_FALSE(decision.allowed);
  EXPECT_TRUE(decision.degraded);
  EXPECT_EQ(log.snapshot().size(), 1u);
}

}  // namespace
}  // namespace pleb::cache
