#pragma once
// A Redis client that many threads may call at once: a small pool of blocking hiredis connections, each
// behind its own mutex. A caller takes a free connection (or waits for one), so up to `connections`
// commands are in flight together and none queues behind another's round trip. Chosen over one
// mutex-protected pipelined connection because pipelining concurrent callers needs a dispatcher thread
// matching replies to callers; the pool gets the same parallelism with plain request/response code.
//
// Outages: connections are made lazily and remade after any I/O error, so the client recovers by itself
// when Redis comes back. After a failed attempt, callers fail fast (RedisUnavailable) for
// `reconnect_backoff` instead of each waiting for a connect timeout.
#include <atomic>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis/redis_url.hpp"

struct redisContext;

namespace pleb::cache {

struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string text;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<RedisReply> elements;
  bool is_error() const { return type == Type::kError; }
  bool is_nil() const { return type == Type::kNil; }
};

// Redis could not be reached, or the connection broke during the command.
class RedisUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RedisClientOptions {
  std::string url = "redis://127.0.0.1:6379";
  std::size_t connections = 4;
  std::chrono::milliseconds connect_timeout{250};
  std::chrono::milliseconds command_timeout{250};
  std::chrono::milliseconds reconnect_backoff{100};
};

class RedisClient {
 public:
  // Throws std::invalid_argument for a bad URL. Does not connect: the first command does.
  explicit RedisClient(RedisClientOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends one command (binary-safe arguments). A Redis error reply is returned as kError, not thrown.
  // Throws RedisUnavailable when Redis cannot be reached. A command that fails on a reused connection is
  // sent once more on a new one (the server may have restarted since that connection was last used), so a
  // command may run twice when its reply is lost: callers send idempotent commands, or accept that.
  RedisReply command(std::span<const std::string_view> args);
  RedisReply command(std::initializer_list<std::string_view> args) {
    return command(std::span(args.begin(), args.size()));
  }

  const RedisEndpoint& endpoint() const { return endpoint_; }

 private:
  struct Slot {
    std::mutex mutex;
    redisContext* context = nullptr;
  };
  std::unique_lock<std::mutex> acquire(Slot*& slot);
  void connect(Slot& slot);
  void back_off();

  RedisClientOptions options_;
  RedisEndpoint endpoint_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::size_t> next_slot_{0};
  // steady_clock ticks before which no new connection is attempted.
  std::atomic<std::chrono::steady_clock::rep> retry_at_{0};
};

}  // namespace pleb::cache
