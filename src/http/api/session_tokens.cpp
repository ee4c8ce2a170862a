#include "http/api/session_tokens.hpp"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "nostr/schnorr.hpp"

namespace pleb::api {
namespace {

constexpr std::size_t kMinSecretBytes = 32;
// A session token is a few hundred bytes; anything much longer is not one of ours.
constexpr std::size_t kMaxTokenChars = 4096;

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

const unsigned char* key_bytes(const std::string& secret) {
  return reinterpret_cast<const unsigned char*>(secret.data());
}

}  // namespace

SessionTokens::SessionTokens(std::string secret, std::chrono::seconds lifetime)
    : secret_(std::move(secret)), lifetime_(lifetime) {
  if (secret_.empty()) {
    auto random = nostr::random_bytes32();
    secret_.assign(reinterpret_cast<const char*>(random.data()), random.size());
  } else if (secret_.size() < kMinSecretBytes) {
    throw std::invalid_argument("the session secret must be at least 32 bytes");
  }
  if (lifetime_.count() <= 0) throw std::invalid_argument("the session lifetime must be positive");
}

std::string SessionTokens::issue(const nostr::Bytes32& pubkey, Role role, std::int64_t now) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::bad_alloc();
  JwtPtr jwt(raw);
  std::string subject = nostr::to_hex(pubkey);
  std::string role_text(role_name(role));
  if (jwt_add_grant(jwt.get(), "sub", subject.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "role", role_text.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(now)) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(now + lifetime_.count())) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, key_bytes(secret_), static_cast<int>(secret_.size())) != 0) {
    throw std::runtime_error("could not build a session token");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (!encoded) throw std::runtime_error("could not sign a session token");
  std::string token(encoded);
  std::free(encoded);
  return token;
}

nostr::Result<SessionClaims> SessionTokens::verify(std::string_view token, std::int64_t now) const {
  using R = nostr::Result<SessionClaims>;
  if (token.empty() || token.size() > kMaxTokenChars) return R::failure("session token is malformed");
  std::string terminated(token);
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, terminated.c_str(), key_bytes(secret_), static_cast<int>(secret_.size())) != 0) {
    return R::failure("session token is malformed or its signature does not verify");
  }
  JwtPtr jwt(raw);
  // An unsigned ("alg": "none") token decodes without a key check: only our own algorithm is accepted.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return R::failure("session token must be signed with HS256");

  SessionClaims claims;
  const char* subject = jwt_get_grant(jwt.get(), "sub");
  auto pubkey = subject ? nostr::parse_hex_lower<32>(subject) : std::nullopt;
  if (!pubkey) return R::failure("session token has no valid subject");
  claims.pubkey = *pubkey;
  const char* role_text = jwt_get_grant(jwt.get(), "role");
  auto role = role_text ? role_from_name(role_text) : std::nullopt;
  if (!role) return R::failure("session token has no valid role");
  claims.role = *role;
  errno = 0;
  claims.issued_at = jwt_get_grant_int(jwt.get(), "iat");
  claims.expires_at = jwt_get_grant_int(jwt.get(), "exp");
  if (errno == ENOENT) return R::failure("session token has no iat or exp");
  if (now >= claims.expires_at) return R::failure("session token has expired");
  return claims;
}

}  // namespace pleb::api
