#pragma once
// The REST API's router: `/api/v1/...` routes with path parameters, each declaring who may call it.
// Authentication (NIP-98 or a session token) and authorization happen here, in one place, before a
// handler runs; handlers see a Request whose principal already satisfies the route's access level.
// Errors are RFC 9457 problem+json. The router is an http::HttpHandler, so it plugs into http::Server.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"
#include "nostr/bytes.hpp"

namespace pleb::api {

enum class Role { kMember, kModerator, kAdmin };
std::string_view role_name(Role role);  // "member", "moderator", "admin"

// Who may call a route. Each level includes the ones above it in this list.
enum class Access {
  kPublic,         // anyone, no credentials needed (credentials are still checked when present)
  kAuthenticated,  // any valid NIP-98 signature or session token, member or not
  kMember,
  kModerator,
  kAdmin,
};

struct Principal {
  nostr::Bytes32 pubkey{};
  Role role = Role::kMember;
  bool is_member = false;  // false: signed in, but not (yet) a community member
};

struct Request {
  const http::HttpRequest& http;
  std::map<std::string, std::string> params;  // path parameters: "/users/{pubkey}" -> params["pubkey"]
  std::map<std::string, std::string> query;   // decoded query string
  std::optional<Principal> principal;         // set when the caller authenticated
  std::string_view body() const { return http.body; }
};

using Handler = std::function<http::HttpResponse(const Request&)>;

// An error a handler throws to answer with problem+json (or returns via problem()).
struct ApiError {
  unsigned status;
  std::string title;
  std::string detail;
};
http::HttpResponse problem(unsigned status, std::string_view title, std::string_view detail);
// 200 (or `status`) with an application/json body.
http::HttpResponse json_response(std::string body, unsigned status = 200);

struct RouteOptions {
  // Public GETs answered with an ETag and a 304 on If-None-Match; any successful non-GET request
  // through the router invalidates the cached tags.
  bool cacheable = false;
  std::size_t max_body_bytes = 64 * 1024;  // larger bodies: 413
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access;
};

// Looks up the role and membership of an authenticated pubkey (the user service and the configured
// admin pubkeys provide it).
using RoleResolver = std::function<Principal(const nostr::Bytes32& pubkey)>;

class Router {
 public:
  // Registers a route. `pattern` is the full path with `{name}` segments, e.g. "/api/v1/users/{pubkey}".
  void add(std::string method, std::string pattern, Access access, Handler handler, RouteOptions options = {});
  // Answers one request (an http::HttpHandler).
  http::HttpResponse handle(const http::HttpRequest& request);
  // Every registered route, for the OpenAPI consistency test.
  std::vector<RouteInfo> routes() const;
  // (The gateway adds its constructor options: public URL for NIP-98, session secret, CORS, limits.)
};

}  // namespace pleb::api
