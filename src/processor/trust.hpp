#pragma once
// Web of trust: writes are accepted from the seed pubkeys (the community's members), the people they
// follow (distance 1) and, at distance 2, the people those follow; everyone else is refused with
// `restricted:`, or held for moderators when `hold` is set (where the relay can hold them). The graph comes
// from the latest kind-3 follow lists in the store, read once when the pipeline starts and again, on a thread
// of its own, whenever a list that matters is stored or the members change.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "processor/key_hash.hpp"
#include "processor/member_set.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

struct TrustConfig {
  std::set<nostr::Bytes32> seeds;
  // The live members are seeds too: whoever joins is trusted, with whom they follow, without a reload.
  std::shared_ptr<MemberSet> members;
  int distance = 1;                   // 0: seeds only; 1: and whom they follow; 2: and whom those follow
  std::set<std::uint32_t> kinds;      // kinds the rule applies to; empty: every kind
  std::size_t max_trusted = 1000000;  // bounds memory: the graph stops growing past it
  bool hold = false;                  // hold writes from outside the distance instead of refusing them
  // For the process that keeps the held events (`pleb serve`), not for this stage: after how long a
  // held event is admitted without a moderator (0: never), and how many may wait at most.
  std::int64_t hold_admit_after_seconds = 0;
  std::size_t hold_max = 10000;
};

class TrustPolicy : public WritePolicy {
 public:
  explicit TrustPolicy(TrustConfig config);
  ~TrustPolicy() override;
  std::string_view name() const override { return "trust"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;
  bool observes_stored() const override { return true; }
  void start(const LatestEventLookup& lookup) override;
  void stored(const nostr::Event& event) override;

  std::size_t trusted_count() const;
  std::uint64_t rebuilds() const;

 private:
  using KeySet = std::unordered_set<nostr::Bytes32, KeyHash>;
  struct Graph {
    KeySet trusted;  // within the distance
    KeySet inner;    // whose follow lists count: within distance - 1
  };
  std::shared_ptr<const Graph> build() const;
  void mark_dirty();
  std::shared_ptr<const Graph> graph() const;
  void rebuild_loop();

  TrustConfig config_;
  LatestEventLookup lookup_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<const Graph> graph_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::uint64_t rebuilds_ = 0;
  std::uint64_t members_listener_ = 0;
  std::thread thread_;
};

}  // namespace pleb::processor
