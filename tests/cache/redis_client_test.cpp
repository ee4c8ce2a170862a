#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "backends.hpp"

namespace pleb::cache {
namespace {

TEST(RedisClient, ManyThreadsShareThePool) {
  auto client = testing::redis_client(2);
  const std::string key = testing::unique_prefix("pool") + "counter";
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) client->command({"INCR", key});
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(client->command({"GET", key}).text, "600");
}

TEST(RedisClient, BinarySafeArgumentsAndReplyTypes) {
  auto client = testing::redis_client(1);
  const std::string key = testing::unique_prefix("binary") + "k";
  const std::string value("a\0b\r\n", 5);
  EXPECT_EQ(client->command({"SET", key, value}).type, RedisReply::Type::kStatus);
  const RedisReply got = client->command({"GET", key});
  EXPECT_EQ(got.type, RedisReply::Type::kString);
  EXPECT_EQ(got.text, value);
  EXPECT_TRUE(client->command({"GET", key + "missing"}).is_nil());
  EXPECT_EQ(client->command({"SET", key + "empty", ""}).text, "OK");
  EXPECT_EQ(client->command({"STRLEN", key + "empty"}).integer, 0);
  const RedisReply error = client->command({"NOSUCHCOMMAND"});
  EXPECT_TRUE(error.is_error());
  EXPECT_NE(error.text.find("unknown command"), std::string::npos);
  const RedisReply array = client->command({"MGET", key, key + "missing"});
  ASSERT_EQ(array.type, RedisReply::Type::kArray);
  ASSERT_EQ(array.elements.size(), 2u);
  EXPECT_EQ(array.elements[0].text, value);
  EXPECT_TRUE(array.elements[1].is_nil());
}

TEST(RedisClient, AuthenticatesAndSelectsTheDatabase) {
  auto admin = testing::redis_client(1);
  const std::string prefix = testing::unique_prefix("user");  // "test:user:<digits>:"
  const std::string user = "relay" + prefix.substr(10, 8);
  ASSERT_EQ(admin->command({"ACL", "SETUSER", user, "on", ">p@ss word", "~*", "+@all"}).text, "OK");
  const auto endpoint = admin->endpoint();
  RedisClientOptions options;
  options.url =
      "redis://" + user + ":p%40ss%20word@" + endpoint.host + ":" + std::to_string(endpoint.port) + "/3";
  RedisClient client(options);
  const std::string key = testing::unique_prefix("db3") + "k";
  ASSERT_EQ(client.command({"SET", key, "in three"}).text, "OK");
  EXPECT_TRUE(admin->command({"GET", key}).is_nil());  // database 0
  RedisClientOptions db3 = options;
  db3.url = testing::redis_url() + "/3";
  EXPECT_EQ(RedisClient(db3).command({"GET", key}).text, "in three");

  RedisClientOptions wrong = options;
  wrong.url = "redis://" + user + ":nope@" + endpoint.host + ":" + std::to_string(endpoint.port);
  try {
    RedisClient(wrong).command({"PING"});
    FAIL() << "a wrong password connected";
  } catch (const RedisUnavailable& error) {
    EXPECT_NE(std::string(error.what()).find("AUTH failed"), std::string::npos) << error.what();
  }
  admin->command({"ACL", "DELUSER", user});
}

TEST(RedisClient, UnreachableFailsFastAfterAnAttempt) {
  RedisClientOptions options;
  options.url = "redis://127.0.0.1:1";
  options.reconnect_backoff = std::chrono::seconds(60);
  RedisClient client(options);
  EXPECT_THROW(client.command({"PING"}), RedisUnavailable);
  try {
    client.command({"PING"});
    FAIL();
  } catch (const RedisUnavailable& error) {
    EXPECT_NE(std::string(error.what()).find("retrying shortly"), std::string::npos) << error.what();
  }
}

TEST(RedisClient, RejectsABadUrlAtOnce) {
  RedisClientOptions options;
  options.url = "redis://host:notaport";
  EXPECT_THROW(RedisClient{options}, std::invalid_argument);
}

}  // namespace
}  // namespace pleb::cache
