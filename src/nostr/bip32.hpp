#pragma once
// BIP-32 hierarchical deterministic keys, private derivation only (what NIP-06 needs): the master
// key of a seed, hardened and normal child keys, and paths such as m/44'/1237'/0'/0/0.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nostr/result.hpp"
#include "nostr/secret.hpp"

namespace pleb::nostr {

// Indices from this value up derive hardened children (written i' or ih).
inline constexpr std::uint32_t kBip32Hardened = 0x80000000u;

// An extended private key (k, c). The chain code is held in a SecretKey only to be wiped with it:
// together with a public key it derives every normal child, so it is kept as secret as the key.
struct ExtendedPrivateKey {
  SecretKey key;
  SecretKey chain_code;
};

// The master key of a 16 to 64 byte seed (HMAC-SHA512 keyed with "Bitcoin seed").
Result<ExtendedPrivateKey> bip32_master_key(const std::uint8_t* seed, std::size_t size);
// CKDpriv: the child at `index`, hardened when index >= kBip32Hardened. Fails in the (about
// 1 in 2^127) case BIP-32 declares the child invalid; callers then move on to the next index.
Result<ExtendedPrivateKey> bip32_child(const ExtendedPrivateKey& parent, std::uint32_t index);
// Applies bip32_child for each index of the path in turn.
Result<ExtendedPrivateKey> bip32_derive(const ExtendedPrivateKey& root, std::span<const std::uint32_t> path);

// Parses "m/44'/1237'/0'/0/0": "m" then indices below 2^31, each optionally marked hardened with
// ', h or H. "m" alone is the empty path.
Result<std::vector<std::uint32_t>> parse_bip32_path(std::string_view path);

}  // namespace pleb::nostr
