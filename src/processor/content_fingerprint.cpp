#include "processor/content_fingerprint.hpp"

#include <algorithm>
#include <vector>

namespace pleb::processor {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer: every input bit reaches every output bit
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// FNV-1a over the normalised bytes of each word.
std::vector<std::uint64_t> word_hashes(std::string_view content) {
  std::vector<std::uint64_t> words;
  std::uint64_t hash = 0;
  bool in_word = false;
  bool after_digit = false;
  for (unsigned char c : content) {
    if (!is_word_byte(c)) {
      if (in_word) words.push_back(mix(hash));
      in_word = false;
      continue;
    }
    if (!in_word) {
      hash = 0xcbf29ce484222325ULL;
      after_digit = false;
    }
    in_word = true;
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    // A run of digits is one 0: counters and codes of any length read the same.
    bool digit = c >= '0' && c <= '9';
    if (digit && after_digit) continue;
    after_digit = digit;
    if (digit) c = '0';
    hash = (hash ^ c) * 0x100000001b3ULL;
  }
  if (in_word) words.push_back(mix(hash));
  return words;
}

}  // namespace

std::array<std::uint64_t, kBands> ContentFingerprint::band_keys() const {
  constexpr std::size_t rows = kMinHashes / kBands;
  std::array<std::uint64_t, kBands> keys{};
  for (std::size_t band = 0; band < kBands; ++band) {
    std::uint64_t key = mix(band + 1);
    for (std::size_t row = 0; row < rows; ++row) key = mix(key ^ minhash[band * rows + row]);
    keys[band] = key;
  }
  return keys;
}

ContentFingerprint fingerprint(std::string_view content, std::size_t shingle_words) {
  ContentFingerprint print;
  auto words = word_hashes(content);
  print.words = words.size();
  print.exact = 0x9e3779b97f4a7c15ULL;
  for (auto word : words) print.exact = mix(print.exact ^ word);
  print.minhash.fill(UINT32_MAX);
  if (words.empty()) return print;
  if (shingle_words == 0) shingle_words = 1;
  std::size_t shingles = words.size() >= shingle_words ? words.size() - shingle_words + 1 : 1;
  for (std::size_t start = 0; start < shingles; ++start) {
    std::uint64_t shingle = 0;
    for (std::size_t i = start; i < std::min(words.size(), start + shingle_words); ++i)
      shingle = mix(shingle ^ words[i]);
    for (std::size_t k = 0; k < kMinHashes; ++k) {
      auto value = static_cast<std::uint32_t>(mix(shingle + 0x9e3779b97f4a7c15ULL * (k + 1)));
      if (value < print.minhash[k]) print.minhash[k] = value;
    }
  }
  return print;
}

double estimated_similarity(const MinHashSignature& a, const MinHashSignature& b) {
  std::size_t equal = 0;
  for (std::size_t k = 0; k < kMinHashes; ++k) equal += a[k] == b[k];
  return static_cast<double>(equal) / kMinHashes;
}

}  // namespace pleb::processor
