// The ceiling for ingest: what libsecp256k1 alone verifies per second on this core, with the public keys
// already parsed, over distinct signatures and over a few repeated ones (scenarios.hpp).
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <stdexcept>

#include "authors.hpp"
#include "parallel.hpp"
#include "process_stats.hpp"
#include "report.hpp"
#include "scenarios.hpp"

namespace pleb::load {
namespace {

struct Signed {
  nostr::Bytes32 id;
  nostr::Bytes64 sig;
  secp256k1_xonly_pubkey key;
};

// Short notes by 1,000 authors, each with its own content: every signature is different.
std::vector<Signed> signed_corpus(secp256k1_context* ctx, std::size_t count) {
  unsigned threads = usable_cores();
  Authors authors(random_seed(), std::min<std::size_t>(count, 1000), threads);
  std::vector<Signed> corpus(count);
  parallel_ranges(count, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      nostr::Event event;
      event.kind = 1;
      event.created_at = 1700000000 + static_cast<std::int64_t>(i);
      event.content = "baseline " + std::to_string(i);
      authors.sign(event, i % authors.size());
      corpus[i].id = event.id;
      corpus[i].sig = event.sig;
      if (!secp256k1_xonly_pubkey_parse(ctx, &corpus[i].key, event.pubkey.data())) {
        throw std::runtime_error("baseline: public key did not parse");
      }
    }
  });
  return corpus;
}

// Verifications per second over the corpus in turn, for about `seconds`.
double verify_rate(secp256k1_context* ctx, const std::vector<Signed>& corpus, double seconds) {
  std::uint64_t verified = 0, failed = 0;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Clock::time_point now;
  std::size_t at = 0;
  do {
    for (int i = 0; i < 256; ++i, at = (at + 1) % corpus.size()) {  // the clock is read every 256
      const auto& s = corpus[at];
      failed += secp256k1_schnorrsig_verify(ctx, s.sig.data(), s.id.data(), 32, &s.key) != 1;
    }
    verified += 256;
    now = Clock::now();
  } while (now < deadline);
  if (failed) throw std::runtime_error("baseline: a signature did not verify");
  return static_cast<double>(verified) / seconds_between(start, now);
}

}  // namespace

RawVerifyRates measure_raw_verify(double seconds) {
  constexpr std::size_t kDistinct = 16384, kHot = 256;
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  RawVerifyRates rates;
  try {
    auto corpus = signed_corpus(ctx, kDistinct);
    rates.distinct = verify_rate(ctx, corpus, seconds);
    corpus.resize(kHot);
    rates.hot = verify_rate(ctx, corpus, seconds);
  } catch (...) {
    secp256k1_context_destroy(ctx);
    throw;
  }
  secp256k1_context_destroy(ctx);
  return rates;
}

void run_verify_baseline(const VerifyBaselineOptions& options) {
  RawVerifyRates rates = measure_raw_verify(options.seconds);
  JsonLine()
      .text("scenario", "verify-baseline")
      .number("verify_per_s", rates.distinct, 0)
      .number("us_per_verify", 1e6 / rates.distinct)
      .number("verify_per_s_hot", rates.hot, 0)
      .number("us_per_verify_hot", 1e6 / rates.hot)
      .number("seconds", options.seconds, 1)
      .print();
}

}  // namespace pleb::load
