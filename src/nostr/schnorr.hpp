#pragma once
// BIP-340 Schnorr signatures over secp256k1 through libsecp256k1, with one context for the process.
#include <optional>

#include "nostr/bytes.hpp"
#include "nostr/event.hpp"
#include "nostr/secret.hpp"

struct secp256k1_context_struct;  // libsecp256k1's context type, kept out of this header

namespace pleb::nostr {

// The process's one libsecp256k1 context, randomized once; read-only afterwards, so any thread may use it.
const secp256k1_context_struct* secp256k1_shared_context();

// Verifies a BIP-340 signature over a message of any length.
bool schnorr_verify(const Bytes64& sig, const std::uint8_t* message, std::size_t size, const Bytes32& pubkey);
// Signs with the given 32 bytes of auxiliary randomness (BIP-340's aux_rand).
std::optional<Bytes64> schnorr_sign(const SecretKey& key, const std::uint8_t* message, std::size_t size,
                                    const Bytes32& aux_rand);

// A secret key drawn from the operating system's random source, valid on the curve.
SecretKey generate_secret_key();
bool is_valid_secret_key(const Bytes32& key);
// The x-only public key of a secret key; nullopt for an invalid key.
std::optional<Bytes32> public_key(const SecretKey& key);
// True when the 32 bytes are the x coordinate of a point on the curve.
bool is_valid_public_key(const Bytes32& pubkey);
Bytes32 random_bytes32();

// Fills id, pubkey and sig of an event whose other fields are set.
bool sign_event(Event& event, const SecretKey& key);

}  // namespace pleb::nostr
