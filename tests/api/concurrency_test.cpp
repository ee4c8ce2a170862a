// The router answers from several I/O threads at once: its shared state (replay memory, remembered tags)
// must hold under concurrent calls. Driven through Router::handle from plain threads.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api_harness.hpp"
#include "http/api/etag.hpp"
#include "test_routes.hpp"

namespace pleb::api::testing {
namespace {

constexpr int kThreads = 8;

http::HttpRequest get(const std::string& target, const std::string& authorization = "") {
  http::HttpRequest request;
  request.method = "GET";
  request.target = target;
  request.headers["host"] = "api.test";
  if (!authorization.empty()) request.headers["authorization"] = authorization;
  request.remote_address = "127.0.0.1";
  return request;
}

TEST(RouterConcurrency, AReplayedSignatureRacedFromManyThreadsIsAcceptedOnce) {
  TestRouteState state;
  Router router;
  add_test_routes(router, state);
  Signer signer = new_signer();
  for (int round = 0; round < 20; ++round) {
    std::string target = "/api/v1/test/whoami?round=" + std::to_string(round);
    auto request = get(target, nip98_header(signer, "http://api.test" + target, "GET"));
    std::atomic<int> accepted{0}, replays{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        auto response = router.handle(request);
        if (response.status == 200) ++accepted;
        if (response.status == 401 && response.body.find("already used") != std::string::npos) ++replays;
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(accepted.load(), 1) << "round " << round;
    EXPECT_EQ(replays.load(), kThreads - 1) << "round " << round;
  }
}

TEST(RouterConcurrency, TagsStayConsistentWhileWritesInvalidateThem) {
  TestRouteState state;
  RouterOptions options;
  options.roles = [](const nostr::Bytes32&) { return Principal{.is_member = true}; };
  Router router(std::move(options));
  add_test_routes(router, state);
  std::vector<Signer> writers;
  for (int t = 0; t < kThreads / 2; ++t) writers.push_back(new_signer());

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (t % 2 == 0) {  // a writer: PUT notes with a fresh signature each time
          std::string target = "/api/v1/test/notes?w=" + std::to_string(t) + "-" + std::to_string(i);
          std::string body = "[" + std::to_string(t * 1000 + i) + "]";
          http::HttpRequest put =
              get(target, nip98_header(writers[t / 2], "http://api.test" + target, "PUT", body));
          put.method = "PUT";
          put.body = body;
          put.headers["content-type"] = "application/json";
          if (router.handle(put).status != 200) ++wrong;
        } else {  // a reader: a 304 must only ever confirm the tag of the body it was computed from
          auto first = router.handle(get("/api/v1/test/notes"));
          auto etag = first.headers["ETag"];
          if (first.status != 200 || etag != strong_etag(first.body)) ++wrong;
          auto request = get("/api/v1/test/notes");
          request.headers["if-none-match"] = etag;
          auto again = router.handle(request);
          if (again.status == 200 && again.headers["ETag"] != strong_etag(again.body)) ++wrong;
          if (again.status != 200 && again.status != 304) ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  // Quiet again: the last write is what a fresh read sees, and its tag is remembered.
  auto last = router.handle(get("/api/v1/test/notes"));
  auto request = get("/api/v1/test/notes");
  request.headers["if-none-match"] = last.headers["ETag"];
  EXPECT_EQ(router.handle(request).status, 304u);
  std::lock_guard lock(state.mutex);
  EXPECT_EQ(last.body, "{\"notes\":" + state.notes + "}");
}

}  // namespace
}  // namespace pleb::api::testing
