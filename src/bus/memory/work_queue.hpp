#pragma once
// A durable subject of the in-process bus, with the semantics of a JetStream work-queue stream and
// its one durable consumer: messages wait until the group acks them; a delivery not acked within the
// ack wait goes out again, to the next member. "Durable" here means surviving a member that drops a
// message, not the process: memory is all there is.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/memory/mailbox.hpp"
#include "bus/pending_requests.hpp"
#include "bus/timer_thread.hpp"

namespace pleb::bus {

struct WorkQueueLimits {
  std::chrono::milliseconds ack_wait;
  std::size_t max_messages;  // stored and not yet acked
};

class WorkQueue : public std::enable_shared_from_this<WorkQueue> {
 public:
  WorkQueue(std::string subject, WorkQueueLimits limits, TimerThread& timer,
            std::weak_ptr<PendingRequests> pending)
      : subject_(std::make_shared<const std::string>(std::move(subject))),
        limits_(limits),
        timer_(timer),
        pending_(std::move(pending)) {}

  // Stores the message; `request_token` routes a reply to a waiting request.
  Status store(Message message, std::optional<std::uint64_t> request_token);
  Status add_member(std::string_view group, std::shared_ptr<Mailbox> member);
  void remove_member(const std::shared_ptr<Mailbox>& member);
  void ack(std::uint64_t sequence);
  // Cancels the redelivery timers and closes the members (waiting for running handlers); called when
  // the bus closes.
  void close();

 private:
  struct Item {
    std::uint64_t sequence;
    std::shared_ptr<const Message> message;
    std::optional<std::uint64_t> request_token;
    unsigned attempts = 0;
  };
  struct InFlight {
    Item item;
    std::uint64_t timer_id;
  };
  // Hands ready items to members, round robin. Called with the lock held; mailboxes only queue.
  void dispatch_locked();
  void redeliver(std::uint64_t sequence);

  std::shared_ptr<const std::string> subject_;
  WorkQueueLimits limits_;
  TimerThread& timer_;
  std::weak_ptr<PendingRequests> pending_;
  std::mutex mutex_;
  std::string group_;
  std::vector<std::shared_ptr<Mailbox>> members_;
  std::size_t next_member_ = 0;
  std::deque<Item> ready_;
  std::map<std::uint64_t, InFlight> in_flight_;
  std::uint64_t next_sequence_ = 1;
  bool closed_ = false;
};

}  // namespace pleb::bus
