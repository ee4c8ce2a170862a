// Hex decoding decides which ids, pubkeys and signatures are well-formed, so every byte value is checked
// in every position class rather than a few examples. Percent-decoding reads request targets and engine
// URLs: malformed escapes and NULs are refused.
#include <gtest/gtest.h>

#include <cctype>

#include "nostr/bytes.hpp"

namespace pleb::nostr {
namespace {

TEST(Hex, EveryByteRoundTrips) {
  ByteVector all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  std::string hex = to_hex(all.data(), all.size());
  ByteVector back(256);
  ASSERT_TRUE(from_hex_lower(hex, back.data(), back.size()));
  EXPECT_EQ(back, all);
  auto any = parse_hex_vector(hex);
  ASSERT_TRUE(any);
  EXPECT_EQ(*any, all);
}

TEST(Hex, EveryNonDigitIsRefusedInEitherHalfOfAByte) {
  for (int c = 0; c < 256; ++c) {
    char ch = static_cast<char>(c);
    bool lower_digit = std::isdigit(c) || (c >= 'a' && c <= 'f');
    bool any_digit = lower_digit || (c >= 'A' && c <= 'F');
    for (std::size_t at : {0u, 1u, 62u, 63u}) {
      std::string hex(64, '7');
      hex[at] = ch;
      EXPECT_EQ(parse_hex_lower<32>(hex).has_value(), lower_digit) << "byte " << c << " at " << at;
      EXPECT_EQ(parse_hex_any_case<32>(hex).has_value(), any_digit) << "byte " << c << " at " << at;
    }
  }
}

TEST(Hex, UpperCaseDecodesToTheSameBytes) {
  auto lower = parse_hex_lower<4>("0a1b2c3d");
  auto upper = parse_hex_any_case<4>("0A1B2C3D");
  ASSERT_TRUE(lower && upper);
  EXPECT_EQ(*lower, *upper);
  EXPECT_EQ((std::array<std::uint8_t, 4>{0x0a, 0x1b, 0x2c, 0x3d}), *lower);
}

TEST(Hex, WrongLengthIsRefused) {
  EXPECT_FALSE(parse_hex_lower<32>(std::string(63, 'a')));
  EXPECT_FALSE(parse_hex_lower<32>(std::string(65, 'a')));
  EXPECT_FALSE(parse_hex_lower<32>(""));
  EXPECT_FALSE(parse_hex_vector("abc"));
  EXPECT_TRUE(parse_hex_vector("") && parse_hex_vector("")->empty());
}

TEST(PercentDecode, EscapesInEitherCaseAndPlusOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(percent_decode("new+first"), "new+first");
  EXPECT_EQ(percent_decode("new+first", true), "new first");
  EXPECT_EQ(percent_decode("%2B", true), "+");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%e2%9c%93"), "\xe2\x9c\x93");
}

TEST(PercentDecode, MalformedEscapesAndNulsAreRefused) {
  for (std::string_view bad : {"%", "%4", "a%zz", "%g0", "%0g", "%00", "a%00b"}) {
    EXPECT_FALSE(percent_decode(bad)) << bad;
  }
  EXPECT_FALSE(percent_decode(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace pleb::nostr
