#include "processor/ban_list.hpp"

namespace pleb::processor {

BanList::BanList() : cell_(std::make_shared<const Snapshot>()) {}

template <typename Change>
bool BanList::update(Change change) {
  // Copy-on-write under the lock: bans change a few times a day, events arrive thousands of times a second.
  std::lock_guard lock(change_mutex_);
  auto next = std::make_shared<Snapshot>(*cell_.load());
  if (!change(*next)) return false;
  cell_.store(std::move(next));
  return true;
}

namespace {

bool apply(BanList::Snapshot& snapshot, const BanEntry& entry) {
  if (entry.kind == BanKind::kAddress) {
    if (entry.value.empty()) return false;
    snapshot.addresses.insert(entry.value);
    return true;
  }
  auto key = nostr::parse_hex_lower<32>(entry.value);
  if (!key) return false;
  if (entry.kind == BanKind::kPubkey) {
    snapshot.pubkeys.insert_or_assign(*key, entry.shadow);
  } else {
    snapshot.event_ids.insert(*key);
  }
  return true;
}

}  // namespace

bool BanList::ban(const BanEntry& entry) {
  return update([&](Snapshot& next) { return apply(next, entry); });
}

bool BanList::unban(BanKind kind, const std::string& value) {
  return update([&](Snapshot& next) {
    if (kind == BanKind::kAddress) return next.addresses.erase(value) > 0;
    auto key = nostr::parse_hex_lower<32>(value);
    if (!key) return false;
    if (kind == BanKind::kPubkey) return next.pubkeys.erase(*key) > 0;
    return next.event_ids.erase(*key) > 0;
  });
}

void BanList::replace(const std::vector<BanEntry>& entries) {
  auto next = std::make_shared<Snapshot>();
  for (const auto& entry : entries) apply(*next, entry);
  std::lock_guard lock(change_mutex_);
  cell_.store(std::move(next));
}

}  // namespace pleb::processor
