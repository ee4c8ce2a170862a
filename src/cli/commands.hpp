#pragma once
// Each group of subcommands registers itself on the application; main only wires them together.
#include <CLI/CLI.hpp>

#include "nostr/secret.hpp"

namespace pleb::cli {

void register_key_commands(CLI::App& app);
void register_event_commands(CLI::App& app);
void register_nip19_commands(CLI::App& app);
void register_serve_command(CLI::App& app);
// The scaled-out processes: PostgreSQL store, NATS bus, Redis cache.
void register_relay_command(CLI::App& app);
void register_processor_command(CLI::App& app);
void register_api_command(CLI::App& app);
void register_import_export_commands(CLI::App& app);
void register_bench_commands(CLI::App& app);
// Adds from-mnemonic, encrypt and decrypt under the `key` subcommand.
void register_key_secret_commands(CLI::App& key);

// Prints nsec, npub and both hex forms; shared by every command that yields a key.
void print_key_pair_for(const nostr::SecretKey& secret);

// Thrown by a command for bad input; main prints the message and exits with status 1.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pleb::cli
