#include "nostr/nip06.hpp"

#include <array>
#include <string>

#include "nostr/bip32.hpp"

namespace pleb::nostr {
namespace {

constexpr std::uint32_t kPurpose = 44;
constexpr std::uint32_t kNostrCoinType = 1237;

}  // namespace

Result<SecretKey> nip06_key_from_seed(const Bip39Seed& seed, std::uint32_t account) {
  if (account > kNip06MaxAccount) {
    return Result<SecretKey>::failure("the NIP-06 account must be below 2^31, not " +
                                      std::to_string(account));
  }
  auto master = bip32_master_key(seed.bytes().data(), seed.bytes().size());
  if (!master) return Result<SecretKey>::failure(master.error());
  const std::array<std::uint32_t, 5> path = {kPurpose | kBip32Hardened, kNostrCoinType | kBip32Hardened,
                                             account | kBip32Hardened, 0, 0};
  auto leaf = bip32_derive(*master, path);
  if (!leaf) return Result<SecretKey>::failure(leaf.error());
  return leaf->key;
}

Result<SecretKey> nip06_key_from_mnemonic(std::string_view mnemonic, std::string_view passphrase,
                                          std::uint32_t account) {
  if (account > kNip06MaxAccount) {
    return Result<SecretKey>::failure("the NIP-06 account must be below 2^31, not " +
                                      std::to_string(account));
  }
  auto seed = mnemonic_to_seed(mnemonic, passphrase);
  if (!seed) return Result<SecretKey>::failure(seed.error());
  return nip06_key_from_seed(*seed, account);
}

}  // namespace pleb::nostr
