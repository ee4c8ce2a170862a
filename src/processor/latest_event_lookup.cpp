#include "processor/latest_event_lookup.hpp"

#include <chrono>

#include "nostr/event_parse.hpp"

namespace pleb::processor {

LatestEventLookup latest_event_lookup(store::EventStore& store) {
  return [&store](const nostr::Bytes32& author, std::uint32_t kind) -> std::optional<nostr::Event> {
    nostr::Filter filter;
    filter.authors = std::vector<nostr::Bytes32>{author};
    filter.kinds = std::vector<std::uint32_t>{kind};
    filter.limit = 1;
    std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::optional<nostr::Event> latest;
    auto cursor = store.query_json({filter}, now);
    while (!cursor->step(std::chrono::milliseconds(50), [&](const store::StoredEvent& stored) {
      // Queries fill in the JSON and only the event's index fields; the tags are in the JSON.
      if (auto parsed = nostr::parse_event(stored.json)) latest = std::move(*parsed);
      return false;
    })) {
    }
    return latest;
  };
}

}  // namespace pleb::processor
