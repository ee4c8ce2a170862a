// Per-event costs of validation, against raw libsecp256k1 verification as the baseline.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <chrono>

#include "nostr/batch_verify.hpp"
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

// libsecp256k1 alone: its context made once, the corpus's public keys parsed before timing starts.
struct RawVerifier {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::vector<secp256k1_xonly_pubkey> keys;
  RawVerifier(const Corpus& c, benchmark::State& state) : keys(c.events.size()) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (!secp256k1_xonly_pubkey_parse(ctx, &keys[k], c.events[k].pubkey.data()))
        state.SkipWithError("pubkey");
    }
  }
  ~RawVerifier() { secp256k1_context_destroy(ctx); }
  RawVerifier(const RawVerifier&) = delete;
  RawVerifier& operator=(const RawVerifier&) = delete;
  int verify(std::size_t k, const Event& e) const {
    return secp256k1_schnorrsig_verify(ctx, e.sig.data(), e.id.data(), 32, &keys[k]);
  }
};

// Baseline: libsecp256k1 alone, public keys already parsed, context made once.
void BM_RawSecp256k1Verify(benchmark::State& state) {
  const auto& c = corpus();
  RawVerifier raw(c, state);
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t k = i++ % c.events.size();
    const Event& e = c.events[k];
    benchmark::DoNotOptimize(raw.verify(k, e));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawSecp256k1Verify);

// Batch verification of Arg(0) signatures at a time, per signature (the corpus's 256 authors stay in
// the verifying thread's table cache, as a relay's active authors do).
void BM_BatchVerify(benchmark::State& state) {
  const auto& c = corpus();
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<SchnorrCheck> checks;
  for (std::size_t k = 0; k < c.events.size(); ++k) {
    checks.push_back({&c.events[k].sig, &c.events[k].id, &c.events[k].pubkey});
  }
  std::vector<std::uint8_t> ok(size);
  std::size_t at = 0;
  for (auto _ : state) {
    if (at + size > checks.size()) at = 0;
    if (!schnorr_verify_batch(std::span(checks).subspan(at, size), ok)) state.SkipWithError("batch failed");
    at += size;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_BatchVerify)->Arg(8)->Arg(16)->Arg(32)->Arg(64)->Arg(128);

// Batch verification over raw libsecp256k1, interleaved: each iteration verifies Arg(0) signatures as a
// batch and the same signatures one by one with libsecp256k1, timing each, so that the host's drift
// (this machine's speed moves by a third within minutes) hits both alike. `speedup` is the ratio.
void BM_BatchVerifySpeedup(benchmark::State& state) {
  const auto& c = corpus();
  RawVerifier raw(c, state);
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<SchnorrCheck> checks;
  for (std::size_t k = 0; k < c.events.size(); ++k) {
    checks.push_back({&c.events[k].sig, &c.events[k].id, &c.events[k].pubkey});
  }
  std::vector<std::uint8_t> ok(size);
  std::chrono::duration<double> batch_time{}, raw_time{};
  std::size_t at = 0;
  for (auto _ : state) {
    if (at + size > checks.size()) at = 0;
    auto start = std::chrono::steady_clock::now();
    if (!schnorr_verify_batch(std::span(checks).subspan(at, size), ok)) state.SkipWithError("batch failed");
    auto middle = std::chrono::steady_clock::now();
    for (std::size_t k = at; k < at + size; ++k) benchmark::DoNotOptimize(raw.verify(k, c.events[k]));
    auto end = std::chrono::steady_clock::now();
    batch_time += middle - start;
    raw_time += end - middle;
    at += size;
  }
  const double signatures = static_cast<double>(state.iterations() * static_cast<std::int64_t>(size));
  state.counters["batch_per_s"] = signatures / batch_time.count();
  state.counters["raw_per_s"] = signatures / raw_time.count();
  state.counters["speedup"] = raw_time.count() / batch_time.count();
}
BENCHMARK(BM_BatchVerifySpeedup)->Arg(8)->Arg(16)->Arg(32)->Arg(64);

// The baseline again, with other work between two verifications: Arg(0) KiB of memory read and
// written. Only the verification is timed. In the relay every event's parsing, socket buffers and the
// writer's pages pass through the same caches, and this shows what that costs libsecp256k1.
void BM_RawSecp256k1VerifyAfterOtherWork(benchmark::State& state) {
  const auto& c = corpus();
  RawVerifier raw(c, state);
  const std::size_t lines = static_cast<std::size_t>(state.range(0)) * 1024 / 64;
  std::vector<unsigned char> other(std::size_t{64} << 20, 1);  // far larger than every cache
  std::size_t at = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    for (std::size_t line = 0; line < lines; ++line) {
      other[at] = static_cast<unsigned char>(other[at] + 1);
      at = (at + 64) % other.size();
    }
    benchmark::ClobberMemory();
    std::size_t k = i++ % c.events.size();
    const Event& e = c.events[k];
    auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(raw.verify(k, e));
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawSecp256k1VerifyAfterOtherWork)->Arg(0)->Arg(16)->Arg(64)->Arg(256)->UseManualTime();

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
