// Batch verification against schnorr_verify, signature by signature. Each input item is a selector
// byte and 128 bytes: with an odd selector the bytes are XORed into one of sixteen good signatures
// (signature, message, key), so that the fuzzer explores near-valid ones; with an even one they are
// taken as they are. Good signatures pad every batch to the batch minimum.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nostr/batch_verify.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/sha256.hpp"

namespace {

using namespace pleb::nostr;

struct Item {
  Bytes64 sig;
  Bytes32 message;
  Bytes32 pubkey;
};

const std::vector<Item>& good_items() {
  static const std::vector<Item> items = [] {
    std::vector<Item> out;
    for (int i = 0; i < 16; ++i) {
      const SecretKey key(sha256("fuzz key " + std::to_string(i % 5)));
      Item item;
      item.message = sha256("fuzz message " + std::to_string(i));
      item.pubkey = *public_key(key);
      item.sig = *schnorr_sign(key, item.message.data(), 32, sha256("aux"));
      out.push_back(item);
    }
    return out;
  }();
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kItemBytes = 1 + 128;
  const auto& good = good_items();
  std::vector<Item> items;
  for (std::size_t at = 0; at + kItemBytes <= size && items.size() < 80; at += kItemBytes) {
    const std::uint8_t selector = data[at];
    std::array<std::uint8_t, 128> bytes;
    std::memcpy(bytes.data(), data + at + 1, bytes.size());
    Item item{};
    if (selector & 1) {
      item = good[(selector >> 1) % good.size()];
      for (std::size_t i = 0; i < 64; ++i) item.sig[i] ^= bytes[i];
      for (std::size_t i = 0; i < 32; ++i) item.message[i] ^= bytes[64 + i];
      for (std::size_t i = 0; i < 32; ++i) item.pubkey[i] ^= bytes[96 + i];
    } else {
      std::memcpy(item.sig.data(), bytes.data(), 64);
      std::memcpy(item.message.data(), bytes.data() + 64, 32);
      std::memcpy(item.pubkey.data(), bytes.data() + 96, 32);
    }
    items.push_back(item);
  }
  for (std::size_t k = 0; items.size() < kBatchVerifyMinimum; ++k) items.push_back(good[k % good.size()]);
  std::vector<SchnorrCheck> checks;
  for (const Item& item : items) checks.push_back({&item.sig, &item.message, &item.pubkey});
  std::vector<std::uint8_t> ok(items.size());
  const bool whole = schnorr_verify_batch(checks, ok);
  bool all = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const bool expected = schnorr_verify(items[i].sig, items[i].message.data(), 32, items[i].pubkey);
    if (ok[i] != (expected ? 1 : 0)) std::abort();
    all = all && expected;
  }
  if (whole && !all) std::abort();  // the equation never accepts a batch with a bad signature
  return 0;
}
