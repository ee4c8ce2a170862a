#pragma once
// The gateway's own routes, which every Router registers: opening a session, and the OpenAPI document.
#include <cstdint>
#include <functional>

#include "http/api/router.hpp"
#include "http/api/session_tokens.hpp"

namespace pleb::api {

inline constexpr std::string_view kSessionPath = "/api/v1/auth/session";
inline constexpr std::string_view kOpenApiPath = "/api/v1/openapi.json";

// POST /api/v1/auth/session: a NIP-98 signed request gets a session token. A session token cannot renew
// itself, so that a stolen one dies with its expiry.
Handler session_handler(const SessionTokens& sessions, std::function<std::int64_t()> clock);
// GET /api/v1/openapi.json.
Handler openapi_handler();

}  // namespace pleb::api
