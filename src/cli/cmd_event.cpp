#include "cli/commands.hpp"

namespace pleb::cli {

void register_event_commands(CLI::App& app) {
  app.add_subcommand("event", "Sign and verify events");
}

}  // namespace pleb::cli
