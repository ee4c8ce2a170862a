#pragma once
// The `[policy]` settings as plain data, and the pipeline they describe.
#include <map>
#include <memory>
#include <set>
#include <string>

#include "nostr/bytes.hpp"
#include "processor/rate_limit.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

struct PolicyConfig {
  std::set<std::uint32_t> kinds_allow;  // empty: every kind
  std::set<std::uint32_t> kinds_deny;
  int min_pow_difficulty = 0;
  std::map<std::uint32_t, int> pow_per_kind;
  std::set<nostr::Bytes32> banned_pubkeys;
  std::set<nostr::Bytes32> shadow_banned_pubkeys;
  std::set<nostr::Bytes32> banned_events;
  std::set<std::string> banned_addresses;
  std::vector<RateRule> rate_limits;  // per author
};

std::shared_ptr<Pipeline> build_pipeline(const PolicyConfig& config);

}  // namespace pleb::processor
