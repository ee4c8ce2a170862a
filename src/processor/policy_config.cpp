#include "processor/policy_config.hpp"

#include <unordered_map>

#include "processor/stages.hpp"

namespace pleb::processor {

std::shared_ptr<Pipeline> build_pipeline(const PolicyConfig& config) {
  std::shared_ptr<DecisionLog> log;
  if (config.log_per_minute > 0) log = std::make_shared<DecisionLog>(config.log_per_minute);
  auto pipeline = std::make_shared<Pipeline>(std::move(log));
  if (!config.enabled) return pipeline;
  // A banned author is refused before anything else is looked at.
  BanPolicy::Lists lists{config.banned_pubkeys, config.shadow_banned_pubkeys, config.banned_events,
                         config.banned_addresses};
  pipeline->add(std::make_unique<BanPolicy>(std::move(lists), config.live_bans));
  if (config.nip05_required) {
    pipeline->add(std::make_unique<Nip05Policy>(config.nip05_lookup, config.members, config.live_members));
  }
  if (!config.kinds_allow.empty() || !config.kinds_deny.empty()) {
    pipeline->add(std::make_unique<KindPolicy>(config.kinds_allow, config.kinds_deny));
  }
  if (config.min_pow_difficulty > 0 || !config.pow_per_kind.empty()) {
    std::unordered_map<std::uint32_t, int> per_kind(config.pow_per_kind.begin(), config.pow_per_kind.end());
    pipeline->add(std::make_unique<PowPolicy>(config.min_pow_difficulty, std::move(per_kind)));
  }
  if (config.trust) {
    TrustConfig trust = *config.trust;
    trust.seeds.insert(config.members.begin(), config.members.end());
    trust.members = config.live_members;
    pipeline->add(std::make_unique<TrustPolicy>(std::move(trust)));
  }
  if (config.duplicates) {
    DuplicateConfig duplicates = *config.duplicates;
    duplicates.exempt.insert(config.members.begin(), config.members.end());
    duplicates.members = config.live_members;
    pipeline->add(std::make_unique<DuplicatePolicy>(std::move(duplicates)));
  }
  // The plugin is the most expensive stage: it sees only what every cheaper rule let through.
  if (config.plugin) pipeline->add(std::make_unique<PluginPolicy>(*config.plugin));
  // Last: only events every other stage accepted spend a token.
  if (!config.rate_limits.empty()) pipeline->add(std::make_unique<RateLimitPolicy>(config.rate_limits));
  return pipeline;
}

}  // namespace pleb::processor
