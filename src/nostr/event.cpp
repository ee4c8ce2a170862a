#include "nostr/event.hpp"

namespace pleb::nostr {

std::optional<std::string_view> Event::first_tag_value(std::string_view name) const {
  for (const auto& tag : tags) {
    if (tag.size() >= 2 && tag[0] == name) return std::string_view(tag[1]);
  }
  return std::nullopt;
}

}  // namespace pleb::nostr
