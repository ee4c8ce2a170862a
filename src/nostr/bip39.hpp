#pragma once
// BIP-39 mnemonics over the English wordlist: generation, validation (word list, word count,
// checksum) and the 64-byte seed (PBKDF2-HMAC-SHA512, 2048 rounds).
//
// Unicode: BIP-39 NFKD-normalizes the mnemonic and the passphrase. English words are ASCII, which
// NFKD leaves unchanged; a non-ASCII passphrase is used as the UTF-8 bytes given, without
// normalization (no Unicode library in the core), so it must already be in NFKD form to match
// other wallets.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "nostr/bytes.hpp"
#include "nostr/result.hpp"
#include "nostr/secret.hpp"

namespace pleb::nostr {

// The 2048 English words in list order (which is also sorted order), compiled in by
// scripts/gen-bip39-wordlist from tests/data/bip39-english.txt.
const std::array<std::string_view, 2048>& bip39_english_wordlist();
// The position of a lowercase word in the English list.
std::optional<std::uint16_t> bip39_word_index(std::string_view word);

// Bytes that are wiped when they go out of scope (mnemonic entropy).
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(ByteVector bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(const SecretBytes&) = default;
  // Wipes the old contents first: assignment may free the old buffer.
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      secure_wipe(bytes_.data(), bytes_.size());
      bytes_ = other.bytes_;
    }
    return *this;
  }
  // The size never changes after construction, so size() covers every byte written.
  ~SecretBytes() { secure_wipe(bytes_.data(), bytes_.size()); }

  const ByteVector& bytes() const { return bytes_; }

 private:
  ByteVector bytes_;
};

// The 64-byte BIP-39 seed, wiped when it goes out of scope.
class Bip39Seed {
 public:
  Bip39Seed() = default;
  Bip39Seed(const Bip39Seed&) = default;
  Bip39Seed& operator=(const Bip39Seed&) = default;
  ~Bip39Seed() { secure_wipe(bytes_.data(), bytes_.size()); }

  const Bytes64& bytes() const { return bytes_; }
  Bytes64& mutable_bytes() { return bytes_; }

 private:
  Bytes64 bytes_{};
};

// The word counts BIP-39 defines; n words carry n * 4 / 3 bytes of entropy.
inline constexpr std::array<std::size_t, 5> kBip39WordCounts = {12, 15, 18, 21, 24};

// The canonical form of a valid mnemonic: words separated by single spaces, lowercase. Any ASCII
// whitespace separates words; surrounding whitespace is ignored. The error names the first problem
// (word count, the position of an unknown word, or the checksum) and never echoes a word.
Result<SecretString> normalize_mnemonic(std::string_view mnemonic);
Status validate_mnemonic(std::string_view mnemonic);

// The entropy a valid mnemonic encodes (16 to 32 bytes).
Result<SecretBytes> mnemonic_to_entropy(std::string_view mnemonic);
// The mnemonic of 16, 20, 24, 28 or 32 bytes of entropy, with its checksum.
Result<SecretString> entropy_to_mnemonic(const std::uint8_t* entropy, std::size_t size);
// A new mnemonic of 12, 15, 18, 21 or 24 words from the operating system's random source.
Result<SecretString> generate_mnemonic(std::size_t word_count);

// The seed of a valid mnemonic; an invalid one is refused rather than silently hashed.
Result<Bip39Seed> mnemonic_to_seed(std::string_view mnemonic, std::string_view passphrase = {});

}  // namespace pleb::nostr
