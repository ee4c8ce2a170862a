#pragma once
// NIP-06: the Nostr key of a BIP-39 mnemonic, at BIP-32 path m/44'/1237'/<account>'/0/0
// (1237 is Nostr's SLIP-44 coin type).
#include <cstdint>
#include <string_view>

#include "nostr/bip39.hpp"
#include "nostr/result.hpp"
#include "nostr/secret.hpp"

namespace pleb::nostr {

// Accounts are hardened indices, so they stop below 2^31.
inline constexpr std::uint32_t kNip06MaxAccount = 0x7fffffffu;

// The key of an account from a mnemonic (validated: word list, word count, checksum) and an
// optional BIP-39 passphrase.
Result<SecretKey> nip06_key_from_mnemonic(std::string_view mnemonic, std::string_view passphrase = {},
                                          std::uint32_t account = 0);
// The same from an already computed BIP-39 seed.
Result<SecretKey> nip06_key_from_seed(const Bip39Seed& seed, std::uint32_t account = 0);

}  // namespace pleb::nostr
