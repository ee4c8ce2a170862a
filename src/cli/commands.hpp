#pragma once
// Each group of subcommands registers itself on the application; main only wires them together.
#include <CLI/CLI.hpp>

namespace pleb::cli {

void register_key_commands(CLI::App& app);
void register_event_commands(CLI::App& app);
void register_nip19_commands(CLI::App& app);
// Adds from-mnemonic, encrypt and decrypt under the `key` subcommand.
void register_key_secret_commands(CLI::App& key);

// Thrown by a command for bad input; main prints the message and exits with status 1.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pleb::cli
