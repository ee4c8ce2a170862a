#pragma once
// NIP-49: a private key encrypted with a password, bech32-encoded as "ncryptsec1...".
//
// 91 bytes before bech32: version 0x02, log_n, 16-byte salt, 24-byte nonce, key-security byte,
// 48 bytes of XChaCha20-Poly1305 ciphertext (the key and its tag, with the key-security byte as
// associated data). The symmetric key is scrypt(password, salt, N = 2^log_n, r = 8, p = 1).
//
// Passwords: NIP-49 asks for NFKC normalization. ASCII is NFKC-invariant, so ASCII passwords are
// exact. The core has no Unicode library, so a non-ASCII password is used as the UTF-8 bytes given;
// it matches other clients when typed in NFKC form, which keyboards almost always produce.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "nostr/result.hpp"
#include "nostr/secret.hpp"

namespace pleb::nostr {

// How the key was handled before it was encrypted, as recorded by the encrypting client.
enum class KeySecurity : std::uint8_t {
  kKnownInsecure = 0x00,     // it was stored or copied unencrypted at some point
  kNotKnownInsecure = 0x01,  // as far as the client knows, never handled unencrypted
  kUnknown = 0x02,           // the client does not track this
};

inline constexpr std::uint8_t kNip49Version = 0x02;
inline constexpr std::uint8_t kNip49DefaultLogN = 16;
// scrypt needs 128 * r * 2^log_n bytes: 4 GiB at 22. Higher values are refused, also when
// decrypting, rather than attempting allocations that size.
inline constexpr std::uint8_t kNip49MaxLogN = 22;

using Nip49Salt = std::array<std::uint8_t, 16>;
using Nip49Nonce = std::array<std::uint8_t, 24>;

struct Nip49Decrypted {
  SecretKey key;
  KeySecurity key_security = KeySecurity::kUnknown;
  std::uint8_t log_n = 0;
};

// Encrypts with a fresh random salt and nonce. Fails for an invalid key, an empty password or a
// log_n outside 1..22.
Result<std::string> nip49_encrypt(const SecretKey& key, std::string_view password,
                                  std::uint8_t log_n = kNip49DefaultLogN,
                                  KeySecurity key_security = KeySecurity::kUnknown);
// The same with a chosen salt and nonce, for reproducible tests; never reuse them for real keys.
Result<std::string> nip49_encrypt(const SecretKey& key, std::string_view password, std::uint8_t log_n,
                                  KeySecurity key_security, const Nip49Salt& salt, const Nip49Nonce& nonce);

// Decrypts an ncryptsec. Errors: "invalid ncryptsec: ..." (bech32, prefix or length), "unsupported
// ncryptsec version N", an unknown key-security byte, a log_n this build refuses, and "wrong password
// or corrupted ncryptsec" when authentication fails (the two cannot be told apart).
Result<Nip49Decrypted> nip49_decrypt(std::string_view ncryptsec, std::string_view password);

}  // namespace pleb::nostr
