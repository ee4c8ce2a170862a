#include "bus/memory/work_queue.hpp"

#include <algorithm>

namespace pleb::bus {
namespace {

class WorkQueueResponder final : public Responder {
 public:
  WorkQueueResponder(std::weak_ptr<WorkQueue> queue, std::uint64_t sequence,
                     std::weak_ptr<PendingRequests> pending, std::optional<std::uint64_t> request_token)
      : queue_(std::move(queue)),
        sequence_(sequence),
        pending_(std::move(pending)),
        request_token_(request_token) {}

  bool can_reply() const override { return request_token_.has_value(); }
  Status reply(Message reply) override {
    // A requester that gave up or a second reply: nobody listens any more, as with NATS.
    if (auto pending = pending_.lock()) pending->complete(*request_token_, std::move(reply));
    return nostr::ok_status();
  }
  Status ack() override {
    auto queue = queue_.lock();
    if (!queue) return nostr::failed("bus closed before the ack");
    queue->ack(sequence_);
    return nostr::ok_status();
  }

 private:
  std::weak_ptr<WorkQueue> queue_;
  std::uint64_t sequence_;
  std::weak_ptr<PendingRequests> pending_;
  std::optional<std::uint64_t> request_token_;
};

}  // namespace

Status WorkQueue::store(Message message, std::optional<std::uint64_t> request_token) {
  std::lock_guard lock(mutex_);
  if (closed_) return nostr::failed("bus closed");
  if (ready_.size() + in_flight_.size() >= limits_.max_messages) {
    return nostr::failed(*subject_ + " is full: " + std::to_string(limits_.max_messages) +
                         " messages wait for their group");
  }
  ready_.push_back(
      Item{next_sequence_++, std::make_shared<const Message>(std::move(message)), request_token});
  dispatch_locked();
  return nostr::ok_status();
}

Status WorkQueue::add_member(std::string_view group, std::shared_ptr<Mailbox> member) {
  std::lock_guard lock(mutex_);
  if (group_.empty()) group_ = group;
  if (group_ != group) {
    return nostr::failed(*subject_ + " is durable and already consumed by group " + group_ +
                         "; it has one group");
  }
  members_.push_back(std::move(member));
  dispatch_locked();
  return nostr::ok_status();
}

void WorkQueue::remove_member(const std::shared_ptr<Mailbox>& member) {
  std::lock_guard lock(mutex_);
  std::erase(members_, member);
}

void WorkQueue::ack(std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  if (closed_) return;  // the timers are gone with the bus
  const auto found = in_flight_.find(sequence);
  if (found == in_flight_.end()) return;  // acked twice, or after a redelivery already took it
  timer_.cancel(found->second.timer_id);
  in_flight_.erase(found);
}

void WorkQueue::close() {
  std::vector<std::shared_ptr<Mailbox>> members;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [sequence, flight] : in_flight_) timer_.cancel(flight.timer_id);
    members.swap(members_);
  }
  // Outside the lock: a running handler may be acking.
  for (auto& member : members) member->close();
}

void WorkQueue::dispatch_locked() {
  while (!ready_.empty() && !members_.empty() && !closed_) {
    Item item = std::move(ready_.front());
    ready_.pop_front();
    ++item.attempts;
    auto& member = members_[next_member_++ % members_.size()];
    auto responder =
        std::make_shared<WorkQueueResponder>(weak_from_this(), item.sequence, pending_, item.request_token);
    member->push(Delivery(subject_, item.message, std::move(responder), item.attempts));
    std::weak_ptr<WorkQueue> self = weak_from_this();
    const auto sequence = item.sequence;
    const auto timer_id = timer_.schedule(TimerThread::Clock::now() + limits_.ack_wait, [self, sequence] {
      if (auto queue = self.lock()) queue->redeliver(sequence);
    });
    in_flight_.emplace(sequence, InFlight{std::move(item), timer_id});
  }
}

void WorkQueue::redeliver(std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  const auto found = in_flight_.find(sequence);
  if (found == in_flight_.end()) return;
  // First in line: it has waited longest.
  ready_.push_front(std::move(found->second.item));
  in_flight_.erase(found);
  dispatch_locked();
}

}  // namespace pleb::bus
