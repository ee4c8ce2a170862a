#include "cli/key_input.hpp"

#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "nostr/nip19.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::cli {

std::string read_stdin_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

nostr::SecretKey parse_secret_key(const std::string& text) {
  if (text.rfind("nsec1", 0) == 0) {
    auto key = nostr::decode_nsec_key(text);
    if (!key) throw UsageError("invalid nsec: " + key.error());
    return std::move(key).value();
  }
  nostr::SecretKey key;
  if (!nostr::from_hex_any_case(text, key.mutable_bytes().data(), 32)) {
    throw UsageError("a secret key must be an nsec or 64 hex characters");
  }
  if (!nostr::is_valid_secret_key(key.bytes()))
    throw UsageError("the secret key is not a valid secp256k1 key");
  return key;
}

nostr::Bytes32 parse_public_key(const std::string& text) {
  if (text.rfind("npub1", 0) == 0) {
    auto key = nostr::decode_npub(text);
    if (!key) throw UsageError("invalid npub: " + key.error());
    return *key;
  }
  auto key = nostr::parse_hex_any_case<32>(text);
  if (!key) throw UsageError("a public key must be an npub or 64 hex characters");
  return *key;
}

nostr::SecretKey secret_key_from(const std::string& value) {
  nostr::SecretString text(value);
  if (text.str().empty()) {
    const char* env = std::getenv("PLEB_SECRET_KEY");
    if (env == nullptr || *env == '\0') {
      throw UsageError("no secret key: pass --key (or - for stdin) or set PLEB_SECRET_KEY");
    }
    text.mutable_str() = env;
  }
  if (text.str() == "-") text.mutable_str() = read_stdin_line();
  return parse_secret_key(text.str());
}

}  // namespace pleb::cli
