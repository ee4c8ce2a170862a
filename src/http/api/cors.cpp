#include "http/api/cors.hpp"

#include <algorithm>

#include "http/api/router.hpp"

namespace pleb::api {
namespace {

// Headers a browser script may send, and response headers it may read, beyond the CORS-safelisted ones.
constexpr std::string_view kAllowedRequestHeaders = "Authorization, Content-Type, If-None-Match";
constexpr std::string_view kExposedHeaders = "ETag, Retry-After, WWW-Authenticate, Allow";
constexpr std::string_view kPreflightMaxAgeSeconds = "600";

bool method_listed(const std::string& methods, std::string_view method) {
  std::string_view rest = methods;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item == method) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {
  any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::decorate(http::HttpResponse& response, std::string_view origin) const {
  if (!allows(origin)) return;
  // Credentials travel in the Authorization header, never in cookies, so "*" is safe to send as such.
  response.headers["Access-Control-Allow-Origin"] = any_ ? std::string("*") : std::string(origin);
  response.headers["Access-Control-Expose-Headers"] = std::string(kExposedHeaders);
  if (!any_) response.headers["Vary"] = "Origin";
}

http::HttpResponse CorsPolicy::preflight(std::string_view origin, std::string_view requested_method,
                                         const std::string& methods) const {
  if (!allows(origin)) {
    std::string detail = "cross-origin requests from ";
    detail.append(origin).append(" are not allowed");
    return problem(403, "Forbidden", detail);
  }
  if (!method_listed(methods, requested_method)) {
    std::string detail = "this resource does not accept ";
    detail.append(requested_method);
    auto response = problem(405, "Method Not Allowed", detail);
    response.headers["Allow"] = methods;
    decorate(response, origin);
    return response;
  }
  http::HttpResponse response{204, "text/plain; charset=utf-8", "", {}};
  decorate(response, origin);
  response.headers["Access-Control-Allow-Methods"] = methods;
  response.headers["Access-Control-Allow-Headers"] = std::string(kAllowedRequestHeaders);
  response.headers["Access-Control-Max-Age"] = std::string(kPreflightMaxAgeSeconds);
  return response;
}

}  // namespace pleb::api
