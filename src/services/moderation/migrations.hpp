#pragma once
// The moderation service's schema, one numbered step at a time. Append; never edit a released step.
#include <vector>

#include "store/service_db/service_db.hpp"

namespace pleb::moderation {

inline constexpr const char* kServiceName = "moderation";

const std::vector<store::Migration>& moderation_migrations();

}  // namespace pleb::moderation
