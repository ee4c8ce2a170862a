#include "test_routes.hpp"

#include <stdexcept>

#include "nostr/json_writer.hpp"

namespace pleb::api::testing {
namespace {

std::string json_string(std::string_view text) {
  std::string out;
  nostr::append_json_string(out, text);
  return out;
}

http::HttpResponse ok() {
  return json_response("{\"ok\":true}");
}

}  // namespace

void add_test_routes(Router& router, TestRouteState& state) {
  router.add("GET", "/api/v1/test/whoami", Access::kAuthenticated, [](const Request& request) {
    const Principal& who = *request.principal;
    std::string body = "{\"pubkey\":\"" + nostr::to_hex(who.pubkey) + "\",\"role\":\"";
    body.append(role_name(who.role)).append("\",\"member\":").append(who.is_member ? "true" : "false");
    body.append(",\"credential\":\"").append(who.credential == Credential::kNip98 ? "nip98" : "session");
    body.append("\"}");
    return json_response(std::move(body));
  });
  router.add(
      "POST", "/api/v1/test/echo", Access::kAuthenticated,
      [](const Request& request) { return json_response(std::string(request.body()), 201); },
      RouteOptions{.max_body_bytes = 1024});
  router.add(
      "GET", "/api/v1/test/notes", Access::kPublic,
      [&state](const Request&) {
        ++state.notes_reads;
        std::lock_guard lock(state.mutex);
        return json_response("{\"notes\":" + state.notes + "}");
      },
      RouteOptions{.cacheable = true});
  router.add("PUT", "/api/v1/test/notes", Access::kMember, [&state](const Request& request) {
    std::lock_guard lock(state.mutex);
    state.notes = std::string(request.body());
    return ok();
  });
  router.add("GET", "/api/v1/test/club", Access::kMember, [](const Request&) { return ok(); });
  router.add("GET", "/api/v1/test/moderation", Access::kModerator, [](const Request&) { return ok(); });
  router.add("GET", "/api/v1/test/admin", Access::kAdmin, [](const Request&) { return ok(); });
  router.add("GET", "/api/v1/test/items/{id}", Access::kPublic, [](const Request& request) {
    std::string body = "{\"id\":" + json_string(request.params.at("id"));
    auto sort = request.query.find("sort");
    if (sort != request.query.end()) body.append(",\"sort\":").append(json_string(sort->second));
    return json_response(body + "}");
  });
  router.add("GET", "/api/v1/test/items/special", Access::kPublic,
             [](const Request&) { return json_response("{\"special\":true}"); });
  router.add("DELETE", "/api/v1/test/items/{id}", Access::kAdmin, [](const Request&) {
    return http::HttpResponse{204, "application/json", "", {}};
  });
  router.add("GET", "/api/v1/test/boom", Access::kPublic, [](const Request&) -> http::HttpResponse {
    throw std::runtime_error("lost connection to postgres://admin:hunter2@db");
  });
  router.add("GET", "/api/v1/test/conflict", Access::kPublic, [](const Request&) -> http::HttpResponse {
    throw ApiError{409, "Conflict", "the item is in use"};
  });
  router.add("GET", "/api/v1/test/limited", Access::kPublic, [](const Request&) { return ok(); });
}

}  // namespace pleb::api::testing
