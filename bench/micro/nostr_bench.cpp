// Per-event costs of validation, against raw libsecp256k1 verification as the baseline.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"

namespace {

using namespace pleb::nostr;

// Typical short notes: a few tags, a couple of hundred bytes of content, distinct authors.
struct Corpus {
  std::vector<Event> events;
  std::vector<std::string> json;
  Corpus() {
    for (int i = 0; i < 256; ++i) {
      SecretKey key = generate_secret_key();
      Event event;
      event.kind = 1;
      event.created_at = 1700000000 + i;
      event.content =
          "GM nostr! This is note number " + std::to_string(i) + ". " + std::string(150, 'x') + " 🤙";
      event.tags = {{"e", to_hex(random_bytes32()), "wss://relay.example", "reply"},
                    {"p", to_hex(random_bytes32())},
                    {"t", "nostr"}};
      sign_event(event, key);
      json.push_back(to_json(event));
      events.push_back(std::move(event));
    }
  }
};

const Corpus& corpus() {
  static const Corpus c;
  return c;
}

void BM_Parse(benchmark::State& state) {
  const auto& c = corpus();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parse_event(c.json[i++ % c.json.size()]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse);

void BM_ComputeId(benchmark::State& state) {
  const auto& c = corpus();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(compute_id(c.events[i++ % c.events.size()]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeId);

void BM_VerifySignature(benchmark::State& state) {
  const auto& c = corpus();
  std::size_t i = 0;
  for (auto _ : state) {
    const Event& e = c.events[i++ % c.events.size()];
    benchmark::DoNotOptimize(schnorr_verify(e.sig, e.id.data(), e.id.size(), e.pubkey));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifySignature);

// Everything a relay does to an incoming event before storing it.
void BM_ParseIdVerify(benchmark::State& state) {
  const auto& c = corpus();
  std::size_t i = 0;
  for (auto _ : state) {
    auto event = parse_and_verify_event(c.json[i++ % c.json.size()]);
    if (!event) state.SkipWithError("validation failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseIdVerify);

// Every event from a new author: the x-only key is parsed each time (no cache hit possible).
void BM_ParseIdVerifyDistinctAuthors(benchmark::State& state) {
  static std::vector<std::string> fresh = [] {
    std::vector<std::string> out;
    for (int i = 0; i < 4096; ++i) {
      Event event;
      event.kind = 1;
      event.content = "note from author " + std::to_string(i) + std::string(150, 'y');
      sign_event(event, generate_secret_key());
      out.push_back(to_json(event));
    }
    return out;
  }();
  std::size_t i = 0;
  for (auto _ : state) {
    auto event = parse_and_verify_event(fresh[i++ % fresh.size()]);
    if (!event) state.SkipWithError("validation failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseIdVerifyDistinctAuthors);

// Baseline: libsecp256k1 alone, public keys already parsed, context made once.
void BM_RawSecp256k1Verify(benchmark::State& state) {
  const auto& c = corpus();
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::vector<secp256k1_xonly_pubkey> keys(c.events.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (!secp256k1_xonly_pubkey_parse(ctx, &keys[k], c.events[k].pubkey.data()))
      state.SkipWithError("pubkey");
  }
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t k = i++ % c.events.size();
    const Event& e = c.events[k];
    benchmark::DoNotOptimize(secp256k1_schnorrsig_verify(ctx, e.sig.data(), e.id.data(), 32, &keys[k]));
  }
  state.SetItemsProcessed(state.iterations());
  secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_RawSecp256k1Verify);

void BM_Serialize(benchmark::State& state) {
  const auto& c = corpus();
  std::string out;
  std::size_t i = 0;
  for (auto _ : state) {
    out.clear();
    append_json(out, c.events[i++ % c.events.size()]);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Serialize);

}  // namespace
