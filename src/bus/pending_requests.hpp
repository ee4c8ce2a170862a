#pragma once
// Requests waiting for their first reply, each with a deadline. Both buses use it: a reply, a
// timeout, a transport error or the bus closing completes a request exactly once.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "bus/bus.hpp"
#include "bus/timer_thread.hpp"

namespace pleb::bus {

class PendingRequests : public std::enable_shared_from_this<PendingRequests> {
 public:
  // `timer` must outlive this object.
  static std::shared_ptr<PendingRequests> create(TimerThread& timer);
  explicit PendingRequests(TimerThread& timer) : timer_(timer) {}
  PendingRequests(const PendingRequests&) = delete;
  PendingRequests& operator=(const PendingRequests&) = delete;

  // The token goes with the request and comes back with the reply.
  std::uint64_t add(std::string_view subject, std::chrono::milliseconds timeout, ReplyHandler on_reply);
  // A durable request's message is stored: a timeout now says it will still be handled.
  void mark_stored(std::uint64_t token);
  // Completes with a reply or an error. False when already completed (a later reply is dropped).
  bool complete(std::uint64_t token, Result<Message> outcome);
  // The subject a waiting request was published on; empty when it is no longer waiting.
  std::string subject_of(std::uint64_t token);
  // Completes everything still waiting, e.g. "bus closed".
  void fail_all(const std::string& error);

 private:
  struct Pending {
    ReplyHandler on_reply;
    std::string subject;
    std::chrono::milliseconds timeout;
    std::uint64_t timer_id = 0;
    bool stored = false;
  };
  void expire(std::uint64_t token);

  TimerThread& timer_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_token_ = 1;
};

}  // namespace pleb::bus
