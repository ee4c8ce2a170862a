// Memory in front of Redis in front of a loader (the store), as `pleb relay` / `pleb api` compose them;
// and memory alone in front of the loader, as `pleb serve` does.
#include <gtest/gtest.h>

#include <map>

#include "backends.hpp"
#include "cache/memory/memory_event_cache.hpp"
#include "cache/redis/redis_event_cache.hpp"
#include "cache/tiered_event_cache.hpp"

namespace pleb::cache {
namespace {

// Stands in for the event store: a map, and a count of the reads it served.
struct FakeStore {
  std::map<std::string, std::string, std::less<>> events;
  int reads = 0;
  EventLoader loader() {
    return [this](std::string_view id) -> std::optional<std::string> {
      ++reads;
      auto found = events.find(id);
      if (found == events.end()) return std::nullopt;
      return found->second;
    };
  }
};

const std::string kId(64, 'e');
const std::string kJson = R"({"id":")" + kId + R"(","kind":1})";

struct TwoLevels {
  std::shared_ptr<MemoryEventCache> l1 = std::make_shared<MemoryEventCache>();
  std::shared_ptr<RedisEventCache> l2;
  explicit TwoLevels(const std::string& prefix) {
    RedisEventCacheOptions options;
    options.key_prefix = prefix;
    l2 = std::make_shared<RedisEventCache>(testing::redis_client(), options);
  }
  TieredEventCache over(FakeStore& store) { return TieredEventCache({l1, l2}, store.loader()); }
};

TEST(TieredEventCache, ReadsThroughAndFillsBack) {
  FakeStore store;
  store.events[kId] = kJson;
  const std::string prefix = testing::unique_prefix("tier");
  TwoLevels process_a(prefix);
  TieredEventCache a = process_a.over(store);

  EXPECT_EQ(a.get(kId), kJson);  // from the store
  EXPECT_EQ(store.reads, 1);
  EXPECT_EQ(process_a.l1->get(kId), kJson);
  EXPECT_EQ(process_a.l2->get(kId), kJson);
  EXPECT_EQ(a.get(kId), kJson);  // from memory
  EXPECT_EQ(store.reads, 1);

  // Another process: its memory is empty, Redis has the event, and the hit fills its memory.
  TwoLevels process_b(prefix);
  TieredEventCache b = process_b.over(store);
  EXPECT_EQ(b.get(kId), kJson);
  EXPECT_EQ(store.reads, 1);
  EXPECT_EQ(process_b.l1->get(kId), kJson);
  const TieredStats stats = b.stats();
  ASSERT_EQ(stats.hits.size(), 2u);
  EXPECT_EQ(stats.hits[0], 0u);
  EXPECT_EQ(stats.hits[1], 1u);
  EXPECT_EQ(stats.loads, 0u);

  // Unknown ids reach the store every time (nothing negative is cached) and come back empty.
  EXPECT_FALSE(b.get(std::string(64, 'f')));
  EXPECT_EQ(store.reads, 2);
  EXPECT_EQ(b.stats().misses, 1u);
}

TEST(TieredEventCache, EraseInvalidatesBothLevels) {
  FakeStore store;
  store.events[kId] = kJson;
  const std::string prefix = testing::unique_prefix("tiererase");
  TwoLevels levels(prefix);
  TieredEventCache cache = levels.over(store);
  ASSERT_EQ(cache.get(kId), kJson);

  store.events.erase(kId);  // the deletion is durable in the store first
  cache.erase(kId);
  EXPECT_FALSE(levels.l1->get(kId));
  EXPECT_FALSE(levels.l2->get(kId));
  EXPECT_FALSE(cache.get(kId));
  EXPECT_EQ(store.reads, 2);  // the store was asked, and said no

  // Another process sharing Redis does not get it back from Redis either.
  TwoLevels other(prefix);
  FakeStore other_store;
  EXPECT_FALSE(other.over(other_store).get(kId));
}

TEST(TieredEventCache, AReadRacingADeletionDoesNotBringTheEventBack) {
  FakeStore store;
  store.events[kId] = kJson;
  TwoLevels levels(testing::unique_prefix("tierrace"));
  TieredEventCache* self = nullptr;
  // The store answers with the event, and the deletion lands before the answer is cached.
  TieredEventCache cache({levels.l1, levels.l2}, [&](std::string_view id) -> std::optional<std::string> {
    auto json = store.loader()(id);
    store.events.erase(kId);
    self->erase(kId);
    return json;
  });
  self = &cache;
  EXPECT_EQ(cache.get(kId), kJson);  // the read that began before the deletion gets its answer
  EXPECT_FALSE(levels.l1->get(kId));
  EXPECT_FALSE(levels.l2->get(kId));
}

TEST(TieredEventCache, MemoryAloneForOneProcess) {
  FakeStore store;
  store.events[kId] = kJson;
  auto memory = std::make_shared<MemoryEventCache>();
  TieredEventCache cache({memory}, store.loader());
  EXPECT_EQ(cache.get(kId), kJson);
  EXPECT_EQ(cache.get(kId), kJson);
  EXPECT_EQ(store.reads, 1);
  cache.erase(kId);
  store.events.erase(kId);
  EXPECT_FALSE(cache.get(kId));
  cache.put(kId, kJson);  // a late put of the deleted event
  EXPECT_FALSE(memory->get(kId));
}

TEST(TieredEventCache, WithoutLoaderAMissIsAMiss) {
  auto memory = std::make_shared<MemoryEventCache>();
  TieredEventCache cache({memory}, nullptr);
  EXPECT_FALSE(cache.get(kId));
  cache.put(kId, kJson);
  EXPECT_EQ(cache.get(kId), kJson);
}

}  // namespace
}  // namespace pleb::cache
