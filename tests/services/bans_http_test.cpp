// The ban routes over a real socket, on SQLite and on PostgreSQL, with requests signed by real keys: who
// may call them (401 anonymous, 403 a member, moderators and admins may), each answer (201, 409, 204,
// 404, pages), every kind of bad input (400 malformed body or path, 422 bad field), and the listener told
// of each change (what `pleb serve` applies to its relay and `pleb api` publishes).
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "api_harness.hpp"
#include "nostr/nip19.hpp"
#include "scratch_db.hpp"
#include "services/moderation/ban_routes.hpp"
#include "services/users/routes.hpp"
#include "services/users/user_service.hpp"

namespace pleb::moderation {
namespace {

using api::testing::HttpResult;
using api::testing::json_field;
using api::testing::problem_detail;
using api::testing::Signer;
using pleb::testing::BothDatabases;

constexpr std::string_view kPublicUrl = "https://relay.example";
constexpr std::string_view kBans = "/api/v1/moderation/bans";

class BansHttpTest : public BothDatabases {
 protected:
  void SetUp() override {
    BothDatabases::SetUp();
    if (IsSkipped()) return;
    db_ = scratch().open();
    users::UsersConfig config;
    config.admins = {admin_.pubkey};
    users_ = std::make_unique<users::UserService>(*db_, config);
    bans_ = std::make_unique<BanService>(*db_, [this](const BanChange& change) {
      std::lock_guard lock(mutex_);
      changes_.push_back(change);
    });
    api::RouterOptions options;
    options.public_url = std::string(kPublicUrl);
    options.admins = config.admins;
    options.roles = users_->role_resolver();
    server_ = std::make_unique<api::testing::ServedRouter>(std::move(options), [this](api::Router& router) {
      users::add_user_routes(router, *users_);
      add_ban_routes(router, *bans_);
    });
  }
  void TearDown() override {
    server_.reset();
    bans_.reset();
    users_.reset();
    db_.reset();
  }

  HttpResult signed_request(const Signer& signer, const std::string& method, const std::string& target,
                            const std::string& body = "") {
    // Each request its own created_at within the accepted minute, so none is refused as a replay.
    std::int64_t created_at = api::testing::unix_now() - (requests_++ % 40);
    std::map<std::string, std::string> headers{
        {"Authorization",
         api::testing::nip98_header(signer, std::string(kPublicUrl) + target, method, body, created_at)}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return server_->send(method, target, headers, body);
  }
  HttpResult post_ban(const std::string& body) {
    return signed_request(admin_, "POST", std::string(kBans), body);
  }
  Signer member() {
    Signer signer = api::testing::new_signer();
    EXPECT_EQ(signed_request(signer, "POST", "/api/v1/members").status, 201u);
    return signer;
  }
  std::vector<BanChange> changes() {
    std::lock_guard lock(mutex_);
    return changes_;
  }

  Signer admin_ = api::testing::new_signer();
  int requests_ = 0;
  std::unique_ptr<store::ServiceDb> db_;
  std::unique_ptr<users::UserService> users_;
  std::unique_ptr<BanService> bans_;
  std::unique_ptr<api::testing::ServedRouter> server_;
  std::mutex mutex_;
  std::vector<BanChange> changes_;
};

std::string hex_of(std::uint8_t fill) {
  nostr::Bytes32 key;
  key.fill(fill);
  return nostr::to_hex(key);
}

TEST_P(BansHttpTest, OnlyModeratorsAndAdminsMayBan) {
  std::string body = R"({"type":"pubkey","value":")" + hex_of(1) + "\"}";
  EXPECT_EQ(server_->send("GET", std::string(kBans)).status, 401u);
  EXPECT_EQ(server_->send("POST", std::string(kBans), {{"Content-Type", "application/json"}}, body).status,
            401u);
  EXPECT_EQ(server_->send("DELETE", std::string(kBans) + "/pubkey/" + hex_of(1)).status, 401u);
  Signer alice = member();
  for (auto [method, target, text] :
       {std::tuple<std::string, std::string, std::string>{"GET", std::string(kBans), ""},
        {"POST", std::string(kBans), body},
        {"DELETE", std::string(kBans) + "/pubkey/" + hex_of(1), ""}}) {
    auto refused = signed_request(alice, method, target, text);
    EXPECT_EQ(refused.status, 403u) << method;
    EXPECT_FALSE(problem_detail(refused).empty());
  }
  EXPECT_TRUE(changes().empty());
  // A moderator (promoted by the admin) may.
  Signer bob = member();
  ASSERT_EQ(
      signed_request(admin_, "POST", "/api/v1/members/" + bob.pubkey_hex + "/role", R"({"role":"moderator"})")
          .status,
      200u);
  auto made = signed_request(bob, "POST", std::string(kBans), body);
  EXPECT_EQ(made.status, 201u) << made.body;
  EXPECT_EQ(json_field(made.body, "banned_by"), bob.pubkey_hex);
  EXPECT_EQ(signed_request(bob, "GET", std::string(kBans)).status, 200u);
}

TEST_P(BansHttpTest, BansAreMadeListedAndLiftedOnce) {
  auto made = post_ban(R"({"type":"pubkey","value":")" +
                       nostr::encode_npub(nostr::parse_hex_lower<32>(hex_of(2)).value()) +
                       R"(","reason":"spam","shadow":true})");
  ASSERT_EQ(made.status, 201u) << made.body;
  EXPECT_EQ(json_field(made.body, "type"), "pubkey");
  EXPECT_EQ(json_field(made.body, "value"), hex_of(2));  // the npub, stored as hex
  EXPECT_EQ(json_field(made.body, "shadow"), "true");
  EXPECT_EQ(json_field(made.body, "purge"), "false");
  EXPECT_EQ(json_field(made.body, "reason"), "spam");
  EXPECT_EQ(json_field(made.body, "banned_by"), admin_.pubkey_hex);
  EXPECT_NEAR(std::stoll(json_field(made.body, "banned_at")), api::testing::unix_now(), 60);

  auto twice = post_ban(R"({"type":"pubkey","value":")" + hex_of(2) + "\"}");
  EXPECT_EQ(twice.status, 409u);
  EXPECT_EQ(problem_detail(twice), "this pubkey is banned already");

  ASSERT_EQ(post_ban(R"({"type":"event","value":")" + hex_of(3) + "\"}").status, 201u);
  ASSERT_EQ(post_ban(R"({"type":"address","value":"2001:DB8:0:0::1"})").status, 201u);
  ASSERT_EQ(post_ban(R"({"type":"address","value":"203.0.113.7"})").status, 201u);

  // Pages of two, then the last; and by type.
  std::vector<std::string> values;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto listed = signed_request(
        admin_, "GET", std::string(kBans) + "?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(listed.status, 200u) << listed.body;
    for (std::size_t at = listed.body.find("\"value\":\""); at != std::string::npos;
         at = listed.body.find("\"value\":\"", at + 1)) {
      values.push_back(listed.body.substr(at + 9, listed.body.find('"', at + 9) - at - 9));
    }
    cursor = json_field(listed.body, "next_cursor");
    if (cursor.empty() || cursor == "null") break;
  }
  // Made within one second here, so in no particular order: each once, addresses in their canonical form.
  EXPECT_EQ(std::multiset<std::string>(values.begin(), values.end()),
            (std::multiset<std::string>{hex_of(2), hex_of(3), "2001:db8::1", "203.0.113.7"}));
  auto addresses = signed_request(admin_, "GET", std::string(kBans) + "?type=address");
  EXPECT_EQ(addresses.body.find(hex_of(2)), std::string::npos);
  EXPECT_NE(addresses.body.find("203.0.113.7"), std::string::npos);

  // Lifted once, given as hex or as the NIP-19 form.
  std::string note = nostr::encode_note(nostr::parse_hex_lower<32>(hex_of(3)).value());
  EXPECT_EQ(signed_request(admin_, "DELETE", std::string(kBans) + "/event/" + note).status, 204u);
  auto again = signed_request(admin_, "DELETE", std::string(kBans) + "/event/" + hex_of(3));
  EXPECT_EQ(again.status, 404u);
  EXPECT_EQ(problem_detail(again), "there is no such ban");
  EXPECT_EQ(signed_request(admin_, "DELETE", std::string(kBans) + "/address/2001:db8::1").status, 204u);

  auto told = changes();
  ASSERT_EQ(told.size(), 6u);  // four bans and two lifts; the refused ones are not told
  EXPECT_TRUE(told[0].banned);
  EXPECT_EQ(told[0].ban.value, hex_of(2));
  EXPECT_TRUE(told[0].ban.shadow);
  EXPECT_FALSE(told[4].banned);
  EXPECT_EQ(told[4].ban.type, BanType::kEvent);
  EXPECT_EQ(told[4].ban.value, hex_of(3));
  EXPECT_EQ(told[5].ban.value, "2001:db8::1");
}

TEST_P(BansHttpTest, EveryBadFieldIsRefusedWithTheReason) {
  struct Case {
    std::string body;
    unsigned status;
    std::string detail;
  };
  std::string key = hex_of(4);
  std::vector<Case> cases = {
      {"not json", 400, ""},
      {"[1,2]", 400, "the request body must be a JSON object"},
      {R"({"value":")" + key + "\"}", 422, R"(missing "type" (pubkey, event or address))"},
      {R"({"type":"pubkey"})", 422, R"(missing "value")"},
      {R"({"type":"user","value":")" + key + "\"}", 422,
       R"(type is one of pubkey, event, address (not "user"))"},
      {R"({"type":7,"value":")" + key + "\"}", 422, R"("type" must be a string)"},
      {R"({"type":"pubkey","value":42})", 422, R"("value" must be a string)"},
      {R"({"type":"pubkey","value":")" + key + R"(","shadow":"yes"})", 422,
       R"("shadow" must be true or false)"},
      {R"({"type":"pubkey","value":")" + key + R"(","reason":5})", 422, R"("reason" must be a string)"},
      {R"({"type":"pubkey","value":")" + key + R"(","reason":")" + std::string(501, 'x') + "\"}", 422,
       R"("reason" is at most 500 bytes)"},
      {R"({"type":"pubkey","value":")" + key + R"(","until":1})", 422,
       R"(unknown field "until" (type, value, reason, shadow, purge))"},
      {R"({"type":"pubkey","value":")" + key + R"(","purge":1})", 422, R"("purge" must be true or false)"},
      {R"({"type":"address","value":"203.0.113.7","purge":true})", 422,
       "only a pubkey ban can purge (an event ban always takes the event down)"},
      {R"({"type":"pubkey","value":"ABCDEF"})", 422, "a pubkey is 64 lowercase hex characters or an npub"},
      {R"({"type":"pubkey","value":")" + std::string(64, 'A') + "\"}", 422,
       "a pubkey is 64 lowercase hex characters or an npub"},
      {R"({"type":"pubkey","value":"npub1notreally"})", 422, ""},
      {R"({"type":"event","value":"xyz"})", 422, "an event id is 64 lowercase hex characters or a note"},
      {R"({"type":"event","value":")" + key + R"(","shadow":true})", 422,
       "only a pubkey can be shadow-banned"},
      {R"({"type":"address","value":"300.1.1.1"})", 422,
       "an address is an IPv4 or IPv6 address, such as 203.0.113.7 or 2001:db8::1"},
      {R"({"type":"address","value":"relay.example"})", 422,
       "an address is an IPv4 or IPv6 address, such as 203.0.113.7 or 2001:db8::1"},
  };
  for (const auto& c : cases) {
    auto result = post_ban(c.body);
    EXPECT_EQ(result.status, c.status) << c.body << " -> " << result.body;
    if (c.detail.empty()) {
      EXPECT_FALSE(problem_detail(result).empty()) << c.body;
    } else {
      EXPECT_EQ(problem_detail(result), c.detail) << c.body;
    }
  }
  auto npub = post_ban(R"({"type":"pubkey","value":"npub1notreally"})");
  EXPECT_TRUE(problem_detail(npub).starts_with("invalid npub: ")) << npub.body;
  // Paths and queries.
  EXPECT_EQ(signed_request(admin_, "DELETE", std::string(kBans) + "/user/" + key).status, 400u);
  EXPECT_EQ(signed_request(admin_, "DELETE", std::string(kBans) + "/pubkey/nothex").status, 400u);
  EXPECT_EQ(signed_request(admin_, "GET", std::string(kBans) + "?type=user").status, 400u);
  EXPECT_EQ(signed_request(admin_, "GET", std::string(kBans) + "?limit=0").status, 400u);
  EXPECT_EQ(signed_request(admin_, "GET", std::string(kBans) + "?cursor=nonsense").status, 400u);
  EXPECT_TRUE(changes().empty());
  EXPECT_EQ(signed_request(admin_, "GET", std::string(kBans)).body, R"({"bans":[],"next_cursor":null})");
}

INSTANTIATE_TEST_SUITE_P(Databases, BansHttpTest,
                         ::testing::Values(pleb::testing::Backend::kSqlite,
                                           pleb::testing::Backend::kPostgres),
                         pleb::testing::backend_name);

}  // namespace
}  // namespace pleb::moderation
