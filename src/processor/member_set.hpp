#pragma once
// The community's members while the relay runs (the user service's, plus the configured admins): the
// seeds of the web of trust, exempt from duplicate detection and from nip05_required. Read on every event,
// changed when someone joins or leaves: readers take an immutable snapshot, and stages that derive state
// from the members (the trust graph) are told of each change.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "nostr/bytes.hpp"
#include "processor/key_hash.hpp"
#include "processor/snapshot_cell.hpp"

namespace pleb::processor {

class MemberSet {
 public:
  using Keys = std::unordered_set<nostr::Bytes32, KeyHash>;
  using Listener = std::function<void()>;

  MemberSet();
  std::shared_ptr<const Keys> snapshot() const { return cell_.load(); }
  // For each event: no lock (snapshot_cell.hpp).
  bool contains(const nostr::Bytes32& pubkey) const { return cell_.read().contains(pubkey); }

  // Each returns whether the set changed; listeners are told only then.
  bool add(const nostr::Bytes32& pubkey);
  bool remove(const nostr::Bytes32& pubkey);
  bool replace(const std::vector<nostr::Bytes32>& pubkeys);

  // `listener` runs after each change, on the changing thread, until unlisten(id). It must not change the
  // set.
  std::uint64_t listen(Listener listener);
  void unlisten(std::uint64_t id);

 private:
  void publish(std::shared_ptr<const Keys> next);

  std::mutex change_mutex_;  // one change at a time: each starts from the snapshot the previous made
  SnapshotCell<Keys> cell_;
  std::mutex listeners_mutex_;
  std::vector<std::pair<std::uint64_t, Listener>> listeners_;
  std::uint64_t next_listener_ = 1;
};

}  // namespace pleb::processor
