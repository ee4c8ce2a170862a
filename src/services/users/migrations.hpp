#pragma once
// The user service's schema, one numbered step at a time. Append; never edit a released step.
#include <vector>

#include "store/service_db/service_db.hpp"

namespace pleb::users {

inline constexpr const char* kServiceName = "users";

const std::vector<store::Migration>& user_migrations();

}  // namespace pleb::users
