#include "nostr/bip39.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <string>

#include "nostr/sha256.hpp"

namespace pleb::nostr {
namespace {

constexpr std::size_t kBitsPerWord = 11;
constexpr std::size_t kMaxWords = 24;
// 24 words carry 32 bytes of entropy and one byte of checksum.
constexpr std::size_t kMaxPackedBytes = 33;
// The longest word of the English list; anything longer cannot be in it.
constexpr std::size_t kMaxWordLength = 8;
constexpr int kPbkdf2Rounds = 2048;
// Far beyond any real passphrase; keeps sizes within OpenSSL's int parameters.
constexpr std::size_t kMaxPassphraseLength = 1 << 16;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_valid_word_count(std::size_t count) {
  return std::find(kBip39WordCounts.begin(), kBip39WordCounts.end(), count) != kBip39WordCounts.end();
}

// Word indices encode the mnemonic, so they are as secret as it is.
struct WordIndices {
  std::array<std::uint16_t, kMaxWords> values{};
  std::size_t count = 0;
  ~WordIndices() { secure_wipe(values.data(), sizeof values); }
};

// Whitespace-separated words, found without copying the input.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// Looks a word up case-insensitively through a small stack copy that is wiped afterwards.
std::optional<std::uint16_t> lookup_folded(std::string_view word) {
  if (word.size() > kMaxWordLength) return std::nullopt;
  char folded[kMaxWordLength];
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    folded[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  auto index = bip39_word_index(std::string_view(folded, word.size()));
  secure_wipe(folded, sizeof folded);
  return index;
}

Result<WordIndices> parse_words(std::string_view mnemonic) {
  std::vector<std::string_view> words = split_words(mnemonic);
  if (words.empty()) return Result<WordIndices>::failure("the mnemonic is empty");
  if (!is_valid_word_count(words.size())) {
    return Result<WordIndices>::failure("a mnemonic has 12, 15, 18, 21 or 24 words, not " +
                                        std::to_string(words.size()));
  }
  WordIndices indices;
  for (const auto& word : words) {
    auto index = lookup_folded(word);
    if (!index) {
      return Result<WordIndices>::failure("word " + std::to_string(indices.count + 1) +
                                          " is not in the BIP-39 English wordlist");
    }
    indices.values[indices.count++] = *index;
  }
  return indices;
}

// Bits are numbered from the most significant bit of byte 0, as BIP-39 reads them. Branch-free so
// the time taken does not depend on the (secret) bits.
void put_bits(std::uint8_t* out, std::size_t position, std::uint16_t value) {
  for (std::size_t b = 0; b < kBitsPerWord; ++b) {
    auto bit = static_cast<std::uint8_t>((value >> (kBitsPerWord - 1 - b)) & 1);
    std::size_t at = position + b;
    out[at / 8] |= static_cast<std::uint8_t>(bit << (7 - at % 8));
  }
}

std::uint16_t get_bits(const std::uint8_t* in, std::size_t position) {
  std::uint16_t value = 0;
  for (std::size_t b = 0; b < kBitsPerWord; ++b) {
    std::size_t at = position + b;
    value = static_cast<std::uint16_t>(value << 1 | ((in[at / 8] >> (7 - at % 8)) & 1));
  }
  return value;
}

// The checksum is the first size/4 bits of SHA-256 of the entropy (size in bytes).
std::uint8_t checksum_bits(const std::uint8_t* entropy, std::size_t size) {
  Bytes32 hash = sha256(entropy, size);
  auto bits = static_cast<std::uint8_t>(hash[0] >> (8 - size / 4));
  secure_wipe(hash.data(), hash.size());
  return bits;
}

bool is_valid_entropy_size(std::size_t size) {
  return size >= 16 && size <= 32 && size % 4 == 0;
}

}  // namespace

std::optional<std::uint16_t> bip39_word_index(std::string_view word) {
  const auto& words = bip39_english_wordlist();
  auto it = std::lower_bound(words.begin(), words.end(), word);
  if (it == words.end() || *it != word) return std::nullopt;
  return static_cast<std::uint16_t>(it - words.begin());
}

Result<SecretBytes> mnemonic_to_entropy(std::string_view mnemonic) {
  auto indices = parse_words(mnemonic);
  if (!indices) return Result<SecretBytes>::failure(indices.error());
  std::array<std::uint8_t, kMaxPackedBytes> packed{};
  for (std::size_t i = 0; i < indices->count; ++i)
    put_bits(packed.data(), i * kBitsPerWord, indices->values[i]);
  std::size_t size = indices->count * 4 / 3;
  std::uint8_t stored = static_cast<std::uint8_t>(packed[size] >> (8 - size / 4));
  bool matches = stored == checksum_bits(packed.data(), size);
  SecretBytes entropy(ByteVector(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(size)));
  secure_wipe(packed.data(), packed.size());
  if (!matches) {
    return Result<SecretBytes>::failure(
        "the mnemonic's checksum does not match: a word is wrong, missing or out of order");
  }
  return entropy;
}

Status validate_mnemonic(std::string_view mnemonic) {
  auto entropy = mnemonic_to_entropy(mnemonic);
  if (!entropy) return failed(entropy.error());
  return ok_status();
}

Result<SecretString> entropy_to_mnemonic(const std::uint8_t* entropy, std::size_t size) {
  if (!is_valid_entropy_size(size)) {
    return Result<SecretString>::failure("mnemonic entropy must be 16, 20, 24, 28 or 32 bytes");
  }
  std::array<std::uint8_t, kMaxPackedBytes> packed{};
  std::copy(entropy, entropy + size, packed.begin());
  packed[size] = static_cast<std::uint8_t>(checksum_bits(entropy, size) << (8 - size / 4));
  std::size_t count = size * 3 / 4;
  SecretString out;
  // Reserved up front so appending never reallocates and leaves a partial copy behind.
  out.mutable_str().reserve(count * (kMaxWordLength + 1));
  const auto& words = bip39_english_wordlist();
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out.mutable_str() += ' ';
    out.mutable_str() += words[get_bits(packed.data(), i * kBitsPerWord)];
  }
  secure_wipe(packed.data(), packed.size());
  return out;
}

Result<SecretString> generate_mnemonic(std::size_t word_count) {
  if (!is_valid_word_count(word_count)) {
    return Result<SecretString>::failure("a mnemonic has 12, 15, 18, 21 or 24 words, not " +
                                         std::to_string(word_count));
  }
  std::array<std::uint8_t, 32> entropy{};
  std::size_t size = word_count * 4 / 3;
  if (RAND_bytes(entropy.data(), static_cast<int>(size)) != 1) {
    return Result<SecretString>::failure("the operating system's random source failed");
  }
  auto mnemonic = entropy_to_mnemonic(entropy.data(), size);
  secure_wipe(entropy.data(), entropy.size());
  return mnemonic;
}

Result<SecretString> normalize_mnemonic(std::string_view mnemonic) {
  auto entropy = mnemonic_to_entropy(mnemonic);
  if (!entropy) return Result<SecretString>::failure(entropy.error());
  // Re-encoding the entropy yields exactly the canonical spelling of the same words.
  return entropy_to_mnemonic(entropy->bytes().data(), entropy->bytes().size());
}

Result<Bip39Seed> mnemonic_to_seed(std::string_view mnemonic, std::string_view passphrase) {
  if (passphrase.size() > kMaxPassphraseLength)
    return Result<Bip39Seed>::failure("the passphrase is too long");
  auto canonical = normalize_mnemonic(mnemonic);
  if (!canonical) return Result<Bip39Seed>::failure(canonical.error());
  SecretString salt;
  salt.mutable_str().reserve(8 + passphrase.size());
  salt.mutable_str().append("mnemonic").append(passphrase);
  const std::string& password = canonical->str();
  Bip39Seed seed;
  int ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                             reinterpret_cast<const unsigned char*>(salt.str().data()),
                             static_cast<int>(salt.str().size()), kPbkdf2Rounds, EVP_sha512(),
                             static_cast<int>(seed.bytes().size()), seed.mutable_bytes().data());
  if (ok != 1) return Result<Bip39Seed>::failure("PBKDF2-HMAC-SHA512 failed");
  return seed;
}

}  // namespace pleb::nostr
