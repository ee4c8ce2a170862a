// The ban stage per event, with only the configured lists and with the moderators' live list beside them,
// on 1 to 4 threads at once (the live list is read on every I/O thread for every event).
#include <benchmark/benchmark.h>

#include "processor/ban_list.hpp"
#include "processor/stages.hpp"

namespace {

using namespace pleb;

nostr::Bytes32 key(std::uint32_t n) {
  nostr::Bytes32 k{};
  for (int i = 0; i < 4; ++i) k[i] = static_cast<std::uint8_t>(n >> (8 * i));
  k[31] = 0x5a;
  return k;
}

processor::BanPolicy::Lists configured() {
  processor::BanPolicy::Lists lists;
  for (std::uint32_t i = 0; i < 100; ++i) lists.pubkeys.insert(key(1000000 + i));
  return lists;
}

std::shared_ptr<processor::BanList> live_list() {
  static auto list = [] {
    auto bans = std::make_shared<processor::BanList>();
    for (std::uint32_t i = 0; i < 100; ++i)
      bans->ban({processor::BanKind::kPubkey, nostr::to_hex(key(2000000 + i))});
    bans->ban({processor::BanKind::kAddress, "203.0.113.7"});
    return bans;
  }();
  return list;
}

void run(benchmark::State& state, processor::BanPolicy& policy) {
  nostr::Event event;
  event.kind = 1;
  processor::EventSource source;
  source.info = "198.51.100.1";
  std::uint32_t n = static_cast<std::uint32_t>(state.thread_index()) << 24;
  for (auto _ : state) {
    event.pubkey = key(++n);
    event.id = key(n + 7);
    benchmark::DoNotOptimize(policy.check(event, source));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_BanStageConfiguredOnly(benchmark::State& state) {
  static processor::BanPolicy policy(configured());
  run(state, policy);
}
BENCHMARK(BM_BanStageConfiguredOnly)->ThreadRange(1, 4);

void BM_BanStageWithLiveList(benchmark::State& state) {
  static processor::BanPolicy policy(configured(), live_list());
  run(state, policy);
}
BENCHMARK(BM_BanStageWithLiveList)->ThreadRange(1, 4);

}  // namespace
