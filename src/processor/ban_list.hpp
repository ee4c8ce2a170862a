#pragma once
// The bans moderators make while the relay runs (the moderation service's table), as the write policy
// sees them: banned authors (some shadow-banned), event ids and source addresses. Read on every event and
// changed rarely, so readers see an immutable snapshot and every change publishes a new one.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nostr/bytes.hpp"
#include "processor/key_hash.hpp"
#include "processor/snapshot_cell.hpp"

namespace pleb::processor {

enum class BanKind { kPubkey, kEvent, kAddress };

struct BanEntry {
  BanKind kind = BanKind::kPubkey;
  std::string value;    // 64 lowercase hex characters for pubkeys and event ids; the address as given
  bool shadow = false;  // pubkeys only: OK true, nothing stored
};

class BanList {
 public:
  struct Snapshot {
    std::unordered_map<nostr::Bytes32, bool, KeyHash> pubkeys;  // -> shadow
    std::unordered_set<nostr::Bytes32, KeyHash> event_ids;
    std::unordered_set<std::string> addresses;
  };

  BanList();
  // For each event: no lock; valid on this thread until its next current() (snapshot_cell.hpp).
  const Snapshot& current() const { return cell_.read(); }
  std::shared_ptr<const Snapshot> snapshot() const { return cell_.load(); }
  // False (and nothing changes) for a malformed value.
  bool ban(const BanEntry& entry);
  bool unban(BanKind kind, const std::string& value);
  // The whole list at once (loaded from the service database); malformed entries are skipped.
  void replace(const std::vector<BanEntry>& entries);

 private:
  template <typename Change>
  bool update(Change change);

  std::mutex change_mutex_;  // one change at a time: each starts from the snapshot the previous made
  SnapshotCell<Snapshot> cell_;
};

}  // namespace pleb::processor
