#include "processor/rate_limit.hpp"

#include <algorithm>
#include <cstring>

namespace pleb::processor {
namespace {

std::string number(double value) {
  if (value == static_cast<double>(static_cast<std::int64_t>(value))) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  return std::to_string(value);
}

}  // namespace

bool RateRule::applies_to(std::uint32_t kind) const {
  if (kinds.empty()) return true;
  return std::any_of(kinds.begin(), kinds.end(),
                     [kind](const auto& r) { return kind >= r.first && kind <= r.second; });
}

std::string RateRule::describe() const {
  // Built with append: g++ 12 at -O3 reports a false -Wrestrict on chains of string operator+.
  std::string out = number(events);
  out.append(events == 1 ? " event" : " events");
  if (kinds.empty()) return out;
  out.append(" of kinds ");
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (i) out.append(", ");
    out.append(std::to_string(kinds[i].first));
    if (kinds[i].second != kinds[i].first) out.append("-").append(std::to_string(kinds[i].second));
  }
  return out;
}

void RateLimitPolicy::forget_full(Buckets& buckets, const RateRule& rule, std::int64_t now) {
  std::erase_if(buckets, [&](const auto& entry) {
    const Bucket& bucket = entry.second;
    return bucket.tokens + (now - bucket.updated) * (rule.events / rule.seconds) >= rule.events;
  });
}

Decision RateLimitPolicy::check(const nostr::Event& event, const EventSource& source) {
  std::lock_guard lock(mutex_);
  if (++checks_ % 4096 == 0) {
    for (std::size_t i = 0; i < rules_.size(); ++i) forget_full(buckets_[i], rules_[i], source.now);
  }
  // Every applicable rule must have a token before any is spent, so a refusal costs the author nothing.
  std::vector<Bucket*> spend;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const RateRule& rule = rules_[i];
    if (!rule.applies_to(event.kind) || rule.events <= 0 || rule.seconds <= 0) continue;
    auto [it, fresh] = buckets_[i].try_emplace(event.pubkey, Bucket{rule.events, source.now});
    Bucket& bucket = it->second;
    if (!fresh) {
      double refill = static_cast<double>(source.now - bucket.updated) * (rule.events / rule.seconds);
      bucket.tokens = std::min(rule.events, bucket.tokens + std::max(0.0, refill));
      bucket.updated = std::max(bucket.updated, source.now);
    }
    if (bucket.tokens < 1) {
      return Decision::reject(
          "rate-limited: at most " + rule.describe() + " per " + number(rule.seconds) + " seconds", "budget");
    }
    spend.push_back(&bucket);
  }
  for (Bucket* bucket : spend) bucket->tokens -= 1;
  return Decision::accept();
}

}  // namespace pleb::processor
