#include <gtest/gtest.h>

#include <stdexcept>

#include "cache/redis/redis_url.hpp"

namespace pleb::cache {
namespace {

TEST(RedisUrl, HostAlone) {
  const RedisEndpoint endpoint = parse_redis_url("redis://cache.internal");
  EXPECT_EQ(endpoint.host, "cache.internal");
  EXPECT_EQ(endpoint.port, 6379);
  EXPECT_EQ(endpoint.db, 0);
  EXPECT_TRUE(endpoint.password.empty());
  EXPECT_EQ(endpoint.describe(), "cache.internal:6379/0");
}

TEST(RedisUrl, EveryPart) {
  const RedisEndpoint endpoint = parse_redis_url("redis://relay:s%40cret%3A1@10.1.2.3:6380/2");
  EXPECT_EQ(endpoint.username, "relay");
  EXPECT_EQ(endpoint.password, "s@cret:1");
  EXPECT_EQ(endpoint.host, "10.1.2.3");
  EXPECT_EQ(endpoint.port, 6380);
  EXPECT_EQ(endpoint.db, 2);
  EXPECT_EQ(endpoint.describe().find("cret"), std::string::npos);  // no secrets in logs
}

TEST(RedisUrl, PasswordWithoutUser) {
  const RedisEndpoint endpoint = parse_redis_url("redis://:hunter2@localhost/");
  EXPECT_TRUE(endpoint.username.empty());
  EXPECT_EQ(endpoint.password, "hunter2");
  EXPECT_EQ(endpoint.host, "localhost");
  EXPECT_EQ(endpoint.db, 0);
}

TEST(RedisUrl, Ipv6) {
  const RedisEndpoint endpoint = parse_redis_url("redis://[::1]:7000/1");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, 7000);
  EXPECT_EQ(endpoint.db, 1);
  EXPECT_EQ(endpoint.describe(), "[::1]:7000/1");
  EXPECT_EQ(parse_redis_url("redis://[::1]").port, 6379);
}

TEST(RedisUrl, RejectsWhatItCannotHonour) {
  for (const char* bad : {"", "http://host", "rediss://host", "redis://", "redis://:6379", "redis://host:",
                          "redis://host:0", "redis://host:65536", "redis://host:port", "redis://host/x",
                          "redis://host/-1", "redis://host?timeout=1", "redis://[::1", "redis://[::1]x",
                          "redis://u:p%4@host", "redis://u:p%zz@host", "redis://u:p%00@host"}) {
    EXPECT_THROW(parse_redis_url(bad), std::invalid_argument) << bad;
  }
}

TEST(RedisUrl, ErrorsSayWhatIsWrong) {
  try {
    parse_redis_url("rediss://host");
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("TLS"), std::string::npos);
  }
}

}  // namespace
}  // namespace pleb::cache
