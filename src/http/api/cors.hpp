#pragma once
// Cross-origin access for browsers: which origins may call the API, preflight answers, and the headers
// every response carries for an allowed origin.
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"

namespace pleb::api {

class CorsPolicy {
 public:
  // Exact origins ("https://app.example") or "*" for any.
  explicit CorsPolicy(std::vector<std::string> origins);

  bool allows(std::string_view origin) const;
  // Adds Access-Control-Allow-Origin (and Vary, exposed headers) when `origin` is allowed.
  void decorate(http::HttpResponse& response, std::string_view origin) const;
  // The answer to an OPTIONS preflight for a path served with `methods` (e.g. "GET, HEAD, OPTIONS").
  http::HttpResponse preflight(std::string_view origin, std::string_view requested_method,
                               const std::string& methods) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace pleb::api
