#include "nostr/bip32.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

constexpr std::string_view kMasterKeyHmacKey = "Bitcoin seed";
constexpr std::size_t kMinSeedSize = 16;
constexpr std::size_t kMaxSeedSize = 64;
// 33 bytes of key (0x00 || k, or the compressed public key) and 4 of index.
constexpr std::size_t kChildDataSize = 37;

// Derivation shares the process's one randomized libsecp256k1 context with signing and verification.
const secp256k1_context* context() {
  return secp256k1_shared_context();
}

// I = HMAC-SHA512(key, data), split into the child key material I_L and the chain code I_R.
bool hmac_sha512(const std::uint8_t* key, std::size_t key_size, const std::uint8_t* data, std::size_t size,
                 Bytes64& out) {
  unsigned int out_size = 0;
  return HMAC(EVP_sha512(), key, static_cast<int>(key_size), data, size, out.data(), &out_size) != nullptr &&
         out_size == out.size();
}

void split(const Bytes64& i, ExtendedPrivateKey& out) {
  std::copy(i.begin(), i.begin() + 32, out.key.mutable_bytes().begin());
  std::copy(i.begin() + 32, i.end(), out.chain_code.mutable_bytes().begin());
}

// serP(point(k)): the SEC1 compressed public key.
bool compressed_public_key(const SecretKey& key, std::uint8_t* out33) {
  secp256k1_pubkey pubkey;
  if (!secp256k1_ec_pubkey_create(context(), &pubkey, key.bytes().data())) return false;
  std::size_t size = 33;
  return secp256k1_ec_pubkey_serialize(context(), out33, &size, &pubkey, SECP256K1_EC_COMPRESSED) == 1 &&
         size == 33;
}

bool child_data(const ExtendedPrivateKey& parent, std::uint32_t index, std::uint8_t* out) {
  if (index >= kBip32Hardened) {
    out[0] = 0;
    std::copy(parent.key.bytes().begin(), parent.key.bytes().end(), out + 1);
  } else if (!compressed_public_key(parent.key, out)) {
    return false;
  }
  for (int b = 0; b < 4; ++b) out[33 + b] = static_cast<std::uint8_t>(index >> (24 - 8 * b));
  return true;
}

// One path component: digits, then an optional hardened mark.
Result<std::uint32_t> parse_index(std::string_view part) {
  bool hardened = !part.empty() && (part.back() == '\'' || part.back() == 'h' || part.back() == 'H');
  if (hardened) part.remove_suffix(1);
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
  if (part.empty() || ec != std::errc() || end != part.data() + part.size() || value >= kBip32Hardened) {
    return Result<std::uint32_t>::failure("invalid BIP-32 path component '" + std::string(part) +
                                          "': expected a number below 2^31, optionally followed by '");
  }
  return hardened ? value | kBip32Hardened : value;
}

}  // namespace

Result<ExtendedPrivateKey> bip32_master_key(const std::uint8_t* seed, std::size_t size) {
  if (size < kMinSeedSize || size > kMaxSeedSize) {
    return Result<ExtendedPrivateKey>::failure("a BIP-32 seed is 16 to 64 bytes");
  }
  Bytes64 i;
  ExtendedPrivateKey master;
  bool ok = hmac_sha512(reinterpret_cast<const std::uint8_t*>(kMasterKeyHmacKey.data()),
                        kMasterKeyHmacKey.size(), seed, size, i);
  if (ok) split(i, master);
  secure_wipe(i.data(), i.size());
  if (!ok) return Result<ExtendedPrivateKey>::failure("HMAC-SHA512 failed");
  if (!is_valid_secret_key(master.key.bytes())) {
    return Result<ExtendedPrivateKey>::failure("this seed gives an invalid BIP-32 master key");
  }
  return master;
}

Result<ExtendedPrivateKey> bip32_child(const ExtendedPrivateKey& parent, std::uint32_t index) {
  std::array<std::uint8_t, kChildDataSize> data{};
  Bytes64 i;
  bool ok = child_data(parent, index, data.data()) &&
            hmac_sha512(parent.chain_code.bytes().data(), 32, data.data(), data.size(), i);
  secure_wipe(data.data(), data.size());
  if (!ok) {
    secure_wipe(i.data(), i.size());
    return Result<ExtendedPrivateKey>::failure("BIP-32 derivation failed: invalid parent key");
  }
  ExtendedPrivateKey child;
  split(i, child);
  secure_wipe(i.data(), i.size());
  // k_i = I_L + k_par (mod n); libsecp256k1 refuses I_L >= n and a zero result, as BIP-32 requires.
  SecretKey tweak = child.key;
  child.key = parent.key;
  if (!secp256k1_ec_seckey_tweak_add(context(), child.key.mutable_bytes().data(), tweak.bytes().data())) {
    return Result<ExtendedPrivateKey>::failure("BIP-32 child " + std::to_string(index) +
                                               " is invalid; use the next index");
  }
  return child;
}

Result<ExtendedPrivateKey> bip32_derive(const ExtendedPrivateKey& root, std::span<const std::uint32_t> path) {
  ExtendedPrivateKey current = root;
  for (std::uint32_t index : path) {
    auto child = bip32_child(current, index);
    if (!child) return child;
    current = *child;
  }
  return current;
}

Result<std::vector<std::uint32_t>> parse_bip32_path(std::string_view path) {
  using R = Result<std::vector<std::uint32_t>>;
  if (path.empty() || path.front() != 'm') return R::failure("a BIP-32 path starts with m");
  path.remove_prefix(1);
  std::vector<std::uint32_t> indices;
  while (!path.empty()) {
    if (path.front() != '/') return R::failure("BIP-32 path components are separated by /");
    path.remove_prefix(1);
    std::size_t end = std::min(path.find('/'), path.size());
    auto index = parse_index(path.substr(0, end));
    if (!index) return R::failure(index.error());
    indices.push_back(*index);
    path.remove_prefix(end);
  }
  return indices;
}

}  // namespace pleb::nostr
