#pragma once
// The hand-written OpenAPI 3 document of the REST API (served at /api/v1/openapi.json) and the check that
// it describes exactly the routes a Router serves, with the same access levels.
#include <string>
#include <string_view>
#include <vector>

#include "http/api/router.hpp"

namespace pleb::api {

std::string_view openapi_document();

// Every disagreement between the routes and the document ("GET /api/v1/x is served but not documented",
// "... is documented but not served", "... access is admin in the router but member in the document",
// or why the document cannot be read); empty when they agree. The document states each operation's
// access level in its `x-pleb-access` field.
std::vector<std::string> compare_with_openapi(const std::vector<RouteInfo>& routes,
                                              std::string_view document);

}  // namespace pleb::api
