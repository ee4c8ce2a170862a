#pragma once
// BIP-340 batch verification: many signatures over 32-byte messages checked with one multi-scalar
// multiplication (sum of a_i (s_i G - R_i - e_i P_i) = 0 for random 128-bit weights a_i, as BIP-340
// describes), which costs well under one libsecp256k1 verification per signature. A batch that does
// not add up is decided signature by signature through schnorr_verify, so the answers are always
// exactly schnorr_verify's; only the time differs.
#include <cstddef>
#include <cstdint>
#include <span>

#include "nostr/bytes.hpp"

namespace pleb::nostr {

struct SchnorrCheck {
  const Bytes64* sig;
  const Bytes32* message;
  const Bytes32* pubkey;
};

// Smaller batches are verified one by one: a batch has a fixed cost (a chain of 256 doublings, the
// generator's term, two inversions) worth several verifications (BM_BatchVerify in `make bench`).
inline constexpr std::size_t kBatchVerifyMinimum = 8;
// Larger batches are split: past this the working set (wNAF digits, tables) leaves the core's caches
// and a signature costs more, not less.
inline constexpr std::size_t kBatchVerifyMaximum = 64;

// ok[i] = 1 when checks[i] verifies, else 0. `ok` has the size of `checks`. Returns whether the batch
// equation decided them all at once (false when it did not hold, or the batch was too small, and
// signatures were checked alone).
bool schnorr_verify_batch(std::span<const SchnorrCheck> checks, std::span<std::uint8_t> ok);

}  // namespace pleb::nostr
