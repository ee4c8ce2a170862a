// BIP-340 reference vectors (tests/data/bip340-test-vectors*.csv, see PROVENANCE.md): every row's
// verification result, and for rows with a secret key the public key and the exact signature.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

struct Bip340Row {
  std::string index, secret_key, public_key, aux_rand, message, signature, result, comment;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::vector<Bip340Row> load(const std::string& name) {
  std::ifstream file(std::string(PLEB_TEST_DATA) + "/" + name);
  EXPECT_TRUE(file.good()) << name;
  std::vector<Bip340Row> rows;
  std::string line;
  std::getline(file, line);  // header
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    f.resize(8);
    rows.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]});
  }
  return rows;
}

std::vector<Bip340Row> all_rows() {
  auto rows = load("bip340-test-vectors.csv");
  auto extra = load("bip340-test-vectors-extra-15-18.csv");
  rows.insert(rows.end(), extra.begin(), extra.end());
  return rows;
}

TEST(Bip340, AllRowsAreLoaded) {
  EXPECT_EQ(all_rows().size(), 19u);
}

TEST(Bip340, VerificationResultOfEveryRow) {
  for (const auto& row : all_rows()) {
    auto pubkey = parse_hex_any_case<32>(row.public_key);
    auto sig = parse_hex_any_case<64>(row.signature);
    auto message = parse_hex_vector(row.message);
    ASSERT_TRUE(pubkey && sig && message) << "row " << row.index;
    bool expected = row.result == "TRUE";
    EXPECT_EQ(schnorr_verify(*sig, message->data(), message->size(), *pubkey), expected)
        << "row " << row.index << " " << row.comment;
  }
}

TEST(Bip340, SigningReproducesEverySignature) {
  int signed_rows = 0;
  for (const auto& row : all_rows()) {
    if (row.secret_key.empty()) continue;
    ++signed_rows;
    SecretKey key(*parse_hex_any_case<32>(row.secret_key));
    auto message = parse_hex_vector(row.message);
    auto aux = parse_hex_any_case<32>(row.aux_rand);
    ASSERT_TRUE(message && aux);
    auto pubkey = public_key(key);
    ASSERT_TRUE(pubkey);
    EXPECT_EQ(*pubkey, *parse_hex_any_case<32>(row.public_key)) << "row " << row.index;
    auto sig = schnorr_sign(key, message->data(), message->size(), *aux);
    ASSERT_TRUE(sig);
    EXPECT_EQ(*sig, *parse_hex_any_case<64>(row.signature)) << "row " << row.index;
  }
  EXPECT_EQ(signed_rows, 8);
}

TEST(Schnorr, InvalidSecretKeysAreRefused) {
  Bytes32 zero{};
  EXPECT_FALSE(is_valid_secret_key(zero));
  // The group order n itself is not a valid key.
  auto order = parse_hex_lower<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  EXPECT_FALSE(is_valid_secret_key(*order));
  EXPECT_FALSE(public_key(SecretKey(zero)));
}

TEST(Schnorr, GeneratedKeysSignAndVerify) {
  SecretKey a = generate_secret_key();
  SecretKey b = generate_secret_key();
  EXPECT_NE(a.bytes(), b.bytes());
  auto pub = public_key(a);
  ASSERT_TRUE(pub);
  EXPECT_TRUE(is_valid_public_key(*pub));
  Bytes32 message = random_bytes32();
  auto sig = schnorr_sign(a, message.data(), message.size(), random_bytes32());
  ASSERT_TRUE(sig);
  EXPECT_TRUE(schnorr_verify(*sig, message.data(), message.size(), *pub));
  message[0] ^= 1;
  EXPECT_FALSE(schnorr_verify(*sig, message.data(), message.size(), *pub));
}

TEST(Schnorr, VerificationIsSafeFromManyThreads) {
  SecretKey key = generate_secret_key();
  auto pub = *public_key(key);
  Bytes32 message = random_bytes32();
  auto sig = *schnorr_sign(key, message.data(), message.size(), random_bytes32());
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) good += schnorr_verify(sig, message.data(), message.size(), pub);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 200);
}

}  // namespace
}  // namespace pleb::nostr
