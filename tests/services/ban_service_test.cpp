// The ban service on both service databases: a ban is kept once per type and value, lifted once, listed
// in the order it was made (by type too), read whole for a process that loads every ban, kept across a
// reopened database, and each change is told to the listener after it is stored. And the user service's
// membership changes, told the same way, with every member's pubkey for the write policy.
#include <gtest/gtest.h>

#include "nostr/bytes.hpp"
#include "nostr/nip19.hpp"
#include "scratch_db.hpp"
#include "services/moderation/ban_service.hpp"
#include "services/users/user_service.hpp"

namespace pleb::moderation {
namespace {

using pleb::testing::BothDatabases;

nostr::Bytes32 key(std::uint8_t fill) {
  nostr::Bytes32 k;
  k.fill(fill);
  return k;
}

Ban ban_of(BanType type, std::string value, bool shadow = false) {
  Ban ban;
  ban.type = type;
  ban.value = std::move(value);
  ban.shadow = shadow;
  ban.reason = "spam";
  ban.banned_by = key(9);
  return ban;
}

class BanServiceTest : public BothDatabases {};

TEST_P(BanServiceTest, KeepsEachBanOnceAndTellsEveryChange) {
  auto db = scratch().open();
  std::vector<BanChange> told;
  BanService bans(*db, [&](const BanChange& change) { told.push_back(change); });
  auto author = ban_of(BanType::kPubkey, nostr::to_hex(key(1)), true);
  EXPECT_TRUE(bans.add(author));
  EXPECT_GT(author.banned_at, 0);
  auto again = ban_of(BanType::kPubkey, nostr::to_hex(key(1)));
  EXPECT_FALSE(bans.add(again));
  // The same value under another type is another ban.
  auto event = ban_of(BanType::kEvent, nostr::to_hex(key(1)));
  EXPECT_TRUE(bans.add(event));
  EXPECT_FALSE(bans.remove(BanType::kAddress, "203.0.113.7"));
  EXPECT_TRUE(bans.remove(BanType::kEvent, nostr::to_hex(key(1))));
  EXPECT_FALSE(bans.remove(BanType::kEvent, nostr::to_hex(key(1))));

  ASSERT_EQ(told.size(), 3u);
  EXPECT_TRUE(told[0].banned);
  EXPECT_TRUE(told[0].ban.shadow);
  EXPECT_EQ(told[0].ban.reason, "spam");
  EXPECT_EQ(told[0].ban.banned_by, key(9));
  EXPECT_FALSE(told[2].banned);
  EXPECT_EQ(told[2].ban.type, BanType::kEvent);

  auto all = bans.all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].value, nostr::to_hex(key(1)));
  EXPECT_TRUE(all[0].shadow);
  EXPECT_EQ(all[0].banned_by, key(9));
}

TEST_P(BanServiceTest, PagesInOrderByTypeAndReadsEverything) {
  auto db = scratch().open();
  BanService bans(*db);
  for (std::uint8_t i = 1; i <= 5; ++i) {
    auto ban = ban_of(BanType::kPubkey, nostr::to_hex(key(i)));
    ASSERT_TRUE(bans.add(ban));
  }
  auto address = ban_of(BanType::kAddress, "203.0.113.7");
  ASSERT_TRUE(bans.add(address));
  std::vector<std::string> seen;
  std::string cursor, problem;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = bans.list(2, cursor, BanType::kPubkey, problem);
    ASSERT_TRUE(page) << problem;
    for (const auto& ban : page->bans) seen.push_back(ban.value);
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
  auto addresses = bans.list(10, "", BanType::kAddress, problem);
  ASSERT_EQ(addresses->bans.size(), 1u);
  EXPECT_EQ(addresses->bans[0].value, "203.0.113.7");
  EXPECT_EQ(bans.all().size(), 6u);
  EXPECT_EQ(bans.all(3).size(), 3u);
  EXPECT_FALSE(bans.list(2, "nonsense", std::nullopt, problem));
  EXPECT_EQ(problem, "invalid cursor");
}

TEST_P(BanServiceTest, BansOutliveTheProcess) {
  {
    auto db = scratch().open();
    BanService bans(*db);
    auto ban = ban_of(BanType::kAddress, "2001:db8::1");
    ASSERT_TRUE(bans.add(ban));
  }
  auto db = scratch().open();
  BanService bans(*db);
  auto all = bans.all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].type, BanType::kAddress);
  EXPECT_EQ(all[0].value, "2001:db8::1");
}

TEST(BanValues, CanonicalFormsAndTheirRefusals) {
  std::string problem;
  EXPECT_EQ(canonical_ban_value(BanType::kAddress, "2001:DB8:0::0:1", problem), "2001:db8::1");
  EXPECT_EQ(canonical_ban_value(BanType::kAddress, "::ffff:203.0.113.7", problem), "::ffff:203.0.113.7");
  EXPECT_EQ(canonical_ban_value(BanType::kAddress, "203.0.113.7", problem), "203.0.113.7");
  EXPECT_FALSE(canonical_ban_value(BanType::kAddress, "", problem));
  EXPECT_FALSE(canonical_ban_value(BanType::kAddress, "203.0.113.7/24", problem));
  EXPECT_EQ(canonical_ban_value(BanType::kEvent, nostr::to_hex(key(7)), problem), nostr::to_hex(key(7)));
  EXPECT_FALSE(canonical_ban_value(BanType::kEvent, nostr::encode_npub(key(7)), problem))
      << "an npub is not an event id";
}

class MembershipTest : public BothDatabases {};

TEST_P(MembershipTest, JoiningAndLeavingAreToldAndMembersIncludeTheAdmins) {
  auto db = scratch().open();
  users::UsersConfig config;
  config.admins = {key(1)};
  std::vector<std::pair<nostr::Bytes32, bool>> told;
  users::UserService users(
      *db, config, {}, [&](const nostr::Bytes32& pubkey, bool member) { told.emplace_back(pubkey, member); });
  EXPECT_TRUE(users.join(key(2)).created);
  EXPECT_FALSE(users.join(key(2)).created);  // already a member: nothing changes, nothing told
  users.join(key(3));
  ASSERT_TRUE(users.set_role(key(3), api::Role::kModerator));  // a role is not membership
  auto members = users.member_pubkeys();
  EXPECT_EQ(std::set<nostr::Bytes32>(members.begin(), members.end()),
            (std::set<nostr::Bytes32>{key(1), key(2), key(3)}));
  EXPECT_TRUE(users.leave(key(2)));
  EXPECT_FALSE(users.leave(key(2)));
  EXPECT_FALSE(users.leave(key(1)));  // a configured admin stays
  members = users.member_pubkeys();
  EXPECT_EQ(std::set<nostr::Bytes32>(members.begin(), members.end()),
            (std::set<nostr::Bytes32>{key(1), key(3)}));
  EXPECT_EQ(told,
            (std::vector<std::pair<nostr::Bytes32, bool>>{{key(2), true}, {key(3), true}, {key(2), false}}));
}

INSTANTIATE_TEST_SUITE_P(Databases, BanServiceTest,
                         ::testing::Values(pleb::testing::Backend::kSqlite,
                                           pleb::testing::Backend::kPostgres),
                         pleb::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Databases, MembershipTest,
                         ::testing::Values(pleb::testing::Backend::kSqlite,
                                           pleb::testing::Backend::kPostgres),
                         pleb::testing::backend_name);

}  // namespace
}  // namespace pleb::moderation
