#include "services/moderation/routes.hpp"

#include "nostr/bytes.hpp"
#include "nostr/json_writer.hpp"
#include "services/route_support.hpp"

namespace pleb::moderation {
namespace {

using services::guarded;
using services::query_limit;

using api::Access;
using api::ApiError;
using api::Request;
using http::HttpResponse;

HttpResponse result_response(const Result& result) {
  switch (result.outcome) {
    case Outcome::kDone:
      return {};
    case Outcome::kNotFound:
      return api::problem(404, "Not Found", result.detail);
    case Outcome::kDecided:
      return api::problem(409, "Conflict", result.detail);
    case Outcome::kInvalid:
      return api::problem(400, "Bad Request", result.detail);
    case Outcome::kRefused:
      return api::problem(422, "Unprocessable Content", result.detail);
    case Outcome::kUnavailable:
      break;
  }
  auto response = api::problem(503, "Service Unavailable", result.detail);
  response.headers.insert_or_assign("Retry-After", std::string("5"));
  return response;
}

nostr::Bytes32 path_id(const Request& request) {
  auto id = nostr::parse_hex_lower<32>(request.params.at("id"));
  if (!id) throw ApiError{400, "Bad Request", "an event id is 64 lowercase hex characters"};
  return *id;
}

std::string decided_json(const nostr::Bytes32& id, std::string_view status) {
  std::string out = "{\"id\":\"";
  nostr::append_hex(out, id.data(), id.size());
  out.append("\",\"status\":");
  nostr::append_json_string(out, status);
  out.push_back('}');
  return out;
}

}  // namespace

std::string held_page_json(const HeldPage& page) {
  std::string out = "{\"events\":[";
  bool first = true;
  for (const auto& held : page.events) {
    if (!first) out.push_back(',');
    first = false;
    out.append("{\"id\":\"");
    nostr::append_hex(out, held.id.data(), held.id.size());
    out.append("\",\"pubkey\":\"");
    nostr::append_hex(out, held.pubkey.data(), held.pubkey.size());
    out.append("\",\"kind\":").append(std::to_string(held.kind));
    out.append(",\"created_at\":").append(std::to_string(held.created_at));
    out.append(",\"reason\":");
    nostr::append_json_string(out, held.reason);
    out.append(",\"held_at\":").append(std::to_string(held.held_at));
    // Stored as this service serialized it: already JSON.
    out.append(",\"event\":").append(held.json).push_back('}');
  }
  out.append("],\"next_cursor\":");
  if (page.next_cursor) {
    nostr::append_json_string(out, *page.next_cursor);
  } else {
    out.append("null");
  }
  out.push_back('}');
  return out;
}

void add_moderation_routes(api::Router& router, ModerationService& moderation) {
  router.add("GET", "/api/v1/moderation/held", Access::kModerator,
             guarded("moderation", [&moderation](const Request& request) {
               auto cursor = request.query.find("cursor");
               Result problem;
               auto page = moderation.list(query_limit(request, kDefaultHeldPage, kMaxHeldPage),
                                           cursor == request.query.end() ? "" : cursor->second, problem);
               if (!page) return result_response(problem);
               return api::json_response(held_page_json(*page));
             }));
  router.add("POST", "/api/v1/moderation/held/{id}/approve", Access::kModerator,
             guarded("moderation", [&moderation](const Request& request) {
               auto id = path_id(request);
               auto result = moderation.approve(id);
               if (result.outcome != Outcome::kDone) return result_response(result);
               return api::json_response(decided_json(id, "approved"));
             }));
  router.add("POST", "/api/v1/moderation/held/{id}/reject", Access::kModerator,
             guarded("moderation", [&moderation](const Request& request) {
               auto id = path_id(request);
               auto result = moderation.reject(id);
               if (result.outcome != Outcome::kDone) return result_response(result);
               return api::json_response(decided_json(id, "rejected"));
             }));
}

}  // namespace pleb::moderation
