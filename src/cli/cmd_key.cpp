#include <iostream>

#include "cli/commands.hpp"
#include "cli/key_input.hpp"
#include "nostr/nip19.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::cli {
namespace {

void print_key_pair(const nostr::SecretKey& secret) {
  auto pub = nostr::public_key(secret);
  if (!pub) throw UsageError("the secret key is not a valid secp256k1 key");
  nostr::SecretString nsec(nostr::encode_nsec(secret.bytes()));
  nostr::SecretString hex(nostr::to_hex(secret.bytes()));
  std::cout << "nsec: " << nsec.str() << "\nnpub: " << nostr::encode_npub(*pub)
            << "\nsecret hex: " << hex.str() << "\npublic hex: " << nostr::to_hex(*pub) << "\n";
}

}  // namespace

void print_key_pair_for(const nostr::SecretKey& secret) {
  print_key_pair(secret);
}

void register_key_commands(CLI::App& app) {
  auto* key = app.add_subcommand("key", "Generate, convert, derive and encrypt keys");
  key->require_subcommand(1);

  auto* generate = key->add_subcommand("generate", "Generate a new key pair from the OS random source");
  generate->callback([] { print_key_pair(nostr::generate_secret_key()); });

  auto* pub = key->add_subcommand("public", "Print the public key (npub and hex) of a secret key");
  auto secret = std::make_shared<std::string>();
  pub->add_option("secret", *secret, "nsec or hex secret key; - reads stdin; default: $PLEB_SECRET_KEY");
  pub->callback([secret] {
    nostr::SecretKey key = secret_key_from(*secret);
    nostr::secure_wipe(secret->data(), secret->size());
    auto public_key = nostr::public_key(key);
    std::cout << "npub: " << nostr::encode_npub(*public_key) << "\npublic hex: " << nostr::to_hex(*public_key)
              << "\n";
  });

  register_key_secret_commands(*key);
}

}  // namespace pleb::cli
