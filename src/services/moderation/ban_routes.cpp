#include "services/moderation/ban_routes.hpp"

#include "nostr/event.hpp"
#include "nostr/json_reader.hpp"
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

const std::size_t kDepth = nostr::EventLimits{}.max_depth;  // shares the thread's parser with events

ApiError invalid(std::string detail) {
  return ApiError{422, "Unprocessable Content", std::move(detail)};
}

BanType type_named(std::string_view name, unsigned status) {
  if (auto type = ban_type_from_name(name)) return *type;
  std::string detail = "type is one of pubkey, event, address (not \"";
  detail.append(name).append("\")");
  throw ApiError{status, status == 422 ? "Unprocessable Content" : "Bad Request", std::move(detail)};
}

// {"type": "pubkey"|"event"|"address", "value": "...", "reason": "...", "shadow": bool, "purge": bool}; the
// moderator and the time are the request's.
Ban parse_ban_body(std::string_view body) {
  if (body.empty())
    throw ApiError{400, "Bad Request", "the request body is empty; a JSON object is expected"};
  auto root = nostr::json::parse_document(body, kDepth);
  if (!root) {
    std::string detail = "the request body is not valid JSON: ";
    detail.append(root.error());
    throw ApiError{400, "Bad Request", std::move(detail)};
  }
  simdjson::dom::object object;
  if (root->get_object().get(object))
    throw ApiError{400, "Bad Request", "the request body must be a JSON object"};
  std::optional<std::string_view> type_text, value_text;
  Ban ban;
  for (auto [key, element] : object) {
    std::string_view text;
    if (key == "type" || key == "value" || key == "reason") {
      if (element.get_string().get(text)) {
        std::string detail = "\"";
        detail.append(key).append("\" must be a string");
        throw invalid(std::move(detail));
      }
      if (key == "type") type_text = text;
      if (key == "value") value_text = text;
      if (key == "reason") {
        if (text.size() > kMaxBanReason) {
          throw invalid("\"reason\" is at most " + std::to_string(kMaxBanReason) + " bytes");
        }
        ban.reason = std::string(text);
      }
    } else if (key == "shadow") {
      if (element.get_bool().get(ban.shadow)) throw invalid("\"shadow\" must be true or false");
    } else if (key == "purge") {
      if (element.get_bool().get(ban.purge)) throw invalid("\"purge\" must be true or false");
    } else {
      std::string detail = "unknown field \"";
      detail.append(key).append("\" (type, value, reason, shadow, purge)");
      throw invalid(std::move(detail));
    }
  }
  if (!type_text) throw invalid("missing \"type\" (pubkey, event or address)");
  if (!value_text) throw invalid("missing \"value\"");
  ban.type = type_named(*type_text, 422);
  if (ban.shadow && ban.type != BanType::kPubkey) throw invalid("only a pubkey can be shadow-banned");
  if (ban.purge && ban.type != BanType::kPubkey)
    throw invalid("only a pubkey ban can purge (an event ban always takes the event down)");
  std::string problem;
  auto value = canonical_ban_value(ban.type, *value_text, problem);
  if (!value) throw invalid(std::move(problem));
  ban.value = std::move(*value);
  return ban;
}

std::string page_json(const BanPage& page) {
  std::string out = "{\"bans\":[";
  bool first = true;
  for (const auto& ban : page.bans) {
    if (!first) out.push_back(',');
    first = false;
    out.append(ban_json(ban));
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

}  // namespace

std::string ban_json(const Ban& ban) {
  std::string out = "{\"type\":";
  nostr::append_json_string(out, ban_type_name(ban.type));
  out.append(",\"value\":");
  nostr::append_json_string(out, ban.value);
  out.append(",\"shadow\":").append(ban.shadow ? "true" : "false");
  out.append(",\"purge\":").append(ban.purge ? "true" : "false");
  out.append(",\"reason\":");
  nostr::append_json_string(out, ban.reason);
  out.append(",\"banned_by\":\"");
  nostr::append_hex(out, ban.banned_by.data(), ban.banned_by.size());
  out.append("\",\"banned_at\":").append(std::to_string(ban.banned_at));
  out.push_back('}');
  return out;
}

void add_ban_routes(api::Router& router, BanService& bans) {
  router.add("GET", "/api/v1/moderation/bans", Access::kModerator,
             guarded("moderation", [&bans](const Request& request) {
               std::optional<BanType> type;
               if (auto it = request.query.find("type"); it != request.query.end())
                 type = type_named(it->second, 400);
               auto cursor = request.query.find("cursor");
               std::string problem;
               auto page = bans.list(query_limit(request, kDefaultBanPage, kMaxBanPage),
                                     cursor == request.query.end() ? "" : cursor->second, type, problem);
               if (!page) return api::problem(400, "Bad Request", problem);
               return api::json_response(page_json(*page));
             }));
  router.add("POST", "/api/v1/moderation/bans", Access::kModerator,
             guarded("moderation", [&bans](const Request& request) {
               Ban ban = parse_ban_body(request.body());
               ban.banned_by = request.principal->pubkey;  // the router guarantees one on this route
               if (!bans.add(ban)) {
                 std::string detail = "this ";
                 detail.append(ban_type_name(ban.type)).append(" is banned already");
                 return api::problem(409, "Conflict", detail);
               }
               return api::json_response(ban_json(ban), 201);
             }));
  router.add("DELETE", "/api/v1/moderation/bans/{type}/{value}", Access::kModerator,
             guarded("moderation", [&bans](const Request& request) {
               BanType type = type_named(request.params.at("type"), 400);
               std::string problem;
               auto value = canonical_ban_value(type, request.params.at("value"), problem);
               if (!value) throw ApiError{400, "Bad Request", std::move(problem)};
               if (!bans.remove(type, *value)) {
                 return api::problem(404, "Not Found", "there is no such ban");
               }
               HttpResponse response;
               response.status = 204;
               return response;
             }));
}

}  // namespace pleb::moderation
