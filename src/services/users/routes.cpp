#include "services/users/routes.hpp"

#include "nostr/nip19.hpp"
#include "services/route_support.hpp"
#include "services/users/json_input.hpp"
#include "services/users/json_output.hpp"

namespace pleb::users {
namespace {

using services::guarded;
using services::query_limit;

using api::Access;
using api::ApiError;
using api::Request;
using http::HttpResponse;

HttpResponse failure_response(const Problem& problem) {
  switch (problem.failure) {
    case Failure::kInvalid:
      return api::problem(422, "Unprocessable Content", problem.detail);
    case Failure::kReserved:
      return api::problem(409, "Name Reserved", problem.detail);
    case Failure::kTaken:
      return api::problem(409, "Name Taken", problem.detail);
    case Failure::kConflict:
      return api::problem(409, "Conflict", problem.detail);
    case Failure::kNotFound:
      return api::problem(404, "Not Found", problem.detail);
  }
  return api::problem(500, "Internal Server Error", problem.detail);
}

HttpResponse body_error_response(const BodyError& error) {
  if (error.kind == BodyError::kMalformed) return api::problem(400, "Bad Request", error.detail);
  return api::problem(422, "Unprocessable Content", error.detail);
}

// A pubkey in a path: 64 lowercase hex characters, or an npub.
nostr::Bytes32 path_pubkey(const Request& request) {
  const std::string& text = request.params.at("pubkey");
  if (auto hex = nostr::parse_hex_lower<32>(text)) return *hex;
  if (text.starts_with("npub1")) {
    auto npub = nostr::decode_npub(text);
    if (npub) return *npub;
    throw ApiError{400, "Bad Request", join_text({"invalid npub: ", npub.error()})};
  }
  throw ApiError{400, "Bad Request", "a pubkey is 64 lowercase hex characters or an npub"};
}

const nostr::Bytes32& caller(const Request& request) {
  // The router guarantees a principal on every route above kPublic.
  if (!request.principal) throw ApiError{401, "Unauthorized", "authentication required"};
  return request.principal->pubkey;
}

}  // namespace

void add_user_routes(api::Router& router, UserService& users) {
  api::RouteOptions cacheable;
  cacheable.cacheable = true;

  router.add("GET", "/api/v1/users/{pubkey}", Access::kPublic,
             guarded("user",
                     [&users](const Request& request) {
                       auto account = users.account(path_pubkey(request));
                       if (!account) return api::problem(404, "Not Found", "no account for this pubkey");
                       return api::json_response(account_json(*account));
                     }),
             cacheable);

  router.add("PATCH", "/api/v1/users/me", Access::kAuthenticated,
             guarded("user", [&users](const Request& request) {
               auto patch = parse_profile_patch(request.body());
               if (patch.error) return body_error_response(*patch.error);
               auto account = users.update_profile(caller(request), *patch.value);
               if (!account) return failure_response(account.problem());
               return api::json_response(account_json(*account));
             }));

  router.add("POST", "/api/v1/nip05", Access::kMember, guarded("user", [&users](const Request& request) {
               auto requested = parse_name_body(request.body());
               if (requested.error) return body_error_response(*requested.error);
               auto name = users.claim_name(caller(request), *requested.value);
               if (!name) return failure_response(name.problem());
               return api::json_response(name_json(*name, caller(request)), 201);
             }));

  router.add("DELETE", "/api/v1/nip05", Access::kMember, guarded("user", [&users](const Request& request) {
               auto released = users.release_name(caller(request));
               if (!released) return failure_response(released.problem());
               HttpResponse response;
               response.status = 204;
               return response;
             }));

  router.add("GET", "/api/v1/nip05/{name}", Access::kPublic,
             guarded("user",
                     [&users](const Request& request) {
                       auto availability = users.name_availability(request.params.at("name"));
                       if (!availability) return failure_response(availability.problem());
                       return api::json_response(availability_json(*availability));
                     }),
             cacheable);

  router.add("GET", "/api/v1/members", Access::kPublic,
             guarded("user",
                     [&users](const Request& request) {
                       auto cursor = request.query.find("cursor");
                       auto page = users.members(query_limit(request, kDefaultMemberPage, kMaxMemberPage),
                                                 cursor == request.query.end() ? "" : cursor->second);
                       if (!page) return api::problem(400, "Bad Request", page.problem().detail);
                       return api::json_response(member_page_json(*page));
                     }),
             cacheable);

  router.add("POST", "/api/v1/members", Access::kAuthenticated,
             guarded("user", [&users](const Request& request) {
               auto joined = users.join(caller(request));
               return api::json_response(membership_json(caller(request), joined.membership),
                                         joined.created ? 201 : 200);
             }));

  router.add("DELETE", "/api/v1/members/me", Access::kMember,
             guarded("user", [&users](const Request& request) {
               auto left = users.leave(caller(request));
               if (!left) return failure_response(left.problem());
               HttpResponse response;
               response.status = 204;
               return response;
             }));

  router.add("POST", "/api/v1/members/{pubkey}/role", Access::kAdmin,
             guarded("user", [&users](const Request& request) {
               nostr::Bytes32 target = path_pubkey(request);
               auto role = parse_role_body(request.body());
               if (role.error) return body_error_response(*role.error);
               auto membership = users.set_role(target, *role.value);
               if (!membership) return failure_response(membership.problem());
               return api::json_response(membership_json(target, *membership));
             }));
}

}  // namespace pleb::users
