// `pleb key from-mnemonic | mnemonic | encrypt | decrypt`: NIP-06 derivation, BIP-39 generation and
// NIP-49 encryption on the command line. Secrets are taken from the environment or stdin rather
// than from arguments (which other users of the machine can read), never echoed to a terminal, and
// kept in wiping buffers.
#include <termios.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/key_input.hpp"
#include "nostr/bip39.hpp"
#include "nostr/nip06.hpp"
#include "nostr/nip49.hpp"

namespace pleb::cli {
namespace {

// Longer lines still work; reserving avoids reallocations that would leave unwiped copies behind.
constexpr std::size_t kLineReserve = 4096;

// Turns terminal echo off while a secret is typed, and back on however the scope ends.
class EchoOff {
 public:
  explicit EchoOff(bool terminal) : active_(terminal && tcgetattr(STDIN_FILENO, &saved_) == 0) {
    if (!active_) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (!active_) return;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    std::cerr << "\n";  // the user's Enter was not echoed either
  }

 private:
  termios saved_{};
  bool active_;
};

// One line of stdin without its line ending. Prompts on stderr only when stdin is a terminal.
nostr::SecretString read_secret_line(const char* prompt) {
  nostr::SecretString line;
  line.mutable_str().reserve(kLineReserve);
  const bool terminal = isatty(STDIN_FILENO) == 1;
  if (terminal) std::cerr << prompt << std::flush;
  {
    EchoOff echo_off(terminal);
    std::getline(std::cin, line.mutable_str());
  }
  if (!line.str().empty() && line.str().back() == '\r') line.mutable_str().pop_back();
  return line;
}

// The environment variable when set and not empty, else the next line of stdin.
nostr::SecretString env_or_stdin(const char* name, const char* prompt) {
  const char* value = std::getenv(name);
  if (value != nullptr && *value != '\0') return nostr::SecretString(value);
  return read_secret_line(prompt);
}

// Wipes an option's bound string once the command has used it.
void wipe(std::string& text) {
  nostr::secure_wipe(text.data(), text.size());
}

struct FromMnemonicOptions {
  std::string mnemonic;
  std::string passphrase;
  std::uint32_t account = 0;
};

void add_from_mnemonic(CLI::App& key) {
  auto* cmd = key.add_subcommand(
      "from-mnemonic",
      "Derive a key from a BIP-39 mnemonic as NIP-06 does (path m/44'/1237'/<account>'/0/0)");
  auto opts = std::make_shared<FromMnemonicOptions>();
  cmd->add_option("--mnemonic", opts->mnemonic, "the 12 to 24 words; prefer $PLEB_MNEMONIC or stdin")
      ->envname("PLEB_MNEMONIC");
  cmd->add_option("--passphrase", opts->passphrase,
                  "BIP-39 passphrase, if the wallet used one (default: none)")
      ->envname("PLEB_PASSPHRASE");
  cmd->add_option("--account", opts->account, "account number, 0 to 2147483647 (default 0)");
  cmd->footer(
      "The mnemonic comes from --mnemonic, else $PLEB_MNEMONIC, else one line of stdin.\n"
      "Words may be separated by any whitespace; the word list, word count and checksum are checked.\n"
      "Prints nsec, npub and both hex forms, like `pleb key generate`.");
  cmd->callback([opts] {
    nostr::SecretString mnemonic(opts->mnemonic);
    wipe(opts->mnemonic);
    if (mnemonic.str().empty()) mnemonic = read_secret_line("mnemonic: ");
    if (mnemonic.str().empty())
      throw UsageError("no mnemonic: pass --mnemonic, set PLEB_MNEMONIC or use stdin");
    nostr::SecretString passphrase(opts->passphrase);
    wipe(opts->passphrase);
    auto secret = nostr::nip06_key_from_mnemonic(mnemonic.str(), passphrase.str(), opts->account);
    if (!secret) throw UsageError("invalid mnemonic: " + secret.error());
    print_key_pair_for(*secret);
  });
}

void add_mnemonic(CLI::App& key) {
  auto* cmd = key.add_subcommand("mnemonic", "Generate a new BIP-39 mnemonic from the OS random source");
  auto words = std::make_shared<std::size_t>(12);
  cmd->add_option("--words", *words, "number of words: 12, 15, 18, 21 or 24 (default 12)");
  cmd->footer("Derive its Nostr key with `pleb key from-mnemonic`. Write the words down; they are the key.");
  cmd->callback([words] {
    auto mnemonic = nostr::generate_mnemonic(*words);
    if (!mnemonic) throw UsageError(mnemonic.error());
    std::cout << mnemonic->str() << "\n";
  });
}

struct EncryptOptions {
  unsigned log_n = nostr::kNip49DefaultLogN;
  unsigned key_security = static_cast<unsigned>(nostr::KeySecurity::kUnknown);
};

void add_encrypt(CLI::App& key) {
  auto* cmd = key.add_subcommand("encrypt", "Encrypt a secret key with a password (NIP-49 ncryptsec)");
  auto opts = std::make_shared<EncryptOptions>();
  cmd->add_option(
      "--log-n", opts->log_n,
      "scrypt cost 2^N: 16 takes 64 MiB and ~0.1 s, each step doubles both; 1 to 22 (default 16)");
  cmd->add_option("--key-security", opts->key_security,
                  "0: the key is known to have been handled insecurely, 1: it is not known to have been, "
                  "2: not tracked (default 2)");
  cmd->footer(
      "The secret key (nsec or hex) comes from $PLEB_SECRET_KEY, the password from $PLEB_PASSWORD.\n"
      "Whatever the environment does not give is read from stdin, one line each, in this order:\n"
      "the secret key, then the password. On a terminal they are asked for without echo.\n"
      "  printf '%s\\n%s\\n' \"$NSEC\" \"$PASSWORD\" | pleb key encrypt\n"
      "Prints the ncryptsec. Passwords are used as given: ASCII is exact, non-ASCII is not NFKC-normalized.");
  cmd->callback([opts] {
    if (opts->log_n < 1 || opts->log_n > nostr::kNip49MaxLogN) throw UsageError("--log-n must be 1 to 22");
    if (opts->key_security > 2) throw UsageError("--key-security must be 0, 1 or 2");
    nostr::SecretString secret_text = env_or_stdin("PLEB_SECRET_KEY", "secret key (nsec or hex): ");
    if (secret_text.str().empty()) {
      throw UsageError("no secret key: set PLEB_SECRET_KEY or give it on the first line of stdin");
    }
    nostr::SecretKey secret = parse_secret_key(secret_text.str());
    nostr::SecretString password = env_or_stdin("PLEB_PASSWORD", "password: ");
    if (password.str().empty()) throw UsageError("no password: set PLEB_PASSWORD or give it on stdin");
    auto encrypted = nostr::nip49_encrypt(secret, password.str(), static_cast<std::uint8_t>(opts->log_n),
                                          static_cast<nostr::KeySecurity>(opts->key_security));
    if (!encrypted) throw UsageError(encrypted.error());
    std::cout << *encrypted << "\n";
  });
}

void add_decrypt(CLI::App& key) {
  auto* cmd = key.add_subcommand("decrypt", "Decrypt a NIP-49 ncryptsec with its password");
  auto ncryptsec = std::make_shared<std::string>();
  cmd->add_option("ncryptsec", *ncryptsec, "the encrypted key, ncryptsec1...")->required();
  cmd->footer(
      "The password comes from $PLEB_PASSWORD, else from the first line of stdin (asked for without\n"
      "echo on a terminal). Prints nsec, npub and both hex forms.");
  cmd->callback([ncryptsec] {
    nostr::SecretString password = env_or_stdin("PLEB_PASSWORD", "password: ");
    if (password.str().empty()) throw UsageError("no password: set PLEB_PASSWORD or give it on stdin");
    auto decrypted = nostr::nip49_decrypt(*ncryptsec, password.str());
    if (!decrypted) throw UsageError(decrypted.error());
    print_key_pair_for(decrypted->key);
  });
}

}  // namespace

void register_key_secret_commands(CLI::App& key) {
  add_from_mnemonic(key);
  add_mnemonic(key);
  add_encrypt(key);
  add_decrypt(key);
}

}  // namespace pleb::cli
