#include "processor/ingest/envelope.hpp"

#include <string>

#include "nostr/bytes.hpp"
#include "nostr/event_parse.hpp"

namespace pleb::processor {
namespace {

constexpr std::string_view kSourceType = "Source-Type";
constexpr std::string_view kSourceInfo = "Source-Info";
constexpr std::string_view kAuthed = "Authed-Pubkey";
constexpr std::string_view kVerdict = "Verdict";

}  // namespace

bus::Message encode_received(std::string_view event_json, const store::EventOrigin& origin) {
  bus::Message message{std::string(event_json)};
  message.headers.emplace_back(kSourceType, origin.type);
  if (!origin.info.empty()) message.headers.emplace_back(kSourceInfo, origin.info);
  if (origin.authed_pubkey) message.headers.emplace_back(kAuthed, nostr::to_hex(*origin.authed_pubkey));
  return message;
}

nostr::Result<Received> decode_received(const bus::Message& message, const nostr::EventLimits& limits) {
  auto event = nostr::parse_event(message.payload, limits);
  if (!event) return nostr::Result<Received>::failure(event.error());
  Received received{std::move(*event), {}};
  if (auto type = message.header(kSourceType)) received.origin.type = std::string(*type);
  if (auto info = message.header(kSourceInfo)) received.origin.info = std::string(*info);
  if (auto authed = message.header(kAuthed)) {
    auto bytes = nostr::parse_hex_lower<32>(*authed);
    if (!bytes) return nostr::Result<Received>::failure("Authed-Pubkey is not 64 hex characters");
    received.origin.authed_pubkey = *bytes;
  }
  return received;
}

bus::Message encode_verdict(bool accepted, std::string_view ok_message) {
  bus::Message message{std::string(ok_message)};
  message.headers.emplace_back(kVerdict, accepted ? "accepted" : "rejected");
  return message;
}

store::WriteResult decode_verdict(const bus::Message& message) {
  auto verdict = message.header(kVerdict);
  if (verdict == std::string_view("accepted")) return store::WriteResult{store::WriteStatus::kStored, ""};
  if (verdict == std::string_view("rejected") && !message.payload.empty()) {
    return store::WriteResult{store::WriteStatus::kError, message.payload};
  }
  return store::error_result("the event processor sent an unreadable verdict");
}

}  // namespace pleb::processor
