#pragma once
// How the services' state that the write policy follows travels: moderators' bans (moderation.action)
// and community membership (user.membership), as the service reports a change, as a bus message, and as
// applied to the live sets of the write policy. JSON messages:
//   moderation.action  {"action":"ban"|"unban","type":"pubkey"|"event"|"address","value":"...","shadow":bool,
//                      "purge":bool}
//   user.membership    {"action":"join"|"leave","pubkey":"<64 hex>"}
#include <atomic>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "bus/bus.hpp"
#include "metrics/exposition.hpp"
#include "processor/ban_list.hpp"
#include "processor/member_set.hpp"
#include "services/moderation/ban_service.hpp"
#include "store/batch_writer.hpp"

namespace pleb::cli {

processor::BanEntry ban_entry(const moderation::Ban& ban);
std::vector<processor::BanEntry> ban_entries(const std::vector<moderation::Ban>& bans);
// False for a malformed value (nothing changes).
bool apply_ban_change(processor::BanList& list, const moderation::BanChange& change);
void apply_membership(processor::MemberSet& members, const nostr::Bytes32& pubkey, bool member);

bus::Message ban_change_message(const moderation::BanChange& change);
bus::Message membership_message(const nostr::Bytes32& pubkey, bool member);
// Nullopt for a message that is not one of the above (it is then ignored, and logged by the caller).
std::optional<moderation::BanChange> read_ban_message(std::string_view payload);
// False for a message that is not one of the above, or a malformed value.
bool apply_ban_message(processor::BanList& list, std::string_view payload);

// Where events are stored (`pleb serve`, `pleb processor`) a ban of an event takes its stored copy down,
// and a purging ban of a pubkey every event of the author: for a change, and for every ban at start (a
// takedown that failed, a message that was missed); `pleb processor` also at its first re-reads that see
// a ban (events that slipped in before every process knew of it).
struct Takedown {
  std::vector<nostr::Bytes32> ids;
  std::vector<nostr::Bytes32> authors;
};
Takedown takedown_for(const moderation::BanChange& change);
Takedown takedown_for(const std::vector<moderation::Ban>& bans);
// Events that bans took out of the store in this process, and takedowns that failed (for /metrics).
struct TakedownStats {
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> failures{0};
};
// Removes them from the store after every event the writer already queued.
void take_down(store::BatchWriter& writer, Takedown takedown, std::shared_ptr<TakedownStats> stats);
void write_takedown_metrics(const TakedownStats& stats, metrics::TextWriter& out);
bool apply_membership_message(processor::MemberSet& members, std::string_view payload);

// Gauges: the live bans by type, the live members.
void write_live_policy_metrics(const processor::BanList& bans, const processor::MemberSet& members,
                               metrics::TextWriter& out);

}  // namespace pleb::cli
