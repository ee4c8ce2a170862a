// One behavioural suite for both buses: whatever `pleb serve` relies on in one process must hold
// across processes over NATS, and the other way round.
#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "bus_fixture.hpp"

namespace pleb::bus::testing {
namespace {

class BusBehaviour : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    if (GetParam() == Kind::Nats && !nats_url())
      GTEST_SKIP() << "NATS_URL not set: run under tests/servers/run-with --nats";
    bus_ = make_bus(GetParam(), names_);
    ASSERT_TRUE(bus_);
  }
  Names names_;
  std::unique_ptr<Bus> bus_;
};

TEST_P(BusBehaviour, FanOutReachesEverySubscriberInOrder) {
  const auto subject = names_.subject("fanout");
  Inbox inboxes[3];
  std::vector<Subscription> subscriptions;
  for (auto& inbox : inboxes) {
    auto sub = bus_->subscribe(subject, [&inbox](const Delivery& d) { inbox.add(d.message().payload); });
    ASSERT_TRUE(sub) << sub.error();
    subscriptions.push_back(std::move(*sub));
  }
  settle(*bus_, names_);
  std::vector<std::string> sent;
  for (int i = 0; i < 20; ++i) {
    sent.push_back(std::string("m").append(std::to_string(i)));
    ASSERT_TRUE(bus_->publish(subject, Message(sent.back())));
  }
  for (auto& inbox : inboxes) {
    ASSERT_TRUE(inbox.wait_for(sent.size()));
    EXPECT_EQ(inbox.items(), sent);
  }
}

TEST_P(BusBehaviour, WildcardSubscriptionsSeeTheSubjectUsed) {
  Inbox inbox;
  auto sub = bus_->subscribe(names_.prefix + ".moderation.*",
                             [&](const Delivery& d) { inbox.add(d.subject() + "=" + d.message().payload); });
  ASSERT_TRUE(sub);
  settle(*bus_, names_);
  ASSERT_TRUE(bus_->publish(names_.subject("moderation.ban"), Message("x")));
  ASSERT_TRUE(bus_->publish(names_.subject("other"), Message("no")));
  ASSERT_TRUE(bus_->publish(names_.subject("moderation.unban"), Message("y")));
  ASSERT_TRUE(inbox.wait_for(2));
  EXPECT_EQ(inbox.items(), (std::vector<std::string>{names_.subject("moderation.ban") + "=x",
                                                     names_.subject("moderation.unban") + "=y"}));
}

TEST_P(BusBehaviour, QueueGroupGivesEachMessageToExactlyOneMember) {
  const auto subject = names_.subject("work");
  constexpr int kMembers = 3;
  constexpr int kMessages = 300;
  Inbox all;
  std::map<int, int> per_member;
  std::mutex mutex;
  std::vector<Subscription> subscriptions;
  for (int member = 0; member < kMembers; ++member) {
    auto sub = bus_->queue_subscribe(subject, "workers", [&, member](const Delivery& d) {
      {
        std::lock_guard lock(mutex);
        ++per_member[member];
      }
      all.add(d.message().payload);
    });
    ASSERT_TRUE(sub) << sub.error();
    subscriptions.push_back(std::move(*sub));
  }
  Inbox watcher;  // a plain subscriber still sees everything
  auto watch = bus_->subscribe(subject, [&](const Delivery& d) { watcher.add(d.message().payload); });
  ASSERT_TRUE(watch);
  settle(*bus_, names_);
  for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(bus_->publish(subject, Message(std::to_string(i))));
  ASSERT_TRUE(all.wait_for(kMessages));
  ASSERT_TRUE(watcher.wait_for(kMessages));
  std::this_thread::sleep_for(200ms);  // a duplicate would show up now
  auto items = all.items();
  EXPECT_EQ(items.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(std::set<std::string>(items.begin(), items.end()).size(), static_cast<std::size_t>(kMessages));
  std::lock_guard lock(mutex);
  for (int member = 0; member < kMembers; ++member) EXPECT_GT(per_member[member], 0) << "member " << member;
}

TEST_P(BusBehaviour, RequestGetsTheReplyWithHeaders) {
  const auto subject = names_.subject("rpc");
  auto sub = bus_->subscribe(subject, [](const Delivery& d) {
    ASSERT_TRUE(d.can_reply());
    Message reply("re:" + d.message().payload);
    reply.headers = {{"Verdict", "true"}, {"Echo", std::string(d.message().header("Trace").value_or(""))}};
    EXPECT_TRUE(d.reply(std::move(reply)));
  });
  ASSERT_TRUE(sub);
  settle(*bus_, names_);
  Message request("hello");
  request.headers = {{"Trace", "abc"}};
  auto reply = bus_->request_sync(subject, request, 5s);
  ASSERT_TRUE(reply) << reply.error();
  EXPECT_EQ(reply->payload, "re:hello");
  EXPECT_EQ(reply->header("Verdict"), "true");
  EXPECT_EQ(reply->header("Echo"), "abc");
}

TEST_P(BusBehaviour, PublishedMessagesCannotBeAnswered) {
  const auto subject = names_.subject("noreply");
  Inbox inbox;
  auto sub = bus_->subscribe(
      subject, [&](const Delivery& d) { inbox.add(d.can_reply() ? "can" : d.reply(Message("x")).error()); });
  ASSERT_TRUE(sub);
  settle(*bus_, names_);
  ASSERT_TRUE(bus_->publish(subject, Message("x")));
  ASSERT_TRUE(inbox.wait_for(1));
  EXPECT_NE(inbox.items()[0].find("no reply expected"), std::string::npos) << inbox.items()[0];
}

TEST_P(BusBehaviour, RequestTimesOutWithoutAReply) {
  const auto subject = names_.subject("silent");
  Inbox seen;
  auto sub = bus_->subscribe(subject, [&](const Delivery& d) { seen.add(d.message().payload); });
  ASSERT_TRUE(sub);
  settle(*bus_, names_);
  auto reply = bus_->request_sync(subject, Message("anyone?"), 300ms);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error(), "timeout: no reply on " + subject + " within 300 ms");
  EXPECT_TRUE(seen.wait_for(1));
}

TEST_P(BusBehaviour, RequestWithoutSubscribersFailsAtOnce) {
  auto reply = bus_->request_sync(names_.subject("nobody"), Message("x"), 5s);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error(), "no responders: nobody subscribes to " + names_.subject("nobody"));
}

TEST_P(BusBehaviour, FirstReplyWins) {
  const auto subject = names_.subject("race");
  std::vector<Subscription> subs;
  for (int i = 0; i < 3; ++i) {
    auto sub = bus_->subscribe(subject, [](const Delivery& d) { d.reply(Message("r")); });
    ASSERT_TRUE(sub);
    subs.push_back(std::move(*sub));
  }
  settle(*bus_, names_);
  std::atomic<int> calls{0};
  std::promise<void> done;
  bus_->request(subject, Message("q"), 2s, [&](Result<Message> reply) {
    EXPECT_TRUE(reply);
    if (calls++ == 0) done.set_value();
  });
  ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(calls, 1);
}

TEST_P(BusBehaviour, HandlersMayPublishAndRequestWithoutDeadlock) {
  // A chain through three subjects, each step started from inside a handler: on a bus with one
  // thread per subscription or a small pool, nothing may wait for itself.
  const auto first = names_.subject("step1");
  const auto second = names_.subject("step2");
  const auto third = names_.subject("step3");
  Inbox done;
  auto answer =
      bus_->subscribe(third, [](const Delivery& d) { d.reply(Message(d.message().payload + "+3")); });
  auto relay = bus_->subscribe(second, [&](const Delivery& d) {
    bus_->request(third, Message(d.message().payload + "+2"), 5s,
                  [&](Result<Message> reply) { done.add(reply ? reply->payload : reply.error()); });
  });
  auto start = bus_->subscribe(first, [&](const Delivery& d) {
    for (int i = 0; i < 50; ++i)
      EXPECT_TRUE(bus_->publish(second, Message(d.message().payload + std::to_string(i))));
  });
  ASSERT_TRUE(answer && relay && start);
  settle(*bus_, names_);
  ASSERT_TRUE(bus_->publish(first, Message("x")));
  ASSERT_TRUE(done.wait_for(50));
  auto items = done.items();
  std::sort(items.begin(), items.end());
  EXPECT_EQ(items.front(), "x0+2+3");
}

TEST_P(BusBehaviour, UnsubscribeStopsDeliveries) {
  const auto subject = names_.subject("unsub");
  Inbox kept;
  Inbox dropped;
  auto keep = bus_->subscribe(subject, [&](const Delivery& d) { kept.add(d.message().payload); });
  auto drop = bus_->subscribe(subject, [&](const Delivery& d) { dropped.add(d.message().payload); });
  ASSERT_TRUE(keep && drop);
  settle(*bus_, names_);
  ASSERT_TRUE(bus_->publish(subject, Message("1")));
  ASSERT_TRUE(dropped.wait_for(1));
  drop->unsubscribe();
  EXPECT_FALSE(drop->active());
  ASSERT_TRUE(bus_->publish(subject, Message("2")));
  ASSERT_TRUE(kept.wait_for(2));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(dropped.items(), std::vector<std::string>{"1"});
}

TEST_P(BusBehaviour, AHandlerMayUnsubscribeItself) {
  const auto subject = names_.subject("self");
  Inbox seen;
  Subscription self;
  std::mutex mutex;
  auto sub = bus_->subscribe(subject, [&](const Delivery& d) {
    seen.add(d.message().payload);
    std::lock_guard lock(mutex);
    self.unsubscribe();
  });
  ASSERT_TRUE(sub);
  {
    std::lock_guard lock(mutex);
    self = std::move(*sub);
  }
  settle(*bus_, names_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(bus_->publish(subject, Message(std::to_string(i))));
  ASSERT_TRUE(seen.wait_for(1));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(seen.items(), std::vector<std::string>{"0"});
}

TEST_P(BusBehaviour, CarriesOneMegabyteOfArbitraryBytes) {
  const auto subject = names_.subject("large");
  std::string payload(1000 * 1000, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  Inbox inbox;
  auto sub = bus_->subscribe(subject, [&](const Delivery& d) {
    inbox.add(d.message().payload);
    if (d.can_reply()) d.reply(Message(d.message().payload));
  });
  ASSERT_TRUE(sub);
  settle(*bus_, names_);
  ASSERT_TRUE(bus_->publish(subject, Message(payload)));
  ASSERT_TRUE(inbox.wait_for(1));
  EXPECT_TRUE(inbox.items()[0] == payload);
  auto echoed = bus_->request_sync(subject, Message(payload), 10s);
  ASSERT_TRUE(echoed) << echoed.error();
  EXPECT_TRUE(echoed->payload == payload);

  auto too_large = bus_->publish(subject, Message(std::string(2 * 1024 * 1024, 'x')));
  ASSERT_FALSE(too_large);
  EXPECT_NE(too_large.error().find("larger than the bus maximum of 1048576 bytes"), std::string::npos)
      << too_large.error();
  auto request_too_large = bus_->request_sync(subject, Message(std::string(2 * 1024 * 1024, 'x')), 1s);
  ASSERT_FALSE(request_too_large);
  EXPECT_NE(request_too_large.error().find("larger than the bus maximum"), std::string::npos);
}

TEST_P(BusBehaviour, RefusesBadNamesAndHeadersClearly) {
  EXPECT_NE(bus_->publish("bad subject", Message("x")).error().find("space"), std::string::npos);
  EXPECT_NE(bus_->publish(names_.subject("*"), Message("x")).error().find("wildcard"), std::string::npos);
  auto no_sub = bus_->subscribe("", [](const Delivery&) {});
  ASSERT_FALSE(no_sub);
  EXPECT_EQ(no_sub.error(), "empty subject");
  auto bad_group = bus_->queue_subscribe(names_.subject("q"), "a.b", [](const Delivery&) {});
  ASSERT_FALSE(bad_group);
  EXPECT_NE(bad_group.error().find("letters, digits"), std::string::npos);
  Message spoof("x");
  spoof.headers = {{"Pleb-Reply-To", "_INBOX.elsewhere"}};
  EXPECT_NE(bus_->publish(names_.subject("q"), spoof).error().find("reserved"), std::string::npos);
  auto reply = bus_->request_sync("a..b", Message("x"), 1s);
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().find("empty token"), std::string::npos);
}

// --- Durable subjects -------------------------------------------------------------------------

TEST_P(BusBehaviour, DurableMessagesReachTheGroupAndPlainSubscribers) {
  ASSERT_TRUE(bus_->is_durable(names_.durable));
  EXPECT_FALSE(bus_->is_durable(names_.subject("other")));
  Inbox processed;
  Inbox watched;
  std::vector<Subscription> subs;
  for (int i = 0; i < 2; ++i) {
    auto sub = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
      EXPECT_EQ(d.attempt(), 1u);
      EXPECT_FALSE(d.can_reply());
      EXPECT_TRUE(d.ack());
      processed.add(d.message().payload);
    });
    ASSERT_TRUE(sub) << sub.error();
    subs.push_back(std::move(*sub));
  }
  auto watch = bus_->subscribe(names_.durable, [&](const Delivery& d) { watched.add(d.message().payload); });
  ASSERT_TRUE(watch);
  settle(*bus_, names_);
  constexpr int kCount = 50;
  for (int i = 0; i < kCount; ++i) {
    Message message(std::to_string(i));
    message.headers = {{"Kind", "1"}};
    ASSERT_TRUE(bus_->publish(names_.durable, message));
  }
  ASSERT_TRUE(processed.wait_for(kCount));
  ASSERT_TRUE(watched.wait_for(kCount));
  std::this_thread::sleep_for(kAckWait + 500ms);  // acked: nothing may come again
  auto items = processed.items();
  EXPECT_EQ(items.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(std::set<std::string>(items.begin(), items.end()).size(), static_cast<std::size_t>(kCount));
}

TEST_P(BusBehaviour, DurableMessagesWaitForTheirGroup) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(bus_->publish(names_.durable, Message(std::to_string(i))));
  Inbox processed;
  auto sub = bus_->queue_subscribe(names_.durable, "late", [&](const Delivery& d) {
    d.ack();
    processed.add(d.message().payload);
  });
  ASSERT_TRUE(sub) << sub.error();
  ASSERT_TRUE(processed.wait_for(10));
  EXPECT_EQ(processed.items().front(), "0");
}

TEST_P(BusBehaviour, AnUnackedDurableMessageComesAgainToAnotherMember) {
  // The first member "crashes": it takes the message and goes away without acking.
  Inbox crashed;
  auto first = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    crashed.add(d.message().payload + "#" + std::to_string(d.attempt()));
  });
  ASSERT_TRUE(first) << first.error();
  ASSERT_TRUE(bus_->publish(names_.durable, Message("event-1")));
  ASSERT_TRUE(crashed.wait_for(1));
  first->unsubscribe();

  Inbox survivor;
  auto second = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    survivor.add(d.message().payload + "#" + std::to_string(d.attempt()));
    d.ack();
  });
  ASSERT_TRUE(second) << second.error();
  ASSERT_TRUE(survivor.wait_for(1, kAckWait * 5));
  EXPECT_EQ(crashed.items(), std::vector<std::string>{"event-1#1"});
  EXPECT_EQ(survivor.items(), std::vector<std::string>{"event-1#2"});
}

TEST_P(BusBehaviour, ADurableRequestGetsItsVerdictAfterARedelivery) {
  std::atomic<int> deliveries{0};
  auto processor = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    EXPECT_TRUE(d.can_reply());
    if (deliveries++ == 0) return;  // lost: no ack, no reply
    Message verdict("stored");
    verdict.headers = {{"Ok", "true"}, {"Attempt", std::to_string(d.attempt())}};
    EXPECT_TRUE(d.reply(std::move(verdict)));
    EXPECT_TRUE(d.ack());
  });
  ASSERT_TRUE(processor) << processor.error();
  Inbox watcher;  // plain subscribers of a durable subject watch; only the group answers
  auto watch = bus_->subscribe(names_.durable,
                               [&](const Delivery& d) { watcher.add(d.can_reply() ? "can" : "cannot"); });
  ASSERT_TRUE(watch);
  settle(*bus_, names_);
  auto verdict = bus_->request_sync(names_.durable, Message("event"), kAckWait * 5);
  ASSERT_TRUE(verdict) << verdict.error();
  EXPECT_EQ(verdict->payload, "stored");
  EXPECT_EQ(verdict->header("Attempt"), "2");
  ASSERT_TRUE(watcher.wait_for(1));
  EXPECT_EQ(watcher.items(), std::vector<std::string>{"cannot"});
}

TEST_P(BusBehaviour, ADurableRequestWithoutVerdictSaysItIsStored) {
  Inbox seen;
  auto processor = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    seen.add(d.message().payload);
    d.ack();
  });
  ASSERT_TRUE(processor);
  auto verdict = bus_->request_sync(names_.durable, Message("event"), 500ms);
  ASSERT_FALSE(verdict);
  EXPECT_EQ(verdict.error(), "timeout: no reply on " + names_.durable +
                                 " within 500 ms (the message is stored and will still be handled)");
  EXPECT_TRUE(seen.wait_for(1));
}

TEST_P(BusBehaviour, ADurableMemberMayLeaveFromItsOwnHandler) {
  Inbox first;
  Subscription self;
  std::mutex mutex;
  auto sub = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    d.ack();
    first.add(d.message().payload);
    std::lock_guard lock(mutex);
    self.unsubscribe();
  });
  ASSERT_TRUE(sub) << sub.error();
  {
    std::lock_guard lock(mutex);
    self = std::move(*sub);
  }
  ASSERT_TRUE(bus_->publish(names_.durable, Message("1")));
  ASSERT_TRUE(first.wait_for(1));
  ASSERT_TRUE(bus_->publish(names_.durable, Message("2")));
  // The member is gone: "2" waits for the next one, and "1" was acked, so it does not come again.
  Inbox next;
  auto successor = bus_->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    d.ack();
    next.add(d.message().payload);
  });
  ASSERT_TRUE(successor) << successor.error();
  ASSERT_TRUE(next.wait_for(1, kAckWait * 5));
  std::this_thread::sleep_for(kAckWait + 300ms);
  EXPECT_EQ(first.items(), std::vector<std::string>{"1"});
  EXPECT_EQ(next.items(), std::vector<std::string>{"2"});
}

TEST_P(BusBehaviour, ADurableSubjectHasOneGroup) {
  auto first = bus_->queue_subscribe(names_.durable, "processors", [](const Delivery& d) { d.ack(); });
  ASSERT_TRUE(first) << first.error();
  auto second = bus_->queue_subscribe(names_.durable, "others", [](const Delivery& d) { d.ack(); });
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("already consumed by"), std::string::npos) << second.error();
}

TEST_P(BusBehaviour, ClosingTheBusWaitsForHandlersAndFailsWaitingRequests) {
  std::promise<void> started;
  std::atomic<bool> finished{false};
  Bus* bus = bus_.get();  // bus_ is already empty while the bus is being destroyed
  auto processor = bus_->queue_subscribe(names_.durable, "processors", [&, bus](const Delivery&) {
    started.set_value();
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(bus->publish(names_.subject("late"), Message("from a closing bus")));
    finished = true;
  });
  ASSERT_TRUE(processor);
  Inbox outcome;
  bus_->request(names_.durable, Message("event"), 10s,
                [&](Result<Message> reply) { outcome.add(reply ? "reply" : reply.error()); });
  ASSERT_EQ(started.get_future().wait_for(5s), std::future_status::ready);
  bus_.reset();
  EXPECT_TRUE(finished);
  ASSERT_TRUE(outcome.wait_for(1));
  EXPECT_EQ(outcome.items(), std::vector<std::string>{"bus closed"});
  processor->unsubscribe();  // after the bus: nothing happens
}

INSTANTIATE_TEST_SUITE_P(Buses, BusBehaviour, ::testing::Values(Kind::Memory, Kind::Nats),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace pleb::bus::testing
