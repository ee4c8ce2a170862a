// Fuzzes what people type or paste as credentials and names: BIP-39 mnemonics (pleb key), session tokens
// sent back as bearer tokens, and NIP-05 names claimed through the API. The first byte picks the parser.
// Properties: a refusal says why; what is accepted is canonical (normalizing again changes nothing,
// the entropy of a valid mnemonic writes the same mnemonic back); only tokens we issued verify.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/api/session_tokens.hpp"
#include "nostr/bip39.hpp"
#include "services/users/nip05_name.hpp"

namespace {

void mnemonic(std::string_view input) {
  using namespace pleb::nostr;
  auto normalized = normalize_mnemonic(input);
  if (!normalized) {
    if (normalized.error().empty()) std::abort();
    return;
  }
  auto entropy = mnemonic_to_entropy(input);
  if (!entropy) return;  // well-formed words, wrong checksum or length
  const auto& bytes = entropy->bytes();
  auto again = entropy_to_mnemonic(bytes.data(), bytes.size());
  if (!again || again->str() != normalized->str()) std::abort();
}

void session_token(std::string_view input) {
  static const pleb::api::SessionTokens tokens(std::string(32, 'k'), std::chrono::seconds(900));
  auto claims = tokens.verify(input, 1700000000);
  if (!claims && claims.error().empty()) std::abort();
  if (claims) {
    // Only a token signed with the key verifies, and random bytes cannot carry that signature.
    std::abort();
  }
}

void nip05_name(std::string_view input) {
  auto name = pleb::users::normalize_nip05_name(input);
  if (!name) {
    if (pleb::users::nip05_name_error(input).empty()) std::abort();
    return;
  }
  if (pleb::users::normalize_nip05_name(*name) != name) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      mnemonic(input);
      break;
    case 1:
      session_token(input);
      break;
    default:
      nip05_name(input);
  }
  return 0;
}
