#pragma once
// JSON output with NIP-01's exact escaping rules, and the event serializations built on it.
#include <string>
#include <string_view>

#include "nostr/event.hpp"

namespace pleb::nostr {

// Appends `value` as a JSON string: escapes only `"`, `\` and control characters
// (\n \r \t \b \f in short form, the others as \u00XX); everything else, DEL and
// all of UTF-8 included, is written as is. This is the NIP-01 rule for the id hash.
void append_json_string(std::string& out, std::string_view value);

// The NIP-01 array [0,"pubkey",created_at,kind,tags,"content"] whose SHA-256 is the id.
std::string canonical_serialization(const Event& event);
void append_canonical_serialization(std::string& out, const Event& event);
Bytes32 compute_id(const Event& event);

// The event as a JSON object with the seven fields, in a fixed order.
std::string to_json(const Event& event);
void append_json(std::string& out, const Event& event);

void append_tags(std::string& out, const std::vector<Tag>& tags);

}  // namespace pleb::nostr
