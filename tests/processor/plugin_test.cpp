// The plugin stage against real child processes: small POSIX shell plugins written inline.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "processor/plugin_policy.hpp"
#include "processor/plugin_protocol.hpp"
#include "processor/policy_config.hpp"

namespace pleb::processor {
namespace {

// Accepts everything, except: content with "spam" is rejected, "crash" exits, "garbage" answers
// something that is not JSON, "wrongid" first answers for another id, "hush" is never answered.
constexpr const char* kPatternPlugin = R"(
while IFS= read -r line; do
  id=${line#*\"id\":\"}; id=${id%%\"*}
  case "$line" in
    *crash*) exit 3 ;;
    *garbage*) echo "not json" ;;
    *hush*) ;;
    *wrongid*) echo '{"id":"00","action":"reject","msg":"not you"}'; echo "{\"id\":\"$id\",\"action\":\"accept\"}" ;;
    *spam*) echo "{\"id\":\"$id\",\"action\":\"reject\",\"msg\":\"no spam here\"}" ;;
    *shadow*) echo "{\"id\":\"$id\",\"action\":\"shadowReject\"}" ;;
    *) echo "{\"id\":\"$id\",\"action\":\"accept\",\"msg\":\"\"}" ;;
  esac
done
)";

nostr::Event note(std::string content, std::uint8_t id_byte = 1) {
  nostr::Event e;
  e.kind = 1;
  e.id.fill(id_byte);
  e.pubkey.fill(0x22);
  e.created_at = 1700000000;
  e.content = std::move(content);
  return e;
}

PluginConfig shell_plugin(const char* script,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
  PluginConfig config;
  config.command = {"/bin/sh", "-c", script};
  config.timeout = timeout;
  config.min_backoff = std::chrono::milliseconds(10);
  return config;
}

TEST(PluginProtocol, RequestLineCarriesTheEventAndItsSource) {
  EventSource source;
  source.type = "IP6";
  source.info = "::1";
  source.now = 1700000001;
  source.authed_pubkey = nostr::Bytes32{};
  source.authed_pubkey->fill(0xab);
  auto line = plugin_request(note("hi \"there\""), source);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.rfind(R"({"type":"new","event":{"id":"0101)", 0), 0u);
  EXPECT_NE(line.find(R"("content":"hi \"there\"")"), std::string::npos);
  EXPECT_NE(line.find(R"(,"receivedAt":1700000001,"sourceType":"IP6","sourceInfo":"::1","authed":"abab)"),
            std::string::npos);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(PluginProtocol, AnswersAreReadStrictly) {
  auto accept = parse_plugin_answer(R"({"id":"ab","action":"accept"})");
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->id, "ab");
  EXPECT_EQ(accept->decision.verdict, Verdict::kAccept);
  EXPECT_EQ(parse_plugin_answer(R"({"id":"ab","action":"reject","msg":"pow: more work"})")->decision.message,
            "pow: more work");
  EXPECT_EQ(parse_plugin_answer(R"({"id":"ab","action":"reject","msg":"No Spam: here"})")->decision.message,
            "blocked: No Spam: here");
  EXPECT_EQ(parse_plugin_answer(R"({"id":"ab","action":"reject"})")->decision.message,
            "blocked: rejected by the relay's write policy");
  EXPECT_EQ(parse_plugin_answer(R"({"id":"ab","action":"shadowReject","msg":null})")->decision.verdict,
            Verdict::kShadowReject);
  EXPECT_EQ(parse_plugin_answer("accept").error(), "not JSON");
  EXPECT_EQ(parse_plugin_answer("[1]").error(), "not a JSON object");
  EXPECT_EQ(parse_plugin_answer(R"({"action":"accept"})").error(), "no \"id\" string");
  EXPECT_EQ(parse_plugin_answer(R"({"id":"ab","action":"maybe"})").error(), "unknown action");
  EXPECT_EQ(parse_plugin_answer(R"({"id":"ab","action":"reject","msg":3})").error(),
            "\"msg\" is not a string");
}

TEST(PluginPolicy, DecidesByPatternAndPipelinesManyEvents) {
  PluginPolicy plugin(shell_plugin(kPatternPlugin));
  EXPECT_EQ(plugin.check(note("hello"), {}).verdict, Verdict::kAccept);
  auto spam = plugin.check(note("buy spam now"), {});
  EXPECT_EQ(spam.verdict, Verdict::kReject);
  EXPECT_EQ(spam.message, "blocked: no spam here");
  EXPECT_EQ(spam.reason, "plugin");
  EXPECT_EQ(plugin.check(note("shadow me"), {}).verdict, Verdict::kShadowReject);
  EXPECT_EQ(plugin.check(note("wrongid first"), {}).verdict, Verdict::kAccept)
      << "a line for another id is dropped";

  std::vector<std::future<Decision>> answers;
  for (int i = 0; i < 200; ++i) {
    auto promise = std::make_shared<std::promise<Decision>>();
    answers.push_back(promise->get_future());
    plugin.check_async(note(i % 2 ? "spam " + std::to_string(i) : "fine", static_cast<std::uint8_t>(i)), {},
                       [promise](Decision d) { promise->set_value(std::move(d)); });
  }
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(answers[i].get().verdict, i % 2 ? Verdict::kReject : Verdict::kAccept) << i;
  }
}

TEST(PluginPolicy, AnswersMayArriveInPiecesAndOutOfOrder) {
  // Holds the first event's answer until the second has been answered, and writes each line in two parts.
  constexpr const char* kScript = R"(
held=
while IFS= read -r line; do
  id=${line#*\"id\":\"}; id=${id%%\"*}
  if [ -z "$held" ]; then held=$id; continue; fi
  for answer in "$id" "$held"; do
    printf '{"id":"%s",' "$answer"; sleep 0.05; printf '"action":"accept"}\n'
  done
done
)";
  PluginPolicy plugin(shell_plugin(kScript));
  std::promise<Decision> first, second;
  plugin.check_async(note("one", 1), {}, [&](Decision d) { first.set_value(std::move(d)); });
  plugin.check_async(note("two", 2), {}, [&](Decision d) { second.set_value(std::move(d)); });
  EXPECT_EQ(second.get_future().get().verdict, Verdict::kAccept);
  EXPECT_EQ(first.get_future().get().verdict, Verdict::kAccept);
}

TEST(PluginPolicy, APluginThatExitsOrAnswersGarbageIsRestarted) {
  PluginPolicy plugin(shell_plugin(kPatternPlugin));
  auto crashed = plugin.check(note("crash now"), {});
  EXPECT_EQ(crashed.message, "error: the relay's write-policy plugin failed");
  EXPECT_EQ(crashed.reason, "crashed");
  EXPECT_EQ(plugin.check(note("later"), {}).verdict, Verdict::kAccept);
  auto garbage = plugin.check(note("garbage please"), {});
  EXPECT_EQ(garbage.message, "error: the relay's write-policy plugin gave an invalid answer");
  EXPECT_EQ(plugin.check(note("and later"), {}).verdict, Verdict::kAccept);
}

TEST(PluginPolicy, AStuckPluginCostsOneTimeoutAndIsReplaced) {
  PluginPolicy plugin(shell_plugin(kPatternPlugin, std::chrono::milliseconds(300)));
  auto started = std::chrono::steady_clock::now();
  auto stuck = plugin.check(note("hush"), {});
  EXPECT_EQ(stuck.message, "error: the relay's write-policy plugin did not answer in time");
  EXPECT_EQ(stuck.reason, "timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(plugin.check(note("next one"), {}).verdict, Verdict::kAccept) << "the replacement answers";
}

TEST(PluginPolicy, ASlowPluginThatKeepsAnsweringIsNotReplaced) {
  auto starts = std::filesystem::temp_directory_path() / ("pleb-plugin-starts-" + std::to_string(::getpid()));
  std::filesystem::remove(starts);
  std::string script = "echo started >> '" + starts.string() + R"(' 
while IFS= read -r line; do
  id=${line#*\"id\":\"}; id=${id%%\"*}
  sleep 0.4; echo "{\"id\":\"$id\",\"action\":\"accept\"}"
done
)";
  PluginPolicy plugin(shell_plugin(script.c_str(), std::chrono::milliseconds(700)));
  std::vector<std::future<Decision>> answers;
  for (int i = 0; i < 3; ++i) {
    auto promise = std::make_shared<std::promise<Decision>>();
    answers.push_back(promise->get_future());
    plugin.check_async(note("slow", static_cast<std::uint8_t>(i)), {},
                       [promise](Decision d) { promise->set_value(std::move(d)); });
  }
  EXPECT_EQ(answers[0].get().verdict, Verdict::kAccept);
  EXPECT_EQ(answers[2].get().message, "error: the relay's write-policy plugin did not answer in time");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // its late answers arrive and are dropped
  EXPECT_EQ(plugin.check(note("later", 9), {}).verdict, Verdict::kAccept);
  std::ifstream file(starts);
  std::string line;
  int count = 0;
  while (std::getline(file, line)) ++count;
  EXPECT_EQ(count, 1) << "answering slowly is not being stuck";
  std::filesystem::remove(starts);
}

TEST(PluginPolicy, AProgramThatCannotStartLeavesEventsWithAnError) {
  PluginConfig config;
  config.command = {"/nonexistent/plugin"};
  config.timeout = std::chrono::milliseconds(100);
  PluginPolicy plugin(config);
  EXPECT_EQ(plugin.check(note("x"), {}).message, "error: the relay's write-policy plugin is not running");
}

TEST(PluginPolicy, BeyondMaxPendingEventsAreRefusedAtOnce) {
  auto config = shell_plugin("exec sleep 30", std::chrono::milliseconds(2000));
  config.max_pending = 2;
  PluginPolicy plugin(config);
  std::vector<std::future<Decision>> answers;
  for (int i = 0; i < 3; ++i) {
    auto promise = std::make_shared<std::promise<Decision>>();
    answers.push_back(promise->get_future());
    plugin.check_async(note("x", static_cast<std::uint8_t>(i)), {},
                       [promise](Decision d) { promise->set_value(std::move(d)); });
  }
  EXPECT_EQ(answers[2].get().message,
            "rate-limited: the relay's write-policy plugin is busy; try again later");
}

TEST(Pipeline, StagesAfterAnAsynchronousOneRunWhenItAnswers) {
  PolicyConfig config;
  config.plugin = shell_plugin(kPatternPlugin);
  config.rate_limits = {RateRule{{}, 1, 60}};
  auto pipeline = build_pipeline(config);
  ASSERT_TRUE(pipeline->asynchronous());
  EventSource source;
  source.now = 100;
  auto first = note("one", 1), second = note("two", 2), spam = note("spam", 3);
  std::promise<Decision> a, b, c;
  pipeline->evaluate(first, source, [&](Decision d) { a.set_value(std::move(d)); });
  EXPECT_EQ(a.get_future().get().verdict, Verdict::kAccept);
  pipeline->evaluate(second, source, [&](Decision d) { b.set_value(std::move(d)); });
  EXPECT_EQ(b.get_future().get().message, "rate-limited: at most 1 event per 60 seconds");
  pipeline->evaluate(spam, source, [&](Decision d) { c.set_value(std::move(d)); });
  EXPECT_EQ(c.get_future().get().message, "blocked: no spam here");
  auto counts = pipeline->counts();
  EXPECT_EQ(counts["pipeline/accept"], 1u);
  EXPECT_EQ(counts["rate-limit/reject/budget"], 1u);
  EXPECT_EQ(counts["plugin/reject/plugin"], 1u);
}

}  // namespace
}  // namespace pleb::processor
