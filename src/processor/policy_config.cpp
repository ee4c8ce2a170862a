#include "processor/policy_config.hpp"

#include <unordered_map>

#include "processor/stages.hpp"

namespace pleb::processor {

std::shared_ptr<Pipeline> build_pipeline(const PolicyConfig& config) {
  auto pipeline = std::make_shared<Pipeline>();
  // Cheapest and most final first: a banned author is refused before anything else is looked at.
  BanPolicy::Lists lists{config.banned_pubkeys, config.shadow_banned_pubkeys, config.banned_events,
                         config.banned_addresses};
  pipeline->add(std::make_unique<BanPolicy>(std::move(lists)));
  if (!config.kinds_allow.empty() || !config.kinds_deny.empty()) {
    pipeline->add(std::make_unique<KindPolicy>(config.kinds_allow, config.kinds_deny));
  }
  if (config.min_pow_difficulty > 0 || !config.pow_per_kind.empty()) {
    std::unordered_map<std::uint32_t, int> per_kind(config.pow_per_kind.begin(), config.pow_per_kind.end());
    pipeline->add(std::make_unique<PowPolicy>(config.min_pow_difficulty, std::move(per_kind)));
  }
  // Last: only events every other stage accepted spend a token.
  if (!config.rate_limits.empty()) pipeline->add(std::make_unique<RateLimitPolicy>(config.rate_limits));
  return pipeline;
}

}  // namespace pleb::processor
