#include "store/event_store.hpp"

#include <limits>

namespace pleb::store {

std::string_view default_message(WriteStatus status) {
  switch (status) {
    case WriteStatus::kStored:
      return "";
    case WriteStatus::kDuplicate:
      return "duplicate: already have this event";
    case WriteStatus::kSuperseded:
      return "duplicate: a newer version of this event is stored";
    case WriteStatus::kDeleted:
      return "blocked: this event was deleted by its author";
    case WriteStatus::kExpired:
      return "invalid: event has expired";
    case WriteStatus::kError:
      break;
  }
  return "error: could not store the event";
}

WriteResult make_result(WriteStatus status) {
  return {status, std::string(default_message(status))};
}

WriteResult error_result(std::string_view detail) {
  return {WriteStatus::kError, "error: " + std::string(detail)};
}

const nostr::EventLimits& stored_event_limits() {
  static const nostr::EventLimits limits = [] {
    constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
    nostr::EventLimits l;
    l.max_event_bytes = l.max_content_bytes = l.max_tags = l.max_tag_values = l.max_tag_value_bytes =
        kUnlimited;
    return l;
  }();
  return limits;
}

}  // namespace pleb::store
