#pragma once
// NIP-44 version 2 encrypted payloads: secp256k1 ECDH, HKDF-SHA256, length-hiding padding,
// ChaCha20 and HMAC-SHA256, base64 encoded with a version byte.
//
// Decryption checks everything before it returns a byte: the error tells which check failed
// ("unknown encryption version", "invalid payload length", "invalid base64", "invalid MAC",
// "invalid padding"), as the NIP-44 test vectors name them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "nostr/bytes.hpp"
#include "nostr/result.hpp"
#include "nostr/secret.hpp"

namespace pleb::nostr {

inline constexpr std::uint8_t kNip44Version = 2;
inline constexpr std::size_t kNip44MinPlaintextSize = 1;
inline constexpr std::size_t kNip44MaxPlaintextSize = 65535;

// The keys of one message, derived from the conversation key and the message's 32-byte nonce.
struct Nip44MessageKeys {
  SecretKey chacha_key;
  std::array<std::uint8_t, 12> chacha_nonce{};
  SecretKey hmac_key;

  Nip44MessageKeys() = default;
  Nip44MessageKeys(const Nip44MessageKeys&) = default;
  Nip44MessageKeys& operator=(const Nip44MessageKeys&) = default;
  ~Nip44MessageKeys() { secure_wipe(chacha_nonce.data(), chacha_nonce.size()); }
};

// The key two parties share: HKDF-extract(salt "nip44-v2", x coordinate of secret * peer), with
// the peer's x-only public key lifted to its even-y point. Symmetric: conversation_key(a, B) ==
// conversation_key(b, A). Fails for a secret key that is zero or not below the curve order, and for
// a public key that is not the x coordinate of a curve point.
Result<SecretKey> nip44_conversation_key(const SecretKey& secret, const Bytes32& peer_public_key);

// HKDF-expand(conversation key, info = nonce, 76 bytes) split into 32 + 12 + 32 bytes.
Result<Nip44MessageKeys> nip44_message_keys(const SecretKey& conversation_key, const Bytes32& nonce);

// The padded size of a plaintext of `size` bytes (at least 1): 32 up to 32 bytes, then powers of
// two up to 256, then multiples of an eighth of the next power of two.
std::size_t nip44_calc_padded_len(std::size_t size);

// Encrypts 1 to 65535 bytes with the given nonce; the nonce must never repeat under one key. Only
// tests should choose the nonce: everything else uses the overload below.
Result<std::string> nip44_encrypt(std::string_view plaintext, const SecretKey& conversation_key,
                                  const Bytes32& nonce);
// Encrypts with a fresh nonce from the operating system's random source.
Result<std::string> nip44_encrypt(std::string_view plaintext, const SecretKey& conversation_key);

// Verifies and decrypts a base64 payload.
Result<std::string> nip44_decrypt(std::string_view payload, const SecretKey& conversation_key);

}  // namespace pleb::nostr
