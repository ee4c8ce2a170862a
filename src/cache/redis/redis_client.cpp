#include "cache/redis/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace pleb::cache {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply convert(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) out.elements.push_back(convert(*reply.element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

// hiredis writes with write(2): a server that went away would raise SIGPIPE and end the process. The
// signal is blocked in this thread for the command and a pending one is consumed, which leaves the
// process's own SIGPIPE disposition alone.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }
  ~SigpipeGuard() {
    if (!already_pending_) {
      const timespec no_wait{0, 0};
      const int saved_errno = errno;
      while (sigtimedwait(&pipe_, nullptr, &no_wait) == SIGPIPE) {
      }
      errno = saved_errno;
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  sigset_t pipe_;
  sigset_t previous_;
  bool already_pending_ = false;
};

std::string context_error(const redisContext* context) {
  if (!context) return "out of memory";
  return context->errstr[0] ? context->errstr : "connection error";
}

}  // namespace

RedisClient::RedisClient(RedisClientOptions options)
    : options_(std::move(options)), endpoint_(parse_redis_url(options_.url)) {
  const std::size_t count = std::max<std::size_t>(1, options_.connections);
  for (std::size_t i = 0; i < count; ++i) slots_.push_back(std::make_unique<Slot>());
}

RedisClient::~RedisClient() {
  for (auto& slot : slots_) {
    if (slot->context) redisFree(slot->context);
  }
}

std::unique_lock<std::mutex> RedisClient::acquire(Slot*& slot) {
  const std::size_t start = next_slot_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& candidate = *slots_[(start + i) % slots_.size()];
    std::unique_lock lock(candidate.mutex, std::try_to_lock);
    if (lock.owns_lock()) {
      slot = &candidate;
      return lock;
    }
  }
  slot = slots_[start % slots_.size()].get();
  return std::unique_lock(slot->mutex);
}

void RedisClient::back_off() {
  const auto until = std::chrono::steady_clock::now() + options_.reconnect_backoff;
  retry_at_.store(until.time_since_epoch().count(), std::memory_order_relaxed);
}

void RedisClient::connect(Slot& slot) {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  if (now < retry_at_.load(std::memory_order_relaxed)) {
    throw RedisUnavailable("Redis at " + endpoint_.describe() + " is unreachable (retrying shortly)");
  }
  redisContext* context =
      redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, to_timeval(options_.connect_timeout));
  auto fail = [&](const std::string& why) {
    if (context) redisFree(context);
    back_off();
    throw RedisUnavailable("Redis at " + endpoint_.describe() + " is unreachable: " + why);
  };
  if (!context || context->err) fail(context_error(context));
  if (redisSetTimeout(context, to_timeval(options_.command_timeout)) != REDIS_OK)
    fail(context_error(context));

  auto setup = [&](std::initializer_list<std::string> args, std::string_view what) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (!reply) fail(context_error(context));
    const bool error = reply->type == REDIS_REPLY_ERROR;
    std::string message = error ? std::string(reply->str, reply->len) : "";
    freeReplyObject(reply);
    if (error) fail(std::string(what).append(" failed: ").append(message));
  };
  if (!endpoint_.password.empty()) {
    if (endpoint_.username.empty()) {
      setup({"AUTH", endpoint_.password}, "AUTH");
    } else {
      setup({"AUTH", endpoint_.username, endpoint_.password}, "AUTH");
    }
  }
  if (endpoint_.db != 0) setup({"SELECT", std::to_string(endpoint_.db)}, "SELECT");
  slot.context = context;
}

RedisReply RedisClient::command(std::span<const std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.empty() ? "" : arg.data());
    lengths.push_back(arg.size());
  }
  Slot* slot = nullptr;
  auto lock = acquire(slot);
  SigpipeGuard guard;
  std::string error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = slot->context == nullptr;
    if (fresh) connect(*slot);
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(slot->context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply) {
      RedisReply out = convert(*reply);
      freeReplyObject(reply);
      return out;
    }
    error = context_error(slot->context);
    redisFree(slot->context);
    slot->context = nullptr;
    if (fresh) break;  // a new connection failing is an outage, not a stale connection
  }
  back_off();
  throw RedisUnavailable("Redis at " + endpoint_.describe() + " failed: " + error);
}

}  // namespace pleb::cache
