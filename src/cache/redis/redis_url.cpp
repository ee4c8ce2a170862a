#include "cache/redis/redis_url.hpp"

#include <charconv>
#include <stdexcept>

#include "nostr/bytes.hpp"

namespace pleb::cache {
namespace {

[[noreturn]] void fail(std::string_view why) {
  throw std::invalid_argument(std::string("invalid Redis URL: ").append(why));
}

std::string percent_decode(std::string_view text) {
  auto decoded = nostr::percent_decode(text);
  if (!decoded) fail("bad percent escape (or a NUL)");
  return std::move(*decoded);
}

template <typename Number>
Number parse_number(std::string_view text, Number max, std::string_view what) {
  Number value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    fail(std::string(what).append(" '").append(text).append("'"));
  }
  return value;
}

}  // namespace

std::string RedisEndpoint::describe() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out.append(":").append(std::to_string(port)).append("/").append(std::to_string(db));
  return out;
}

RedisEndpoint parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.starts_with("rediss://")) fail("TLS (rediss://) is not supported");
  if (!url.starts_with(kScheme)) fail("expected redis://host[:port][/db]");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) fail("query and fragment are not supported");

  RedisEndpoint endpoint;
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) endpoint.db = parse_number<int>(db, 1 << 20, "database number");
  }
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    endpoint.username = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) endpoint.password = percent_decode(userinfo.substr(colon + 1));
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail("unclosed [ in the host");
    endpoint.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') fail("unexpected text after the IPv6 host");
      port = after.substr(1);
      if (port.empty()) fail("empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    endpoint.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) fail("empty port");
    }
  }
  if (endpoint.host.empty()) fail("no host");
  if (!port.empty()) {
    endpoint.port = parse_number<std::uint16_t>(port, 65535, "port");
    if (endpoint.port == 0) fail("port 0");
  }
  return endpoint;
}

}  // namespace pleb::cache
