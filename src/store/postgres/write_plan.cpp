#include "store/postgres/write_plan.hpp"

#include <algorithm>
#include <charconv>

#include "nostr/kinds.hpp"
#include "nostr/sha256.hpp"

namespace pleb::store::pg {
namespace {

void append_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

template <typename T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// "kind:pubkey:d" of a NIP-09 a tag; the d part may itself hold colons and may be missing for
// replaceable kinds. Empty when malformed or when it names another author than `deleter`.
std::string parse_address(std::string_view text, const nostr::Bytes32& deleter) {
  std::size_t first = text.find(':');
  if (first == std::string_view::npos || first == 0) return {};
  std::uint32_t kind = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + first, kind);
  if (ec != std::errc{} || end != text.data() + first) return {};
  std::string_view rest = text.substr(first + 1);
  std::size_t second = rest.find(':');
  auto pubkey = nostr::parse_hex_lower<32>(rest.substr(0, second));
  if (!pubkey || *pubkey != deleter) return {};
  std::string_view d = second == std::string_view::npos ? std::string_view{} : rest.substr(second + 1);
  return address_of(*pubkey, kind, d);
}

class Planner {
 public:
  Planner(std::int64_t now, KnownState state) : now_(now), state_(std::move(state)) {}

  void write(const nostr::Event& event) { plan_.results.push_back(decide(event)); }

  WritePlan finish() {
    for (const auto& [address, holder] : state_.holders) {
      auto it = state_.events.find(holder.id);
      if (it != state_.events.end() && it->second.insert >= 0)
        plan_.new_holders.emplace_back(address, holder);
    }
    return std::move(plan_);
  }

 private:
  WriteResult decide(const nostr::Event& event) {
    if (state_.events.count(event.id)) return make_result(WriteStatus::kDuplicate);
    auto expires = nostr::expiration(event);
    if (expires && *expires <= now_) return make_result(WriteStatus::kExpired);
    std::string address = address_of(event);
    if (tombstoned(event, address)) return make_result(WriteStatus::kDeleted);
    if (!address.empty()) {
      if (auto it = state_.holders.find(address); it != state_.holders.end()) {
        const Holder& old = it->second;
        // NIP-01: the newest wins; on equal created_at, the lowest id.
        bool old_wins =
            old.created_at > event.created_at || (old.created_at == event.created_at && old.id < event.id);
        if (old_wins) return make_result(WriteStatus::kSuperseded);
        remove(old.id);
      }
      state_.holders[address] = Holder{event.id, event.created_at};
    }
    state_.events[event.id] = KnownEvent{event.created_at, event.pubkey, event.kind, address,
                                         static_cast<int>(plan_.inserts.size())};
    plan_.inserts.push_back(NewEvent{&event, expires, address, false});
    if (event.kind == nostr::kKindDeletion) apply_deletion(event);
    return make_result(WriteStatus::kStored);
  }

  bool tombstoned(const nostr::Event& event, const std::string& address) const {
    // NIP-09: deleting a deletion has no effect, so a kind 5 is never refused as deleted.
    if (event.kind == nostr::kKindDeletion) return false;
    if (state_.deleted_ids.count({event.id, event.pubkey})) return true;
    if (address.empty()) return false;
    auto it = state_.deleted_addresses.find(address);
    return it != state_.deleted_addresses.end() && event.created_at <= it->second;
  }

  void remove(const nostr::Bytes32& id) {
    auto it = state_.events.find(id);
    if (it == state_.events.end()) return;
    const KnownEvent& known = it->second;
    if (known.insert >= 0) {
      plan_.inserts[known.insert].removed = true;
    } else {
      plan_.removals.emplace_back(known.created_at, id);
    }
    if (!known.address.empty()) {
      auto holder = state_.holders.find(known.address);
      if (holder != state_.holders.end() && holder->second.id == id) state_.holders.erase(holder);
    }
    state_.events.erase(it);
  }

  void apply_deletion(const nostr::Event& deletion) {
    for (const auto& tag : deletion.tags) {
      if (tag.size() < 2) continue;
      if (tag[0] == "e") delete_by_id(deletion, tag[1]);
      if (tag[0] == "a") delete_by_address(deletion, tag[1]);
    }
  }

  void delete_by_id(const nostr::Event& deletion, std::string_view hex_id) {
    auto id = nostr::parse_hex_lower<32>(hex_id);
    if (!id) return;
    // Keyed by the deleter too: it only ever blocks that author's event, so naming someone else's id
    // achieves nothing. Recorded even when the event has not arrived yet.
    if (state_.deleted_ids.insert({*id, deletion.pubkey}).second) {
      plan_.new_deleted_ids.emplace_back(*id, deletion.pubkey);
    }
    auto it = state_.events.find(*id);
    if (it == state_.events.end()) return;
    if (it->second.pubkey != deletion.pubkey || it->second.kind == nostr::kKindDeletion) return;
    remove(*id);
  }

  void delete_by_address(const nostr::Event& deletion, std::string_view text) {
    std::string address = parse_address(text, deletion.pubkey);
    if (address.empty()) return;
    std::int64_t& up_to = state_.deleted_addresses.try_emplace(address, deletion.created_at).first->second;
    up_to = std::max(up_to, deletion.created_at);
    plan_.new_deleted_addresses[address] = up_to;
    auto holder = state_.holders.find(address);
    if (holder != state_.holders.end() && holder->second.created_at <= deletion.created_at) {
      remove(holder->second.id);
    }
  }

  std::int64_t now_;
  KnownState state_;
  WritePlan plan_;
};

}  // namespace

std::string address_of(const nostr::Bytes32& pubkey, std::uint32_t kind, std::string_view d) {
  auto kind_class = nostr::kind_class(kind);
  if (kind_class != nostr::KindClass::kReplaceable && kind_class != nostr::KindClass::kAddressable) return {};
  std::string out(reinterpret_cast<const char*>(pubkey.data()), pubkey.size());
  append_be32(out, kind);
  if (kind_class == nostr::KindClass::kAddressable) {
    auto hash = nostr::sha256(d);
    out.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  }
  return out;
}

std::string address_of(const nostr::Event& event) {
  return address_of(event.pubkey, event.kind, nostr::d_tag(event));
}

BatchKeys keys_of(std::span<const EventToWrite> events) {
  BatchKeys keys;
  for (const auto& e : events) {
    const nostr::Event& event = *e.event;
    keys.ids.push_back(event.id);
    keys.own_ids.push_back(event.id);
    if (auto address = address_of(event); !address.empty()) keys.addresses.push_back(std::move(address));
    if (event.kind != nostr::kKindDeletion) continue;
    for (const auto& tag : event.tags) {
      if (tag.size() < 2) continue;
      if (tag[0] == "e") {
        if (auto id = nostr::parse_hex_lower<32>(tag[1])) keys.ids.push_back(*id);
      } else if (tag[0] == "a") {
        if (auto address = parse_address(tag[1], event.pubkey); !address.empty()) {
          keys.addresses.push_back(std::move(address));
        }
      }
    }
  }
  sort_unique(keys.ids);
  sort_unique(keys.own_ids);
  sort_unique(keys.addresses);
  return keys;
}

WritePlan plan_batch(std::span<const EventToWrite> events, std::int64_t now, KnownState state) {
  Planner planner(now, std::move(state));
  for (const auto& e : events) planner.write(*e.event);
  return planner.finish();
}

}  // namespace pleb::store::pg
