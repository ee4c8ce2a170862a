#pragma once
// What every bus refuses, with the same words, so that what works in one process also works across
// processes. Subjects are dot-separated tokens; subscriptions may use `*` (one token) and `>` (the
// rest, last token only).
#include <cstddef>
#include <string_view>

#include "nostr/result.hpp"

namespace pleb::bus {

// For publish and request: no wildcards.
nostr::Status check_publish_subject(std::string_view subject);
// For subscribe and queue_subscribe.
nostr::Status check_subscribe_subject(std::string_view subject);
// Queue group names also name JetStream consumers: letters, digits, `-` and `_`.
nostr::Status check_group(std::string_view group);

struct Message;
// Payload plus headers within `max_bytes`, and no header name the bus reserves for itself.
nostr::Status check_message(const Message& message, std::size_t max_bytes);

bool subject_matches(std::string_view pattern, std::string_view subject);

}  // namespace pleb::bus
