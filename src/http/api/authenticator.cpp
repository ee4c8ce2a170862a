#include "http/api/authenticator.hpp"

#include <cctype>

namespace pleb::api {
namespace {

// The credentials after an authentication scheme name, which RFC 9110 compares without case.
std::optional<std::string_view> after_scheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return std::nullopt;
  }
  std::string_view credentials = header.substr(scheme.size() + 1);
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  while (!credentials.empty() && credentials.back() == ' ') credentials.remove_suffix(1);
  return credentials;
}

}  // namespace

Authenticator::Authenticator(std::string public_url, const std::vector<nostr::Bytes32>& admins,
                             RoleResolver roles, std::shared_ptr<nostr::nip98::ReplayMemory> replay,
                             const SessionTokens& sessions)
    : public_url_(std::move(public_url)),
      admins_(admins.begin(), admins.end()),
      roles_(std::move(roles)),
      replay_(std::move(replay)),
      sessions_(sessions) {
  while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
}

std::string Authenticator::request_url(const http::HttpRequest& request) const {
  std::string url = public_url_.empty() ? "http://" + request.header("host") : public_url_;
  url.append(request.target);
  return url;
}

Principal Authenticator::principal_for(const nostr::Bytes32& pubkey, Credential credential) const {
  Principal principal;
  if (admins_.contains(pubkey)) {
    principal.role = Role::kAdmin;
    principal.is_member = true;
  } else if (roles_) {
    try {
      principal = roles_(pubkey);
    } catch (const ApiError&) {
      throw;
    } catch (const std::exception& error) {
      throw RolesUnavailable(error.what());
    } catch (...) {
      throw RolesUnavailable("the role resolver failed with an unknown exception");
    }
  }
  principal.pubkey = pubkey;
  principal.credential = credential;
  return principal;
}

nostr::Result<std::optional<Principal>> Authenticator::authenticate(const http::HttpRequest& request,
                                                                    std::int64_t now) const {
  using R = nostr::Result<std::optional<Principal>>;
  auto header = request.headers.find("authorization");
  if (header == request.headers.end()) return std::optional<Principal>();
  if (auto credentials = after_scheme(header->second, "Nostr")) {
    std::string url = request_url(request);
    nostr::nip98::HttpRequestFacts facts{url, request.method, request.body, now};
    auto event = nostr::nip98::verify_authorization(*credentials, facts, replay_.get());
    if (!event) return R::failure(event.error());
    return std::optional<Principal>(principal_for(event->pubkey, Credential::kNip98));
  }
  if (auto token = after_scheme(header->second, "Bearer")) {
    auto claims = sessions_.verify(*token, now);
    if (!claims) return R::failure(claims.error());
    // The token proves the key; the role is looked up again, so a demotion takes effect at once.
    return std::optional<Principal>(principal_for(claims->pubkey, Credential::kSession));
  }
  return R::failure("unsupported authorization scheme (use Nostr or Bearer)");
}

}  // namespace pleb::api
