// NIP-06 key derivation and its building blocks, BIP-39 and BIP-32, against published vectors:
// tests/data/bip39-vectors.json (BIP-39 reference vectors, passphrase "TREZOR"),
// tests/data/bip32-vectors.json (BIP-32 test vectors 1 and 2) and tests/data/nip06-vectors.json
// (the examples of the NIP-06 text). See tests/data/PROVENANCE.md.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "nostr/bip32.hpp"
#include "nostr/bip39.hpp"
#include "nostr/nip06.hpp"
#include "nostr/nip19.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/sha256.hpp"

namespace pleb::nostr {
namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kAbandonAbout =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

dom::element load_json(dom::parser& parser, const std::string& name) {
  return parser.load(std::string(PLEB_TEST_DATA) + "/" + name);
}

std::string read_file(const std::string& name) {
  std::ifstream file(std::string(PLEB_TEST_DATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(file.good()) << name;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

ByteVector hex_vector(std::string_view hex) {
  auto bytes = parse_hex_vector(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or(ByteVector{});
}

std::size_t count_words(const std::string& text) {
  std::size_t count = 0;
  bool in_word = false;
  for (char c : text) {
    if (c != ' ' && !in_word) ++count;
    in_word = c != ' ';
  }
  return count;
}

// ---- BIP-39 -------------------------------------------------------------------------------------

TEST(Bip39, EmbeddedWordlistMatchesTheDataFile) {
  std::string joined;
  for (auto word : bip39_english_wordlist()) joined.append(word).push_back('\n');
  const std::string file = read_file("bip39-english.txt");
  EXPECT_EQ(to_hex(sha256(joined)), to_hex(sha256(file)));
  // The published checksum of the English list, also recorded in PROVENANCE.md.
  EXPECT_EQ(to_hex(sha256(joined)), "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
}

TEST(Bip39, WordIndexUsesListOrder) {
  const auto& words = bip39_english_wordlist();
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
  EXPECT_EQ(bip39_word_index("abandon"), 0);
  EXPECT_EQ(bip39_word_index("zoo"), 2047);
  EXPECT_EQ(bip39_word_index("leader"),
            std::optional<std::uint16_t>(
                static_cast<std::uint16_t>(std::find(words.begin(), words.end(), "leader") - words.begin())));
  EXPECT_FALSE(bip39_word_index("abandonx"));
  EXPECT_FALSE(bip39_word_index(""));
  EXPECT_FALSE(bip39_word_index("Abandon"));  // the lookup itself is exact; mnemonics are folded first
}

TEST(Bip39, ReferenceVectors) {
  dom::parser parser;
  dom::element doc = load_json(parser, "bip39-vectors.json");
  std::string_view passphrase = doc["passphrase"];
  std::size_t count = 0;
  for (dom::element vector : doc["vectors"]) {
    std::string_view entropy_hex = vector["entropy"];
    std::string_view mnemonic = vector["mnemonic"];
    std::string_view seed_hex = vector["seed"];
    ByteVector entropy = hex_vector(entropy_hex);

    auto encoded = entropy_to_mnemonic(entropy.data(), entropy.size());
    ASSERT_TRUE(encoded) << encoded.error();
    EXPECT_EQ(encoded->str(), mnemonic);

    auto decoded = mnemonic_to_entropy(mnemonic);
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(to_hex(decoded->bytes()), entropy_hex);

    auto seed = mnemonic_to_seed(mnemonic, passphrase);
    ASSERT_TRUE(seed) << seed.error();
    EXPECT_EQ(to_hex(seed->bytes()), seed_hex) << mnemonic;
    ++count;
  }
  EXPECT_EQ(count, 24u);
}

TEST(Bip39, TrezorSeedOfAbandonAbout) {
  auto seed = mnemonic_to_seed(kAbandonAbout, "TREZOR");
  ASSERT_TRUE(seed) << seed.error();
  EXPECT_EQ(
      to_hex(seed->bytes()),
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a"
      "3c4ab7c81b2f001698e7463b04");
}

TEST(Bip39, EmptyPassphraseGivesADifferentSeed) {
  auto with = mnemonic_to_seed(kAbandonAbout, "TREZOR");
  auto without = mnemonic_to_seed(kAbandonAbout);
  ASSERT_TRUE(with && without);
  EXPECT_NE(with->bytes(), without->bytes());
}

TEST(Bip39, RejectsWrongWordCounts) {
  EXPECT_EQ(validate_mnemonic("").error(), "the mnemonic is empty");
  EXPECT_EQ(validate_mnemonic("  \n\t ").error(), "the mnemonic is empty");
  EXPECT_EQ(validate_mnemonic(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")
                .error(),
            "a mnemonic has 12, 15, 18, 21 or 24 words, not 11");
  std::string thirteen = std::string(kAbandonAbout) + " abandon";
  EXPECT_EQ(validate_mnemonic(thirteen).error(), "a mnemonic has 12, 15, 18, 21 or 24 words, not 13");
  std::string many;
  for (int i = 0; i < 25; ++i) many += "zoo ";
  EXPECT_FALSE(validate_mnemonic(many));
}

TEST(Bip39, RejectsUnknownWordsByPositionWithoutEchoingThem) {
  auto status = validate_mnemonic(
      "abandon abandon secretword abandon abandon abandon abandon abandon abandon abandon abandon about");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error(), "word 3 is not in the BIP-39 English wordlist");
  EXPECT_EQ(status.error().find("secretword"), std::string::npos);
  // Longer than any list word, and non-ASCII.
  EXPECT_FALSE(
      validate_mnemonic("abandonabandon abandon abandon abandon abandon abandon abandon abandon abandon "
                        "abandon abandon about"));
  EXPECT_FALSE(validate_mnemonic(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon \xc3\xa0"
      "bout"));
}

TEST(Bip39, RejectsBadChecksum) {
  // Valid words, valid count, but "abandon" x 12 has the wrong last 4 bits.
  std::string twelve;
  for (int i = 0; i < 12; ++i) twelve += i ? " abandon" : "abandon";
  auto status = validate_mnemonic(twelve);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error(),
            "the mnemonic's checksum does not match: a word is wrong, missing or out of order");
  // Swapping two words of a valid mnemonic.
  EXPECT_FALSE(
      validate_mnemonic("monkey leader parrot ring guide accident before fence cannon height naive bean"));
  EXPECT_FALSE(mnemonic_to_seed(twelve));
}

TEST(Bip39, NormalizesWhitespaceAndCase) {
  auto normal = normalize_mnemonic(
      "\n  Abandon abandon\tabandon  ABANDON abandon abandon\r\nabandon abandon abandon abandon abandon "
      "about  \n");
  ASSERT_TRUE(normal) << normal.error();
  EXPECT_EQ(normal->str(), kAbandonAbout);
  auto seed_messy = mnemonic_to_seed(
      "ABANDON abandon abandon abandon abandon abandon abandon abandon abandon "
      "abandon abandon   about",
      "TREZOR");
  auto seed_clean = mnemonic_to_seed(kAbandonAbout, "TREZOR");
  ASSERT_TRUE(seed_messy && seed_clean);
  EXPECT_EQ(seed_messy->bytes(), seed_clean->bytes());
}

TEST(Bip39, GeneratesValidMnemonicsOfEachLength) {
  for (std::size_t words : kBip39WordCounts) {
    auto first = generate_mnemonic(words);
    auto second = generate_mnemonic(words);
    ASSERT_TRUE(first && second) << words;
    EXPECT_EQ(count_words(first->str()), words);
    EXPECT_TRUE(validate_mnemonic(first->str())) << first->str();
    EXPECT_NE(first->str(), second->str());
    auto entropy = mnemonic_to_entropy(first->str());
    ASSERT_TRUE(entropy);
    EXPECT_EQ(entropy->bytes().size(), words * 4 / 3);
  }
  EXPECT_EQ(generate_mnemonic(13).error(), "a mnemonic has 12, 15, 18, 21 or 24 words, not 13");
  EXPECT_FALSE(generate_mnemonic(0));
}

TEST(Bip39, EntropySizesAreChecked) {
  std::array<std::uint8_t, 40> zeros{};
  for (std::size_t size : {0, 12, 15, 17, 33, 40})
    EXPECT_FALSE(entropy_to_mnemonic(zeros.data(), size)) << size;
  for (std::size_t size : {16, 20, 24, 28, 32}) EXPECT_TRUE(entropy_to_mnemonic(zeros.data(), size)) << size;
}

TEST(Bip39, SecretBytesAssignmentCopies) {
  SecretBytes a(ByteVector{1, 2, 3});
  SecretBytes b(ByteVector{4, 5});
  b = a;
  EXPECT_EQ(b.bytes(), (ByteVector{1, 2, 3}));
  const SecretBytes& same = b;
  b = same;
  EXPECT_EQ(b.bytes(), (ByteVector{1, 2, 3}));
}

// ---- BIP-32 -------------------------------------------------------------------------------------

TEST(Bip32, ReferenceVectors) {
  dom::parser parser;
  dom::element doc = load_json(parser, "bip32-vectors.json");
  std::size_t count = 0;
  for (dom::element vector : doc["vectors"]) {
    std::string_view path_text = vector["path"];
    ByteVector seed = hex_vector(vector["seed"].get_string().value());
    auto master = bip32_master_key(seed.data(), seed.size());
    ASSERT_TRUE(master) << master.error();
    auto path = parse_bip32_path(path_text);
    ASSERT_TRUE(path) << path.error();
    auto derived = bip32_derive(*master, *path);
    ASSERT_TRUE(derived) << derived.error();
    EXPECT_EQ(to_hex(derived->key.bytes()), vector["private_key"].get_string().value()) << path_text;
    EXPECT_EQ(to_hex(derived->chain_code.bytes()), vector["chain_code"].get_string().value()) << path_text;
    ++count;
  }
  EXPECT_EQ(count, 12u);
}

TEST(Bip32, StepwiseDerivationEqualsPathDerivation) {
  ByteVector seed = hex_vector("000102030405060708090a0b0c0d0e0f");
  auto master = bip32_master_key(seed.data(), seed.size());
  ASSERT_TRUE(master);
  auto step = bip32_child(*master, 0 | kBip32Hardened);
  ASSERT_TRUE(step);
  step = bip32_child(*step, 1);
  ASSERT_TRUE(step);
  const std::uint32_t path[] = {kBip32Hardened, 1};
  auto whole = bip32_derive(*master, path);
  ASSERT_TRUE(whole);
  EXPECT_EQ(step->key.bytes(), whole->key.bytes());
  EXPECT_EQ(step->chain_code.bytes(), whole->chain_code.bytes());
  // The empty path is the root itself.
  auto root = bip32_derive(*master, {});
  ASSERT_TRUE(root);
  EXPECT_EQ(root->key.bytes(), master->key.bytes());
}

TEST(Bip32, ParsesPaths) {
  auto path = parse_bip32_path("m/44'/1237'/0h/0H/2147483647");
  ASSERT_TRUE(path) << path.error();
  EXPECT_EQ(*path, (std::vector<std::uint32_t>{44 | kBip32Hardened, 1237 | kBip32Hardened, kBip32Hardened,
                                               kBip32Hardened, 2147483647u}));
  EXPECT_TRUE(parse_bip32_path("m"));
  EXPECT_TRUE(parse_bip32_path("m")->empty());
  for (const char* bad : {"", "n/0", "m/", "m//1", "m/1/", "m/-1", "m/2147483648", "m/x", "m/1''", "m/'",
                          "44'/0", "m/0x10", "m/99999999999"}) {
    EXPECT_FALSE(parse_bip32_path(bad)) << bad;
  }
}

TEST(Bip32, RejectsSeedsOutsideBip32Sizes) {
  std::array<std::uint8_t, 65> seed{};
  seed.fill(7);
  EXPECT_FALSE(bip32_master_key(seed.data(), 15));
  EXPECT_FALSE(bip32_master_key(seed.data(), 65));
  EXPECT_TRUE(bip32_master_key(seed.data(), 16));
  EXPECT_TRUE(bip32_master_key(seed.data(), 64));
}

// ---- NIP-06 -------------------------------------------------------------------------------------

TEST(Nip06, SpecVectors) {
  dom::parser parser;
  dom::element doc = load_json(parser, "nip06-vectors.json");
  std::size_t count = 0;
  for (dom::element vector : doc["vectors"]) {
    std::string_view mnemonic = vector["mnemonic"];
    auto key = nip06_key_from_mnemonic(mnemonic);
    ASSERT_TRUE(key) << key.error();
    EXPECT_EQ(to_hex(key->bytes()), vector["private_key"].get_string().value());
    auto pub = public_key(*key);
    ASSERT_TRUE(pub);
    EXPECT_EQ(to_hex(*pub), vector["public_key"].get_string().value());
    EXPECT_EQ(encode_nsec(key->bytes()), vector["nsec"].get_string().value());
    EXPECT_EQ(encode_npub(*pub), vector["npub"].get_string().value());
    ++count;
  }
  EXPECT_EQ(count, 2u);
}

TEST(Nip06, SeedAndMnemonicPathsAgree) {
  constexpr std::string_view kMnemonic =
      "leader monkey parrot ring guide accident before fence cannon height naive bean";
  auto seed = mnemonic_to_seed(kMnemonic);
  ASSERT_TRUE(seed);
  auto from_seed = nip06_key_from_seed(*seed);
  ASSERT_TRUE(from_seed);
  EXPECT_EQ(to_hex(from_seed->bytes()), "7f7ff03d123792d6ac594bfa67bf6d0c0ab55b6b1fdb6249303fe861f1ccba9a");
}

TEST(Nip06, AccountsAndPassphrasesGiveDistinctKeys) {
  constexpr std::string_view kMnemonic =
      "leader monkey parrot ring guide accident before fence cannon height naive bean";
  std::set<std::string> keys;
  for (std::uint32_t account : {0u, 1u, 2u, kNip06MaxAccount}) {
    auto key = nip06_key_from_mnemonic(kMnemonic, "", account);
    ASSERT_TRUE(key) << key.error();
    keys.insert(to_hex(key->bytes()));
  }
  auto with_passphrase = nip06_key_from_mnemonic(kMnemonic, "correct horse");
  ASSERT_TRUE(with_passphrase);
  keys.insert(to_hex(with_passphrase->bytes()));
  EXPECT_EQ(keys.size(), 5u);
}

TEST(Nip06, RejectsInvalidInput) {
  constexpr std::string_view kMnemonic =
      "leader monkey parrot ring guide accident before fence cannon height naive bean";
  auto too_big = nip06_key_from_mnemonic(kMnemonic, "", kNip06MaxAccount + 1);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error(), "the NIP-06 account must be below 2^31, not 2147483648");
  auto bad_checksum = nip06_key_from_mnemonic(
      "leader monkey parrot ring guide accident before fence cannon height naive naive");
  ASSERT_FALSE(bad_checksum);
  EXPECT_NE(bad_checksum.error().find("checksum"), std::string::npos);
  EXPECT_FALSE(nip06_key_from_mnemonic("not a mnemonic at all"));
}

}  // namespace
}  // namespace pleb::nostr
