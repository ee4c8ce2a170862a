// Fuzzes the strict event parser, the canonical serializer and the round trip between them.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto event = pleb::nostr::parse_event(input);
  if (!event) {
    if (event.error().empty()) std::abort();  // every rejection must say why
    return 0;
  }
  // A parsed event must serialize to JSON that parses back to the same event.
  std::string json = pleb::nostr::to_json(*event);
  auto again = pleb::nostr::parse_event(json);
  if (!again || !(*again == *event)) std::abort();
  (void)pleb::nostr::compute_id(*event);
  return 0;
}
