// Fuzzes what a processor reads from `event.received` and a relay from a processor's verdict: bus
// messages are written by our own processes, but a bus is shared infrastructure, so a malformed one must
// be refused with a reason, never crash the reader. Input: three header lines (Source-Type,
// Source-Info, Authed-Pubkey), then the payload.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nostr/json_writer.hpp"
#include "processor/ingest/envelope.hpp"

namespace {

std::string_view next_line(std::string_view& rest) {
  auto newline = rest.find('\n');
  std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  auto type = next_line(rest), info = next_line(rest), authed = next_line(rest);
  pleb::bus::Message message{std::string(rest)};
  message.headers.emplace_back("Source-Type", std::string(type));
  message.headers.emplace_back("Source-Info", std::string(info));
  message.headers.emplace_back("Authed-Pubkey", std::string(authed));
  pleb::nostr::EventLimits limits;
  auto received = pleb::processor::decode_received(message, limits);
  if (!received) {
    if (received.error().empty()) std::abort();
  } else {
    // What was read is passed on unchanged: encoding it again reads back the same event and origin.
    auto again = pleb::processor::decode_received(
        pleb::processor::encode_received(pleb::nostr::to_json(received->event), received->origin), limits);
    if (!again || again->event.id != received->event.id || again->origin.info != received->origin.info ||
        again->origin.authed_pubkey != received->origin.authed_pubkey)
      std::abort();
  }

  pleb::bus::Message verdict{std::string(rest)};
  verdict.headers.emplace_back("Verdict", std::string(type));
  auto result = pleb::processor::decode_verdict(verdict);
  if (!result.ok() && result.message.empty()) std::abort();
  return 0;
}
