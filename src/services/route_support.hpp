#pragma once
// What every service's routes need alike: the `limit` query parameter of a paginated list, and the
// answer when the service database fails.
#include <cstddef>
#include <string_view>

#include "http/api/router.hpp"

namespace pleb::services {

// The `limit` query parameter: `fallback` when absent; 400 unless a whole number from 1 to `max`.
std::size_t query_limit(const api::Request& request, std::size_t fallback, std::size_t max);

// A handler whose service database failing is the server's trouble, not the request's: 503 with
// Retry-After, naming `database` ("the user database is unavailable; try again").
api::Handler guarded(std::string_view database, api::Handler handler);

}  // namespace pleb::services
