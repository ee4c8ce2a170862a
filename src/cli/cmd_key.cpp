#include <iostream>

#include "cli/commands.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::cli {

void register_key_commands(CLI::App& app) {
  auto* key = app.add_subcommand("key", "Generate and convert keys");
  key->require_subcommand(1);
  register_key_secret_commands(*key);
  auto* generate = key->add_subcommand("generate", "Generate a new key pair");
  generate->callback([] {
    nostr::SecretKey secret = nostr::generate_secret_key();
    auto pub = nostr::public_key(secret);
    std::cout << "secret hex: " << nostr::to_hex(secret.bytes()) << "\npublic hex: " << nostr::to_hex(*pub)
              << "\n";
  });
}

}  // namespace pleb::cli
