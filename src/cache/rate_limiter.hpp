#pragma once
// Token-bucket rate limits keyed by a string ("ip:1.2.3.4", "pubkey:<hex>", "route:POST /api/v1/nip05",
// "global"). One interface, two engines: memory/ for one process (`pleb serve`), redis/ for several
// processes sharing one set of buckets. The relay and the HTTP gateway both build on take_all().
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pleb::cache {

// A bucket holds at most `capacity` tokens (the burst) and gains `refill_per_second` tokens per second.
// A new or forgotten bucket is full.
struct RateRule {
  double capacity = 0;
  double refill_per_second = 0;
};

// One level of a multi-level check: `level` names it in the decision ("global", "ip", ...), `key` is
// the bucket (distinct within one call).
struct Limit {
  std::string_view level;
  std::string_view key;
  RateRule rule;
};

struct RateDecision {
  bool allowed = false;
  // Allowed: the fewest tokens left in any of the buckets after the take. Denied: the tokens in the
  // first denying bucket (less than the cost). Floor it for an X-RateLimit-Remaining header.
  double remaining = 0;
  // Denied: whole seconds (rounded up, at least 1) until every denying bucket holds the cost again, for a
  // Retry-After header. Allowed: 0.
  std::uint32_t retry_after = 0;
  // Denied: the first limit (in the caller's order) that had too few tokens; empty when the decision was
  // made without the buckets (`degraded`).
  std::string denied_level;
  std::string denied_key;
  // The shared buckets could not be reached: the decision is the configured failure mode (fail-open or
  // fail-closed), not a count. Engines also log the outage once when it starts and once when it ends.
  bool degraded = false;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes `cost` tokens from every bucket, or from none: when one limit denies, nothing is spent, so a
  // refused request costs the client nothing at the other levels. Atomic against concurrent callers
  // (and, for the Redis engine, against other processes).
  // Throws std::invalid_argument for an empty list, a repeated key, a rule whose capacity or refill rate
  // is not positive and finite, or a cost outside [0, capacity] (such a cost could never be allowed).
  virtual RateDecision take_all(std::span<const Limit> limits, double cost = 1) = 0;

  RateDecision take(std::string_view key, const RateRule& rule, double cost = 1) {
    const Limit limit{"", key, rule};
    return take_all(std::span(&limit, 1), cost);
  }
};

// The standard levels of a request, checked in this order: global, per IP, per pubkey, per route, per
// connection. A level is checked only when its rule is set and the request has that identity (an
// unauthenticated request has no pubkey). Keys: "global", "ip:<ip>", "pubkey:<hex>", "route:<route>",
// "conn:<id>"; level names: "global", "ip", "pubkey", "route", "connection".
// The relay uses global, pubkey and connection; the HTTP gateway global, ip, pubkey and route.
struct RequestLimits {
  std::optional<RateRule> global;
  std::optional<RateRule> per_ip;
  std::optional<RateRule> per_pubkey;
  std::optional<RateRule> per_route;
  std::optional<RateRule> per_connection;
};

struct RequestIdentity {
  std::string_view ip;
  std::string_view pubkey;      // hex, empty when unauthenticated
  std::string_view route;       // e.g. "POST /api/v1/nip05"
  std::string_view connection;  // unique within the limiter's scope (across processes for Redis)
};

// Allowed with nothing checked when no level applies.
RateDecision check_request(RateLimiter& limiter, const RequestLimits& limits, const RequestIdentity& who,
                           double cost = 1);

// Shared by the engines so they agree to the token: throws std::invalid_argument as take_all documents.
void validate(std::span<const Limit> limits, double cost);

// Seconds until `tokens` grows to `cost` at `rate` per second: rounded up, at least 1.
std::uint32_t retry_after_seconds(double tokens, double cost, double rate);

}  // namespace pleb::cache
