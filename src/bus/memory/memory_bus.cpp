#include "bus/memory/memory_bus.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "bus/checks.hpp"
#include "bus/memory/mailbox.hpp"
#include "bus/memory/work_queue.hpp"
#include "bus/memory/worker_pool.hpp"
#include "bus/pending_requests.hpp"
#include "bus/timer_thread.hpp"

namespace pleb::bus {
namespace {

class RequestResponder final : public Responder {
 public:
  RequestResponder(std::weak_ptr<PendingRequests> pending, std::uint64_t token)
      : pending_(std::move(pending)), token_(token) {}
  bool can_reply() const override { return true; }
  Status reply(Message reply) override {
    if (auto pending = pending_.lock()) pending->complete(token_, std::move(reply));
    return nostr::ok_status();
  }
  Status ack() override { return nostr::ok_status(); }

 private:
  std::weak_ptr<PendingRequests> pending_;
  std::uint64_t token_;
};

}  // namespace

struct MemoryBus::Threads {
  explicit Threads(unsigned count) : pool(count) {}
  // Declared first, destroyed last: everything below schedules on it.
  TimerThread timer;
  WorkerPool pool;
};

class MemoryBus::Router {
 public:
  Router(const MemoryBusOptions& options, Threads& threads)
      : pending_(PendingRequests::create(threads.timer)) {
    for (const auto& subject : options.durable_subjects) {
      queues_.emplace(subject, std::make_shared<WorkQueue>(
                                   subject, WorkQueueLimits{options.ack_wait, options.max_stored_messages},
                                   threads.timer, pending_));
    }
  }

  struct Member {
    std::uint64_t id;
    std::string pattern;
    std::string group;  // empty: plain subscriber
    std::shared_ptr<Mailbox> mailbox;
  };

  const std::shared_ptr<PendingRequests>& pending() const { return pending_; }

  std::shared_ptr<WorkQueue> durable_queue(std::string_view subject) const {
    const auto found = queues_.find(subject);
    return found == queues_.end() ? nullptr : found->second;
  }

  std::uint64_t add(Member member) {
    std::lock_guard lock(mutex_);
    member.id = next_id_++;
    members_.push_back(std::move(member));
    return members_.back().id;
  }

  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    std::erase_if(members_, [id](const Member& m) { return m.id == id; });
  }

  // Every plain subscriber, and one member per queue group (round robin). Returns how many got it.
  std::size_t route(const std::shared_ptr<const std::string>& subject,
                    const std::shared_ptr<const Message>& message,
                    const std::shared_ptr<Responder>& responder) {
    std::vector<std::shared_ptr<Mailbox>> targets;
    {
      std::lock_guard lock(mutex_);
      std::map<std::string_view, std::vector<const Member*>> groups;
      for (const auto& member : members_) {
        if (!subject_matches(member.pattern, *subject)) continue;
        if (member.group.empty()) {
          targets.push_back(member.mailbox);
        } else {
          groups[member.group].push_back(&member);
        }
      }
      for (auto& [group, candidates] : groups) {
        auto& turn = turns_[std::string(group)];
        targets.push_back(candidates[turn++ % candidates.size()]->mailbox);
      }
    }
    for (const auto& target : targets) target->push(Delivery(subject, message, responder, 1));
    return targets.size();
  }

  void close() {
    std::vector<Member> members;
    {
      std::lock_guard lock(mutex_);
      members.swap(members_);
    }
    for (auto& [subject, queue] : queues_) queue->close();
    for (auto& member : members) member.mailbox->close();
    pending_->fail_all("bus closed");
  }

 private:
  std::shared_ptr<PendingRequests> pending_;
  std::map<std::string, std::shared_ptr<WorkQueue>, std::less<>> queues_;
  std::mutex mutex_;
  std::vector<Member> members_;
  std::map<std::string, std::size_t> turns_;
  std::uint64_t next_id_ = 1;
};

namespace {

class MemorySubscription final : public SubscriptionControl {
 public:
  MemorySubscription(std::weak_ptr<MemoryBus::Router> router, std::uint64_t id,
                     std::shared_ptr<Mailbox> mailbox, std::shared_ptr<WorkQueue> queue)
      : router_(std::move(router)), id_(id), mailbox_(std::move(mailbox)), queue_(std::move(queue)) {}
  void close() override {
    if (auto router = router_.lock()) router->remove(id_);
    if (queue_) queue_->remove_member(mailbox_);
    mailbox_->close();
  }

 private:
  std::weak_ptr<MemoryBus::Router> router_;
  std::uint64_t id_;
  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<WorkQueue> queue_;
};

}  // namespace

MemoryBus::MemoryBus(MemoryBusOptions options)
    : options_(std::move(options)),
      threads_(std::make_unique<Threads>(options_.threads)),
      router_(std::make_shared<Router>(options_, *threads_)) {}

MemoryBus::~MemoryBus() {
  router_->close();
  router_.reset();
  threads_.reset();
}

bool MemoryBus::is_durable(std::string_view subject) const {
  return router_->durable_queue(subject) != nullptr;
}

Status MemoryBus::publish(std::string_view subject, Message message) {
  if (auto checked = check_publish_subject(subject); !checked) return checked;
  if (auto checked = check_message(message, options_.max_message_bytes); !checked) return checked;
  auto shared_subject = std::make_shared<const std::string>(subject);
  auto shared_message = std::make_shared<const Message>(std::move(message));
  if (auto queue = router_->durable_queue(subject)) {
    // Plain subscribers see it too, as NATS core subscribers see what a stream stores.
    if (auto stored = queue->store(*shared_message, std::nullopt); !stored) return stored;
  }
  router_->route(shared_subject, shared_message, nullptr);
  return nostr::ok_status();
}

Result<Subscription> MemoryBus::subscribe(std::string_view subject, Handler handler) {
  if (auto checked = check_subscribe_subject(subject); !checked)
    return Result<Subscription>::failure(checked.error());
  auto mailbox = std::make_shared<Mailbox>(threads_->pool, std::move(handler));
  const auto id = router_->add(Router::Member{0, std::string(subject), {}, mailbox});
  return Subscription(std::make_shared<MemorySubscription>(router_, id, mailbox, nullptr));
}

Result<Subscription> MemoryBus::queue_subscribe(std::string_view subject, std::string_view group,
                                                Handler handler) {
  if (auto checked = check_subscribe_subject(subject); !checked)
    return Result<Subscription>::failure(checked.error());
  if (auto checked = check_group(group); !checked) return Result<Subscription>::failure(checked.error());
  auto mailbox = std::make_shared<Mailbox>(threads_->pool, std::move(handler));
  if (auto queue = router_->durable_queue(subject)) {
    if (auto added = queue->add_member(group, mailbox); !added)
      return Result<Subscription>::failure(added.error());
    return Subscription(std::make_shared<MemorySubscription>(router_, 0, mailbox, queue));
  }
  const auto id = router_->add(Router::Member{0, std::string(subject), std::string(group), mailbox});
  return Subscription(std::make_shared<MemorySubscription>(router_, id, mailbox, nullptr));
}

void MemoryBus::request(std::string_view subject, Message message, std::chrono::milliseconds timeout,
                        ReplyHandler on_reply) {
  const auto& pending = router_->pending();
  const auto token = pending->add(subject, timeout, std::move(on_reply));
  auto fail = [this, &pending, token](std::string error) {
    // Answered on a bus thread, as every reply is, never inside the caller's own call.
    threads_->pool.post([pending, token, error = std::move(error)] {
      pending->complete(token, Result<Message>::failure(error));
    });
  };
  if (auto checked = check_publish_subject(subject); !checked) return fail(checked.error());
  if (auto checked = check_message(message, options_.max_message_bytes); !checked)
    return fail(checked.error());
  auto shared_subject = std::make_shared<const std::string>(subject);
  if (auto queue = router_->durable_queue(subject)) {
    auto plain_copy = std::make_shared<const Message>(message);
    if (auto stored = queue->store(std::move(message), token); !stored) return fail(stored.error());
    pending->mark_stored(token);
    router_->route(shared_subject, plain_copy, nullptr);
    return;
  }
  auto responder = std::make_shared<RequestResponder>(pending, token);
  if (router_->route(shared_subject, std::make_shared<const Message>(std::move(message)), responder) == 0) {
    fail("no responders: nobody subscribes to " + std::string(subject));
  }
}

}  // namespace pleb::bus
