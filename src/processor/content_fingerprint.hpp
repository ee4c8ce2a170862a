#pragma once
// What makes two notes "the same text" for duplicate detection: the words, lowercased, with each run of
// digits folded to 0 and punctuation and spacing ignored. An exact hash of those words, and a MinHash
// signature of their shingles (runs of consecutive words) whose agreement estimates the Jaccard
// similarity of two notes: spam that differs by a random suffix, a number or a link parameter agrees on most.
#include <array>
#include <cstdint>
#include <string_view>

namespace pleb::processor {

inline constexpr std::size_t kMinHashes = 24;
inline constexpr std::size_t kBands = 8;  // locality-sensitive hashing: 8 bands of 3 values
using MinHashSignature = std::array<std::uint32_t, kMinHashes>;

struct ContentFingerprint {
  std::uint64_t exact = 0;
  MinHashSignature minhash{};
  std::size_t words = 0;
  // Notes that agree on all values of any band are candidates to compare; with 3 values per band, a
  // pair of similarity 0.8 shares a band with probability 0.997, a pair of 0.3 with 0.2.
  std::array<std::uint64_t, kBands> band_keys() const;
};

ContentFingerprint fingerprint(std::string_view content, std::size_t shingle_words);
// The share of equal signature values: an estimate of the Jaccard similarity of the shingle sets.
double estimated_similarity(const MinHashSignature& a, const MinHashSignature& b);

}  // namespace pleb::processor
