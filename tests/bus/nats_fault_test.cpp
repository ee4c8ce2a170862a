// The NATS bus when the server goes away: reconnects, subscriptions that survive a restart,
// publishing while disconnected, JetStream keeping what it acknowledged, and a consumer process that
// dies before acking. The server is stopped and started with the functions of tests/servers/servers.sh.
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <set>

#include "bus_fixture.hpp"

namespace pleb::bus::testing {
namespace {

class NatsFault : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nats_url() || !std::getenv("NATS_DIR")) GTEST_SKIP() << "run under tests/servers/run-with --nats";
  }
  void TearDown() override {
    // Leave the server running for the next test, whatever happened.
    if (stopped_) servers("restart_nats");
  }

  void servers(const std::string& function) {
    const std::string command = "SERVERS_DIR=\"$(dirname \"$NATS_DIR\")\" bash -c 'source " PLEB_SOURCE_DIR
                                "/tests/servers/servers.sh && " +
                                function + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    stopped_ = function == "stop_nats";
  }

  static bool wait_until_connected(NatsBus& bus, bool connected) {
    for (int i = 0; i < 200; ++i) {
      if (bus.connected() == connected) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::unique_ptr<NatsBus> connect(NatsBusOptions options = {}) {
    auto bus = make_bus(Kind::Nats, names_, std::move(options));
    return std::unique_ptr<NatsBus>(static_cast<NatsBus*>(bus.release()));
  }

  Names names_;
  bool stopped_ = false;
};

TEST_F(NatsFault, ConnectingToNoServerFailsClearly) {
  NatsBusOptions options;
  options.url = "nats://127.0.0.1:1";
  options.connect_timeout = 500ms;
  auto bus = NatsBus::connect(options);
  ASSERT_FALSE(bus);
  EXPECT_EQ(bus.error().rfind("cannot connect to NATS at nats://127.0.0.1:1: ", 0), 0u) << bus.error();
}

TEST_F(NatsFault, SubscriptionsSurviveAServerRestart) {
  auto bus = connect();
  ASSERT_TRUE(bus);
  Inbox plain;
  Inbox processed;
  auto sub =
      bus->subscribe(names_.subject("live"), [&](const Delivery& d) { plain.add(d.message().payload); });
  auto group = bus->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    d.ack();
    processed.add(d.message().payload);
  });
  ASSERT_TRUE(sub && group);
  settle(*bus, names_);

  servers("stop_nats");
  ASSERT_TRUE(wait_until_connected(*bus, false));
  servers("restart_nats");
  ASSERT_TRUE(wait_until_connected(*bus, true));
  settle(*bus, names_);

  ASSERT_TRUE(bus->publish(names_.subject("live"), Message("after")));
  ASSERT_TRUE(bus->publish(names_.durable, Message("durable-after")));
  ASSERT_TRUE(plain.wait_for(1));
  ASSERT_TRUE(processed.wait_for(1));
  EXPECT_EQ(plain.items(), std::vector<std::string>{"after"});
  EXPECT_EQ(processed.items(), std::vector<std::string>{"durable-after"});
}

TEST_F(NatsFault, PublishingWhileDisconnectedBuffersOrFailsClearly) {
  NatsBusOptions options;
  options.reconnect_buffer_bytes = 256 * 1024;
  auto bus = connect(options);
  ASSERT_TRUE(bus);
  Inbox plain;
  auto sub =
      bus->subscribe(names_.subject("buffered"), [&](const Delivery& d) { plain.add(d.message().payload); });
  ASSERT_TRUE(sub);
  settle(*bus, names_);

  servers("stop_nats");
  ASSERT_TRUE(wait_until_connected(*bus, false));
  // Core messages wait in the reconnect buffer...
  EXPECT_TRUE(bus->publish(names_.subject("buffered"), Message("while-away")));
  // ...until it is full (nats.c refuses the write that finds it full).
  int accepted = 0;
  Status overflow = nostr::ok_status();
  for (int i = 0; i < 10 && overflow; ++i) {
    overflow = bus->publish(names_.subject("buffered"), Message(std::string(100 * 1024, 'x')));
    if (overflow) ++accepted;
  }
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error(), "NATS is unreachable and the reconnect buffer is full: message on " +
                                  names_.subject("buffered") + " dropped");
  // A durable message is stored or refused, never left hanging.
  auto durable = bus->publish(names_.durable, Message("event"));
  ASSERT_FALSE(durable);
  EXPECT_EQ(durable.error(), "not connected to NATS (reconnecting): " + names_.durable + " not stored");

  servers("restart_nats");
  ASSERT_TRUE(wait_until_connected(*bus, true));
  // Everything the buffer took arrives, in order.
  ASSERT_TRUE(plain.wait_for(1 + accepted));
  const auto items = plain.items();
  EXPECT_EQ(items.front(), "while-away");
  EXPECT_EQ(items.size(), static_cast<std::size_t>(1 + accepted));
}

TEST_F(NatsFault, AcknowledgedDurableMessagesSurviveAServerRestart) {
  constexpr int kCount = 200;
  std::set<std::string> sent;
  {
    auto publisher = connect();
    ASSERT_TRUE(publisher);
    for (int i = 0; i < kCount; ++i) {
      const auto payload = "event-" + std::to_string(i);
      auto stored = publisher->publish(names_.durable, Message(payload));
      ASSERT_TRUE(stored) << stored.error();  // JetStream acknowledged it
      sent.insert(payload);
    }
  }
  servers("stop_nats");
  servers("restart_nats");

  auto consumer = connect();
  ASSERT_TRUE(consumer);
  Inbox processed;
  auto group = consumer->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    processed.add(d.message().payload);
    d.ack();
  });
  ASSERT_TRUE(group) << group.error();
  ASSERT_TRUE(processed.wait_for(kCount));
  auto items = processed.items();
  EXPECT_EQ(std::set<std::string>(items.begin(), items.end()), sent);
}

TEST_F(NatsFault, AConsumerThatDiesBeforeAckingLosesNothing) {
  {
    // The dying processor: its connection goes away with the message unacked.
    auto doomed = connect();
    ASSERT_TRUE(doomed);
    Inbox taken;
    auto group = doomed->queue_subscribe(names_.durable, "processors",
                                         [&](const Delivery& d) { taken.add(d.message().payload); });
    ASSERT_TRUE(group);
    ASSERT_TRUE(doomed->publish(names_.durable, Message("event-1")));
    ASSERT_TRUE(taken.wait_for(1));
  }
  auto survivor = connect();
  ASSERT_TRUE(survivor);
  Inbox processed;
  auto group = survivor->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    processed.add(d.message().payload + "#" + std::to_string(d.attempt()));
    d.ack();
  });
  ASSERT_TRUE(group);
  ASSERT_TRUE(processed.wait_for(1, kAckWait * 5));
  EXPECT_EQ(processed.items(), std::vector<std::string>{"event-1#2"});
}

TEST_F(NatsFault, AProcessKilledBeforeItsAckLosesNothing) {
  auto publisher = connect();
  ASSERT_TRUE(publisher);
  ASSERT_TRUE(publisher->publish(names_.durable, Message("event-killed")));
  // Another process takes the message and is killed (SIGKILL) before acking it.
  const std::string command = "exec " + std::string(BUS_CRASH_CONSUMER) + " " + names_.durable + " " +
                              names_.stream + " processors " + std::to_string(kAckWait.count());
  FILE* child = popen(command.c_str(), "r");
  ASSERT_NE(child, nullptr);
  char line[256] = {};
  const bool got_line = std::fgets(line, sizeof line, child) != nullptr;
  const int status = pclose(child);
  ASSERT_TRUE(got_line) << "the consumer process took nothing";
  EXPECT_STREQ(line, "event-killed\n");
  EXPECT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGKILL)) << status;

  Inbox processed;
  auto group = publisher->queue_subscribe(names_.durable, "processors", [&](const Delivery& d) {
    processed.add(d.message().payload + "#" + std::to_string(d.attempt()));
    d.ack();
  });
  ASSERT_TRUE(group) << group.error();
  ASSERT_TRUE(processed.wait_for(1, kAckWait * 5));
  EXPECT_EQ(processed.items(), std::vector<std::string>{"event-killed#2"});
}

TEST_F(NatsFault, AVerdictCrossesProcesses) {
  // Relay and processor on separate connections, as separate processes would be.
  auto processor_bus = connect();
  auto relay_bus = connect();
  ASSERT_TRUE(processor_bus && relay_bus);
  auto processor = processor_bus->queue_subscribe(names_.durable, "processors", [](const Delivery& d) {
    d.reply(Message(d.message().payload == "good" ? "true:" : "false:invalid: bad"));
    d.ack();
  });
  ASSERT_TRUE(processor);
  auto good = relay_bus->request_sync(names_.durable, Message("good"), 5s);
  auto bad = relay_bus->request_sync(names_.durable, Message("bad"), 5s);
  ASSERT_TRUE(good && bad);
  EXPECT_EQ(good->payload, "true:");
  EXPECT_EQ(bad->payload, "false:invalid: bad");
}

}  // namespace
}  // namespace pleb::bus::testing
