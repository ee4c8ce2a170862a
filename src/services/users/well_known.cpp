#include "services/users/well_known.hpp"

#include "http/api/route_pattern.hpp"
#include "services/users/json_output.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::users {
namespace {

// Headers are set with insert_or_assign of whole strings: assigning a literal through operator[] trips
// g++ 12 -O3's false -Wrestrict warning.
http::HttpResponse with_cors(http::HttpResponse response) {
  response.headers.insert_or_assign("Access-Control-Allow-Origin", std::string("*"));
  return response;
}

http::HttpResponse json(std::string body) {
  http::HttpResponse response;
  response.content_type = "application/json";
  response.body = std::move(body);
  return with_cors(std::move(response));
}

}  // namespace

http::HttpResponse nostr_json_response(UserService& users, const http::HttpRequest& request) {
  if (request.method == "OPTIONS") {
    http::HttpResponse preflight;
    preflight.status = 204;
    preflight.headers.insert_or_assign("Access-Control-Allow-Methods", std::string("GET, HEAD, OPTIONS"));
    preflight.headers.insert_or_assign("Access-Control-Max-Age", std::string("86400"));
    return with_cors(std::move(preflight));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    auto response = http::problem_response(405, "Method Not Allowed", "nostr.json answers GET");
    response.headers.insert_or_assign("Allow", std::string("GET, HEAD, OPTIONS"));
    return with_cors(std::move(response));
  }
  auto target = api::parse_target(request.target);
  if (!target) return with_cors(http::problem_response(400, "Bad Request", "malformed query string"));
  auto name = target->query.find("name");
  if (name == target->query.end()) {
    return with_cors(http::problem_response(400, "Bad Request",
                                            "the name query parameter is required: nostr.json?name=alice"));
  }
  try {
    auto owner = users.lookup_name(name->second);
    if (!owner) return json(empty_nostr_json());
    return json(nostr_json(name->second, *owner, users.relays()));
  } catch (const store::ServiceDbError&) {
    auto response = http::problem_response(503, "Service Unavailable", "the name directory is unavailable");
    response.headers.insert_or_assign("Retry-After", std::string("5"));
    return with_cors(std::move(response));
  }
}

http::HttpHandler nostr_json_handler(UserService& users) {
  return [&users](const http::HttpRequest& request) { return nostr_json_response(users, request); };
}

}  // namespace pleb::users
