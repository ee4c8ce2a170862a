#pragma once
// Turns a request's Authorization header into a Principal: `Nostr <NIP-98 event>` or `Bearer <session
// token>`, then the caller's role (configured admins first, then the role resolver).
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "http/api/router.hpp"
#include "http/api/session_tokens.hpp"
#include "nostr/nip98.hpp"
#include "nostr/result.hpp"

namespace pleb::api {

// The role resolver failed with something other than an ApiError (its database is down, say): the caller's
// credentials may be fine, but who they are cannot be settled now. The router answers 503.
struct RolesUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Authenticator {
 public:
  Authenticator(std::string public_url, const std::vector<nostr::Bytes32>& admins, RoleResolver roles,
                std::shared_ptr<nostr::nip98::ReplayMemory> replay, const SessionTokens& sessions);

  // Nullopt when the request carries no Authorization header; the reason when its credentials fail.
  nostr::Result<std::optional<Principal>> authenticate(const http::HttpRequest& request,
                                                       std::int64_t now) const;
  // The role and membership of a pubkey that proved itself. Throws RolesUnavailable when the resolver
  // fails; an ApiError it throws passes through unchanged.
  Principal principal_for(const nostr::Bytes32& pubkey, Credential credential) const;
  // The absolute URL a NIP-98 `u` tag must name for this request.
  std::string request_url(const http::HttpRequest& request) const;

 private:
  std::string public_url_;
  std::set<nostr::Bytes32> admins_;
  RoleResolver roles_;
  std::shared_ptr<nostr::nip98::ReplayMemory> replay_;
  const SessionTokens& sessions_;
};

}  // namespace pleb::api
