#include "processor/stages.hpp"

#include <optional>

#include "nostr/kinds.hpp"

namespace pleb::processor {

Decision KindPolicy::check(const nostr::Event& event, const EventSource&) {
  if (deny_.contains(event.kind) || (!allow_.empty() && !allow_.contains(event.kind))) {
    return Decision::reject("blocked: kind " + std::to_string(event.kind) + " is not accepted by this relay",
                            "kind");
  }
  return Decision::accept();
}

int PowPolicy::required_for(std::uint32_t kind) const {
  auto it = per_kind_.find(kind);
  return it == per_kind_.end() ? minimum_ : it->second;
}

Decision PowPolicy::check(const nostr::Event& event, const EventSource&) {
  int required = required_for(event.kind);
  if (required <= 0) return Decision::accept();
  int difficulty = nostr::leading_zero_bits(event.id);
  if (difficulty < required) {
    return Decision::reject(
        "pow: difficulty " + std::to_string(difficulty) + " is less than " + std::to_string(required),
        "difficulty");
  }
  // NIP-13: the committed target protects against lucky ids from spammers who did not do the work.
  auto committed = nostr::committed_pow_target(event);
  if (committed && *committed < required) {
    return Decision::reject(
        "pow: committed target " + std::to_string(*committed) + " is less than " + std::to_string(required),
        "committed-target");
  }
  return Decision::accept();
}

Decision BanPolicy::check(const nostr::Event& event, const EventSource& source) {
  const BanList::Snapshot* live = live_ ? &live_->current() : nullptr;
  std::optional<bool> live_shadow;  // the live list bans the author: shadow or not
  if (live) {
    if (auto it = live->pubkeys.find(event.pubkey); it != live->pubkeys.end()) live_shadow = it->second;
  }
  if (lists_.pubkeys.contains(event.pubkey) || live_shadow == false)
    return Decision::reject("blocked: this author is banned from this relay", "author");
  if (lists_.event_ids.contains(event.id) || (live && live->event_ids.contains(event.id)))
    return Decision::reject("blocked: this event is banned from this relay", "event");
  if (!source.info.empty() &&
      (lists_.addresses.contains(source.info) || (live && live->addresses.contains(source.info)))) {
    return Decision::reject("blocked: this address is banned from this relay", "address");
  }
  if (lists_.shadow_pubkeys.contains(event.pubkey) || live_shadow.has_value())
    return Decision::shadow_reject("author");
  return Decision::accept();
}

Decision Nip05Policy::check(const nostr::Event& event, const EventSource& /*source*/) {
  if (members_.contains(event.pubkey) || (live_ && live_->contains(event.pubkey)) ||
      (has_name_ && has_name_(event.pubkey))) {
    return Decision::accept();
  }
  return Decision::reject("restricted: only authors with a NIP-05 name on this relay may publish here",
                          "no-name");
}

}  // namespace pleb::processor
