// The small vocabulary shared by the router and the handlers: responses, roles, access levels.
#include "http/api/router.hpp"

namespace pleb::api {

http::HttpResponse problem(unsigned status, std::string_view title, std::string_view detail) {
  return http::problem_response(status, title, detail);
}

http::HttpResponse json_response(std::string body, unsigned status) {
  return http::HttpResponse{status, "application/json", std::move(body), {}};
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kMember:
      return "member";
    case Role::kModerator:
      return "moderator";
    case Role::kAdmin:
      return "admin";
  }
  return "member";
}

std::optional<Role> role_from_name(std::string_view name) {
  for (Role role : {Role::kMember, Role::kModerator, Role::kAdmin}) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view access_name(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kAuthenticated:
      return "authenticated";
    case Access::kMember:
      return "member";
    case Access::kModerator:
      return "moderator";
    case Access::kAdmin:
      return "admin";
  }
  return "admin";
}

}  // namespace pleb::api
