#pragma once
// Strict parsing and validation of events. Every failure names the field and what is wrong with it.
#include <span>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/result.hpp"

namespace pleb::nostr {

Result<Event> parse_event(std::string_view json, const EventLimits& limits = {});

// Checks that the id is the hash of the canonical serialization and the signature verifies.
Status verify_event(const Event& event);
// verify_event for each, the signatures checked as one batch (nostr/batch_verify.hpp).
std::vector<Status> verify_events(std::span<const Event* const> events);

// parse_event + verify_event: what a relay does to every incoming event.
Result<Event> parse_and_verify_event(std::string_view json, const EventLimits& limits = {});

}  // namespace pleb::nostr
