#pragma once
// The REST API's router: `/api/v1/...` routes with path parameters, each declaring who may call it.
// Authentication (NIP-98 or a session token) and authorization happen here, in one place, before a
// handler runs; handlers see a Request whose principal already satisfies the route's access level.
// Around them: body limits (413), JSON bodies (415), CORS, rate limiting (429), ETags (304).
// Errors are RFC 9457 problem+json. The router is an http::HttpHandler, so it plugs into http::Server.
//
// Routes are added before the server starts; handle() is then called concurrently from I/O threads.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"
#include "nostr/bytes.hpp"

namespace pleb::nostr::nip98 {
class ReplayMemory;
}

namespace pleb::api {

enum class Role { kMember, kModerator, kAdmin };
std::string_view role_name(Role role);  // "member", "moderator", "admin"
std::optional<Role> role_from_name(std::string_view name);

// Who may call a route. Each level includes the ones below it in this list.
enum class Access {
  kPublic,         // anyone, no credentials needed (credentials are still checked when present)
  kAuthenticated,  // any valid NIP-98 signature or session token, member or not
  kMember,
  kModerator,
  kAdmin,
};
std::string_view access_name(Access access);  // "public", "authenticated", "member", "moderator", "admin"

// How the caller proved its key.
enum class Credential { kNip98, kSession };

struct Principal {
  nostr::Bytes32 pubkey{};
  Role role = Role::kMember;
  bool is_member = false;  // false: signed in, but not (yet) a community member
  Credential credential = Credential::kNip98;
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
  // For public GETs whose answer is the same for every caller: answered with a strong ETag (a hash of the
  // body) and a 304 on a matching If-None-Match. The router remembers the last tag of each URL, so a
  // matching conditional request skips the handler; any successful write through the router, or the
  // router's etag_memory period, forgets them.
  bool cacheable = false;
  std::size_t max_body_bytes = 64 * 1024;  // larger bodies: 413
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access;
};

// Looks up the role and membership of an authenticated pubkey (the user service provides it; the admin
// pubkeys of the configuration are settled before it is asked). It may throw an ApiError to answer with
// that problem; any other exception means the records cannot be read now, and the router answers
// 503 Service Unavailable with Retry-After (and logs the exception), as it does for every 503.
using RoleResolver = std::function<Principal(const nostr::Bytes32& pubkey)>;

// What a rate limiter answers: go ahead, or come back after `retry_after`.
struct RateDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};
};
// Consulted before every handler with the caller's address, its pubkey when it authenticated, and the
// route; also before a 401, with no pubkey, so that guessing credentials is limited too.
using RateLimiter = std::function<RateDecision(
    std::string_view ip, const std::optional<nostr::Bytes32>& pubkey, const RouteInfo& route)>;

struct RouterOptions {
  // The public base URL clients sign in NIP-98 `u` tags, e.g. "https://relay.example" (behind a proxy this
  // is what the proxy is reached at). Empty: "http://" + the request's Host header.
  std::string public_url;
  // Origins allowed to call the API from a browser: exact origins such as "https://app.example", or "*".
  // Empty: no cross-origin access.
  std::vector<std::string> cors_origins;
  std::vector<nostr::Bytes32> admins;  // always admins, whatever the role resolver says
  RoleResolver roles;                  // empty: nobody but the admins is a member
  // HS256 key for session tokens, at least 32 bytes. Empty: random for this process, so sessions do not
  // survive a restart and are not shared by several API processes.
  std::string session_secret;
  std::chrono::seconds session_lifetime{std::chrono::minutes(15)};
  std::chrono::seconds etag_memory{std::chrono::seconds(30)};  // how long a URL's tag is trusted unchecked
  std::shared_ptr<nostr::nip98::ReplayMemory> replay;          // null: in this process's memory
  RateLimiter rate_limiter;                                    // null: unlimited
  std::function<std::int64_t()> clock;                         // Unix seconds; null: the system clock
  std::function<void(std::string_view)> log;                   // errors worth an operator's eye; null: stderr
  std::chrono::seconds unavailable_retry_after{5};             // the Retry-After of a 503 that names none
};

class Router {
 public:
  // Registers the gateway's own routes too: POST /api/v1/auth/session and GET /api/v1/openapi.json.
  explicit Router(RouterOptions options = {});
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers a route. `pattern` is the full path with `{name}` segments, e.g. "/api/v1/users/{pubkey}".
  // Where a literal segment and a parameter both match, the literal wins. Throws std::invalid_argument on
  // a malformed pattern or a route registered twice.
  void add(std::string method, std::string pattern, Access access, Handler handler,
           RouteOptions options = {});
  // Answers one request (an http::HttpHandler). Paths outside /api/ are 404.
  http::HttpResponse handle(const http::HttpRequest& request);
  // handle() as an http::HttpHandler; the router must outlive it.
  http::HttpHandler handler();
  // Every registered route, for the OpenAPI consistency check.
  std::vector<RouteInfo> routes() const;
  // True for targets this router answers (everything under /api/).
  static bool serves(std::string_view target);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pleb::api
