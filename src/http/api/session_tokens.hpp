#pragma once
// Session tokens: after one NIP-98 request, a short-lived HS256 JWT (sub = pubkey hex, role, iat, exp)
// that authenticates as `Authorization: Bearer <token>` without signing every request.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/api/router.hpp"
#include "nostr/bytes.hpp"
#include "nostr/result.hpp"

namespace pleb::api {

struct SessionClaims {
  nostr::Bytes32 pubkey{};
  Role role = Role::kMember;  // the role when the token was issued
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

class SessionTokens {
 public:
  // `secret`: the HMAC key, at least 32 bytes (std::invalid_argument otherwise); empty: 32 random bytes.
  SessionTokens(std::string secret, std::chrono::seconds lifetime);

  // A signed token valid from `now` for the lifetime.
  std::string issue(const nostr::Bytes32& pubkey, Role role, std::int64_t now) const;
  std::chrono::seconds lifetime() const { return lifetime_; }
  // The claims of a token this key signed and that has not expired at `now`, or why not.
  nostr::Result<SessionClaims> verify(std::string_view token, std::int64_t now) const;

 private:
  std::string secret_;
  std::chrono::seconds lifetime_;
};

}  // namespace pleb::api
