#include "http/api/router.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <set>
#include <stdexcept>

#include "http/api/authenticator.hpp"
#include "http/api/cors.hpp"
#include "http/api/etag.hpp"
#include "http/api/gateway_routes.hpp"
#include "http/api/route_pattern.hpp"
#include "http/api/session_tokens.hpp"
#include "nostr/nip98.hpp"

namespace pleb::api {
namespace {

struct Route {
  RouteInfo info;
  RoutePattern pattern;
  Handler handler;
  RouteOptions options;
};

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_read(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// application/json, or a structured +json type such as application/merge-patch+json; parameters ignored.
bool is_json_media_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  std::erase_if(type, [](char c) { return c == ' ' || c == '\t'; });
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

bool permits(Access access, const Principal& principal) {
  switch (access) {
    case Access::kPublic:
    case Access::kAuthenticated:
      return true;
    case Access::kMember:
      return principal.is_member || principal.role != Role::kMember;
    case Access::kModerator:
      return principal.role == Role::kModerator || principal.role == Role::kAdmin;
    case Access::kAdmin:
      return principal.role == Role::kAdmin;
  }
  return false;
}

std::string_view forbidden_detail(Access access) {
  switch (access) {
    case Access::kMember:
      return "this resource is for community members";
    case Access::kModerator:
      return "this resource requires the moderator or admin role";
    default:
      return "this resource requires the admin role";
  }
}

http::HttpResponse too_many_requests(std::chrono::seconds retry_after) {
  auto seconds = std::to_string(std::max<std::int64_t>(1, retry_after.count()));
  std::string detail = "rate limit exceeded; retry after ";
  detail.append(seconds).append(" s");
  auto response = problem(429, "Too Many Requests", detail);
  response.headers["Retry-After"] = seconds;
  return response;
}

}  // namespace

struct Router::Impl {
  explicit Impl(RouterOptions opts)
      : options(std::move(opts)),
        sessions(options.session_secret, options.session_lifetime),
        authenticator(
            options.public_url, options.admins, options.roles,
            options.replay ? options.replay : std::make_shared<nostr::nip98::InMemoryReplayMemory>(),
            sessions),
        cors(options.cors_origins),
        etags(options.etag_memory.count()) {
    if (!options.clock) options.clock = system_now;
    if (!options.log) options.log = [](std::string_view line) { std::cerr << "pleb api: " << line << "\n"; };
  }

  // Everything from the target to the handler's answer.
  http::HttpResponse dispatch(const http::HttpRequest& request);
  // Authentication, rate limiting and authorization; sets the principal, or answers the refusal.
  std::optional<http::HttpResponse> admit(const Route& route, Request& request);
  // The handler, with conditional requests, tags and their invalidation around it.
  http::HttpResponse run(const Route& route, const Request& request);

  RouterOptions options;
  SessionTokens sessions;
  Authenticator authenticator;
  CorsPolicy cors;
  EtagMemory etags;
  std::vector<Route> routes;
};

Router::Router(RouterOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  add("POST", std::string(kSessionPath), Access::kAuthenticated,
      session_handler(impl_->sessions, impl_->options.clock));
  add("GET", std::string(kOpenApiPath), Access::kPublic, openapi_handler(), RouteOptions{.cacheable = true});
}

Router::~Router() = default;

void Router::add(std::string method, std::string pattern, Access access, Handler handler,
                 RouteOptions options) {
  if (!serves(pattern)) throw std::invalid_argument("API routes live under /api/: " + pattern);
  if (method.empty() || method == "HEAD" || method == "OPTIONS") {
    throw std::invalid_argument("HEAD and OPTIONS are answered by the router: " + method + " " + pattern);
  }
  for (const auto& route : impl_->routes) {
    if (route.info.method == method && route.info.pattern == pattern) {
      throw std::invalid_argument("route registered twice: " + method + " " + pattern);
    }
  }
  RoutePattern compiled(pattern);
  impl_->routes.push_back(Route{RouteInfo{std::move(method), std::move(pattern), access}, std::move(compiled),
                                std::move(handler), options});
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& route : impl_->routes) out.push_back(route.info);
  return out;
}

bool Router::serves(std::string_view target) {
  return target.starts_with("/api/");
}

http::HttpHandler Router::handler() {
  return [this](const http::HttpRequest& request) { return handle(request); };
}

http::HttpResponse Router::handle(const http::HttpRequest& request) {
  http::HttpResponse response;
  try {
    response = impl_->dispatch(request);
  } catch (const ApiError& error) {  // from a role resolver or rate limiter, as from a handler
    response = problem(error.status, error.title, error.detail);
  } catch (const RolesUnavailable& error) {
    // The caller is not at fault and may well succeed shortly: a 5xx a client retries, not a 500.
    impl_->options.log(request.method + " " + request.target +
                       " could not look up the caller's role: " + error.what());
    response = problem(503, "Service Unavailable", "the membership records are unavailable; try again");
  } catch (const std::exception& error) {
    impl_->options.log(request.method + " " + request.target + " failed before its handler: " + error.what());
    response = problem(500, "Internal Server Error", "the request could not be handled");
  }
  impl_->cors.decorate(response, request.header("origin"));
  if (response.status == 401) response.headers["WWW-Authenticate"] = "Nostr";
  if (response.status == 503 && !response.headers.contains("Retry-After")) {
    response.headers["Retry-After"] =
        std::to_string(std::max<std::int64_t>(1, impl_->options.unavailable_retry_after.count()));
  }
  return response;
}

http::HttpResponse Router::Impl::dispatch(const http::HttpRequest& request) {
  auto target = parse_target(request.target);
  if (!target) return problem(400, "Bad Request", "the request target is not a valid path and query");
  if (!serves(target->path)) return problem(404, "Not Found", "no such resource");

  // Every route whose pattern matches the path; the most specific one with the request's method answers.
  std::vector<const Route*> matching;
  for (const auto& route : routes) {
    if (route.pattern.matches(target->segments)) matching.push_back(&route);
  }
  if (matching.empty()) return problem(404, "Not Found", "no API resource at " + target->path);

  std::set<std::string> methods{"OPTIONS"};
  for (const Route* route : matching) {
    methods.insert(route->info.method);
    if (route->info.method == "GET") methods.insert("HEAD");
  }
  std::string allow;
  for (const auto& method : methods) allow.append(allow.empty() ? "" : ", ").append(method);

  if (request.method == "OPTIONS") {
    std::string origin = request.header("origin");
    std::string requested = request.header("access-control-request-method");
    if (!origin.empty() && !requested.empty()) return cors.preflight(origin, requested, allow);
    http::HttpResponse response{204, "text/plain; charset=utf-8", "", {}};
    response.headers["Allow"] = allow;
    return response;
  }

  std::string_view method =
      request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
  const Route* chosen = nullptr;
  for (const Route* route : matching) {
    if (route->info.method != method) continue;
    if (!chosen || route->pattern.literal_count() > chosen->pattern.literal_count()) chosen = route;
  }
  if (!chosen) {
    auto response = problem(405, "Method Not Allowed", "this resource does not accept " + request.method);
    response.headers["Allow"] = allow;
    return response;
  }

  if (request.body.size() > chosen->options.max_body_bytes) {
    return problem(
        413, "Payload Too Large",
        "the request body is larger than " + std::to_string(chosen->options.max_body_bytes) + " bytes");
  }
  if (!request.body.empty() && !is_json_media_type(request.header("content-type"))) {
    return problem(415, "Unsupported Media Type", "the request body must be application/json");
  }

  Request api_request{request, {}, std::move(target->query), std::nullopt};
  chosen->pattern.match(target->segments, api_request.params);
  if (auto refusal = admit(*chosen, api_request)) return std::move(*refusal);
  return run(*chosen, api_request);
}

std::optional<http::HttpResponse> Router::Impl::admit(const Route& route, Request& request) {
  // Authentication; a failure is rate limited like any request, so that guessing costs the same.
  auto authenticated = authenticator.authenticate(request.http, options.clock());
  std::optional<nostr::Bytes32> caller;
  if (authenticated && *authenticated) caller = (*authenticated)->pubkey;
  if (options.rate_limiter) {
    auto decision = options.rate_limiter(request.http.remote_address, caller, route.info);
    if (!decision.allowed) return too_many_requests(decision.retry_after);
  }
  if (!authenticated) return problem(401, "Unauthorized", authenticated.error());
  request.principal = std::move(*authenticated);

  if (route.info.access == Access::kPublic) return std::nullopt;
  if (!request.principal) {
    return problem(401, "Unauthorized", "this resource requires a NIP-98 signed request or a session token");
  }
  if (!permits(route.info.access, *request.principal)) {
    return problem(403, "Forbidden", forbidden_detail(route.info.access));
  }
  return std::nullopt;
}

http::HttpResponse Router::Impl::run(const Route& route, const Request& request) {
  const bool cacheable = route.options.cacheable && route.info.method == "GET";
  const std::string& url = request.http.target;
  std::string conditional = cacheable ? request.http.header("if-none-match") : std::string();
  auto not_modified = [](const std::string& etag) {
    http::HttpResponse response{304, "application/json", "", {}};
    response.headers["ETag"] = etag;
    response.headers["Cache-Control"] = "no-cache";
    return response;
  };
  if (!conditional.empty()) {
    if (auto known = etags.recall(url, options.clock()); known && if_none_match(conditional, *known)) {
      return not_modified(*known);
    }
  }
  std::uint64_t generation = etags.generation();

  http::HttpResponse response;
  try {
    response = route.handler(request);
  } catch (const ApiError& error) {
    response = problem(error.status, error.title, error.detail);
  } catch (const std::exception& error) {
    options.log(request.http.method + " " + url + " failed: " + error.what());
    return problem(500, "Internal Server Error", "the request could not be handled");
  } catch (...) {
    options.log(request.http.method + " " + url + " failed with an unknown exception");
    return problem(500, "Internal Server Error", "the request could not be handled");
  }

  const bool succeeded = response.status >= 200 && response.status < 300;
  if (succeeded && !is_read(request.http.method)) etags.forget_all();
  if (cacheable && response.status == 200) {
    std::string etag = strong_etag(response.body);
    etags.remember(url, etag, generation, options.clock());
    if (!conditional.empty() && if_none_match(conditional, etag)) return not_modified(etag);
    response.headers["ETag"] = std::move(etag);
    response.headers["Cache-Control"] = "no-cache";
  }
  return response;
}

}  // namespace pleb::api
