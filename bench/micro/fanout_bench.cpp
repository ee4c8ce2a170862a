// Matching one published event against the live subscriptions of many connections: each follows a few
// of 1,000 authors (kinds 1 and 6), as home timelines do, and one connection in a hundred watches all
// notes. The figure that matters is how the cost grows with the number of subscriptions.
#include <benchmark/benchmark.h>

#include <random>

#include "relay/subscriptions.hpp"

namespace {

using namespace pleb;

class Discard : public relay::Subscriber {
 public:
  void deliver(std::shared_ptr<const relay::Published>, std::vector<std::string> ids) override {
    benchmark::DoNotOptimize(ids.data());
  }
};

nostr::Bytes32 author(std::uint32_t n) {
  nostr::Bytes32 k{};
  for (int i = 0; i < 4; ++i) k[i] = static_cast<std::uint8_t>(n >> (8 * i));
  k[31] = 0xa5;
  return k;
}

void BM_PublishAmongSubscriptions(benchmark::State& state) {
  constexpr std::uint32_t kAuthors = 1000;
  const auto connections = static_cast<std::uint64_t>(state.range(0));
  relay::SubscriptionRegistry registry;
  auto subscriber = std::make_shared<Discard>();
  std::mt19937 rng(42);
  for (std::uint64_t c = 0; c < connections; ++c) {
    nostr::Filter filter;
    filter.kinds = std::vector<std::uint32_t>{1, 6};
    if (c % 100 != 0) {
      std::vector<nostr::Bytes32> follows;
      for (int i = 0; i < 3; ++i) follows.push_back(author(rng() % kAuthors));
      std::sort(follows.begin(), follows.end());
      follows.erase(std::unique(follows.begin(), follows.end()), follows.end());
      filter.authors = std::move(follows);
    }
    registry.add(c, subscriber, "feed", {std::move(filter)});
  }
  std::vector<std::shared_ptr<const relay::Published>> events;
  for (std::uint32_t i = 0; i < 256; ++i) {
    auto published = std::make_shared<relay::Published>();
    published->event.pubkey = author(rng() % kAuthors);
    published->event.kind = 1;
    published->event.tags = {{"p", "ab"}, {"t", "bench"}};
    events.push_back(std::move(published));
  }
  std::size_t at = 0;
  for (auto _ : state) registry.publish(events[at++ % events.size()]);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishAmongSubscriptions)->Arg(100)->Arg(1000)->Arg(10000)->Arg(50000);

}  // namespace
