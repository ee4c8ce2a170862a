#include "cache/redis/redis_rate_limiter.hpp"

#include <charconv>
#include <cstdlib>

namespace pleb::cache {
namespace {

// KEYS[i]: a bucket. ARGV[1]: the cost; ARGV[2i], ARGV[2i+1]: capacity and refill per second of KEYS[i].
// Returns {index of the first denying key or 0, retry-after seconds, remaining tokens as text}.
// Timestamps are written with %.0f and tokens with %.17g: Redis would turn a Lua number into text with
// only 14 significant digits, which loses microseconds from a 16-digit timestamp.
constexpr std::string_view kTakeScript = R"lua(
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local cost = tonumber(ARGV[1])
local levels = {}
local denied, retry, remaining = 0, 0, 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', key, 't', 'at')
  local tokens = capacity
  if state[1] and state[2] then
    local elapsed = math.max(0, now - tonumber(state[2]))
    tokens = math.min(capacity, tonumber(state[1]) + elapsed * rate / 1000000)
  end
  levels[i] = tokens
  if tokens < cost then
    if denied == 0 then
      denied = i
      remaining = tokens
    end
    retry = math.max(retry, math.ceil((cost - tokens) / rate))
  end
end
if denied > 0 then
  return {denied, math.max(retry, 1), string.format('%.17g', remaining)}
end
remaining = nil
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local left = levels[i] - cost
  redis.call('HSET', key, 't', string.format('%.17g', left), 'at', string.format('%.0f', now))
  redis.call('PEXPIRE', key, math.min(math.ceil((capacity - left) / rate * 1000) + 1, 3153600000000))
  if remaining == nil or left < remaining then remaining = left end
end
return {0, 0, string.format('%.17g', remaining)}
)lua";

std::string number_text(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

RateDecision degraded_decision(FailureMode mode) {
  RateDecision decision;
  decision.degraded = true;
  decision.allowed = mode == FailureMode::kOpen;
  decision.retry_after = decision.allowed ? 0 : 1;
  return decision;
}

}  // namespace

RedisRateLimiter::RedisRateLimiter(std::shared_ptr<RedisClient> client, RedisRateLimiterOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      outage_(options_.log, "rate limits in Redis at " + client_->endpoint().describe(),
              options_.failure_mode == FailureMode::kOpen
                  ? "rate limits fail open (allow) until it returns"
                  : "rate limits fail closed (deny) until it returns") {}

RedisReply RedisRateLimiter::run_script(std::vector<std::string_view>& args) {
  std::string sha;
  {
    std::lock_guard lock(sha_mutex_);
    sha = sha_;
  }
  if (sha.empty()) {
    RedisReply loaded = client_->command({"SCRIPT", "LOAD", kTakeScript});
    if (loaded.type != RedisReply::Type::kString)
      throw std::runtime_error("SCRIPT LOAD failed: " + loaded.text);
    sha = loaded.text;
    std::lock_guard lock(sha_mutex_);
    sha_ = sha;
  }
  args[0] = "EVALSHA";
  args[1] = sha;
  RedisReply reply = client_->command(args);
  if (reply.is_error() && reply.text.starts_with("NOSCRIPT")) {
    // The server restarted or its script cache was flushed; EVAL runs the script and caches it again.
    args[0] = "EVAL";
    args[1] = kTakeScript;
    reply = client_->command(args);
  }
  return reply;
}

RateDecision RedisRateLimiter::take_all(std::span<const Limit> limits, double cost) {
  validate(limits, cost);
  std::vector<std::string> texts;  // keys, then numbers; reserved so the views below stay valid
  texts.reserve(2 + limits.size() * 3);
  texts.push_back(std::to_string(limits.size()));
  for (const Limit& limit : limits) texts.push_back(options_.key_prefix + std::string(limit.key));
  texts.push_back(number_text(cost));
  for (const Limit& limit : limits) {
    texts.push_back(number_text(limit.rule.capacity));
    texts.push_back(number_text(limit.rule.refill_per_second));
  }
  std::vector<std::string_view> args{"", ""};  // the command and the script, set by run_script
  args.insert(args.end(), texts.begin(), texts.end());

  try {
    const RedisReply reply = run_script(args);
    if (reply.type != RedisReply::Type::kArray || reply.elements.size() != 3 ||
        reply.elements[0].type != RedisReply::Type::kInteger ||
        reply.elements[1].type != RedisReply::Type::kInteger ||
        reply.elements[2].type != RedisReply::Type::kString) {
      throw std::runtime_error("unexpected reply to the rate-limit script: " +
                               (reply.is_error() ? reply.text : std::string("wrong shape")));
    }
    outage_.succeeded();
    RateDecision decision;
    const long long denied = reply.elements[0].integer;
    decision.allowed = denied == 0;
    decision.retry_after = static_cast<std::uint32_t>(reply.elements[1].integer);
    decision.remaining = std::strtod(reply.elements[2].text.c_str(), nullptr);
    if (denied > 0 && static_cast<std::size_t>(denied) <= limits.size()) {
      decision.denied_level = limits[denied - 1].level;
      decision.denied_key = limits[denied - 1].key;
    }
    return decision;
  } catch (const std::runtime_error& error) {
    // RedisUnavailable, or Redis answering with an error (a key of another type under our prefix):
    // either way the shared counts cannot be consulted.
    outage_.failed(error.what());
    return degraded_decision(options_.failure_mode);
  }
}

}  // namespace pleb::cache
