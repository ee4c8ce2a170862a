#pragma once
// redis://[[username]:password@]host[:port][/db] (host may be an [IPv6] literal; username and password
// are percent-decoded). TLS (rediss://) is refused: hiredis 0.14 has no TLS.
#include <cstdint>
#include <string>
#include <string_view>

namespace pleb::cache {

struct RedisEndpoint {
  std::string host;
  std::uint16_t port = 6379;
  std::string username;  // empty: AUTH with the password alone (the default user)
  std::string password;  // empty: no AUTH
  int db = 0;
  // "host:port/db" without credentials, for logs and errors.
  std::string describe() const;
};

// Throws std::invalid_argument naming what is wrong.
RedisEndpoint parse_redis_url(std::string_view url);

}  // namespace pleb::cache
