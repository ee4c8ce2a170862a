// Fuzzes what a relay parses from every client: the NIP-01 message envelope, filters and events.
// Every input must come out as exactly one message or one error with a reason and a reply kind.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "nostr/filter.hpp"
#include "nostr/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto message = pleb::nostr::parse_client_message(input);
  if (auto* error = std::get_if<pleb::nostr::MessageError>(&message)) {
    if (error->reason.empty()) std::abort();
    return 0;
  }
  // Accepted filters must serialize to JSON that parses back to the same filter.
  auto check_filters = [](const std::vector<pleb::nostr::Filter>& filters) {
    for (const auto& filter : filters) {
      auto again = pleb::nostr::parse_filter(pleb::nostr::to_json(filter));
      if (!again || !(*again == filter)) std::abort();
    }
  };
  if (auto* req = std::get_if<pleb::nostr::ReqMessage>(&message)) check_filters(req->filters);
  if (auto* count = std::get_if<pleb::nostr::CountMessage>(&message)) check_filters(count->filters);
  return 0;
}
