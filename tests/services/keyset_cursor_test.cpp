// Cursors are opaque to clients but come back from them: only what the encoder wrote is accepted, so one
// position has exactly one cursor.
#include "services/keyset_cursor.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace pleb::services {
namespace {

const std::string kKeyHex(64, 'a');

TEST(KeysetCursor, RoundTrips) {
  nostr::Bytes32 key{};
  key[0] = 0xab;
  key[31] = 0x01;
  for (std::int64_t time : {std::int64_t{0}, std::int64_t{1700000000}, std::int64_t{-5}}) {
    auto cursor = encode_keyset_cursor(time, key);
    auto position = decode_keyset_cursor(cursor);
    ASSERT_TRUE(position) << cursor;
    EXPECT_EQ(position->time, time);
    EXPECT_EQ(position->key, key);
  }
}

TEST(KeysetCursor, AnythingTheEncoderDoesNotWriteIsRefused) {
  for (const std::string& cursor : std::vector<std::string>{
           "", "1700000000", "." + kKeyHex, "01." + kKeyHex, "+1." + kKeyHex, "-0." + kKeyHex,
           "1 ." + kKeyHex, "1." + std::string(63, 'a'), "1." + std::string(64, 'A'), "1." + kKeyHex + ".",
           "99999999999999999999." + kKeyHex}) {
    EXPECT_FALSE(decode_keyset_cursor(cursor)) << cursor;
  }
  EXPECT_TRUE(decode_keyset_cursor("0." + kKeyHex));
}

}  // namespace
}  // namespace pleb::services
