#pragma once
// What the cache tests share: the Redis under test (started by tests/servers/run-with --redis), fault
// injection through tests/servers/servers.sh, unique key prefixes so tests never see each other's keys,
// and a log sink that remembers what it was told.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cache/redis/outage_log.hpp"
#include "cache/redis/redis_client.hpp"

namespace pleb::cache::testing {

inline std::string redis_url() {
  const char* url = std::getenv("REDIS_URL");
  if (!url) {
    ADD_FAILURE() << "REDIS_URL is not set: run under tests/servers/run-with --redis";
    return "redis://127.0.0.1:1";
  }
  return url;
}

inline std::shared_ptr<RedisClient> redis_client(std::size_t connections = 4) {
  RedisClientOptions options;
  options.url = redis_url();
  options.connections = connections;
  options.reconnect_backoff = std::chrono::milliseconds(20);
  return std::make_shared<RedisClient>(options);
}

// A prefix no other test (or earlier run against the same server) uses.
inline std::string unique_prefix(std::string_view area) {
  static std::mt19937_64 random{std::random_device{}()};
  std::string prefix = "test:";
  prefix.append(area).append(":").append(std::to_string(random())).append(":");
  return prefix;
}

// Runs a function of tests/servers/servers.sh (stop_redis, restart_redis) on the servers of run-with.
inline void servers(const std::string& function) {
  const std::string command = "bash -c 'source \"" PLEB_SERVERS_SH "\" && " + function + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

struct CapturedLog {
  std::mutex mutex;
  std::vector<std::string> lines;
  LogSink sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return lines;
  }
};

// Calls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace pleb::cache::testing
