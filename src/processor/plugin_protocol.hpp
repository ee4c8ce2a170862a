#pragma once
// The write-policy plugin protocol, line by line and compatible with strfry's plugins: one JSON object
// per event on the plugin's stdin, one JSON answer per line on its stdout.
//   in:  {"type":"new","event":{...},"receivedAt":<unix
//   s>,"sourceType":"IP4","sourceInfo":"<ip>","authed":"<hex>"} out: {"id":"<event
//   id>","action":"accept"|"reject"|"shadowReject","msg":"..."}
#include <string>
#include <string_view>

#include "nostr/result.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

// The request line for an event, newline included.
std::string plugin_request(const nostr::Event& event, const EventSource& source);

struct PluginAnswer {
  std::string id;  // hex, as the plugin wrote it
  Decision decision;
};

// Reads one answer line (without its newline). A reject message without a NIP-01 prefix gets
// "blocked: " in front, so that clients always see a machine-readable reason.
nostr::Result<PluginAnswer> parse_plugin_answer(std::string_view line);

}  // namespace pleb::processor
