// Subject, group and header rules, the same for every bus.
#include <gtest/gtest.h>

#include "bus/bus.hpp"
#include "bus/checks.hpp"

namespace pleb::bus {
namespace {

TEST(BusNames, PublishSubjectsAreConcrete) {
  EXPECT_TRUE(check_publish_subject("event.received"));
  EXPECT_TRUE(check_publish_subject("a"));
  EXPECT_EQ(check_publish_subject("").error(), "empty subject");
  EXPECT_NE(check_publish_subject("event.*").error().find("wildcard"), std::string::npos);
  EXPECT_NE(check_publish_subject("event..received").error().find("empty token"), std::string::npos);
  EXPECT_NE(check_publish_subject("event.").error().find("empty token"), std::string::npos);
  EXPECT_NE(check_publish_subject("event received").error().find("space"), std::string::npos);
  EXPECT_NE(check_publish_subject(std::string(300, 'a')).error().find("256"), std::string::npos);
}

TEST(BusNames, SubscribeSubjectsMayUseWholeTokenWildcards) {
  EXPECT_TRUE(check_subscribe_subject("event.*"));
  EXPECT_TRUE(check_subscribe_subject("event.>"));
  EXPECT_TRUE(check_subscribe_subject(">"));
  EXPECT_NE(check_subscribe_subject("event.>.x").error().find("last token"), std::string::npos);
  EXPECT_NE(check_subscribe_subject("event.re*").error().find("whole tokens"), std::string::npos);
}

TEST(BusNames, WildcardsMatchWholeTokens) {
  EXPECT_TRUE(subject_matches("event.received", "event.received"));
  EXPECT_FALSE(subject_matches("event.received", "event.validated"));
  EXPECT_TRUE(subject_matches("event.*", "event.validated"));
  EXPECT_FALSE(subject_matches("event.*", "event"));
  EXPECT_FALSE(subject_matches("event.*", "event.a.b"));
  EXPECT_TRUE(subject_matches("event.>", "event.a.b"));
  EXPECT_FALSE(subject_matches("event.>", "event"));
  EXPECT_TRUE(subject_matches("*.received", "event.received"));
  EXPECT_FALSE(subject_matches("event", "event.received"));
}

TEST(BusNames, GroupsNameConsumers) {
  EXPECT_TRUE(check_group("processors"));
  EXPECT_TRUE(check_group("relay-1_a"));
  EXPECT_FALSE(check_group(""));
  EXPECT_NE(check_group("proc.essors").error().find("letters, digits"), std::string::npos);
  EXPECT_FALSE(check_group(std::string(65, 'a')));
}

TEST(BusNames, HeadersAndSize) {
  Message message("payload");
  message.headers = {{"Trace", "1"}};
  EXPECT_TRUE(check_message(message, 100));
  EXPECT_EQ(message.header("Trace"), "1");
  EXPECT_FALSE(message.header("trace"));
  EXPECT_NE(check_message(message, 10).error().find("larger than the bus maximum of 10 bytes"),
            std::string::npos);
  message.headers = {{"Pleb-Reply-To", "x"}};
  EXPECT_NE(check_message(message, 100).error().find("reserved"), std::string::npos);
  message.headers = {{"Nats-Msg-Id", "x"}};
  EXPECT_NE(check_message(message, 100).error().find("reserved"), std::string::npos);
  message.headers = {{"Bad: name", "x"}};
  EXPECT_FALSE(check_message(message, 100));
  message.headers = {{"Name", "line\r\nbreak"}};
  EXPECT_FALSE(check_message(message, 100));
}

}  // namespace
}  // namespace pleb::bus
