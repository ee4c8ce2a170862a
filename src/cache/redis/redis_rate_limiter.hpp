#pragma once
// Rate-limit buckets in Redis, shared by every process that uses the same Redis and key prefix.
// Each take_all() is one Lua script run atomically by Redis (EVALSHA, falling back to EVAL when the
// server has lost its script cache), timed by the server's own clock (TIME), so processes whose clocks
// disagree still share one bucket exactly. A bucket is a hash {t: tokens, at: microseconds} whose key
// expires when the bucket would be full again: idle buckets cost Redis nothing.
//
// When Redis cannot be reached, decisions follow the failure mode and are marked `degraded`; the outage
// is logged when it starts and when it ends, and the client reconnects by itself.
#include <memory>
#include <mutex>
#include <string>

#include "cache/rate_limiter.hpp"
#include "cache/redis/outage_log.hpp"
#include "cache/redis/redis_client.hpp"

namespace pleb::cache {

enum class FailureMode {
  kOpen,    // allow while Redis is unreachable: availability over enforcement
  kClosed,  // deny (retry_after 1) while Redis is unreachable: enforcement over availability
};

struct RedisRateLimiterOptions {
  std::string key_prefix = "pleb:rl:";
  FailureMode failure_mode = FailureMode::kOpen;
  LogSink log = default_log_sink();
};

class RedisRateLimiter final : public RateLimiter {
 public:
  RedisRateLimiter(std::shared_ptr<RedisClient> client, RedisRateLimiterOptions options = {});
  RateDecision take_all(std::span<const Limit> limits, double cost = 1) override;

 private:
  RedisReply run_script(std::vector<std::string_view>& args);

  std::shared_ptr<RedisClient> client_;
  RedisRateLimiterOptions options_;
  OutageLog outage_;
  std::mutex sha_mutex_;
  std::string sha_;  // of the script, once SCRIPT LOAD has told it
};

}  // namespace pleb::cache
