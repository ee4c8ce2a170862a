// cache_take: takes tokens from a rate-limit bucket as fast as it can and says how many were allowed.
// Two at once against one Redis prove that processes share a bucket (tests/cache); alone it measures
// takes per second (docs/CACHE.md).
//   cache_take --url memory|redis://... [--prefix P] [--key K] [--keys N] --capacity C --rate R
//              --count N [--threads T] [--connections C]
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "cache/memory/memory_rate_limiter.hpp"
#include "cache/redis/redis_rate_limiter.hpp"

int main(int argc, char** argv) {
  using namespace pleb::cache;
  CLI::App app{"Take tokens from a rate-limit bucket"};
  std::string url = "memory";
  std::string prefix = "pleb:rl:";
  std::string key = "bench";
  std::size_t keys = 1;
  RateRule rule{1e9, 1e9};
  std::size_t count = 100000;
  std::size_t threads = 1;
  std::size_t connections = 4;
  app.add_option("--url", url, "memory, or a redis:// URL");
  app.add_option("--prefix", prefix, "Redis key prefix");
  app.add_option("--key", key, "bucket key (with --keys > 1, a number is appended)");
  app.add_option("--keys", keys, "spread the takes over this many keys")->check(CLI::PositiveNumber);
  app.add_option("--capacity", rule.capacity, "bucket capacity");
  app.add_option("--rate", rule.refill_per_second, "refill per second");
  app.add_option("--count", count, "takes in all");
  app.add_option("--threads", threads, "threads taking at once")->check(CLI::PositiveNumber);
  app.add_option("--connections", connections, "Redis connections in the pool")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<RateLimiter> limiter;
  if (url == "memory") {
    limiter = std::make_unique<MemoryRateLimiter>();
  } else {
    RedisClientOptions client_options;
    client_options.url = url;
    client_options.connections = connections;
    RedisRateLimiterOptions options;
    options.key_prefix = prefix;
    options.failure_mode = FailureMode::kClosed;
    limiter = std::make_unique<RedisRateLimiter>(std::make_shared<RedisClient>(client_options), options);
  }

  std::vector<std::string> names;
  for (std::size_t i = 0; i < keys; ++i) names.push_back(keys == 1 ? key : key + std::to_string(i));
  std::atomic<std::size_t> allowed{0};
  std::atomic<std::size_t> degraded{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t i = t; i < count; i += threads) {
        const RateDecision decision = limiter->take(names[i % names.size()], rule);
        if (decision.allowed) allowed.fetch_add(1, std::memory_order_relaxed);
        if (decision.degraded) degraded.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "allowed=" << allowed.load() << " denied=" << count - allowed.load()
            << " degraded=" << degraded.load() << " seconds=" << seconds
            << " takes_per_second=" << static_cast<std::uint64_t>(count / seconds) << "\n";
  return degraded.load() == 0 ? 0 : 1;
}
