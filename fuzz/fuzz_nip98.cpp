// Fuzzes the NIP-98 Authorization credentials every authenticated API request carries (base64, then a
// strict event parse and every check) and the NIP-44 payload decoder. Any input is either accepted or
// refused with a reason; nothing crashes, nothing is accepted without a valid signature.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nostr/nip44.hpp"
#include "nostr/nip98.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace pleb::nostr;
  nip98::HttpRequestFacts facts{"https://pleb.test/api/v1/me", "GET", "", 1700000000};
  nip98::InMemoryReplayMemory replay(16);
  auto event = nip98::verify_authorization(input, facts, &replay);
  if (!event && event.error().empty()) std::abort();
  // An accepted header has a valid signature, so it cannot come from random bytes: still, it must
  // then be refused as a replay.
  if (event && nip98::verify_authorization(input, facts, &replay)) std::abort();

  static const SecretKey conversation_key(Bytes32{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                                  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                                  23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
  auto plaintext = nip44_decrypt(input, conversation_key);
  if (!plaintext && plaintext.error().empty()) std::abort();
  return 0;
}
