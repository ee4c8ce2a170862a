// Live matching: which subscriptions of which connections a published event reaches, whichever field
// each filter is filed under.
#include "relay/subscriptions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace pleb::relay {
namespace {

using nostr::Bytes32;

class Recorder : public Subscriber {
 public:
  void deliver(std::shared_ptr<const Published>, std::vector<std::string> subscription_ids) override {
    ++deliveries;
    for (auto& id : subscription_ids) received.push_back(std::move(id));
  }
  // What arrived since the last call, in name order (a delivery names subscriptions in no set order).
  std::vector<std::string> take() {
    auto out = std::move(received);
    received.clear();
    std::sort(out.begin(), out.end());
    return out;
  }
  int deliveries = 0;
  std::vector<std::string> received;
};

Bytes32 key(std::uint8_t n) {
  Bytes32 k{};
  k[0] = n;
  k[31] = static_cast<std::uint8_t>(n * 7 + 1);
  return k;
}

nostr::Filter filter(const std::string& json) {
  auto parsed = nostr::parse_filter(json);
  EXPECT_TRUE(parsed.ok()) << json;
  return parsed.value();
}

std::shared_ptr<const Published> event(std::uint8_t author, std::uint32_t kind,
                                       std::vector<nostr::Tag> tags = {}, std::int64_t created_at = 1000) {
  auto published = std::make_shared<Published>();
  published->event.id = key(static_cast<std::uint8_t>(200 + author));
  published->event.pubkey = key(author);
  published->event.kind = kind;
  published->event.created_at = created_at;
  published->event.tags = std::move(tags);
  return published;
}

std::string hex(std::uint8_t n) {
  return nostr::to_hex(key(n));
}

class SubscriptionRegistryTest : public ::testing::Test {
 protected:
  std::shared_ptr<Recorder> connect(std::uint64_t connection) {
    auto recorder = std::make_shared<Recorder>();
    recorders[connection] = recorder;
    return recorder;
  }
  void subscribe(std::uint64_t connection, const std::string& id, std::vector<std::string> filters) {
    std::vector<nostr::Filter> parsed;
    for (const auto& f : filters) parsed.push_back(filter(f));
    registry.add(connection, recorders.at(connection), id, std::move(parsed));
  }

  SubscriptionRegistry registry;
  std::map<std::uint64_t, std::shared_ptr<Recorder>> recorders;
};

TEST_F(SubscriptionRegistryTest, EachKindOfFilterReachesTheEventsItMatchesAndNoOthers) {
  auto c = connect(1);
  subscribe(1, "by-author", {R"({"authors":[")" + hex(1) + R"("],"kinds":[1]})"});
  subscribe(1, "by-tag", {R"({"#t":["nostr"],"#p":[")" + hex(9) + R"(",")" + hex(8) + R"("]})"});
  subscribe(1, "by-kind", {R"({"kinds":[7]})"});
  subscribe(1, "broad", {R"({"since":500})"});
  subscribe(1, "by-id", {R"({"ids":[")" + nostr::to_hex(key(202)) + R"("]})"});

  registry.publish(event(1, 1));  // author 1, kind 1, id key(201)
  EXPECT_EQ(c->take(), (std::vector<std::string>{"broad", "by-author"}));
  registry.publish(event(1, 7));  // the author filter wants kind 1 only
  EXPECT_EQ(c->take(), (std::vector<std::string>{"broad", "by-kind"}));
  registry.publish(event(3, 4, {{"t", "nostr"}, {"p", hex(8)}}));  // both tag conditions hold
  EXPECT_EQ(c->take(), (std::vector<std::string>{"broad", "by-tag"}));
  registry.publish(event(3, 4, {{"t", "nostr"}}));  // the #p condition does not
  EXPECT_EQ(c->take(), (std::vector<std::string>{"broad"}));
  registry.publish(event(2, 4, {}, 100));  // id key(202), older than the broad filter's since
  EXPECT_EQ(c->take(), (std::vector<std::string>{"by-id"}));
}

TEST_F(SubscriptionRegistryTest, ASubscriptionIsNamedOnceHoweverManyOfItsFiltersMatch) {
  auto c = connect(1);
  subscribe(1, "s",
            {R"({"authors":[")" + hex(1) + R"("]})", R"({"#p":[")" + hex(5) + R"("]})", R"({"kinds":[1]})",
             R"({})"});
  registry.publish(event(1, 1, {{"p", hex(5)}}));
  EXPECT_EQ(c->deliveries, 1);
  EXPECT_EQ(c->take(), (std::vector<std::string>{"s"}));
}

TEST_F(SubscriptionRegistryTest, OneDeliveryPerConnectionNamingEachOfItsMatchingSubscriptions) {
  auto a = connect(1);
  auto b = connect(2);
  subscribe(1, "x", {R"({"authors":[")" + hex(1) + R"("]})"});
  subscribe(1, "y", {R"({"kinds":[1]})"});
  subscribe(2, "x", {R"({"authors":[")" + hex(1) + R"("]})"});
  subscribe(2, "other", {R"({"authors":[")" + hex(2) + R"("]})"});
  registry.publish(event(1, 1));
  EXPECT_EQ(a->deliveries, 1);
  EXPECT_EQ(a->take(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b->deliveries, 1);
  EXPECT_EQ(b->take(), (std::vector<std::string>{"x"}));
}

TEST_F(SubscriptionRegistryTest, ReplacingRemovingAndDisconnectingUnfileEveryFilter) {
  auto c = connect(1);
  subscribe(1, "s", {R"({"authors":[")" + hex(1) + R"("]})"});
  subscribe(1, "s", {R"({"#t":["new"]})"});  // same id: replaces
  EXPECT_EQ(registry.size(), 1u);
  registry.publish(event(1, 1));
  EXPECT_TRUE(c->take().empty());
  registry.publish(event(2, 1, {{"t", "new"}}));
  EXPECT_EQ(c->take(), (std::vector<std::string>{"s"}));

  registry.remove(1, "s");
  EXPECT_EQ(registry.size(), 0u);
  registry.publish(event(2, 1, {{"t", "new"}}));
  EXPECT_EQ(c->deliveries, 1);

  subscribe(1, "a", {R"({"kinds":[1]})"});
  subscribe(1, "b", {R"({})"});
  registry.remove_connection(1);
  EXPECT_EQ(registry.size(), 0u);
  registry.publish(event(2, 1));
  EXPECT_EQ(c->deliveries, 1);
}

TEST_F(SubscriptionRegistryTest, FiltersThatMatchNothingAndGoneConnectionsReceiveNothing) {
  auto c = connect(1);
  subscribe(1, "empty", {R"({"authors":[]})", R"({"since":2000,"until":1000})"});
  registry.publish(event(1, 1));
  EXPECT_EQ(c->deliveries, 0);
  registry.remove(1, "empty");

  connect(2);
  subscribe(2, "s", {R"({})"});
  recorders.erase(2);  // the connection's object is gone before it unsubscribed
  registry.publish(event(1, 1));
  EXPECT_EQ(registry.size(), 1u);
}

}  // namespace
}  // namespace pleb::relay
