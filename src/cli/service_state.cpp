#include "cli/service_state.hpp"

#include <iostream>

#include "nostr/event.hpp"
#include "nostr/json_reader.hpp"
#include "nostr/json_writer.hpp"

namespace pleb::cli {
namespace {

processor::BanKind ban_kind(moderation::BanType type) {
  switch (type) {
    case moderation::BanType::kPubkey:
      return processor::BanKind::kPubkey;
    case moderation::BanType::kEvent:
      return processor::BanKind::kEvent;
    case moderation::BanType::kAddress:
      return processor::BanKind::kAddress;
  }
  return processor::BanKind::kPubkey;
}

const std::size_t kDepth = nostr::EventLimits{}.max_depth;  // shares the thread's parser with events

// The string fields of a flat JSON object, and `shadow` and `purge`; nullopt when it is not one.
struct Fields {
  std::string_view action, type, value, pubkey;
  bool shadow = false, purge = false;
};

std::optional<Fields> read_fields(std::string_view payload) {
  auto root = nostr::json::parse_document(payload, kDepth);
  if (!root) return std::nullopt;
  simdjson::dom::object object;
  if (root->get_object().get(object)) return std::nullopt;
  Fields fields;
  for (auto [key, element] : object) {
    if (key == "shadow" || key == "purge") {
      if (element.get_bool().get(key == "shadow" ? fields.shadow : fields.purge)) return std::nullopt;
      continue;
    }
    std::string_view text;
    if (element.get_string().get(text)) continue;  // a field a later version added
    if (key == "action") fields.action = text;
    if (key == "type") fields.type = text;
    if (key == "value") fields.value = text;
    if (key == "pubkey") fields.pubkey = text;
  }
  return fields;
}

}  // namespace

processor::BanEntry ban_entry(const moderation::Ban& ban) {
  return {ban_kind(ban.type), ban.value, ban.shadow};
}

std::vector<processor::BanEntry> ban_entries(const std::vector<moderation::Ban>& bans) {
  std::vector<processor::BanEntry> entries;
  entries.reserve(bans.size());
  for (const auto& ban : bans) entries.push_back(ban_entry(ban));
  return entries;
}

bool apply_ban_change(processor::BanList& list, const moderation::BanChange& change) {
  if (change.banned) return list.ban(ban_entry(change.ban));
  list.unban(ban_kind(change.ban.type), change.ban.value);
  return true;  // lifting what is not there is no error: the re-read may have been quicker
}

void apply_membership(processor::MemberSet& members, const nostr::Bytes32& pubkey, bool member) {
  if (member) {
    members.add(pubkey);
  } else {
    members.remove(pubkey);
  }
}

bus::Message ban_change_message(const moderation::BanChange& change) {
  std::string out = "{\"action\":";
  nostr::append_json_string(out, change.banned ? "ban" : "unban");
  out.append(",\"type\":");
  nostr::append_json_string(out, moderation::ban_type_name(change.ban.type));
  out.append(",\"value\":");
  nostr::append_json_string(out, change.ban.value);
  out.append(",\"shadow\":").append(change.ban.shadow ? "true" : "false");
  out.append(",\"purge\":").append(change.ban.purge ? "true" : "false").push_back('}');
  return bus::Message(std::move(out));
}

bus::Message membership_message(const nostr::Bytes32& pubkey, bool member) {
  std::string out = "{\"action\":";
  nostr::append_json_string(out, member ? "join" : "leave");
  out.append(",\"pubkey\":\"");
  nostr::append_hex(out, pubkey.data(), pubkey.size());
  out.append("\"}");
  return bus::Message(std::move(out));
}

std::optional<moderation::BanChange> read_ban_message(std::string_view payload) {
  auto fields = read_fields(payload);
  if (!fields) return std::nullopt;
  auto type = moderation::ban_type_from_name(fields->type);
  if (!type || (fields->action != "ban" && fields->action != "unban")) return std::nullopt;
  moderation::BanChange change;
  change.banned = fields->action == "ban";
  change.ban.type = *type;
  change.ban.value = std::string(fields->value);
  change.ban.shadow = fields->shadow;
  change.ban.purge = fields->purge;
  return change;
}

bool apply_ban_message(processor::BanList& list, std::string_view payload) {
  auto change = read_ban_message(payload);
  return change && apply_ban_change(list, *change);
}

Takedown takedown_for(const moderation::BanChange& change) {
  Takedown takedown;
  if (!change.banned) return takedown;
  auto key = nostr::parse_hex_lower<32>(change.ban.value);
  if (!key) return takedown;
  if (change.ban.type == moderation::BanType::kEvent) takedown.ids.push_back(*key);
  if (change.ban.type == moderation::BanType::kPubkey && change.ban.purge) takedown.authors.push_back(*key);
  return takedown;
}

Takedown takedown_for(const std::vector<moderation::Ban>& bans) {
  Takedown all;
  for (const auto& ban : bans) {
    auto one = takedown_for(moderation::BanChange{true, ban});
    all.ids.insert(all.ids.end(), one.ids.begin(), one.ids.end());
    all.authors.insert(all.authors.end(), one.authors.begin(), one.authors.end());
  }
  return all;
}

void take_down(store::BatchWriter& writer, Takedown takedown, std::shared_ptr<TakedownStats> stats) {
  if (takedown.ids.empty() && takedown.authors.empty()) return;
  // In the writer's order: an event already queued when the ban came is written first, then removed.
  writer.run_ordered([&writer, takedown = std::move(takedown), stats](store::EventStore& store) mutable {
    constexpr std::size_t kChunk = 1000;  // events per transaction
    try {
      stats->events += store.erase(takedown.ids);
      takedown.ids.clear();
      while (!takedown.authors.empty()) {
        std::size_t erased = store.erase_author(takedown.authors.back(), kChunk);
        stats->events += erased;
        if (erased == kChunk) {
          // More to go: queue the rest behind the events that arrived meanwhile, so a large purge
          // never holds up ingestion for longer than one chunk.
          take_down(writer, std::move(takedown), stats);
          return;
        }
        takedown.authors.pop_back();
      }
    } catch (const std::exception& e) {
      ++stats->failures;
      // The ban stands and refuses new events; what is stored goes at the next start or re-read.
      std::cerr << "pleb: taking banned events down failed: " << e.what() << "\n";
    }
  });
}

bool apply_membership_message(processor::MemberSet& members, std::string_view payload) {
  auto fields = read_fields(payload);
  if (!fields) return false;
  auto pubkey = nostr::parse_hex_lower<32>(fields->pubkey);
  if (!pubkey) return false;
  if (fields->action != "join" && fields->action != "leave") return false;
  apply_membership(members, *pubkey, fields->action == "join");
  return true;
}

void write_live_policy_metrics(const processor::BanList& bans, const processor::MemberSet& members,
                               metrics::TextWriter& out) {
  auto snapshot = bans.snapshot();
  out.family("pleb_live_bans", "Bans made by moderators in force in this process, by type.", "gauge");
  out.sample("pleb_live_bans", static_cast<std::uint64_t>(snapshot->pubkeys.size()), {{"type", "pubkey"}});
  out.sample("pleb_live_bans", static_cast<std::uint64_t>(snapshot->event_ids.size()), {{"type", "event"}});
  out.sample("pleb_live_bans", static_cast<std::uint64_t>(snapshot->addresses.size()), {{"type", "address"}});
  out.family("pleb_live_members",
             "Community members the write policy knows (the user service's and the admins).", "gauge");
  out.sample("pleb_live_members", static_cast<std::uint64_t>(members.snapshot()->size()));
}

void write_takedown_metrics(const TakedownStats& stats, metrics::TextWriter& out) {
  out.family("pleb_moderation_taken_down_total",
             "Stored events removed because a moderator banned them or purged their author.", "counter");
  out.sample("pleb_moderation_taken_down_total", stats.events.load(std::memory_order_relaxed));
  out.family("pleb_moderation_takedown_failures_total",
             "Takedowns the store refused (retried at the next start or re-read).", "counter");
  out.sample("pleb_moderation_takedown_failures_total", stats.failures.load(std::memory_order_relaxed));
}

}  // namespace pleb::cli
