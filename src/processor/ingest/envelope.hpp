#pragma once
// How an event travels on `event.received` (relay -> processor) and how the processor's verdict comes
// back: the payload is the event's JSON as the client sent it (canonical form), headers carry where it
// came from; a verdict is a header with the outcome and the OK message as payload. Headers rather than
// a JSON wrapper, so neither side parses anything but the event itself.
#include <cstdint>
#include <string_view>

#include "bus/bus.hpp"
#include "nostr/event.hpp"
#include "nostr/result.hpp"
#include "store/event_store.hpp"
#include "store/event_writer.hpp"

namespace pleb::processor {

bus::Message encode_received(std::string_view event_json, const store::EventOrigin& origin);

struct Received {
  nostr::Event event;
  store::EventOrigin origin;
};
// Parses the event (no signature check: the caller decides) and its origin headers.
nostr::Result<Received> decode_received(const bus::Message& message, const nostr::EventLimits& limits);

// A verdict: the OK true/false and its message, exactly as the client will see it.
bus::Message encode_verdict(bool accepted, std::string_view ok_message);
// kStored when accepted; otherwise kError carrying the processor's message (its prefix tells why).
store::WriteResult decode_verdict(const bus::Message& message);

}  // namespace pleb::processor
