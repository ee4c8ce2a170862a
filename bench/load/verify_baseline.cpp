// The ceiling for ingest: what libsecp256k1 alone verifies per second on this core, with the public keys
// already parsed (as in BM_RawSecp256k1Verify of the micro-benchmarks).
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <stdexcept>

#include "authors.hpp"
#include "report.hpp"
#include "scenarios.hpp"

namespace pleb::load {

double measure_raw_verify(double seconds) {
  constexpr std::size_t kEvents = 256;
  Authors authors(random_seed(), kEvents, 1);
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  struct Signed {
    nostr::Bytes32 id;
    nostr::Bytes64 sig;
    secp256k1_xonly_pubkey key;
  };
  std::vector<Signed> corpus(kEvents);
  for (std::size_t i = 0; i < kEvents; ++i) {
    nostr::Event event;
    event.kind = 1;
    event.created_at = 1700000000 + static_cast<std::int64_t>(i);
    event.content = "baseline " + std::to_string(i);
    authors.sign(event, i);
    corpus[i].id = event.id;
    corpus[i].sig = event.sig;
    if (!secp256k1_xonly_pubkey_parse(ctx, &corpus[i].key, event.pubkey.data())) {
      secp256k1_context_destroy(ctx);
      throw std::runtime_error("baseline: public key did not parse");
    }
  }
  std::uint64_t verified = 0, failed = 0;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Clock::time_point now;
  do {
    for (const auto& s : corpus) {  // the clock is read once per 256 verifications
      failed += secp256k1_schnorrsig_verify(ctx, s.sig.data(), s.id.data(), 32, &s.key) != 1;
    }
    verified += kEvents;
    now = Clock::now();
  } while (now < deadline);
  secp256k1_context_destroy(ctx);
  if (failed) throw std::runtime_error("baseline: a signature did not verify");
  return static_cast<double>(verified) / seconds_between(start, now);
}

void run_verify_baseline(const VerifyBaselineOptions& options) {
  double per_second = measure_raw_verify(options.seconds);
  JsonLine()
      .text("scenario", "verify-baseline")
      .number("verify_per_s", per_second, 0)
      .number("us_per_verify", 1e6 / per_second)
      .number("seconds", options.seconds, 1)
      .print();
}

}  // namespace pleb::load
