#include <gtest/gtest.h>

#include "nostr/filter.hpp"
#include "nostr/kinds.hpp"

namespace pleb::nostr {
namespace {

Event sample() {
  Event event;
  event.id = *parse_hex_lower<32>(std::string(64, '1'));
  event.pubkey = *parse_hex_lower<32>(std::string(64, '2'));
  event.created_at = 1000;
  event.kind = 1;
  event.tags = {{"e", std::string(64, '3')}, {"t", "Nostr"}, {"p"}};
  event.content = "Hello Relay World";
  return event;
}

Filter parsed(const std::string& json) {
  auto filter = parse_filter(json);
  EXPECT_TRUE(filter) << json << ": " << filter.error();
  return filter ? *filter : Filter{};
}

TEST(Filter, EmptyFilterMatchesEverything) {
  EXPECT_TRUE(parsed("{}").matches(sample()));
}

TEST(Filter, NarrowestTagIsTheConditionWithFewestValuesFirstOfEquals) {
  EXPECT_EQ(parsed(R"({"kinds":[1]})").narrowest_tag(), nullptr);
  EXPECT_EQ(parsed(R"({"#t":["a","b","c"],"#p":["x"],"#e":["y","z"]})").narrowest_tag()->letter, 'p');
  auto equal = parsed(R"({"#t":["a"],"#p":["x"]})");
  EXPECT_EQ(equal.narrowest_tag(), &equal.tags.front());
}

TEST(Filter, EachCondition) {
  Event e = sample();
  EXPECT_TRUE(parsed(R"({"ids":[")" + std::string(64, '1') + R"("]})").matches(e));
  EXPECT_FALSE(parsed(R"({"ids":[")" + std::string(64, '4') + R"("]})").matches(e));
  EXPECT_TRUE(parsed(R"({"authors":[")" + std::string(64, '2') + R"("]})").matches(e));
  EXPECT_TRUE(parsed(R"({"kinds":[0,1]})").matches(e));
  EXPECT_FALSE(parsed(R"({"kinds":[0]})").matches(e));
  EXPECT_TRUE(parsed(R"({"since":1000,"until":1000})").matches(e));
  EXPECT_FALSE(parsed(R"({"since":1001})").matches(e));
  EXPECT_FALSE(parsed(R"({"until":999})").matches(e));
  EXPECT_TRUE(parsed(R"({"#e":[")" + std::string(64, '3') + R"("]})").matches(e));
  EXPECT_TRUE(parsed(R"({"#t":["Nostr","x"]})").matches(e));
  EXPECT_FALSE(parsed(R"({"#t":["nostr"]})").matches(e));             // tag values are case-sensitive
  EXPECT_FALSE(parsed(R"({"#p":[""]})").matches(e));                  // a tag without a value matches nothing
  EXPECT_FALSE(parsed(R"({"#t":["Nostr"],"#e":["x"]})").matches(e));  // tag filters are AND-ed
  EXPECT_TRUE(parsed(R"({"search":"relay hello"})").matches(e));
  EXPECT_FALSE(parsed(R"({"search":"relay goodbye"})").matches(e));
  EXPECT_TRUE(parsed(R"({"search":"world lang:en"})").matches(e));
}

TEST(Filter, EmptyListsMatchNothing) {
  EXPECT_TRUE(parsed(R"({"ids":[]})").is_empty_set());
  EXPECT_FALSE(parsed(R"({"ids":[]})").matches(sample()));
  EXPECT_TRUE(parsed(R"({"kinds":[]})").is_empty_set());
  EXPECT_TRUE(parsed(R"({"#e":[]})").is_empty_set());
  EXPECT_TRUE(parsed(R"({"since":10,"until":5})").is_empty_set());
  EXPECT_FALSE(parsed(R"({"limit":0})").is_empty_set());
}

TEST(Filter, BadInputHasPreciseErrors) {
  auto error = [](const std::string& json) {
    auto f = parse_filter(json);
    EXPECT_FALSE(f) << json;
    return f.error();
  };
  EXPECT_EQ(error("[]"), "a filter must be a JSON object");
  EXPECT_EQ(error(R"({"ids":["abc"]})"), "ids must be an array of 64-character lowercase hex strings");
  EXPECT_EQ(error(R"({"authors":"x"})"), "authors must be an array of 64-character lowercase hex strings");
  EXPECT_EQ(error(R"({"kinds":[70000]})"), "kinds must be an array of integers between 0 and 65535");
  EXPECT_EQ(error(R"({"kinds":["1"]})"), "kinds must be an array of integers between 0 and 65535");
  EXPECT_EQ(error(R"({"since":-5})"), "since must be a non-negative integer");
  EXPECT_EQ(error(R"({"until":1.5})"), "until must be a non-negative integer");
  EXPECT_EQ(error(R"({"limit":"10"})"), "limit must be a non-negative integer");
  EXPECT_EQ(error(R"({"#tt":["x"]})"), "tag filter #tt must be # followed by a single letter");
  EXPECT_EQ(error(R"({"#e":[1]})"), "#e must be an array of strings");
  EXPECT_EQ(error(R"({"kinds":[1],"kinds":[2]})"), "duplicate field: kinds");
  EXPECT_EQ(error(R"({"search":5})"), "search must be a string");
  FilterLimits limits;
  limits.max_values = 2;
  EXPECT_EQ(parse_filter(R"({"kinds":[1,2,3]})", limits).error(), "kinds has too many values (at most 2)");
}

TEST(Filter, UnknownFieldsAreIgnored) {
  EXPECT_TRUE(parsed(R"({"kinds":[1],"future":{"x":1}})").matches(sample()));
}

TEST(Filter, SerializationRoundTrips) {
  std::string json =
      R"({"ids":[")" + std::string(64, '1') +
      R"("],"kinds":[1,7],"#e":["a\"b"],"#t":["x"],"since":5,"until":10,"limit":20,"search":"q"})";
  Filter filter = parsed(json);
  EXPECT_EQ(to_json(filter), json);
  EXPECT_EQ(parsed(to_json(filter)), filter);
}

TEST(Kinds, Classes) {
  EXPECT_EQ(kind_class(0), KindClass::kReplaceable);
  EXPECT_EQ(kind_class(3), KindClass::kReplaceable);
  EXPECT_EQ(kind_class(1), KindClass::kRegular);
  EXPECT_EQ(kind_class(2), KindClass::kRegular);
  EXPECT_EQ(kind_class(9999), KindClass::kRegular);
  EXPECT_EQ(kind_class(10000), KindClass::kReplaceable);
  EXPECT_EQ(kind_class(19999), KindClass::kReplaceable);
  EXPECT_EQ(kind_class(20000), KindClass::kEphemeral);
  EXPECT_EQ(kind_class(29999), KindClass::kEphemeral);
  EXPECT_EQ(kind_class(30000), KindClass::kAddressable);
  EXPECT_EQ(kind_class(39999), KindClass::kAddressable);
  EXPECT_EQ(kind_class(40000), KindClass::kRegular);
}

TEST(Kinds, DTagExpirationAndProtection) {
  Event e = sample();
  EXPECT_EQ(d_tag(e), "");
  e.tags.push_back({"d", "slug"});
  e.tags.push_back({"d", "second"});
  EXPECT_EQ(d_tag(e), "slug");
  EXPECT_FALSE(expiration(e));
  e.tags.push_back({"expiration", "1500"});
  EXPECT_EQ(expiration(e), 1500);
  EXPECT_TRUE(is_expired(e, 1500));
  EXPECT_FALSE(is_expired(e, 1499));
  Event bad = sample();
  bad.tags.push_back({"expiration", "soon"});
  EXPECT_FALSE(expiration(bad));
  EXPECT_FALSE(is_protected(e));
  e.tags.push_back({"-"});
  EXPECT_TRUE(is_protected(e));
}

TEST(Kinds, ProofOfWork) {
  Bytes32 id{};
  EXPECT_EQ(leading_zero_bits(id), 256);
  id[0] = 0x00;
  id[1] = 0x0f;
  EXPECT_EQ(leading_zero_bits(id), 12);
  id[0] = 0x80;
  EXPECT_EQ(leading_zero_bits(id), 0);
  // The NIP-13 example id has 21 leading zero bits.
  auto example = parse_hex_lower<32>("000006d8c378af1779d2feebc7603a125d99eca0ccf1085959b307f64e5dd358");
  EXPECT_EQ(leading_zero_bits(*example), 21);
  Event e = sample();
  e.tags.push_back({"nonce", "776797", "20"});
  EXPECT_EQ(committed_pow_target(e), 20);
}

}  // namespace
}  // namespace pleb::nostr
