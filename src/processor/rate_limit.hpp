#pragma once
// Rate limits per author and kind range: for each rule, a token bucket per pubkey that holds `events`
// and refills them over `seconds` (for example 6 per 60 s for kinds 0 and 3, 720 per hour overall).
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "processor/write_policy.hpp"

namespace pleb::processor {

struct RateRule {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kinds;  // inclusive ranges; empty: every kind
  double events = 0;
  double seconds = 0;
  bool applies_to(std::uint32_t kind) const;
  std::string describe() const;  // "2 events of kinds 0, 3" or "1 event"
};

class RateLimitPolicy : public WritePolicy {
 public:
  explicit RateLimitPolicy(std::vector<RateRule> rules) : rules_(std::move(rules)), buckets_(rules_.size()) {}
  std::string_view name() const override { return "rate-limit"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated = 0;
  };
  struct KeyHash {
    std::size_t operator()(const nostr::Bytes32& key) const {
      std::size_t h;
      std::memcpy(&h, key.data(), sizeof h);  // pubkeys are uniformly random already
      return h;
    }
  };
  using Buckets = std::unordered_map<nostr::Bytes32, Bucket, KeyHash>;
  // Drops buckets that have refilled completely: they hold no information, and bounded memory matters
  // more than the few allocations a returning author costs.
  void forget_full(Buckets& buckets, const RateRule& rule, std::int64_t now);

  std::vector<RateRule> rules_;
  std::mutex mutex_;
  std::vector<Buckets> buckets_;  // one map per rule
  std::uint64_t checks_ = 0;
};

}  // namespace pleb::processor
