#pragma once
// simdjson is included only by the translation units that parse JSON; everything else sees
// parsed values. One DOM parser per thread is reused so parsing allocates only when it grows.
#include <simdjson.h>

#include <string>
#include <string_view>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "nostr/result.hpp"

namespace pleb::nostr::json {

// Parses a whole document with the thread's parser; the element lives until the next parse on this thread.
Result<simdjson::dom::element> parse_document(std::string_view json, std::size_t max_depth);
std::string describe(simdjson::error_code error, std::size_t max_depth);

Result<Event> event_from_element(simdjson::dom::element element, const EventLimits& limits);
Result<Filter> filter_from_element(simdjson::dom::element element, const FilterLimits& limits);

}  // namespace pleb::nostr::json
