#include "http/api/gateway_routes.hpp"

#include "http/api/openapi.hpp"
#include "nostr/json_writer.hpp"

namespace pleb::api {

Handler session_handler(const SessionTokens& sessions, std::function<std::int64_t()> clock) {
  return [&sessions, clock = std::move(clock)](const Request& request) {
    const Principal& principal = *request.principal;  // the route is kAuthenticated
    if (principal.credential != Credential::kNip98) {
      throw ApiError{401, "Unauthorized",
                     "a session is opened with a NIP-98 signed request, not a session token"};
    }
    std::int64_t now = clock();
    std::string token = sessions.issue(principal.pubkey, principal.role, now);
    std::string body = "{\"token\":";
    nostr::append_json_string(body, token);
    body.append(",\"token_type\":\"Bearer\",\"pubkey\":\"");
    nostr::append_hex(body, principal.pubkey.data(), principal.pubkey.size());
    body.append("\",\"role\":\"").append(role_name(principal.role));
    body.append("\",\"member\":").append(principal.is_member ? "true" : "false");
    body.append(",\"expires_at\":").append(std::to_string(now + sessions.lifetime().count()));
    body.append("}");
    auto response = json_response(std::move(body), 201);
    response.headers["Cache-Control"] = "no-store";
    return response;
  };
}

Handler openapi_handler() {
  return [](const Request&) { return json_response(std::string(openapi_document())); };
}

}  // namespace pleb::api
