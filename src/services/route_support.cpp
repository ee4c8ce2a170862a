#include "services/route_support.hpp"

#include <charconv>
#include <string>

#include "store/service_db/service_db.hpp"

namespace pleb::services {

std::size_t query_limit(const api::Request& request, std::size_t fallback, std::size_t max) {
  auto it = request.query.find("limit");
  if (it == request.query.end()) return fallback;
  std::size_t limit = 0;
  const std::string& text = it->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (error != std::errc() || end != text.data() + text.size() || limit < 1 || limit > max) {
    throw api::ApiError{400, "Bad Request", "limit is a whole number from 1 to " + std::to_string(max)};
  }
  return limit;
}

api::Handler guarded(std::string_view database, api::Handler handler) {
  std::string detail = "the " + std::string(database) + " database is unavailable; try again";
  return [handler = std::move(handler), detail = std::move(detail)](const api::Request& request) {
    try {
      return handler(request);
    } catch (const store::ServiceDbError&) {
      auto response = api::problem(503, "Service Unavailable", detail);
      response.headers.insert_or_assign("Retry-After", std::string("5"));
      return response;
    }
  };
}

}  // namespace pleb::services
