// Every user-service endpoint over a real socket, on SQLite and on PostgreSQL: the router with the
// user routes and the /.well-known/nostr.json handler behind one http::Server on an ephemeral port,
// requests signed with NIP-98 by real keys.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <thread>

#include "api_harness.hpp"
#include "http/server.hpp"
#include "nostr/nip19.hpp"
#include "nostr/schnorr.hpp"
#include "scratch_db.hpp"
#include "services/users/routes.hpp"
#include "services/users/well_known.hpp"

namespace pleb::users {
namespace {

using api::testing::HttpResult;
using api::testing::json_field;
using api::testing::problem_detail;
using api::testing::Signer;
using pleb::testing::Backend;
using pleb::testing::BothDatabases;

constexpr std::string_view kPublicUrl = "https://relay.example";

// The user service as `pleb serve` mounts it: nostr.json beside the API router, one port.
class UsersServer {
 public:
  UsersServer(UserService& users, const std::vector<nostr::Bytes32>& admins) {
    api::RouterOptions options;
    options.public_url = std::string(kPublicUrl);
    options.admins = admins;
    options.roles = users.role_resolver();
    router_ = std::make_unique<api::Router>(std::move(options));
    add_user_routes(*router_, users);
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 1;  // as the API harness: a single I/O thread keeps stop() race-free
    auto well_known = nostr_json_handler(users);
    http::HttpHandler handler = [this, well_known](const http::HttpRequest& request) {
      std::string_view target = request.target;
      if (target.substr(0, target.find('?')) == kNostrJsonPath) return well_known(request);
      return router_->handle(request);
    };
    server_ = std::make_unique<http::Server>(server_options, handler, api::testing::no_websockets());
    port_ = server_->listen();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~UsersServer() {
    server_->stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  std::unique_ptr<api::Router> router_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

class UsersHttpTest : public BothDatabases {
 protected:
  void SetUp() override {
    BothDatabases::SetUp();
    if (IsSkipped()) return;
    db_ = scratch().open();
    UsersConfig config;
    config.admins = {admin_.pubkey};
    config.relays = {"wss://relay.example", "wss://backup.example"};
    users_ = std::make_unique<UserService>(*db_, config, [this](const nostr::Bytes32& pubkey) {
      std::lock_guard lock(mutex_);
      registered_.push_back(pubkey);
    });
    server_ = std::make_unique<UsersServer>(*users_, config.admins);
  }
  void TearDown() override {
    server_.reset();
    users_.reset();
    db_.reset();
  }

  HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return api::testing::send_request(server_->port(), "GET", target, headers);
  }
  HttpResult send(const std::string& method, const std::string& target) {
    return api::testing::send_request(server_->port(), method, target);
  }
  HttpResult signed_request(const Signer& signer, const std::string& method, const std::string& target,
                            const std::string& body = "") {
    // The same request twice in one second would be the same event, refused as a replay: each request
    // gets its own created_at within the accepted minute.
    std::int64_t created_at = api::testing::unix_now() - (requests_++ % 40);
    std::map<std::string, std::string> headers{
        {"Authorization",
         api::testing::nip98_header(signer, std::string(kPublicUrl) + target, method, body, created_at)}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return api::testing::send_request(server_->port(), method, target, headers, body);
  }
  // A member: signed in and joined.
  Signer member() {
    Signer signer = api::testing::new_signer();
    auto joined = signed_request(signer, "POST", "/api/v1/members");
    EXPECT_EQ(joined.status, 201u) << joined.body;
    return signer;
  }

  Signer admin_ = api::testing::new_signer();
  int requests_ = 0;
  std::mutex mutex_;
  std::vector<nostr::Bytes32> registered_;
  std::unique_ptr<store::ServiceDb> db_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<UsersServer> server_;
};

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& body) {
  return parser.parse(body).value();
}

TEST_P(UsersHttpTest, GetUserByHexOrNpub) {
  Signer alice = member();
  users_->update_profile(alice.pubkey, {"Alice", "about me", "https://p.example/a.png"});
  auto result = get("/api/v1/users/" + alice.pubkey_hex);
  ASSERT_EQ(result.status, 200u) << result.body;
  EXPECT_EQ(result.header("content-type"), "application/json");
  EXPECT_EQ(json_field(result.body, "pubkey"), alice.pubkey_hex);
  EXPECT_EQ(json_field(result.body, "npub"), nostr::encode_npub(alice.pubkey));
  EXPECT_EQ(json_field(result.body, "display_name"), "Alice");
  EXPECT_EQ(json_field(result.body, "about"), "about me");
  EXPECT_EQ(json_field(result.body, "picture"), "https://p.example/a.png");
  EXPECT_EQ(json_field(result.body, "member"), "true");
  EXPECT_EQ(json_field(result.body, "role"), "member");
  EXPECT_EQ(json_field(result.body, "nip05"), "null");
  EXPECT_FALSE(result.header("etag").empty());

  auto by_npub = get("/api/v1/users/" + nostr::encode_npub(alice.pubkey));
  EXPECT_EQ(by_npub.status, 200u);
  EXPECT_EQ(by_npub.body, result.body);
}

TEST_P(UsersHttpTest, GetUserRefusesBadPubkeysAndUnknownOnes) {
  auto unknown = get("/api/v1/users/" + std::string(64, 'a'));
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(problem_detail(unknown), "no account for this pubkey");
  for (std::string bad :
       {std::string(64, 'A'), std::string(63, 'a'), std::string("me"), std::string(64, 'g')}) {
    auto result = get("/api/v1/users/" + bad);
    EXPECT_EQ(result.status, 400u) << bad;
    EXPECT_EQ(problem_detail(result), "a pubkey is 64 lowercase hex characters or an npub") << bad;
  }
  std::string npub = nostr::encode_npub(std::array<std::uint8_t, 32>{});
  npub.back() = npub.back() == 'q' ? 'p' : 'q';  // breaks the checksum
  auto broken = get("/api/v1/users/" + npub);
  EXPECT_EQ(broken.status, 400u);
  EXPECT_NE(problem_detail(broken).find("invalid npub"), std::string::npos) << broken.body;
}

TEST_P(UsersHttpTest, FirstSignedRequestRegistersTheUserOnce) {
  Signer alice = api::testing::new_signer();
  EXPECT_EQ(get("/api/v1/users/" + alice.pubkey_hex).status, 404u);
  auto patched = signed_request(alice, "PATCH", "/api/v1/users/me", R"({"display_name":"Alice"})");
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(json_field(patched.body, "member"), "false");
  EXPECT_EQ(signed_request(alice, "POST", "/api/v1/members").status, 201u);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(registered_.size(), 1u);
  EXPECT_EQ(registered_[0], alice.pubkey);
}

TEST_P(UsersHttpTest, PatchMeUpdatesAndValidates) {
  Signer alice = api::testing::new_signer();
  auto ok = signed_request(alice, "PATCH", "/api/v1/users/me",
                           R"({"display_name":"Alice \"A\"","about":"multi\nline","picture":null})");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(json_field(ok.body, "display_name"), "Alice \"A\"");
  EXPECT_EQ(json_field(ok.body, "about"), "multi\nline");
  EXPECT_EQ(json_field(get("/api/v1/users/" + alice.pubkey_hex).body, "display_name"), "Alice \"A\"");

  struct Case {
    std::string body;
    unsigned status;
    std::string detail;
  };
  std::vector<Case> cases = {
      {"{not json", 400, "the request body is not valid JSON"},
      {"[1]", 400, "the request body must be a JSON object"},
      {"{\"about\":\"\xff\"}", 400, "the request body is not valid JSON"},  // not UTF-8
      {R"({"nickname":"x"})", 422, "unknown field \"nickname\""},
      {R"({"about":5})", 422, "\"about\" must be a string or null"},
      {R"({"display_name":")" + std::string(101, 'x') + "\"}", 422, "display_name: at most 100 bytes"},
      {R"({"picture":"data:image/png;base64,AAAA"})", 422, "picture: an http:// or https:// URL"},
  };
  for (const Case& c : cases) {
    auto result = signed_request(alice, "PATCH", "/api/v1/users/me", c.body);
    EXPECT_EQ(result.status, c.status) << c.body;
    EXPECT_NE(problem_detail(result).find(c.detail), std::string::npos) << problem_detail(result);
  }
  EXPECT_EQ(send("PATCH", "/api/v1/users/me").status, 401u);
}

TEST_P(UsersHttpTest, ClaimANameAndSeeItEverywhere) {
  Signer alice = member();
  auto claimed = signed_request(alice, "POST", "/api/v1/nip05", R"({"name":"Alice"})");
  ASSERT_EQ(claimed.status, 201u) << claimed.body;
  EXPECT_EQ(json_field(claimed.body, "name"), "alice");
  EXPECT_EQ(json_field(claimed.body, "pubkey"), alice.pubkey_hex);
  EXPECT_EQ(json_field(get("/api/v1/users/" + alice.pubkey_hex).body, "nip05"), "alice");

  auto availability = get("/api/v1/nip05/alice");
  ASSERT_EQ(availability.status, 200u);
  EXPECT_EQ(json_field(availability.body, "available"), "false");
  EXPECT_EQ(json_field(availability.body, "reason"), "taken");
  EXPECT_EQ(json_field(availability.body, "pubkey"), alice.pubkey_hex);

  auto document = get("/.well-known/nostr.json?name=alice");
  ASSERT_EQ(document.status, 200u) << document.body;
  EXPECT_EQ(document.header("access-control-allow-origin"), "*");
  EXPECT_EQ(document.header("content-type"), "application/json");
  EXPECT_EQ(document.body, R"({"names":{"alice":")" + alice.pubkey_hex + R"("},"relays":{")" +
                               alice.pubkey_hex + R"(":["wss://relay.example","wss://backup.example"]}})");
  // Case-insensitive, answered under the spelling asked for.
  auto upper = get("/.well-known/nostr.json?name=ALICE");
  simdjson::dom::parser parser;
  std::string_view hex;
  ASSERT_FALSE(parse(parser, upper.body)["names"]["ALICE"].get_string().get(hex)) << upper.body;
  EXPECT_EQ(hex, alice.pubkey_hex);
}

TEST_P(UsersHttpTest, NameConflictsAndInvalidNames) {
  Signer alice = member();
  Signer bob = member();
  ASSERT_EQ(signed_request(alice, "POST", "/api/v1/nip05", R"({"name":"alice"})").status, 201u);
  ASSERT_EQ(signed_request(bob, "POST", "/api/v1/nip05", R"({"name":"bob"})").status, 201u);

  auto taken = signed_request(bob, "POST", "/api/v1/nip05", R"({"name":"ALICE"})");
  EXPECT_EQ(taken.status, 409u);
  EXPECT_EQ(json_field(taken.body, "title"), "Name Taken");
  EXPECT_EQ(problem_detail(taken), "\"alice\" is taken");
  auto reserved = signed_request(bob, "POST", "/api/v1/nip05", R"({"name":"admin"})");
  EXPECT_EQ(reserved.status, 409u);
  EXPECT_EQ(json_field(reserved.body, "title"), "Name Reserved");
  EXPECT_EQ(get("/.well-known/nostr.json?name=bob").body.find(bob.pubkey_hex) != std::string::npos, true);

  struct Case {
    std::string body;
    unsigned status;
    std::string detail;
  };
  std::vector<Case> cases = {
      {R"({"name":"a b"})", 422, "a name uses only a-z, 0-9, '-', '_' and '.'"},
      {R"({"name":""})", 422, "a name has at least one character"},
      {R"({"name":")" + std::string(51, 'a') + "\"}", 422, "a name has at most 50 characters"},
      {R"({"name":7})", 422, "\"name\" must be a string"},
      {R"({})", 422, "missing \"name\""},
      {R"({"name":"x","extra":1})", 422, "unknown field \"extra\""},
      {"name=alice", 400, "the request body is not valid JSON"},
  };
  for (const Case& c : cases) {
    auto result = signed_request(bob, "POST", "/api/v1/nip05", c.body);
    EXPECT_EQ(result.status, c.status) << c.body;
    EXPECT_NE(problem_detail(result).find(c.detail), std::string::npos) << problem_detail(result);
  }
  auto invalid = get("/api/v1/nip05/a%20b");
  EXPECT_EQ(invalid.status, 422u);
  auto free_name = get("/api/v1/nip05/Carol");
  ASSERT_EQ(free_name.status, 200u);
  EXPECT_EQ(json_field(free_name.body, "name"), "carol");
  EXPECT_EQ(json_field(free_name.body, "available"), "true");
}

TEST_P(UsersHttpTest, OnlyMembersClaimNames) {
  Signer visitor = api::testing::new_signer();
  EXPECT_EQ(signed_request(visitor, "POST", "/api/v1/nip05", R"({"name":"visitor"})").status, 403u);
  EXPECT_EQ(send("POST", "/api/v1/nip05").status, 401u);
}

TEST_P(UsersHttpTest, ChangeAndReleaseAName) {
  Signer alice = member();
  ASSERT_EQ(signed_request(alice, "POST", "/api/v1/nip05", R"({"name":"alice"})").status, 201u);
  ASSERT_EQ(signed_request(alice, "POST", "/api/v1/nip05", R"({"name":"alice2"})").status, 201u);
  EXPECT_EQ(get("/.well-known/nostr.json?name=alice").body, R"({"names":{}})");
  EXPECT_EQ(json_field(get("/api/v1/nip05/alice").body, "available"), "true");

  auto released = signed_request(alice, "DELETE", "/api/v1/nip05");
  EXPECT_EQ(released.status, 204u);
  EXPECT_EQ(get("/.well-known/nostr.json?name=alice2").body, R"({"names":{}})");
  auto again = signed_request(alice, "DELETE", "/api/v1/nip05");
  EXPECT_EQ(again.status, 404u);
  EXPECT_EQ(problem_detail(again), "this pubkey holds no name");
}

TEST_P(UsersHttpTest, NostrJsonEdges) {
  for (std::string query :
       {std::string("?name=nobody"), std::string("?name=not%20valid"), "?name=" + std::string(60, 'a')}) {
    auto result = get("/.well-known/nostr.json" + query);
    EXPECT_EQ(result.status, 200u) << query;
    EXPECT_EQ(result.body, R"({"names":{}})") << query;
    EXPECT_EQ(result.header("access-control-allow-origin"), "*");
  }
  auto missing = get("/.well-known/nostr.json");
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(missing.header("access-control-allow-origin"), "*");
  EXPECT_EQ(problem_detail(missing), "the name query parameter is required: nostr.json?name=alice");
  auto malformed = get("/.well-known/nostr.json?name=%zz");
  EXPECT_EQ(malformed.status, 400u);
  auto preflight = send("OPTIONS", "/.well-known/nostr.json?name=alice");
  EXPECT_EQ(preflight.status, 204u);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "*");
  auto post = send("POST", "/.well-known/nostr.json?name=alice");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.header("access-control-allow-origin"), "*");
}

TEST_P(UsersHttpTest, JoinListAndLeave) {
  Signer alice = api::testing::new_signer();
  auto joined = signed_request(alice, "POST", "/api/v1/members");
  ASSERT_EQ(joined.status, 201u) << joined.body;
  EXPECT_EQ(json_field(joined.body, "pubkey"), alice.pubkey_hex);
  EXPECT_EQ(json_field(joined.body, "role"), "member");
  EXPECT_EQ(signed_request(alice, "POST", "/api/v1/members").status, 200u);  // already a member

  std::vector<std::string> expected{alice.pubkey_hex};
  for (int i = 0; i < 4; ++i) expected.push_back(member().pubkey_hex);

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  simdjson::dom::parser parser;
  do {
    auto page = get("/api/v1/members?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200u) << page.body;
    auto doc = parse(parser, page.body);
    for (auto member : doc["members"].get_array()) {
      seen.emplace_back(member["pubkey"].get_string().value());
    }
    std::string_view next;
    cursor = doc["next_cursor"].get_string().get(next) ? "" : std::string(next);
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  std::sort(seen.begin(), seen.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);

  for (const char* bad : {"?limit=0", "?limit=201", "?limit=x", "?cursor=nonsense"}) {
    auto result = get(std::string("/api/v1/members") + bad);
    EXPECT_EQ(result.status, 400u) << bad;
  }

  EXPECT_EQ(signed_request(alice, "DELETE", "/api/v1/members/me").status, 204u);
  auto after = get("/api/v1/users/" + alice.pubkey_hex);
  EXPECT_EQ(json_field(after.body, "member"), "false");
  EXPECT_EQ(signed_request(alice, "DELETE", "/api/v1/members/me").status, 403u);  // no longer a member
  EXPECT_EQ(send("POST", "/api/v1/members").status, 401u);
}

TEST_P(UsersHttpTest, AdminsPromoteAndDemote) {
  Signer alice = member();
  Signer bob = member();
  const std::string route = "/api/v1/members/" + alice.pubkey_hex + "/role";

  auto forbidden = signed_request(bob, "POST", route, R"({"role":"moderator"})");
  EXPECT_EQ(forbidden.status, 403u);

  auto promoted = signed_request(admin_, "POST", route, R"({"role":"moderator"})");
  ASSERT_EQ(promoted.status, 200u) << promoted.body;
  EXPECT_EQ(json_field(promoted.body, "role"), "moderator");
  EXPECT_EQ(json_field(get("/api/v1/users/" + alice.pubkey_hex).body, "role"), "moderator");
  // A moderator is still not an admin.
  EXPECT_EQ(
      signed_request(alice, "POST", "/api/v1/members/" + bob.pubkey_hex + "/role", R"({"role":"admin"})")
          .status,
      403u);

  auto by_npub =
      signed_request(admin_, "POST", "/api/v1/members/" + nostr::encode_npub(alice.pubkey) + "/role",
                     R"({"role":"member"})");
  EXPECT_EQ(by_npub.status, 200u) << by_npub.body;
  EXPECT_EQ(json_field(by_npub.body, "role"), "member");

  auto stranger = api::testing::new_signer();
  auto not_member = signed_request(admin_, "POST", "/api/v1/members/" + stranger.pubkey_hex + "/role",
                                   R"({"role":"moderator"})");
  EXPECT_EQ(not_member.status, 404u);
  EXPECT_EQ(problem_detail(not_member), "not a member");
  auto bad_role = signed_request(admin_, "POST", route, R"({"role":"owner"})");
  EXPECT_EQ(bad_role.status, 422u);
  EXPECT_EQ(problem_detail(bad_role), "\"role\" is one of member, moderator, admin");
  EXPECT_EQ(signed_request(admin_, "POST", "/api/v1/members/zz/role", R"({"role":"member"})").status, 400u);
  auto configured = signed_request(admin_, "POST", "/api/v1/members/" + admin_.pubkey_hex + "/role",
                                   R"({"role":"member"})");
  EXPECT_EQ(configured.status, 409u);
}

TEST_P(UsersHttpTest, ProfilesFollowKindZeroEvents) {
  Signer alice = member();
  nostr::Event event;
  event.kind = 0;
  event.created_at = api::testing::unix_now();
  event.content = R"({"name":"alice","about":"from my client","picture":"https://p.example/me.jpg"})";
  ASSERT_TRUE(nostr::sign_event(event, alice.key));
  users_->on_validated_event(event);
  auto result = get("/api/v1/users/" + alice.pubkey_hex);
  EXPECT_EQ(json_field(result.body, "display_name"), "alice");
  EXPECT_EQ(json_field(result.body, "about"), "from my client");
  EXPECT_EQ(json_field(result.body, "picture"), "https://p.example/me.jpg");
}

// Only a server can drop connections or refuse them.
class UsersHttpPostgresTest : public UsersHttpTest {};

TEST_P(UsersHttpPostgresTest, SurvivesLostConnectionsAndAnswers503WhileTheDatabaseIsAway) {
  Signer alice = member();
  soci::session admin(*soci::factory_postgresql(), store::postgres_conninfo(scratch().server_url()));
  const std::string& name = scratch().database_name();
  auto drop_connections = [&] {
    admin << "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'";
  };

  // A restart drops every pooled connection: each is reopened on its next use, unseen by clients.
  drop_connections();
  for (int i = 0; i < 8; ++i) {
    auto result = get("/api/v1/nip05/someone" + std::to_string(i));
    EXPECT_EQ(result.status, 200u) << result.body;
  }

  // While the database refuses connections: 503 with Retry-After, on reads and writes.
  admin << "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false";
  drop_connections();
  auto read = get("/api/v1/users/" + alice.pubkey_hex);
  EXPECT_EQ(read.status, 503u) << read.body;
  EXPECT_EQ(read.header("retry-after"), "5");
  EXPECT_EQ(problem_detail(read), "the user database is unavailable; try again");
  auto write = signed_request(alice, "PATCH", "/api/v1/users/me", R"({"about":"during the outage"})");
  // The signed write fails earlier, in the router's role lookup: the same 503 and Retry-After.
  EXPECT_EQ(write.status, 503u) << write.body;
  EXPECT_EQ(write.header("retry-after"), "5");
  auto names = get("/.well-known/nostr.json?name=alice");
  EXPECT_EQ(names.status, 503u);
  EXPECT_EQ(names.header("access-control-allow-origin"), "*");

  // Back: everything works again, nothing was lost.
  admin << "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true";
  auto after = get("/api/v1/users/" + alice.pubkey_hex);
  EXPECT_EQ(after.status, 200u) << after.body;
  EXPECT_EQ(json_field(after.body, "member"), "true");
  auto patched = signed_request(alice, "PATCH", "/api/v1/users/me", R"({"about":"after the outage"})");
  EXPECT_EQ(patched.status, 200u) << patched.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, UsersHttpTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         pleb::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, UsersHttpPostgresTest, ::testing::Values(Backend::kPostgres),
                         pleb::testing::backend_name);

}  // namespace
}  // namespace pleb::users
