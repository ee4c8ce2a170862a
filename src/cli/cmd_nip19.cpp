#include "cli/commands.hpp"

namespace pleb::cli {

void register_nip19_commands(CLI::App& app) { app.add_subcommand("nip19", "Encode and decode NIP-19 entities"); }

}  // namespace pleb::cli
