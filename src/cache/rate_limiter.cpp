#include "cache/rate_limiter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

namespace pleb::cache {

void validate(std::span<const Limit> limits, double cost) {
  if (limits.empty()) throw std::invalid_argument("rate limit: no limit to check");
  if (!std::isfinite(cost) || cost < 0)
    throw std::invalid_argument("rate limit: cost must be finite and >= 0");
  std::unordered_set<std::string_view> keys;
  for (const Limit& limit : limits) {
    const RateRule& rule = limit.rule;
    if (!std::isfinite(rule.capacity) || rule.capacity <= 0 || !std::isfinite(rule.refill_per_second) ||
        rule.refill_per_second <= 0) {
      throw std::invalid_argument("rate limit: capacity and refill rate of '" + std::string(limit.key) +
                                  "' must be finite and positive");
    }
    if (cost > rule.capacity) {
      throw std::invalid_argument("rate limit: cost exceeds the capacity of '" + std::string(limit.key) +
                                  "'");
    }
    if (!keys.insert(limit.key).second) {
      throw std::invalid_argument("rate limit: key '" + std::string(limit.key) + "' repeated in one check");
    }
  }
}

std::uint32_t retry_after_seconds(double tokens, double cost, double rate) {
  const double seconds = std::ceil((cost - tokens) / rate);
  if (!(seconds >= 1)) return 1;
  if (seconds >= std::numeric_limits<std::uint32_t>::max()) return std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(seconds);
}

RateDecision check_request(RateLimiter& limiter, const RequestLimits& limits, const RequestIdentity& who,
                           double cost) {
  // Keys are built into fixed storage so the Limits can point at them.
  std::array<std::string, 5> keys;
  std::array<Limit, 5> checked;
  std::size_t count = 0;
  auto add = [&](std::string_view level, std::string_view prefix, std::string_view id,
                 const std::optional<RateRule>& rule) {
    if (!rule) return;
    keys[count].assign(prefix).append(id);
    checked[count] = Limit{level, keys[count], *rule};
    ++count;
  };
  add("global", "global", "", limits.global);
  if (!who.ip.empty()) add("ip", "ip:", who.ip, limits.per_ip);
  if (!who.pubkey.empty()) add("pubkey", "pubkey:", who.pubkey, limits.per_pubkey);
  if (!who.route.empty()) add("route", "route:", who.route, limits.per_route);
  if (!who.connection.empty()) add("connection", "conn:", who.connection, limits.per_connection);
  if (count == 0) {
    RateDecision open;
    open.allowed = true;
    open.remaining = std::numeric_limits<double>::infinity();
    return open;
  }
  return limiter.take_all(std::span(checked.data(), count), cost);
}

}  // namespace pleb::cache
