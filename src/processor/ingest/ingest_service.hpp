#pragma once
// `pleb processor`'s work: take events from `event.received` as one member of a queue group, check them
// (signature, write policy), hand them to the group-committing writer, answer the relay that sent each
// one with the verdict, and announce stored events on `event.validated` for every relay's live
// subscribers. Knows no socket and no database: the bus and the writer are given.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bus/bus.hpp"
#include "cache/event_cache.hpp"
#include "nostr/event.hpp"
#include "processor/ban_list.hpp"
#include "processor/write_policy.hpp"
#include "store/event_writer.hpp"

namespace pleb::processor {

struct IngestOptions {
  std::string group = "processors";
  // Relays verify before publishing; checking again here costs ~30 µs per event and means a forged
  // message on the bus cannot plant an event.
  bool verify = true;
  nostr::EventLimits limits;
  std::function<std::int64_t()> clock;  // seconds since the epoch; tests substitute their own
  // Ids already stored (memory, then Redis shared by every processor): a resent event is answered
  // `duplicate:` before its signature check and without a database round trip. Stored events are put,
  // deletions erase what they name. Null: every event goes to the store, which refuses duplicates itself.
  // A stale entry can only turn another refusal (deleted, superseded) into `duplicate:`: the event is
  // refused either way.
  std::shared_ptr<cache::EventCache> seen;
  // The moderators' live bans: an event whose author or id is banned never gets the cache's answer, so a
  // banned resend is answered by the write policy (`blocked:`, or a shadow ban's OK) as on a relay that
  // runs alone, not `duplicate:` as if the relay still kept it. Null: no live bans.
  std::shared_ptr<const BanList> bans;
};

struct IngestStats {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> stored{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> storage_errors{0};  // left unacknowledged, so the bus delivers them again
  std::atomic<std::uint64_t> redelivered{0};
  std::atomic<std::uint64_t> duplicates_from_cache{0};
};

class IngestService {
 public:
  using PipelineSource = std::function<std::shared_ptr<Pipeline>()>;
  IngestService(bus::Bus& bus, store::EventWriter& writer, PipelineSource pipeline,
                IngestOptions options = {});
  ~IngestService();
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  // Joins the queue group on `event.received`.
  nostr::Status start();
  // Leaves the group; events already handed to the writer are still answered by it.
  void stop();
  const IngestStats& stats() const { return stats_; }

 private:
  void handle(const bus::Delivery& delivery);
  bool banned(const nostr::Event& event) const;
  void conclude(const bus::Delivery& delivery, nostr::Event event, Decision decision);
  void answer(const bus::Delivery& delivery, bool accepted, std::string_view message);

  bus::Bus& bus_;
  store::EventWriter& writer_;
  PipelineSource pipeline_;
  IngestOptions options_;
  IngestStats stats_;
  bus::Subscription subscription_;
};

}  // namespace pleb::processor
