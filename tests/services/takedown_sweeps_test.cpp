// Which bans a processor's full read of the bans table takes down again.
#include "services/moderation/takedown_sweeps.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pleb::moderation {
namespace {

Ban ban(BanType type, char fill, bool purge = false) {
  Ban b;
  b.type = type;
  b.value = std::string(64, fill);
  b.purge = purge;
  return b;
}

std::vector<std::string> values(const std::vector<Ban>& bans) {
  std::vector<std::string> out;
  for (const auto& b : bans) out.push_back(b.value.substr(0, 1) + (b.purge ? "p" : ""));
  return out;
}

TEST(TakedownSweeps, EveryBanAtTheFirstReadThenEachForItsFirstThreeReadsOnly) {
  TakedownSweeps sweeps;
  std::vector<Ban> table = {ban(BanType::kEvent, 'a'), ban(BanType::kPubkey, 'b', true)};
  EXPECT_EQ(values(sweeps.next(table)), (std::vector<std::string>{"a", "bp"}));
  EXPECT_EQ(values(sweeps.next(table)), (std::vector<std::string>{"a", "bp"}));
  EXPECT_EQ(values(sweeps.next(table)), (std::vector<std::string>{"a", "bp"}));
  EXPECT_TRUE(sweeps.next(table).empty());
  EXPECT_TRUE(sweeps.next(table).empty());

  table.push_back(ban(BanType::kEvent, 'c'));  // a new ban is swept at the next three reads
  for (int read = 0; read < TakedownSweeps::kSweeps; ++read) {
    EXPECT_EQ(values(sweeps.next(table)), std::vector<std::string>{"c"});
  }
  EXPECT_TRUE(sweeps.next(table).empty());
}

TEST(TakedownSweeps, APurgeAddedLaterOrABanLiftedAndMadeAgainIsNewAgain) {
  TakedownSweeps sweeps;
  std::vector<Ban> table = {ban(BanType::kPubkey, 'b'), ban(BanType::kEvent, 'a')};
  for (int read = 0; read < TakedownSweeps::kSweeps; ++read) sweeps.next(table);
  ASSERT_TRUE(sweeps.next(table).empty());

  table[0].purge = true;
  EXPECT_EQ(values(sweeps.next(table)), std::vector<std::string>{"bp"});

  EXPECT_EQ(values(sweeps.next({table[0]})), std::vector<std::string>{"bp"});  // the event ban was lifted...
  EXPECT_EQ(values(sweeps.next(table)), (std::vector<std::string>{"bp", "a"}));  // ...and made again
  EXPECT_EQ(values(sweeps.next(table)), std::vector<std::string>{"a"});
}

TEST(TakedownSweeps, TheSameValueUnderAnotherTypeIsAnotherBan) {
  TakedownSweeps sweeps;
  for (int read = 0; read < TakedownSweeps::kSweeps; ++read) sweeps.next({ban(BanType::kEvent, 'a')});
  EXPECT_EQ(values(sweeps.next({ban(BanType::kEvent, 'a'), ban(BanType::kPubkey, 'a')})),
            std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace pleb::moderation
