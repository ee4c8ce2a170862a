#include "nostr/nip49.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <algorithm>

#include "nostr/bech32.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

constexpr std::string_view kPrefix = "ncryptsec";
constexpr std::uint64_t kScryptR = 8;
constexpr std::uint64_t kScryptP = 1;
constexpr std::size_t kCiphertextSize = 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES;
// Offsets of the fields in the 91 bytes that get bech32-encoded.
constexpr std::size_t kLogNAt = 1;
constexpr std::size_t kSaltAt = kLogNAt + 1;
constexpr std::size_t kNonceAt = kSaltAt + 16;
constexpr std::size_t kKeySecurityAt = kNonceAt + 24;
constexpr std::size_t kCiphertextAt = kKeySecurityAt + 1;
constexpr std::size_t kEncodedSize = kCiphertextAt + kCiphertextSize;
static_assert(kEncodedSize == 91, "NIP-49 says the output before bech32 encoding is 91 bytes");
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);

using Raw = std::array<std::uint8_t, kEncodedSize>;

Status check_log_n(unsigned log_n) {
  if (log_n == 0 || log_n > kNip49MaxLogN) {
    return failed("log_n must be 1 to 22, not " + std::to_string(log_n) +
                  " (scrypt would need 128 * 8 * 2^log_n bytes of memory)");
  }
  return ok_status();
}

Status check_key_security(std::uint8_t value) {
  if (value > static_cast<std::uint8_t>(KeySecurity::kUnknown)) {
    return failed("unknown key security byte " + std::to_string(value) + " (expected 0, 1 or 2)");
  }
  return ok_status();
}

// What OpenSSL's scrypt allocates and checks against maxmem: V is 128 * r * (N + 2) bytes and B is
// 128 * r * p. The default limit (32 MiB) is below even log_n 16, so it is raised to exactly this.
std::uint64_t scrypt_memory(unsigned log_n) {
  std::uint64_t n = std::uint64_t{1} << log_n;
  return 128 * kScryptR * (n + 2) + 128 * kScryptR * kScryptP;
}

Result<SecretKey> symmetric_key(std::string_view password, const std::uint8_t* salt, unsigned log_n) {
  SecretKey key;
  int ok =
      EVP_PBE_scrypt(password.data(), password.size(), salt, sizeof(Nip49Salt), std::uint64_t{1} << log_n,
                     kScryptR, kScryptP, scrypt_memory(log_n), key.mutable_bytes().data(), 32);
  if (ok != 1) {
    return Result<SecretKey>::failure("scrypt failed: log_n " + std::to_string(log_n) + " needs " +
                                      std::to_string(scrypt_memory(log_n) >> 20) + " MiB of memory");
  }
  return key;
}

void init_sodium() {
  static const int ready = sodium_init();
  (void)ready;
}

// The bech32 string's bytes, which must be exactly the 91 of a version-2 ncryptsec.
Result<Raw> decode_raw(std::string_view ncryptsec) {
  auto decoded = bech32::decode(ncryptsec);
  if (!decoded) return Result<Raw>::failure("invalid ncryptsec: " + decoded.error());
  bech32::WipeGuard values_guard(decoded->values);
  if (decoded->hrp != kPrefix) {
    return Result<Raw>::failure("invalid ncryptsec: expected the prefix ncryptsec, got " + decoded->hrp);
  }
  auto bytes = bech32::values_to_bytes(decoded->values);
  if (!bytes) return Result<Raw>::failure("invalid ncryptsec: " + bytes.error());
  bech32::WipeGuard bytes_guard(*bytes);
  if (bytes->size() != kEncodedSize) {
    return Result<Raw>::failure("invalid ncryptsec: " + std::to_string(bytes->size()) +
                                " bytes, expected 91");
  }
  Raw raw;
  std::copy(bytes->begin(), bytes->end(), raw.begin());
  return raw;
}

Status check_header(const Raw& raw) {
  if (raw[0] != kNip49Version) {
    return failed("unsupported ncryptsec version " + std::to_string(raw[0]) +
                  " (this build reads version 2)");
  }
  if (auto status = check_log_n(raw[kLogNAt]); !status) return failed("ncryptsec " + status.error());
  return check_key_security(raw[kKeySecurityAt]);
}

}  // namespace

Result<std::string> nip49_encrypt(const SecretKey& key, std::string_view password, std::uint8_t log_n,
                                  KeySecurity key_security, const Nip49Salt& salt, const Nip49Nonce& nonce) {
  using R = Result<std::string>;
  if (!is_valid_secret_key(key.bytes())) return R::failure("invalid secret key");
  if (password.empty()) return R::failure("the password is empty");
  if (auto status = check_log_n(log_n); !status) return R::failure(status.error());
  auto security = static_cast<std::uint8_t>(key_security);
  if (auto status = check_key_security(security); !status) return R::failure(status.error());
  auto sym = symmetric_key(password, salt.data(), log_n);
  if (!sym) return R::failure(sym.error());

  Raw raw{kNip49Version, log_n};
  std::copy(salt.begin(), salt.end(), raw.begin() + kSaltAt);
  std::copy(nonce.begin(), nonce.end(), raw.begin() + kNonceAt);
  raw[kKeySecurityAt] = security;
  init_sodium();
  unsigned long long size = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(raw.data() + kCiphertextAt, &size, key.bytes().data(), 32,
                                             raw.data() + kKeySecurityAt, 1, nullptr, nonce.data(),
                                             sym->bytes().data());
  ByteVector values = bech32::bytes_to_values(raw.data(), raw.size());
  return bech32::encode(kPrefix, values);
}

Result<std::string> nip49_encrypt(const SecretKey& key, std::string_view password, std::uint8_t log_n,
                                  KeySecurity key_security) {
  Nip49Salt salt;
  Nip49Nonce nonce;
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1 ||
      RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    return Result<std::string>::failure("the operating system's random source failed");
  }
  return nip49_encrypt(key, password, log_n, key_security, salt, nonce);
}

Result<Nip49Decrypted> nip49_decrypt(std::string_view ncryptsec, std::string_view password) {
  using R = Result<Nip49Decrypted>;
  auto raw = decode_raw(ncryptsec);
  if (!raw) return R::failure(raw.error());
  if (auto status = check_header(*raw); !status) return R::failure(status.error());
  const unsigned log_n = (*raw)[kLogNAt];
  auto sym = symmetric_key(password, raw->data() + kSaltAt, log_n);
  if (!sym) return R::failure(sym.error());

  Nip49Decrypted out;
  out.log_n = static_cast<std::uint8_t>(log_n);
  out.key_security = static_cast<KeySecurity>((*raw)[kKeySecurityAt]);
  init_sodium();
  unsigned long long size = 0;
  // The tag covers the key-security byte too, so a tampered byte fails here like a wrong password.
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.key.mutable_bytes().data(), &size, nullptr, raw->data() + kCiphertextAt, kCiphertextSize,
          raw->data() + kKeySecurityAt, 1, raw->data() + kNonceAt, sym->bytes().data()) != 0) {
    return R::failure("wrong password or corrupted ncryptsec");
  }
  if (!is_valid_secret_key(out.key.bytes())) {
    return R::failure("the decrypted key is not a valid secp256k1 secret key");
  }
  return out;
}

}  // namespace pleb::nostr
