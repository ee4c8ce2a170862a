#include "authors.hpp"

#include <secp256k1_schnorrsig.h>

#include <stdexcept>

#include "nostr/bytes.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/secret.hpp"
#include "nostr/sha256.hpp"
#include "parallel.hpp"

namespace pleb::load {

Authors::Authors(std::uint64_t seed, std::size_t count, unsigned threads)
    : keypairs_(count), pubkeys_(count), pubkeys_hex_(count) {
  const auto* ctx = nostr::secp256k1_shared_context();
  parallel_ranges(count, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      std::string material = "pleb bench author " + std::to_string(seed) + " " + std::to_string(i);
      nostr::Bytes32 secret = nostr::sha256(material);
      // A hash is a valid secret key except with probability ~2^-128; rehash in that case.
      while (!secp256k1_keypair_create(ctx, &keypairs_[i], secret.data()))
        secret = nostr::sha256(material += "'");
      nostr::secure_wipe(secret.data(), secret.size());
      secp256k1_xonly_pubkey xonly;
      if (!secp256k1_keypair_xonly_pub(ctx, &xonly, nullptr, &keypairs_[i]) ||
          !secp256k1_xonly_pubkey_serialize(ctx, pubkeys_[i].data(), &xonly)) {
        throw std::runtime_error("deriving a public key failed");
      }
      pubkeys_hex_[i] = nostr::to_hex(pubkeys_[i]);
    }
  });
}

Authors::~Authors() {
  nostr::secure_wipe(keypairs_.data(), keypairs_.size() * sizeof(secp256k1_keypair));
}

void Authors::sign(nostr::Event& event, std::size_t author) const {
  event.pubkey = pubkeys_[author];
  event.id = nostr::compute_id(event);
  if (!secp256k1_schnorrsig_sign32(nostr::secp256k1_shared_context(), event.sig.data(), event.id.data(),
                                   &keypairs_[author], nullptr)) {
    throw std::runtime_error("signing failed");
  }
}

std::string random_hex32(SplitMix& rng) {
  nostr::Bytes32 bytes;
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t v = rng.next();
    for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
  }
  return nostr::to_hex(bytes);
}

std::uint64_t random_seed() {
  auto bytes = nostr::random_bytes32();
  std::uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = seed << 8 | bytes[i];
  return seed;
}

}  // namespace pleb::load
