// Batch verification gives exactly schnorr_verify's answer for every signature: BIP-340's vectors
// inside batches of good signatures, each kind of bad signature, and random mixes compared one by one.
#include "nostr/batch_verify.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

struct Signed {
  Bytes64 sig;
  Bytes32 message;
  Bytes32 pubkey;
};

Signed sign_random(const SecretKey& key) {
  Signed s;
  s.message = random_bytes32();
  s.pubkey = *public_key(key);
  s.sig = *schnorr_sign(key, s.message.data(), 32, random_bytes32());
  return s;
}

std::vector<Signed> sign_many(std::size_t count, std::size_t keys) {
  std::vector<SecretKey> secret_keys;
  for (std::size_t k = 0; k < keys; ++k) secret_keys.push_back(generate_secret_key());
  std::vector<Signed> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(sign_random(secret_keys[i % keys]));
  return out;
}

// The answers, and whether the batch equation alone decided them.
std::vector<std::uint8_t> batch(const std::vector<Signed>& items, bool* whole = nullptr) {
  std::vector<SchnorrCheck> checks;
  for (const Signed& s : items) checks.push_back({&s.sig, &s.message, &s.pubkey});
  std::vector<std::uint8_t> ok(items.size(), 7);
  const bool decided_whole = schnorr_verify_batch(checks, ok);
  if (whole) *whole = decided_whole;
  return ok;
}

std::vector<std::uint8_t> one_by_one(const std::vector<Signed>& items) {
  std::vector<std::uint8_t> ok;
  for (const Signed& s : items) ok.push_back(schnorr_verify(s.sig, s.message.data(), 32, s.pubkey) ? 1 : 0);
  return ok;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  fields.resize(8);
  return fields;
}

// BIP-340's rows over 32-byte messages (tests/data/bip340-test-vectors.csv) and their expected result.
std::vector<std::pair<Signed, bool>> bip340_rows() {
  std::ifstream file(std::string(PLEB_TEST_DATA) + "/bip340-test-vectors.csv");
  std::vector<std::pair<Signed, bool>> rows;
  std::string line;
  std::getline(file, line);
  while (std::getline(file, line)) {
    auto f = split_csv_line(line);
    auto message = parse_hex_vector(f[4]);
    if (!message || message->size() != 32) continue;
    Signed s;
    std::copy(message->begin(), message->end(), s.message.begin());
    s.pubkey = *parse_hex_any_case<32>(f[2]);
    s.sig = *parse_hex_any_case<64>(f[5]);
    rows.emplace_back(s, f[6] == "TRUE");
  }
  return rows;
}

TEST(BatchVerify, EveryBip340RowAmongGoodSignatures) {
  const auto rows = bip340_rows();
  ASSERT_EQ(rows.size(), 15u);
  const auto good = sign_many(kBatchVerifyMinimum + 1, 3);
  for (const auto& [row, expected] : rows) {
    for (std::size_t position : {std::size_t{0}, std::size_t{3}, good.size()}) {
      auto items = good;
      items.insert(items.begin() + static_cast<std::ptrdiff_t>(position), row);
      auto ok = batch(items);
      for (std::size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(ok[i], i == position ? expected : true) << "position " << position << " item " << i;
      }
    }
  }
  std::vector<Signed> all;
  std::vector<std::uint8_t> expected;
  for (const auto& [row, result] : rows) {
    all.push_back(row);
    expected.push_back(result ? 1 : 0);
  }
  EXPECT_EQ(batch(all), expected);
}

TEST(BatchVerify, GoodBatchesOfEverySizeVerify) {
  const auto good = sign_many(70, 20);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kBatchVerifyMinimum - 1, kBatchVerifyMinimum,
                           std::size_t{17}, std::size_t{70}}) {
    std::vector<Signed> items(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size));
    bool whole = false;
    EXPECT_EQ(batch(items, &whole), std::vector<std::uint8_t>(size, 1)) << size;
    // The equation itself accepted them: no signature fell back to schnorr_verify.
    EXPECT_EQ(whole, size >= kBatchVerifyMinimum) << size;
  }
}

// One bad signature among good ones is the only one refused, whatever is wrong with it.
TEST(BatchVerify, EachKindOfBadSignatureIsFoundAmongGoodOnes) {
  const auto good = sign_many(40, 10);
  const Bytes32 order =
      *parse_hex_any_case<32>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
  const Bytes32 prime =
      *parse_hex_any_case<32>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F");
  Bytes32 not_on_curve{};
  not_on_curve[31] = 5;  // 5^3 + 7 is not a square mod p
  ASSERT_FALSE(is_valid_public_key(not_on_curve));
  const std::vector<std::pair<const char*, void (*)(Signed&, const Bytes32&, const Bytes32&, const Bytes32&)>>
      corruptions = {
          {"flipped bit in s", [](Signed& s, auto&, auto&, auto&) { s.sig[50] ^= 0x10; }},
          {"flipped bit in r", [](Signed& s, auto&, auto&, auto&) { s.sig[3] ^= 0x01; }},
          {"other message", [](Signed& s, auto&, auto&, auto&) { s.message[0] ^= 0x80; }},
          {"s = n",
           [](Signed& s, auto& n, auto&, auto&) { std::copy(n.begin(), n.end(), s.sig.begin() + 32); }},
          {"s = 0", [](Signed& s, auto&, auto&, auto&) { std::fill(s.sig.begin() + 32, s.sig.end(), 0); }},
          {"r = p", [](Signed& s, auto&, auto& p, auto&) { std::copy(p.begin(), p.end(), s.sig.begin()); }},
          {"r not on the curve",
           [](Signed& s, auto&, auto&, auto& bad) { std::copy(bad.begin(), bad.end(), s.sig.begin()); }},
          {"key not on the curve", [](Signed& s, auto&, auto&, auto& bad) { s.pubkey = bad; }},
          {"key = p", [](Signed& s, auto&, auto& p, auto&) { s.pubkey = p; }},
          {"another author's key",
           [](Signed& s, auto&, auto&, auto&) { s.pubkey = *public_key(generate_secret_key()); }},
          {"all zero", [](Signed& s, auto&, auto&, auto&) { s = Signed{}; }},
      };
  for (const auto& [name, corrupt] : corruptions) {
    for (std::size_t position : {std::size_t{0}, std::size_t{1}, std::size_t{39}}) {
      auto items = good;
      corrupt(items[position], order, prime, not_on_curve);
      std::vector<std::uint8_t> expected(items.size(), 1);
      expected[position] = 0;
      bool whole = true;
      EXPECT_EQ(batch(items, &whole), expected) << name << " at " << position;
      EXPECT_FALSE(whole);
    }
  }
}

TEST(BatchVerify, RepeatedSignaturesAndKeys) {
  auto items = sign_many(8, 1);
  items.push_back(items[0]);
  items.push_back(items[0]);
  bool whole = false;
  EXPECT_EQ(batch(items, &whole), std::vector<std::uint8_t>(items.size(), 1));
  EXPECT_TRUE(whole);
  items[8].sig[40] ^= 1;
  std::vector<std::uint8_t> expected(items.size(), 1);
  expected[8] = 0;
  EXPECT_EQ(batch(items, &whole), expected);
}

// More keys than each thread's table cache holds: evicted keys come back and still verify.
TEST(BatchVerify, KeysBeyondTheCacheStillVerify) {
  const auto good = sign_many(6000, 6000);
  for (int round = 0; round < 2; ++round) {
    for (std::size_t start = 0; start < good.size(); start += 60) {
      std::vector<Signed> items(good.begin() + static_cast<std::ptrdiff_t>(start),
                                good.begin() + static_cast<std::ptrdiff_t>(start + 60));
      bool whole = false;
      ASSERT_EQ(batch(items, &whole), std::vector<std::uint8_t>(60, 1))
          << "round " << round << " from " << start;
      ASSERT_TRUE(whole);
    }
  }
}

TEST(BatchVerify, RandomMixesMatchOneByOne) {
  const auto good = sign_many(200, 30);
  std::mt19937 rng(12345);
  for (int round = 0; round < 100; ++round) {
    std::vector<Signed> items;
    const std::size_t size = 2 + rng() % 40;
    for (std::size_t i = 0; i < size; ++i) {
      Signed s = good[rng() % good.size()];
      switch (rng() % 8) {
        case 0:
          s.sig[rng() % 64] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1:
          s.message[rng() % 32] ^= 1;
          break;
        case 2:
          s.pubkey[rng() % 32] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        default:
          break;
      }
      items.push_back(s);
    }
    EXPECT_EQ(batch(items), one_by_one(items)) << "round " << round;
  }
}

}  // namespace
}  // namespace pleb::nostr
