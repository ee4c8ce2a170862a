#include "nostr/batch_verify.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "nostr/curve/group.hpp"
#include "nostr/curve/scalar.hpp"
#include "nostr/recent_keys.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/sha256.hpp"

namespace pleb::nostr {
namespace {

using namespace curve;

// wNAF widths: authors' tables are kept, so they get the wider window; a nonce's table serves one
// 128-bit weight; the generator's is built once.
constexpr int kPubkeyWindow = 5;
constexpr std::size_t kPubkeyTable = std::size_t{1} << (kPubkeyWindow - 2);
constexpr int kNonceWindow = 4;
constexpr std::size_t kNonceTable = std::size_t{1} << (kNonceWindow - 2);
constexpr int kGeneratorWindow = 8;
constexpr std::size_t kGeneratorTable = std::size_t{1} << (kGeneratorWindow - 2);

// Each thread keeps the odd multiples of the keys it saw recently (lifting a key costs a square root,
// and its table an inversion's share and seven additions): 4,096 keys, ~2.8 MB per verifying thread.
using PubkeyTable = std::array<Ge, kPubkeyTable>;

RecentKeys<PubkeyTable, 2048>& pubkey_tables() {
  thread_local RecentKeys<PubkeyTable, 2048> tables;
  return tables;
}

const Ge* generator_table() {
  static const auto table = [] {
    std::array<Ge, kGeneratorTable> t;
    odd_multiples_all(&generator(), 1, kGeneratorTable, t.data());
    return t;
  }();
  return table.data();
}

// e = H_BIP0340/challenge(r || P || m) mod n
Scalar challenge(const Bytes64& sig, const Bytes32& pubkey, const Bytes32& message) {
  static const Bytes32 tag = sha256("BIP0340/challenge");
  std::array<std::uint8_t, 160> input;
  std::memcpy(input.data(), tag.data(), 32);
  std::memcpy(input.data() + 32, tag.data(), 32);
  std::memcpy(input.data() + 64, sig.data(), 32);
  std::memcpy(input.data() + 96, pubkey.data(), 32);
  std::memcpy(input.data() + 128, message.data(), 32);
  const Bytes32 hash = sha256(input.data(), input.size());
  return scalar_from_bytes_reduced(hash.data());
}

// A sum of scalar multiples of points, by Strauss' method: one chain of doublings for all terms, and
// each term's wNAF digits added where they fall on it. The digits are sorted by position once, so that
// the chain meets only the additions it needs.
class StraussSum {
 public:
  void clear() { additions_.clear(); }

  // scalar x the point whose odd multiples `table` holds (as many as the window needs).
  void add(const Ge* table, const Scalar& scalar, int window) {
    std::array<std::int8_t, kWnafDigits> digits;
    const int top = scalar_wnaf(digits.data(), scalar, window);
    for (int bit = 0; bit < top; ++bit) {
      if (digits[static_cast<std::size_t>(bit)] != 0) {
        additions_.push_back({bit, digits[static_cast<std::size_t>(bit)], table});
      }
    }
  }

  bool is_infinity() {
    // Counting sort by position, highest first.
    counts_.fill(0);
    for (const Addition& a : additions_) ++counts_[static_cast<std::size_t>(a.bit)];
    std::uint32_t next = 0;
    for (std::size_t bit = kWnafDigits; bit-- > 0;) next += std::exchange(counts_[bit], next);
    sorted_.resize(additions_.size());
    for (const Addition& a : additions_) sorted_[counts_[static_cast<std::size_t>(a.bit)]++] = a;

    Gej sum;
    std::size_t at = 0;
    for (int bit = sorted_.empty() ? -1 : sorted_.front().bit; bit >= 0; --bit) {
      sum = gej_double(sum);
      for (; at < sorted_.size() && sorted_[at].bit == bit; ++at) {
        const Addition& a = sorted_[at];
        sum = a.digit > 0 ? gej_add_ge(sum, a.table[(a.digit - 1) / 2])
                          : gej_add_ge(sum, ge_negate(a.table[(-a.digit - 1) / 2]));
      }
    }
    return sum.infinity;
  }

 private:
  struct Addition {
    int bit;
    int digit;
    const Ge* table;
  };
  std::vector<Addition> additions_, sorted_;
  std::array<std::uint32_t, kWnafDigits> counts_{};
};

Scalar random_weight(const std::uint8_t* bytes16) {
  Scalar w{{0, 0, 0, 0}};
  std::memcpy(&w.d[0], bytes16, 8);
  std::memcpy(&w.d[1], bytes16 + 8, 8);
  if (scalar_is_zero(w)) w = kScalarOne;  // a zero weight would leave its signature unchecked
  return w;
}

bool lift(Ge& point, const std::uint8_t* x32) {
  Fe x;
  return fe_set_bytes(x, x32) && ge_lift_x(point, x);
}

// What one signature brings to the sum.
struct Candidate {
  std::size_t index;
  Scalar weight;              // a_i (1 for the first)
  Scalar weighted_challenge;  // a_i e_i
};

// Each thread's working memory, kept between batches: fresh pages for every batch cost the kernel
// more than the arithmetic in them.
struct Scratch {
  std::vector<std::uint8_t> random;
  std::vector<Candidate> candidates;
  std::vector<Ge> nonces, nonce_tables, pubkey_tables, new_keys, new_tables;
  std::vector<std::size_t> new_key_owner;
  StraussSum sum;

  void clear() {
    candidates.clear();
    nonces.clear();
    new_keys.clear();
    new_key_owner.clear();
    sum.clear();
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

std::uint8_t verify_alone(const SchnorrCheck& check) {
  return schnorr_verify(*check.sig, check.message->data(), 32, *check.pubkey) ? 1 : 0;
}

// One batch of at most kBatchVerifyMaximum. Signatures that fail BIP-340's own range and curve checks
// are answered 0 and left out of the sum.
bool verify_chunk(std::span<const SchnorrCheck> checks, std::span<std::uint8_t> ok) {
  Scratch& work = scratch();
  work.clear();
  work.random.resize(16 * checks.size());
  if (RAND_bytes(work.random.data(), static_cast<int>(work.random.size())) != 1) {
    throw std::runtime_error("the operating system's random source failed");
  }
  work.pubkey_tables.resize(checks.size() * kPubkeyTable);
  Scalar weighted_s_sum{{0, 0, 0, 0}};
  auto& cache = pubkey_tables();
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const Bytes64& sig = *checks[i].sig;
    const Bytes32& pubkey = *checks[i].pubkey;
    Scalar s;
    Ge nonce;
    if (!scalar_set_bytes(s, sig.data() + 32) || !lift(nonce, sig.data())) continue;
    if (const PubkeyTable* cached = cache.find(pubkey)) {
      std::copy(cached->begin(), cached->end(), &work.pubkey_tables[work.candidates.size() * kPubkeyTable]);
    } else {
      Ge key;
      if (!lift(key, pubkey.data())) continue;
      work.new_keys.push_back(key);
      work.new_key_owner.push_back(work.candidates.size());
    }
    const Scalar weight = work.candidates.empty() ? kScalarOne : random_weight(&work.random[16 * i]);
    work.candidates.push_back({i, weight, scalar_mul(weight, challenge(sig, pubkey, *checks[i].message))});
    work.nonces.push_back(nonce);
    weighted_s_sum = scalar_add(weighted_s_sum, scalar_mul(weight, s));
  }
  if (work.candidates.empty()) return false;

  if (!work.new_keys.empty()) {
    work.new_tables.resize(work.new_keys.size() * kPubkeyTable);
    odd_multiples_all(work.new_keys.data(), work.new_keys.size(), kPubkeyTable, work.new_tables.data());
    for (std::size_t k = 0; k < work.new_keys.size(); ++k) {
      PubkeyTable table;
      std::copy_n(&work.new_tables[k * kPubkeyTable], kPubkeyTable, table.begin());
      const std::size_t owner = work.new_key_owner[k];
      std::copy(table.begin(), table.end(), &work.pubkey_tables[owner * kPubkeyTable]);
      cache.insert(*checks[work.candidates[owner].index].pubkey, table);
    }
  }
  work.nonce_tables.resize(work.nonces.size() * kNonceTable);
  odd_multiples_all(work.nonces.data(), work.nonces.size(), kNonceTable, work.nonce_tables.data());

  // sum of a_i R_i + (a_i e_i) P_i, minus (sum of a_i s_i) G
  for (std::size_t c = 0; c < work.candidates.size(); ++c) {
    work.sum.add(&work.nonce_tables[c * kNonceTable], work.candidates[c].weight, kNonceWindow);
    work.sum.add(&work.pubkey_tables[c * kPubkeyTable], work.candidates[c].weighted_challenge, kPubkeyWindow);
  }
  work.sum.add(generator_table(), scalar_negate(weighted_s_sum), kGeneratorWindow);
  if (work.sum.is_infinity()) {
    for (const Candidate& candidate : work.candidates) ok[candidate.index] = 1;
    return work.candidates.size() == checks.size();
  }
  for (const Candidate& candidate : work.candidates)
    ok[candidate.index] = verify_alone(checks[candidate.index]);
  return false;
}

}  // namespace

bool schnorr_verify_batch(std::span<const SchnorrCheck> checks, std::span<std::uint8_t> ok) {
  if (ok.size() != checks.size()) throw std::invalid_argument("schnorr_verify_batch: sizes differ");
  std::fill(ok.begin(), ok.end(), std::uint8_t{0});
  if (checks.size() < kBatchVerifyMinimum) {
    for (std::size_t i = 0; i < checks.size(); ++i) ok[i] = verify_alone(checks[i]);
    return false;
  }
  // Equal chunks of at most kBatchVerifyMaximum.
  const std::size_t chunks = (checks.size() + kBatchVerifyMaximum - 1) / kBatchVerifyMaximum;
  const std::size_t per_chunk = (checks.size() + chunks - 1) / chunks;
  bool whole = true;
  for (std::size_t at = 0; at < checks.size(); at += per_chunk) {
    const std::size_t size = std::min(per_chunk, checks.size() - at);
    whole = verify_chunk(checks.subspan(at, size), ok.subspan(at, size)) && whole;
  }
  return whole;
}

}  // namespace pleb::nostr
