// The behavioural suite every EventCache engine passes (memory, Redis), then what each adds: eviction
// by bytes in memory; TTLs and erasures that wait out an outage in Redis.
#include <gtest/gtest.h>

#include "backends.hpp"
#include "cache/memory/memory_event_cache.hpp"
#include "cache/redis/redis_event_cache.hpp"

namespace pleb::cache {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

std::string id_of(int n) {
  std::string id = std::to_string(n);
  return std::string(64 - id.size(), '0') + id;
}

std::string json_of(int n, std::size_t padding = 0) {
  return R"({"id":")" + id_of(n) + R"(","content":")" + std::string(padding, 'x') + R"("})";
}

class EventCacheSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      cache_ = std::make_unique<MemoryEventCache>();
    } else {
      RedisEventCacheOptions options;
      options.key_prefix = testing::unique_prefix("ev");
      cache_ = std::make_unique<RedisEventCache>(testing::redis_client(), options);
    }
  }
  EventCache& cache() { return *cache_; }

 private:
  std::unique_ptr<EventCache> cache_;
};

TEST_P(EventCacheSuite, PutThenGet) {
  EXPECT_FALSE(cache().get(id_of(1)).has_value());
  cache().put(id_of(1), json_of(1));
  EXPECT_EQ(cache().get(id_of(1)), json_of(1));
  EXPECT_FALSE(cache().get(id_of(2)).has_value());
}

TEST_P(EventCacheSuite, EraseRemovesAndBlocksARacingFillBack) {
  cache().put(id_of(1), json_of(1));
  cache().erase(id_of(1));
  EXPECT_FALSE(cache().get(id_of(1)).has_value());
  // A reader that loaded the event before the deletion puts it back: ignored.
  cache().put(id_of(1), json_of(1));
  EXPECT_FALSE(cache().get(id_of(1)).has_value());
  // Erasing what was never cached works too (moderation of an event nobody read yet).
  cache().erase(id_of(2));
  cache().put(id_of(2), json_of(2));
  EXPECT_FALSE(cache().get(id_of(2)).has_value());
  // Other ids are untouched.
  cache().put(id_of(3), json_of(3));
  EXPECT_EQ(cache().get(id_of(3)), json_of(3));
}

TEST_P(EventCacheSuite, EmptyJsonIsNotAnEntry) {
  cache().put(id_of(1), "");
  EXPECT_FALSE(cache().get(id_of(1)).has_value());
  cache().put(id_of(1), json_of(1));
  EXPECT_EQ(cache().get(id_of(1)), json_of(1));
}

TEST_P(EventCacheSuite, LargeAndUnusualContent) {
  const std::string json = R"({"content":"line\nbreak \u0000 ✓ )" + std::string(200000, 'z') + R"("})";
  cache().put(id_of(9), json);
  EXPECT_EQ(cache().get(id_of(9)), json);
}

INSTANTIATE_TEST_SUITE_P(Engines, EventCacheSuite, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

struct ManualClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  auto function() {
    return [this] { return now; };
  }
};

TEST(MemoryEventCache, EvictsLeastRecentlyUsedByBytes) {
  const std::size_t entry = 64 + json_of(0, 100).size() + MemoryEventCache::kEntryOverhead;
  MemoryEventCacheOptions options;
  options.max_bytes = 3 * entry;
  MemoryEventCache cache(options);
  for (int n = 1; n <= 3; ++n) cache.put(id_of(n), json_of(n, 100));
  EXPECT_EQ(cache.bytes(), 3 * entry);
  ASSERT_TRUE(cache.get(id_of(1)));  // 1 is now the most recent; 2 the least
  cache.put(id_of(4), json_of(4, 100));
  EXPECT_FALSE(cache.get(id_of(2)));
  EXPECT_TRUE(cache.get(id_of(1)));
  EXPECT_TRUE(cache.get(id_of(3)));
  EXPECT_TRUE(cache.get(id_of(4)));
  EXPECT_EQ(cache.size(), 3u);

  // One big entry pushes out as many small ones as it needs.
  cache.put(id_of(5), json_of(5, 100 + 2 * entry));  // exactly the whole budget
  EXPECT_LE(cache.bytes(), options.max_bytes);
  EXPECT_TRUE(cache.get(id_of(5)));
  EXPECT_EQ(cache.size(), 1u);

  // An entry larger than the whole budget is not cached, and evicts nothing.
  cache.put(id_of(6), json_of(6, 4 * entry));
  EXPECT_FALSE(cache.get(id_of(6)));
  EXPECT_TRUE(cache.get(id_of(5)));
}

TEST(MemoryEventCache, StaysWithinBudgetUnderChurn) {
  MemoryEventCacheOptions options;
  options.max_bytes = 100000;
  MemoryEventCache cache(options);
  for (int n = 0; n < 5000; ++n) {
    cache.put(id_of(n), json_of(n, static_cast<std::size_t>(n % 700)));
    if (n % 7 == 0) cache.erase(id_of(n / 2));
    ASSERT_LE(cache.bytes(), options.max_bytes);
  }
  EXPECT_GT(cache.bytes(), options.max_bytes / 2);
  EXPECT_TRUE(cache.get(id_of(4999)));
  EXPECT_FALSE(cache.get(id_of(0)));
}

TEST(MemoryEventCache, TombstonesAndEntriesExpire) {
  ManualClock clock;
  MemoryEventCacheOptions options;
  options.clock = clock.function();
  options.tombstone_ttl = 10s;
  options.ttl = 60s;
  MemoryEventCache cache(options);
  cache.erase(id_of(1));
  clock.now += 9s;
  cache.put(id_of(1), json_of(1));
  EXPECT_FALSE(cache.get(id_of(1)));
  clock.now += 2s;
  cache.put(id_of(1), json_of(1));  // long after the deletion: a legitimate put (an undone moderation)
  EXPECT_TRUE(cache.get(id_of(1)));
  clock.now += 61s;
  EXPECT_FALSE(cache.get(id_of(1)));
  EXPECT_EQ(cache.size(), 0u);
}

RedisEventCacheOptions redis_options(std::string prefix, LogSink log = nullptr) {
  RedisEventCacheOptions options;
  options.key_prefix = std::move(prefix);
  options.ttl = 5s;
  options.tombstone_ttl = 2s;
  options.log = std::move(log);
  return options;
}

TEST(RedisEventCache, EntriesAndTombstonesHaveTtls) {
  auto client = testing::redis_client();
  const std::string prefix = testing::unique_prefix("evttl");
  RedisEventCache cache(client, redis_options(prefix));
  cache.put(id_of(1), json_of(1));
  const long long ttl = client->command({"PTTL", prefix + id_of(1)}).integer;
  EXPECT_GT(ttl, 4000);
  EXPECT_LE(ttl, 5000);
  cache.erase(id_of(1));
  const long long tombstone = client->command({"PTTL", prefix + id_of(1)}).integer;
  EXPECT_GT(tombstone, 1000);
  EXPECT_LE(tombstone, 2000);
}

TEST(RedisEventCache, SharedBetweenProcesses) {
  const std::string prefix = testing::unique_prefix("evshared");
  RedisEventCache writer(testing::redis_client(), redis_options(prefix));
  RedisEventCache reader(testing::redis_client(), redis_options(prefix));
  writer.put(id_of(1), json_of(1));
  EXPECT_EQ(reader.get(id_of(1)), json_of(1));
  reader.erase(id_of(1));
  EXPECT_FALSE(writer.get(id_of(1)));
  writer.put(id_of(1), json_of(1));
  EXPECT_FALSE(reader.get(id_of(1)));
}

TEST(RedisEventCache, ErasureDuringAnOutageIsWrittenWhenRedisAnswersAgain) {
  auto admin = testing::redis_client(1);
  const std::string prefix = testing::unique_prefix("evpending");
  testing::CapturedLog log;
  RedisClientOptions client_options;
  client_options.url = testing::redis_url();
  client_options.command_timeout = 100ms;
  client_options.reconnect_backoff = 20ms;
  RedisEventCache cache(std::make_shared<RedisClient>(client_options), redis_options(prefix, log.sink()));
  cache.put(id_of(1), json_of(1));
  ASSERT_EQ(cache.get(id_of(1)), json_of(1));

  // Writes stall for a second: the erasure times out and waits.
  ASSERT_EQ(admin->command({"CLIENT", "PAUSE", "1000", "WRITE"}).text, "OK");
  cache.erase(id_of(1));
  EXPECT_EQ(cache.pending_erasures(), 1u);
  EXPECT_FALSE(cache.get(id_of(1)));  // never the stale copy, though reads still work in Redis
  EXPECT_EQ(admin->command({"GET", prefix + id_of(1)}).text, json_of(1));
  ASSERT_GE(log.snapshot().size(), 1u);
  EXPECT_NE(log.snapshot()[0].find("erasures wait"), std::string::npos) << log.snapshot()[0];

  // Once writes resume, the next call writes the tombstone first.
  EXPECT_TRUE(eventually([&] {
    cache.get(id_of(2));
    return cache.pending_erasures() == 0;
  }));
  EXPECT_EQ(admin->command({"GET", prefix + id_of(1)}).text, "");
  EXPECT_FALSE(cache.get(id_of(1)));
  const auto lines = log.snapshot();
  EXPECT_NE(lines.back().find("reachable again"), std::string::npos) << lines.back();
}

TEST(RedisEventCache, MissesWhileRedisIsDownThenRecovers) {
  const std::string prefix = testing::unique_prefix("evdown");
  testing::CapturedLog log;
  RedisEventCache cache(testing::redis_client(), redis_options(prefix, log.sink()));
  cache.put(id_of(1), json_of(1));
  ASSERT_TRUE(cache.get(id_of(1)));
  testing::servers("stop_redis");
  EXPECT_FALSE(cache.get(id_of(1)));
  cache.put(id_of(2), json_of(2));  // skipped, not thrown
  EXPECT_EQ(log.snapshot().size(), 1u);
  testing::servers("restart_redis");
  EXPECT_TRUE(eventually([&] {
    cache.put(id_of(3), json_of(3));
    return cache.get(id_of(3)).has_value();
  }));
  EXPECT_EQ(log.snapshot().size(), 2u);
}

}  // namespace
}  // namespace pleb::cache
