#include "nostr/nip44.hpp"
#include "nostr/base64.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

constexpr std::string_view kSalt = "nip44-v2";
constexpr std::size_t kNonceSize = 32;
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kLengthPrefixSize = 2;
constexpr std::size_t kMessageKeysSize = 76;
// Bounds of the base64 text and of the bytes it decodes to, from the smallest (1-byte plaintext,
// padded to 32) to the largest (65535 bytes) message.
constexpr std::size_t kMinPayloadChars = 132;
constexpr std::size_t kMaxPayloadChars = 87472;
constexpr std::size_t kMinDecodedSize = 99;
constexpr std::size_t kMaxDecodedSize = 65603;

using KdfPtr = std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)>;

// HKDF-SHA256 in extract-only or expand-only mode; `extra` is the salt or the info respectively.
bool hkdf(int mode, const std::uint8_t* key, std::size_t key_size, const std::uint8_t* extra,
          std::size_t extra_size, std::uint8_t* out, std::size_t out_size) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr), EVP_KDF_free);
  if (!kdf) return false;
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()), EVP_KDF_CTX_free);
  if (!ctx) return false;
  const char* extra_name = mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(key), key_size),
      OSSL_PARAM_construct_octet_string(extra_name, const_cast<std::uint8_t*>(extra), extra_size),
      OSSL_PARAM_construct_end(),
  };
  return EVP_KDF_derive(ctx.get(), out, out_size, params) == 1;
}

bool hmac_sha256(const SecretKey& key, const std::uint8_t* data, std::size_t size, std::uint8_t* out) {
  unsigned int out_size = 0;
  return HMAC(EVP_sha256(), key.bytes().data(), 32, data, size, out, &out_size) != nullptr &&
         out_size == kMacSize;
}

// libsodium picks its fastest ChaCha20 code in sodium_init; it is safe to call from any thread.
void init_sodium() {
  static const int ready = sodium_init();
  (void)ready;
}

void chacha20_xor(const Nip44MessageKeys& keys, std::uint8_t* data, std::size_t size) {
  init_sodium();
  crypto_stream_chacha20_ietf_xor(data, data, size, keys.chacha_nonce.data(), keys.chacha_key.bytes().data());
}

// NIP-44 wants the raw x coordinate of the shared point, not libsecp256k1's default SHA-256 of it.
int copy_x(unsigned char* out, const unsigned char* x32, const unsigned char* /*y32*/, void* /*data*/) {
  std::memcpy(out, x32, 32);
  return 1;
}

Status check_payload_text(std::string_view payload) {
  if (payload.empty()) return failed("invalid payload length: the payload is empty");
  // A leading '#' is how NIP-44 marks payloads of a future, non-base64 version.
  if (payload.front() == '#') {
    return failed("unknown encryption version (the payload starts with '#')");
  }
  if (payload.size() < kMinPayloadChars || payload.size() > kMaxPayloadChars) {
    return failed("invalid payload length: " + std::to_string(payload.size()) +
                  " characters, expected 132 to 87472");
  }
  return ok_status();
}

// Checks the length prefix against the padded size and returns the plaintext it delimits.
Result<std::string> unpad(const std::uint8_t* padded, std::size_t size) {
  std::size_t length = static_cast<std::size_t>(padded[0]) << 8 | padded[1];
  if (length < kNip44MinPlaintextSize || size != kLengthPrefixSize + nip44_calc_padded_len(length)) {
    return Result<std::string>::failure("invalid padding");
  }
  return std::string(reinterpret_cast<const char*>(padded + kLengthPrefixSize), length);
}

// Wipes a buffer that held plaintext or key material whichever way the scope ends.
struct WipeOnExit {
  std::vector<std::uint8_t>& bytes;
  ~WipeOnExit() { secure_wipe(bytes.data(), bytes.size()); }
};

}  // namespace

Result<SecretKey> nip44_conversation_key(const SecretKey& secret, const Bytes32& peer_public_key) {
  if (!is_valid_secret_key(secret.bytes())) {
    return Result<SecretKey>::failure("invalid secret key: zero or not below the curve order");
  }
  std::array<std::uint8_t, 33> compressed{0x02};
  std::copy(peer_public_key.begin(), peer_public_key.end(), compressed.begin() + 1);
  secp256k1_pubkey point;
  // Only scalar-times-point is needed here, which the static context supports.
  if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &point, compressed.data(), compressed.size())) {
    return Result<SecretKey>::failure("invalid public key: not the x coordinate of a point on secp256k1");
  }
  Bytes32 shared;
  if (!secp256k1_ecdh(secp256k1_context_static, shared.data(), &point, secret.bytes().data(), copy_x,
                      nullptr)) {
    secure_wipe(shared.data(), shared.size());
    return Result<SecretKey>::failure("ECDH failed");
  }
  SecretKey key;
  bool ok =
      hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, shared.data(), shared.size(),
           reinterpret_cast<const std::uint8_t*>(kSalt.data()), kSalt.size(), key.mutable_bytes().data(), 32);
  secure_wipe(shared.data(), shared.size());
  if (!ok) return Result<SecretKey>::failure("HKDF-extract failed");
  return key;
}

Result<Nip44MessageKeys> nip44_message_keys(const SecretKey& conversation_key, const Bytes32& nonce) {
  std::array<std::uint8_t, kMessageKeysSize> okm{};
  bool ok = hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, conversation_key.bytes().data(), 32, nonce.data(),
                 nonce.size(), okm.data(), okm.size());
  Nip44MessageKeys keys;
  if (ok) {
    std::copy(okm.begin(), okm.begin() + 32, keys.chacha_key.mutable_bytes().begin());
    std::copy(okm.begin() + 32, okm.begin() + 44, keys.chacha_nonce.begin());
    std::copy(okm.begin() + 44, okm.end(), keys.hmac_key.mutable_bytes().begin());
  }
  secure_wipe(okm.data(), okm.size());
  if (!ok) return Result<Nip44MessageKeys>::failure("HKDF-expand failed");
  return keys;
}

std::size_t nip44_calc_padded_len(std::size_t size) {
  if (size <= 32) return 32;
  std::size_t next_power = std::size_t{1} << std::bit_width(size - 1);
  std::size_t chunk = next_power <= 256 ? 32 : next_power / 8;
  return chunk * ((size - 1) / chunk + 1);
}

Result<std::string> nip44_encrypt(std::string_view plaintext, const SecretKey& conversation_key,
                                  const Bytes32& nonce) {
  const std::size_t size = plaintext.size();
  if (size < kNip44MinPlaintextSize || size > kNip44MaxPlaintextSize) {
    return Result<std::string>::failure("a NIP-44 plaintext is 1 to 65535 bytes, not " +
                                        std::to_string(size));
  }
  auto keys = nip44_message_keys(conversation_key, nonce);
  if (!keys) return Result<std::string>::failure(keys.error());
  // version || nonce || ciphertext of (length || plaintext || zero padding) || mac, built in place.
  const std::size_t padded = kLengthPrefixSize + nip44_calc_padded_len(size);
  std::vector<std::uint8_t> payload(1 + kNonceSize + padded + kMacSize, 0);
  WipeOnExit wipe{payload};
  payload[0] = kNip44Version;
  std::copy(nonce.begin(), nonce.end(), payload.begin() + 1);
  std::uint8_t* body = payload.data() + 1 + kNonceSize;
  body[0] = static_cast<std::uint8_t>(size >> 8);
  body[1] = static_cast<std::uint8_t>(size);
  std::memcpy(body + kLengthPrefixSize, plaintext.data(), size);
  chacha20_xor(*keys, body, padded);
  if (!hmac_sha256(keys->hmac_key, payload.data() + 1, kNonceSize + padded, body + padded)) {
    return Result<std::string>::failure("HMAC-SHA256 failed");
  }
  return to_base64(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
}

Result<std::string> nip44_encrypt(std::string_view plaintext, const SecretKey& conversation_key) {
  return nip44_encrypt(plaintext, conversation_key, random_bytes32());
}

Result<std::string> nip44_decrypt(std::string_view payload, const SecretKey& conversation_key) {
  if (auto checked = check_payload_text(payload); !checked)
    return Result<std::string>::failure(checked.error());
  auto decoded = from_base64(payload);
  if (!decoded) return Result<std::string>::failure("invalid base64");
  std::vector<std::uint8_t> data(decoded->begin(), decoded->end());
  secure_wipe(decoded->data(), decoded->size());
  WipeOnExit wipe{data};
  if (data.size() < kMinDecodedSize || data.size() > kMaxDecodedSize) {
    return Result<std::string>::failure("invalid payload length: " + std::to_string(data.size()) +
                                        " bytes decoded, expected 99 to 65603");
  }
  if (data[0] != kNip44Version) {
    return Result<std::string>::failure("unknown encryption version " + std::to_string(data[0]));
  }
  Bytes32 nonce;
  std::copy(data.begin() + 1, data.begin() + 1 + kNonceSize, nonce.begin());
  auto keys = nip44_message_keys(conversation_key, nonce);
  if (!keys) return Result<std::string>::failure(keys.error());
  const std::size_t padded = data.size() - 1 - kNonceSize - kMacSize;
  std::uint8_t* body = data.data() + 1 + kNonceSize;
  std::array<std::uint8_t, kMacSize> mac{};
  if (!hmac_sha256(keys->hmac_key, data.data() + 1, kNonceSize + padded, mac.data())) {
    return Result<std::string>::failure("HMAC-SHA256 failed");
  }
  // Constant time, so a forger learns nothing from how long the comparison took.
  if (CRYPTO_memcmp(mac.data(), body + padded, kMacSize) != 0)
    return Result<std::string>::failure("invalid MAC");
  chacha20_xor(*keys, body, padded);
  return unpad(body, padded);
}

}  // namespace pleb::nostr
