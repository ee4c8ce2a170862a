#pragma once
// The `[policy]` settings as plain data, and the pipeline they describe.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "nostr/bytes.hpp"
#include "processor/ban_list.hpp"
#include "processor/duplicates.hpp"
#include "processor/member_set.hpp"
#include "processor/plugin_policy.hpp"
#include "processor/rate_limit.hpp"
#include "processor/trust.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

struct PolicyConfig {
  bool enabled =
      true;  // false: no stage at all, not even the ban lists (for measuring what the policy costs)
  std::set<std::uint32_t> kinds_allow;  // empty: every kind
  std::set<std::uint32_t> kinds_deny;
  int min_pow_difficulty = 0;
  std::map<std::uint32_t, int> pow_per_kind;
  std::set<nostr::Bytes32> banned_pubkeys;
  std::set<nostr::Bytes32> shadow_banned_pubkeys;
  std::set<nostr::Bytes32> banned_events;
  std::set<std::string> banned_addresses;
  // The moderators' bans, changed while the relay runs; the wiring keeps the same list across reloads.
  std::shared_ptr<BanList> live_bans;
  std::vector<RateRule> rate_limits;  // per author
  // The community's members: exempt from duplicate detection and nip05_required, and the seeds of the web
  // of trust. `members` are configured ([policy] members); `live_members` follow the user service (who
  // joins and leaves) and the wiring keeps the same set across reloads.
  std::set<nostr::Bytes32> members;
  std::shared_ptr<MemberSet> live_members;
  // Only authors holding a NIP-05 name on this community may publish (members are exempt). The lookup
  // is wired by the process that has the user service; without one the setting is refused at start.
  bool nip05_required = false;
  std::function<bool(const nostr::Bytes32& pubkey)> nip05_lookup;
  std::optional<DuplicateConfig> duplicates;
  std::optional<TrustConfig> trust;
  std::optional<PluginConfig> plugin;
  std::size_t log_per_minute = 10;  // refusals logged per stage and reason each minute; 0: none
};

// Stages run cheapest and most final first; nothing that costs more than a lookup is there unless configured.
std::shared_ptr<Pipeline> build_pipeline(const PolicyConfig& config);

}  // namespace pleb::processor
