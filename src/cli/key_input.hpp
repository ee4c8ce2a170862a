#pragma once
// Reading keys the way a user types them: nsec/npub (NIP-19) or hex, from a flag, the environment or stdin.
#include <string>

#include "nostr/secret.hpp"

namespace pleb::cli {

// Accepts nsec1... or 64 hex characters (either case). Throws UsageError with the reason otherwise.
nostr::SecretKey parse_secret_key(const std::string& text);
// Accepts npub1... or 64 hex characters.
nostr::Bytes32 parse_public_key(const std::string& text);

// The secret key from `value` if given, else from the PLEB_SECRET_KEY environment variable;
// "-" reads one line from stdin. Throws UsageError when none is given.
nostr::SecretKey secret_key_from(const std::string& value);

// Reads one line from stdin without its line ending; empty when stdin is at its end.
std::string read_stdin_line();

}  // namespace pleb::cli
