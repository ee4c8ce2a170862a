// The user service's logic and storage, on SQLite and on PostgreSQL: accounts and registration,
// profiles (PATCH rules, kind-0 events), NIP-05 names (rules, conflicts, races), membership and roles.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "nostr/schnorr.hpp"
#include "scratch_db.hpp"
#include "services/users/nip05_name.hpp"
#include "services/users/user_service.hpp"

namespace pleb::users {
namespace {

using pleb::testing::Backend;
using pleb::testing::BothDatabases;

nostr::Bytes32 key(std::uint8_t n) {
  nostr::Bytes32 k{};
  k[0] = n;
  k[31] = 0xee;
  return k;
}

nostr::Event metadata(const nostr::Bytes32& pubkey, std::int64_t created_at, std::string content) {
  nostr::Event event;
  event.pubkey = pubkey;
  event.kind = 0;
  event.created_at = created_at;
  event.content = std::move(content);
  return event;  // validated upstream; the service does not check signatures
}

class UserServiceTest : public BothDatabases {
 protected:
  void SetUp() override {
    BothDatabases::SetUp();
    if (IsSkipped()) return;
    db_ = scratch().open();
    service_ = make_service(*db_);
  }

  std::unique_ptr<UserService> make_service(store::ServiceDb& db) {
    UsersConfig config;
    config.admins = {admin_};
    config.relays = {"wss://relay.example"};
    config.clock = [this] { return clock_.load(); };
    return std::make_unique<UserService>(db, config, [this](const nostr::Bytes32& pubkey) {
      std::lock_guard lock(mutex_);
      registered_.push_back(pubkey);
    });
  }

  UserService& users() { return *service_; }

  nostr::Bytes32 admin_ = key(0xad);
  std::atomic<std::int64_t> clock_{1'700'000'000};
  std::mutex mutex_;
  std::vector<nostr::Bytes32> registered_;
  std::unique_ptr<store::ServiceDb> db_;
  std::unique_ptr<UserService> service_;
};

TEST_P(UserServiceTest, FirstSignInCreatesTheAccountAndRegistersOnce) {
  auto alice = key(1);
  EXPECT_FALSE(users().account(alice));
  EXPECT_TRUE(users().sign_in(alice));
  clock_ += 10;
  EXPECT_FALSE(users().sign_in(alice));
  users().resolve(alice);
  ASSERT_EQ(registered_.size(), 1u);
  EXPECT_EQ(registered_[0], alice);
  auto account = users().account(alice);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->created_at, 1'700'000'000);
  EXPECT_EQ(account->display_name, "");
  EXPECT_FALSE(account->nip05);
  EXPECT_FALSE(account->membership);
}

TEST_P(UserServiceTest, SimultaneousFirstSignInsRegisterOnce) {
  auto other_db = scratch().open(2);
  auto other = make_service(*other_db);
  for (std::uint8_t round = 1; round <= 8; ++round) {
    std::latch start(2);
    std::atomic<int> created{0};
    auto sign_in = [&](UserService* service) {
      start.arrive_and_wait();
      if (service->sign_in(key(round))) ++created;
    };
    std::thread a(sign_in, service_.get());
    std::thread b(sign_in, other.get());
    a.join();
    b.join();
    EXPECT_EQ(created.load(), 1);
  }
  EXPECT_EQ(registered_.size(), 8u);
}

TEST_P(UserServiceTest, ServiceRestartsKeepTheData) {
  auto alice = key(1);
  users().join(alice);
  ASSERT_TRUE(users().claim_name(alice, "alice"));
  service_.reset();
  db_.reset();
  db_ = scratch().open();
  service_ = make_service(*db_);  // migrations run again: nothing to do
  EXPECT_EQ(db_->schema_version("users"), 1);
  EXPECT_EQ(users().lookup_name("alice"), alice);
  EXPECT_TRUE(users().membership(alice));
}

TEST_P(UserServiceTest, RolesComeFromMembershipAndConfiguration) {
  auto alice = key(1);
  auto visitor = users().resolve(alice);
  EXPECT_FALSE(visitor.is_member);
  EXPECT_EQ(visitor.role, Role::kMember);
  EXPECT_TRUE(users().join(alice).created);
  EXPECT_TRUE(users().resolve(alice).is_member);
  ASSERT_TRUE(users().set_role(alice, Role::kModerator));
  EXPECT_EQ(users().resolve(alice).role, Role::kModerator);

  auto admin = users().resolve(admin_);  // configured, never joined
  EXPECT_TRUE(admin.is_member);
  EXPECT_EQ(admin.role, Role::kAdmin);
  EXPECT_EQ(users().account(admin_)->membership->role, Role::kAdmin);
}

TEST_P(UserServiceTest, ProfilePatchSetsAndClearsFields) {
  auto alice = key(1);
  ProfilePatch patch;
  patch.display_name = "Alice ⚡";
  patch.about = "line one\nline two";
  patch.picture = "https://img.example/a.png";
  auto updated = users().update_profile(alice, patch);
  ASSERT_TRUE(updated) << updated.problem().detail;
  EXPECT_EQ(updated->display_name, "Alice ⚡");
  EXPECT_EQ(updated->about, "line one\nline two");
  EXPECT_EQ(updated->picture, "https://img.example/a.png");

  clock_ += 5;
  ProfilePatch clear;
  clear.picture = "";
  updated = users().update_profile(alice, clear);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->picture, "");
  EXPECT_EQ(updated->display_name, "Alice ⚡");  // absent fields stay
  EXPECT_EQ(updated->updated_at, updated->created_at + 5);
}

TEST_P(UserServiceTest, ProfilePatchRefusesWhatBreaksTheRules) {
  auto alice = key(1);
  auto refused = [&](ProfilePatch patch, const std::string& reason) {
    auto result = users().update_profile(alice, patch);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.problem().failure, Failure::kInvalid);
    EXPECT_NE(result.problem().detail.find(reason), std::string::npos) << result.problem().detail;
  };
  refused({std::string(101, 'a'), {}, {}}, "display_name: at most 100 bytes");
  refused({"tab\there", {}, {}}, "display_name: no control characters");
  refused({{}, std::string(2001, 'a'), {}}, "about: at most 2000 bytes");
  refused({{}, std::string("bell\a"), {}}, "about: no control characters");
  refused({{}, {}, "javascript:alert(1)"}, "picture: an http:// or https:// URL");
  refused({{}, {}, "https://"}, "picture:");
  refused({{}, {}, "https://a.example/with space.png"}, "picture:");
  refused({{}, {}, "https://a.example/" + std::string(2048, 'a')}, "picture: at most 2048 bytes");
  EXPECT_TRUE(
      users().update_profile(alice, {std::string(100, 'a'), std::string(2000, 'b'), "http://x.example"}));
}

TEST_P(UserServiceTest, KindZeroEventsOfKnownAccountsReplaceTheProfile) {
  auto alice = key(1);
  auto stranger = key(2);
  users().sign_in(alice);
  users().on_validated_event(metadata(stranger, 100, R"({"name":"who"})"));
  EXPECT_FALSE(users().account(stranger));  // unknown pubkeys get no account from events

  users().on_validated_event(metadata(
      alice, 100, R"({"name":"alice","about":"hi","picture":"https://p.example/a.png","lud16":"x@y"})"));
  auto account = users().account(alice);
  EXPECT_EQ(account->display_name, "alice");  // "name" when there is no display_name
  EXPECT_EQ(account->about, "hi");
  EXPECT_EQ(account->picture, "https://p.example/a.png");

  users().on_validated_event(
      metadata(alice, 200, R"({"name":"al","display_name":"Alice A.","about":"new"})"));
  account = users().account(alice);
  EXPECT_EQ(account->display_name, "Alice A.");
  EXPECT_EQ(account->about, "new");
  EXPECT_EQ(account->picture, "");  // a kind 0 is the whole profile

  users().on_validated_event(metadata(alice, 150, R"({"name":"older"})"));        // older: ignored
  users().on_validated_event(metadata(alice, 200, R"({"name":"same second"})"));  // not newer: ignored
  EXPECT_EQ(users().account(alice)->display_name, "Alice A.");
}

TEST_P(UserServiceTest, MalformedKindZeroContentIsIgnoredNeverFatal) {
  auto alice = key(1);
  users().sign_in(alice);
  users().on_validated_event(metadata(alice, 100, R"({"name":"alice"})"));
  for (const char* content : {"", "not json", "[1,2]", "\"a string\"", "{\"name\":", "null"}) {
    users().on_validated_event(metadata(alice, 200, content));
  }
  EXPECT_EQ(users().account(alice)->display_name, "alice");
  // A malformed event does not use up its timestamp: a good one of the same second still applies.
  users().on_validated_event(metadata(alice, 200, R"({"name":7,"display_name":["x"],"about":"ok"})"));
  auto account = users().account(alice);
  EXPECT_EQ(account->display_name, "");  // wrong types count as absent
  EXPECT_EQ(account->about, "ok");
  // Other kinds are not profiles.
  auto note = metadata(alice, 300, R"({"name":"note"})");
  note.kind = 1;
  users().on_validated_event(note);
  EXPECT_EQ(users().account(alice)->about, "ok");
}

TEST_P(UserServiceTest, KindZeroFieldsAreCutToTheLimits) {
  auto alice = key(1);
  users().sign_in(alice);
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "é";  // 120 bytes
  users().on_validated_event(
      metadata(alice, 100,
               R"({"display_name":")" + long_name + R"(\u0007","about":"a\nb\u0000c","picture":"ftp://x"})"));
  auto account = users().account(alice);
  EXPECT_EQ(account->display_name, long_name.substr(0, 100));  // 50 whole characters
  EXPECT_EQ(account->about, "a\nbc");
  EXPECT_EQ(account->picture, "");
}

TEST(Nip05Name, RulesAndNormalization) {
  EXPECT_EQ(normalize_nip05_name("alice"), "alice");
  EXPECT_EQ(normalize_nip05_name("Alice.B_c-9"), "alice.b_c-9");
  EXPECT_EQ(normalize_nip05_name(std::string(50, 'a')), std::string(50, 'a'));
  EXPECT_FALSE(normalize_nip05_name(std::string(51, 'a')));
  EXPECT_FALSE(normalize_nip05_name(""));
  EXPECT_FALSE(normalize_nip05_name("al ice"));
  EXPECT_FALSE(normalize_nip05_name("alice@example.com"));
  EXPECT_FALSE(normalize_nip05_name("ålice"));
  EXPECT_FALSE(normalize_nip05_name("a+b"));
  EXPECT_EQ(nip05_name_error("a+b"), "a name uses only a-z, 0-9, '-', '_' and '.'");
  EXPECT_EQ(nip05_name_error(""), "a name has at least one character");
  EXPECT_EQ(nip05_name_error(std::string(51, 'a')), "a name has at most 50 characters");
}

TEST_P(UserServiceTest, ClaimChangeAndReleaseAName) {
  auto alice = key(1);
  auto claimed = users().claim_name(alice, "Alice");
  ASSERT_TRUE(claimed) << claimed.problem().detail;
  EXPECT_EQ(*claimed, "alice");
  EXPECT_EQ(users().lookup_name("alice"), alice);
  EXPECT_EQ(users().lookup_name("ALICE"), alice);
  EXPECT_EQ(users().account(alice)->nip05, "alice");
  EXPECT_TRUE(users().claim_name(alice, "alice"));  // claiming one's own name again is fine

  ASSERT_TRUE(users().claim_name(alice, "wonderland"));  // changing releases the old name
  EXPECT_FALSE(users().lookup_name("alice"));
  EXPECT_TRUE(users().name_availability("alice")->available);
  EXPECT_EQ(users().lookup_name("wonderland"), alice);

  auto released = users().release_name(alice);
  ASSERT_TRUE(released);
  EXPECT_EQ(*released, "wonderland");
  EXPECT_FALSE(users().lookup_name("wonderland"));
  auto again = users().release_name(alice);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.problem().failure, Failure::kNotFound);
}

TEST_P(UserServiceTest, NamesAreUniqueRegardlessOfCase) {
  auto alice = key(1);
  auto bob = key(2);
  ASSERT_TRUE(users().claim_name(alice, "alice"));
  ASSERT_TRUE(users().claim_name(bob, "bob"));
  for (const char* attempt : {"alice", "Alice", "ALICE"}) {
    auto taken = users().claim_name(bob, attempt);
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.problem().failure, Failure::kTaken);
    EXPECT_EQ(taken.problem().detail, "\"alice\" is taken");
  }
  EXPECT_EQ(users().lookup_name("bob"), bob);  // a failed change keeps the old name
  auto availability = users().name_availability("ALICE");
  ASSERT_TRUE(availability);
  EXPECT_FALSE(availability->available);
  EXPECT_EQ(availability->reason, "taken");
  EXPECT_EQ(availability->owner, alice);
}

TEST_P(UserServiceTest, InvalidAndReservedNamesAreRefused) {
  auto alice = key(1);
  for (const char* invalid : {"", "al ice", "a/b", "émile", "x@y"}) {
    auto result = users().claim_name(alice, invalid);
    ASSERT_FALSE(result) << invalid;
    EXPECT_EQ(result.problem().failure, Failure::kInvalid) << invalid;
  }
  EXPECT_EQ(users().claim_name(alice, std::string(51, 'a')).problem().failure, Failure::kInvalid);
  for (const char* reserved : {"admin", "Root", "_"}) {
    auto result = users().claim_name(alice, reserved);
    ASSERT_FALSE(result) << reserved;
    EXPECT_EQ(result.problem().failure, Failure::kReserved) << reserved;
    EXPECT_EQ(users().name_availability(reserved)->reason, "reserved");
  }
  EXPECT_EQ(users().name_availability("a b").problem().failure, Failure::kInvalid);
  EXPECT_FALSE(users().lookup_name("a b"));
}

TEST_P(UserServiceTest, ConfiguredReservedNamesReplaceTheDefaults) {
  UsersConfig config;
  config.reserved_names = {"Founder"};
  UserService custom(*db_, config);
  EXPECT_EQ(custom.claim_name(key(1), "founder").problem().failure, Failure::kReserved);
  EXPECT_TRUE(custom.claim_name(key(2), "admin"));
}

TEST_P(UserServiceTest, OfTwoSimultaneousClaimsOfANameExactlyOneWins) {
  // Two service instances over two connection pools: two API processes sharing one database.
  auto other_db = scratch().open(2);
  auto other = make_service(*other_db);
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    auto first = key(static_cast<std::uint8_t>(2 * round + 1));
    auto second = key(static_cast<std::uint8_t>(2 * round + 2));
    users().sign_in(first);
    users().sign_in(second);
    std::string name = "contested" + std::to_string(round);
    std::latch start(2);
    std::atomic<int> wins{0}, taken{0};
    auto claim = [&](UserService* service, nostr::Bytes32 pubkey) {
      start.arrive_and_wait();
      auto result = service->claim_name(pubkey, name);
      if (result) {
        ++wins;
      } else if (result.problem().failure == Failure::kTaken) {
        ++taken;
      }
    };
    std::thread a(claim, service_.get(), first);
    std::thread b(claim, other.get(), second);
    a.join();
    b.join();
    EXPECT_EQ(wins.load(), 1) << name;
    EXPECT_EQ(taken.load(), 1) << name;
    auto owner = users().lookup_name(name);
    ASSERT_TRUE(owner);
    EXPECT_TRUE(*owner == first || *owner == second);
  }
}

TEST_P(UserServiceTest, JoinLeaveAndRoles) {
  auto alice = key(1);
  auto joined = users().join(alice);
  EXPECT_TRUE(joined.created);
  EXPECT_EQ(joined.membership.role, Role::kMember);
  EXPECT_EQ(joined.membership.joined_at, 1'700'000'000);
  EXPECT_EQ(registered_.size(), 1u);  // joining signs in
  clock_ += 60;
  EXPECT_FALSE(users().join(alice).created);
  EXPECT_EQ(users().membership(alice)->joined_at, 1'700'000'000);

  auto promoted = users().set_role(alice, Role::kModerator);
  ASSERT_TRUE(promoted);
  EXPECT_EQ(promoted->role, Role::kModerator);
  ASSERT_TRUE(users().set_role(alice, Role::kMember));

  ASSERT_TRUE(users().leave(alice));
  EXPECT_FALSE(users().membership(alice));
  EXPECT_EQ(users().leave(alice).problem().failure, Failure::kNotFound);
  EXPECT_EQ(users().set_role(alice, Role::kModerator).problem().failure, Failure::kNotFound);
  EXPECT_TRUE(users().account(alice));  // leaving keeps the account

  EXPECT_EQ(users().set_role(admin_, Role::kMember).problem().failure, Failure::kConflict);
  EXPECT_EQ(users().leave(admin_).problem().failure, Failure::kConflict);
}

TEST_P(UserServiceTest, MembersArePagedInJoiningOrder) {
  std::vector<nostr::Bytes32> joined;
  for (std::uint8_t i = 1; i <= 7; ++i) {
    // Three share a second, so the pubkey breaks ties.
    if (i > 3) clock_ += 1;
    users().join(key(static_cast<std::uint8_t>(100 - i)));
    joined.push_back(key(static_cast<std::uint8_t>(100 - i)));
  }
  std::sort(joined.begin(), joined.begin() + 3);
  ASSERT_TRUE(users().claim_name(joined[4], "fifth"));
  users().update_profile(joined[4], {"Fifth", {}, {}});

  std::vector<nostr::Bytes32> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = users().members(3, cursor);
    ASSERT_TRUE(page) << page.problem().detail;
    for (const Member& member : page->members) {
      seen.push_back(member.pubkey);
      if (member.pubkey == joined[4]) {
        EXPECT_EQ(member.nip05, "fifth");
        EXPECT_EQ(member.display_name, "Fifth");
      }
    }
    cursor = page->next_cursor.value_or("");
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, joined);

  auto all = users().members(200, "");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->members.size(), 7u);
  EXPECT_FALSE(all->next_cursor);
}

TEST_P(UserServiceTest, MemberPagesRefuseBadLimitsAndCursors) {
  EXPECT_EQ(users().members(0, "").problem().failure, Failure::kInvalid);
  EXPECT_EQ(users().members(201, "").problem().failure, Failure::kInvalid);
  for (const char* cursor : {"x", "12", ".abc", "-1.", "12.zz", "12.0123"}) {
    EXPECT_EQ(users().members(10, cursor).problem().failure, Failure::kInvalid) << cursor;
  }
  EXPECT_TRUE(users().members(10, "0." + std::string(64, '0')));
}

TEST_P(UserServiceTest, ConfiguredAdminsAreListedAsAdmins) {
  users().join(admin_);
  auto page = users().members(10, "");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->members.size(), 1u);
  EXPECT_EQ(page->members[0].role, Role::kAdmin);
}

INSTANTIATE_TEST_SUITE_P(Backends, UserServiceTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         pleb::testing::backend_name);

}  // namespace
}  // namespace pleb::users
