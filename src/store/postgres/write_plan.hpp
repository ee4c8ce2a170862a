#pragma once
// The storage rules of NIP-01 (replaceable and addressable events), NIP-09 (deletions, tombstones)
// and NIP-40 (expiration) applied to a whole batch in memory, in order, against the part of the
// database the batch can touch (loaded beforehand in one query). The outcome is a plan that a few
// multi-row statements carry out. Pure: no I/O, so every rule is decided in one place.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "nostr/event.hpp"
#include "store/event_store.hpp"

namespace pleb::store::pg {

// pubkey ‖ kind (big-endian) [‖ sha256(d)] for replaceable and addressable kinds; empty for others.
std::string address_of(const nostr::Bytes32& pubkey, std::uint32_t kind, std::string_view d);
std::string address_of(const nostr::Event& event);

struct KnownEvent {
  std::int64_t created_at = 0;
  nostr::Bytes32 pubkey{};
  std::uint32_t kind = 0;
  std::string address;
  int insert = -1;  // index in WritePlan::inserts when it arrived in this batch
};

struct Holder {
  nostr::Bytes32 id{};
  std::int64_t created_at = 0;
};

// What the database holds for the keys of a batch (see keys_of).
struct KnownState {
  std::map<nostr::Bytes32, KnownEvent> events;
  std::set<std::pair<nostr::Bytes32, nostr::Bytes32>> deleted_ids;  // (event id, deleter)
  std::map<std::string, std::int64_t> deleted_addresses;            // address → deleted up to
  std::map<std::string, Holder> holders;                            // address → stored version
};

// The keys whose state a batch needs: its ids and the ids its deletions name, and the addresses of
// its events and those its deletions name.
struct BatchKeys {
  std::vector<nostr::Bytes32> ids;
  std::vector<nostr::Bytes32> own_ids;  // the batch's events: their tombstones matter
  std::vector<std::string> addresses;
};
BatchKeys keys_of(std::span<const EventToWrite> events);

struct NewEvent {
  const nostr::Event* event = nullptr;
  std::optional<std::int64_t> expiration;
  std::string address;
  bool removed = false;  // replaced or deleted later in the same batch: not inserted at all
};

struct WritePlan {
  std::vector<WriteResult> results;
  std::vector<NewEvent> inserts;
  std::vector<std::pair<std::int64_t, nostr::Bytes32>> removals;  // (created_at, id) stored earlier
  std::vector<std::pair<nostr::Bytes32, nostr::Bytes32>> new_deleted_ids;
  std::map<std::string, std::int64_t> new_deleted_addresses;
  std::vector<std::pair<std::string, Holder>> new_holders;  // addresses now held by an inserted event
};

WritePlan plan_batch(std::span<const EventToWrite> events, std::int64_t now, KnownState state);

}  // namespace pleb::store::pg
