#pragma once
// The events on their way to the store, relay-wide, from submit until their OK is decided. A regular
// event is delivered live ahead of the writer only when nothing in flight has its id (it would be a
// duplicate) or deletes it (a kind 5 that names it): the store's own answer could then differ from
// what a read of the committed store says. Any thread.
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "nostr/event.hpp"
#include "processor/key_hash.hpp"

namespace pleb::relay {

class InFlightEvents {
 public:
  // Registers the event; true when nothing already in flight shares its id or names it for deletion.
  bool enter(const nostr::Event& event);
  // Once per enter(), when the event's OK is decided.
  void leave(const nostr::Event& event);

 private:
  using Counts = std::unordered_map<nostr::Bytes32, std::uint32_t, processor::KeyHash>;
  static void release(Counts& counts, const nostr::Bytes32& id);

  std::mutex mutex_;
  Counts ids_;      // events in flight per id
  Counts deleted_;  // kind 5 events in flight naming the id in an `e` tag
};

}  // namespace pleb::relay
