// The ceiling for ingest: what libsecp256k1 alone verifies per second on this core, with the public keys
// already parsed, over distinct signatures and over a few repeated ones (scenarios.hpp).
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

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

struct RawVerifier::State {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::vector<Signed> distinct;
  std::vector<Signed> hot;
  std::thread beside;
  std::atomic<bool> stop{false};
  RawVerifier::Beside beside_result;
};

RawVerifier::RawVerifier() : state_(new State) {
  constexpr std::size_t kDistinct = 16384, kHot = 256;
  try {
    state_->distinct = signed_corpus(state_->ctx, kDistinct);
    state_->hot.assign(state_->distinct.begin(), state_->distinct.begin() + kHot);
  } catch (...) {
    secp256k1_context_destroy(state_->ctx);
    delete state_;
    throw;
  }
}

RawVerifier::~RawVerifier() {
  stop_beside();
  secp256k1_context_destroy(state_->ctx);
  delete state_;
}

RawVerifyRates RawVerifier::measure(double seconds, int pid, bool hot) {
  cpu_set_t cores;
  CPU_ZERO(&cores);
  if (sched_getaffinity(pid, sizeof cores, &cores) != 0) {
    throw std::runtime_error("baseline: cannot read the cores of process " + std::to_string(pid));
  }
  RawVerifyRates rates;
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      if (pthread_setaffinity_np(pthread_self(), sizeof cores, &cores) != 0) {
        throw std::runtime_error("baseline: cannot run on the cores of process " + std::to_string(pid));
      }
      rates.distinct = verify_rate(state_->ctx, state_->distinct, seconds);
      if (hot) rates.hot = verify_rate(state_->ctx, state_->hot, seconds);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
  return rates;
}

void RawVerifier::start_beside() {
  state_->stop = false;
  state_->beside = std::thread([state = state_] {
    sched_param idle{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);  // best effort: a plain thread measures too
    timespec start{}, end{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    std::uint64_t verified = 0, failed = 0;
    std::size_t at = 0;
    while (!state->stop.load(std::memory_order_relaxed)) {
      for (int i = 0; i < 64; ++i, at = (at + 1) % state->distinct.size()) {
        const auto& s = state->distinct[at];
        failed += secp256k1_schnorrsig_verify(state->ctx, s.sig.data(), s.id.data(), 32, &s.key) != 1;
      }
      verified += 64;
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
    const double cpu = static_cast<double>(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    state->beside_result = {failed == 0 && cpu > 0 ? static_cast<double>(verified) / cpu : 0, cpu};
  });
}

RawVerifier::Beside RawVerifier::stop_beside() {
  state_->stop = true;
  if (state_->beside.joinable()) state_->beside.join();
  return state_->beside_result;
}

RawVerifyRates measure_raw_verify(double seconds) {
  RawVerifier verifier;
  return verifier.measure(seconds, 0, true);
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
