#include "nostr/schnorr.hpp"

#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <stdexcept>

#include "nostr/json_writer.hpp"
#include "nostr/recent_keys.hpp"

namespace pleb::nostr {
namespace {

// Created once; verification only reads it, so it is shared by all threads without locking.
// Signing also only reads it after the one-time randomization below.
const secp256k1_context* context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    Bytes32 seed = random_bytes32();
    if (!secp256k1_context_randomize(c, seed.data())) throw std::runtime_error("secp256k1 randomize failed");
    secure_wipe(seed.data(), seed.size());
    return c;
  }();
  return ctx;
}

// Parsing an x-only key costs a square root, about a tenth of a verification; each thread keeps the
// keys it parsed recently (about 400 KB).
bool parse_pubkey_cached(const Bytes32& pubkey, secp256k1_xonly_pubkey& out) {
  thread_local RecentKeys<secp256k1_xonly_pubkey, 2048> parsed;
  if (const auto* cached = parsed.find(pubkey)) {
    out = *cached;
    return true;
  }
  if (!secp256k1_xonly_pubkey_parse(context(), &out, pubkey.data())) return false;
  parsed.insert(pubkey, out);
  return true;
}

}  // namespace

const secp256k1_context* secp256k1_shared_context() {
  return context();
}

Bytes32 random_bytes32() {
  Bytes32 out;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("the operating system's random source failed");
  }
  return out;
}

bool schnorr_verify(const Bytes64& sig, const std::uint8_t* message, std::size_t size,
                    const Bytes32& pubkey) {
  secp256k1_xonly_pubkey xonly;
  if (!parse_pubkey_cached(pubkey, xonly)) return false;
  return secp256k1_schnorrsig_verify(context(), sig.data(), message, size, &xonly) == 1;
}

std::optional<Bytes64> schnorr_sign(const SecretKey& key, const std::uint8_t* message, std::size_t size,
                                    const Bytes32& aux_rand) {
  secp256k1_keypair keypair;
  if (!secp256k1_keypair_create(context(), &keypair, key.bytes().data())) return std::nullopt;
  secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  params.ndata = const_cast<std::uint8_t*>(aux_rand.data());
  Bytes64 sig;
  int ok = secp256k1_schnorrsig_sign_custom(context(), sig.data(), message, size, &keypair, &params);
  secure_wipe(&keypair, sizeof keypair);
  if (!ok) return std::nullopt;
  return sig;
}

bool is_valid_secret_key(const Bytes32& key) {
  return secp256k1_ec_seckey_verify(context(), key.data()) == 1;
}

SecretKey generate_secret_key() {
  for (;;) {
    SecretKey key(random_bytes32());
    if (is_valid_secret_key(key.bytes())) return key;
  }
}

std::optional<Bytes32> public_key(const SecretKey& key) {
  secp256k1_keypair keypair;
  if (!secp256k1_keypair_create(context(), &keypair, key.bytes().data())) return std::nullopt;
  secp256k1_xonly_pubkey xonly;
  int ok = secp256k1_keypair_xonly_pub(context(), &xonly, nullptr, &keypair);
  secure_wipe(&keypair, sizeof keypair);
  if (!ok) return std::nullopt;
  Bytes32 out;
  secp256k1_xonly_pubkey_serialize(context(), out.data(), &xonly);
  return out;
}

bool is_valid_public_key(const Bytes32& pubkey) {
  secp256k1_xonly_pubkey xonly;
  return secp256k1_xonly_pubkey_parse(context(), &xonly, pubkey.data()) == 1;
}

bool sign_event(Event& event, const SecretKey& key) {
  auto pub = public_key(key);
  if (!pub) return false;
  event.pubkey = *pub;
  event.id = compute_id(event);
  auto sig = schnorr_sign(key, event.id.data(), event.id.size(), random_bytes32());
  if (!sig) return false;
  event.sig = *sig;
  return true;
}

}  // namespace pleb::nostr
