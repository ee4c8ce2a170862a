// Fuzzes the messages `pleb relay` and `pleb processor` follow on the bus: moderators' bans
// (moderation.action) and membership changes (user.membership). A message is applied or ignored; one
// that is applied reads back the same after our own encoding, and never leaves a malformed ban behind.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/service_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  using namespace pleb;
  if (auto change = cli::read_ban_message(payload)) {
    auto again = cli::read_ban_message(cli::ban_change_message(*change).payload);
    if (!again || again->banned != change->banned || again->ban.type != change->ban.type ||
        again->ban.value != change->ban.value || again->ban.shadow != change->ban.shadow ||
        again->ban.purge != change->ban.purge)
      std::abort();
    processor::BanList bans;
    bool applied = cli::apply_ban_change(bans, *change);
    // Only a well-formed value goes in: a ban never holds what the write policy cannot match.
    auto snapshot = bans.snapshot();
    std::size_t held = snapshot->pubkeys.size() + snapshot->event_ids.size() + snapshot->addresses.size();
    if (held > (applied && change->banned ? 1u : 0u)) std::abort();
  }
  processor::MemberSet members;
  if (cli::apply_membership_message(members, payload) && members.snapshot()->size() > 1) std::abort();
  return 0;
}
