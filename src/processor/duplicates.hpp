#pragma once
// Similarity spam: the same or nearly the same text posted by many different authors within a window.
// Notes are grouped into clusters of similar text (exact copies after normalisation, or MinHash
// similarity at or above the threshold); once a cluster has `max_authors` distinct recent authors, the
// next author posting into it is refused (or shadow-refused). The same author repeating himself is a
// matter for rate limits. Memory is bounded: at most `max_tracked` notes are remembered, oldest forgotten
// first.
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>

#include "processor/content_fingerprint.hpp"
#include "processor/member_set.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

struct DuplicateConfig {
  std::set<std::uint32_t> kinds = {1};  // kinds compared; empty: every kind
  std::int64_t window_seconds = 3600;
  std::size_t max_authors = 3;  // distinct authors who may post the same text within the window
  double similarity = 0.7;      // estimated Jaccard similarity of word shingles; 1 compares exact copies only
  std::size_t min_words = 6;    // shorter notes ("gm", "good morning nostr") are never compared
  std::size_t shingle_words = 2;
  std::size_t max_tracked = 50000;
  bool shadow = false;  // shadow-reject instead of reject: the spammer is not told
  std::set<nostr::Bytes32> exempt;
  std::shared_ptr<const MemberSet> members;  // exempt too, as they join and leave
};

class DuplicatePolicy : public WritePolicy {
 public:
  explicit DuplicatePolicy(DuplicateConfig config) : config_(std::move(config)) {}
  std::string_view name() const override { return "duplicates"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;
  std::size_t tracked() const;

 private:
  struct Cluster {
    MinHashSignature representative{};
    std::vector<std::pair<std::uint64_t, std::int64_t>>
        authors;  // (author, last seen), at most max_authors + 1
    std::uint32_t notes = 0;
  };
  struct Remembered {
    std::int64_t at;
    std::uint32_t cluster;
    std::array<std::uint64_t, kBands + 1> keys;  // the band keys and the exact key
  };
  void forget_old(std::int64_t now);
  std::uint32_t find_cluster(const ContentFingerprint& print,
                             const std::array<std::uint64_t, kBands + 1>& keys, bool& exact) const;
  std::size_t other_recent_authors(const Cluster& cluster, std::uint64_t author, std::int64_t now) const;
  void add_author(Cluster& cluster, std::uint64_t author, std::int64_t now) const;

  DuplicateConfig config_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::uint32_t> index_;  // band or exact key -> cluster
  std::unordered_map<std::uint32_t, Cluster> clusters_;
  std::deque<Remembered> recent_;
  std::uint32_t next_cluster_ = 1;
};

}  // namespace pleb::processor
