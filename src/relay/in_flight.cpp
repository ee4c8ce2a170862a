#include "relay/in_flight.hpp"

#include "nostr/bytes.hpp"
#include "nostr/kinds.hpp"

namespace pleb::relay {
namespace {

template <typename Fn>
void for_each_deleted_id(const nostr::Event& event, Fn fn) {
  if (event.kind != nostr::kKindDeletion) return;
  for (const auto& tag : event.tags) {
    if (tag.size() < 2 || tag[0] != "e") continue;
    if (auto id = nostr::parse_hex_any_case<32>(tag[1])) fn(*id);
  }
}

}  // namespace

bool InFlightEvents::enter(const nostr::Event& event) {
  std::lock_guard lock(mutex_);
  const bool clear = !ids_.contains(event.id) && !deleted_.contains(event.id);
  ++ids_[event.id];
  for_each_deleted_id(event, [this](const nostr::Bytes32& id) { ++deleted_[id]; });
  return clear;
}

void InFlightEvents::leave(const nostr::Event& event) {
  std::lock_guard lock(mutex_);
  release(ids_, event.id);
  for_each_deleted_id(event, [this](const nostr::Bytes32& id) { release(deleted_, id); });
}

void InFlightEvents::release(Counts& counts, const nostr::Bytes32& id) {
  auto it = counts.find(id);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

}  // namespace pleb::relay
