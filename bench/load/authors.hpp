#pragma once
// Authors whose keys follow from (seed, index): `pleb bench generate` and `pleb bench query` agree on
// who wrote what without sharing a file. Benchmark keys only, never for real use.
#include <secp256k1_extrakeys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nostr/event.hpp"

namespace pleb::load {

class Authors {
 public:
  // Derives `count` key pairs on `threads` threads (a key pair costs a scalar multiplication).
  Authors(std::uint64_t seed, std::size_t count, unsigned threads);
  ~Authors();
  Authors(const Authors&) = delete;
  Authors& operator=(const Authors&) = delete;

  std::size_t size() const { return pubkeys_.size(); }
  const nostr::Bytes32& pubkey(std::size_t author) const { return pubkeys_[author]; }
  const std::string& pubkey_hex(std::size_t author) const { return pubkeys_hex_[author]; }
  // Fills pubkey, id and sig. Uses the author's parsed key pair and deterministic BIP-340 nonces, about
  // half the cost of nostr::sign_event, which parses the secret key and draws randomness every time.
  void sign(nostr::Event& event, std::size_t author) const;

 private:
  std::vector<secp256k1_keypair> keypairs_;
  std::vector<nostr::Bytes32> pubkeys_;
  std::vector<std::string> pubkeys_hex_;
};

// A seed nobody else uses, for scenarios whose events must be new to the relay on every run.
std::uint64_t random_seed();

// splitmix64: a tiny, good-enough generator; one per event keeps the output independent of threads.
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
};

// 32 random bytes in hex, where an event names another event (`e` tags): ids are hashes, so every value
// lands somewhere else in a tag index.
std::string random_hex32(SplitMix& rng);

}  // namespace pleb::load
