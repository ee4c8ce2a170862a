#include "cli/commands.hpp"

namespace pleb::cli {

void register_key_secret_commands(CLI::App&) {}

}  // namespace pleb::cli
