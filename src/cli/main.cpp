#include <sys/resource.h>

#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  // Every connection is a descriptor: take the hard limit rather than the 1024 most shells start with.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  CLI::App app{"pleb: the Pleb.One Nostr relay platform and its tools"};
  app.set_version_flag("--version", std::string("pleb ") + PLEB_VERSION);
  app.require_subcommand(1);
  pleb::cli::register_key_commands(app);
  pleb::cli::register_event_commands(app);
  pleb::cli::register_nip19_commands(app);
  pleb::cli::register_serve_command(app);
  pleb::cli::register_relay_command(app);
  pleb::cli::register_processor_command(app);
  pleb::cli::register_api_command(app);
  pleb::cli::register_import_export_commands(app);
  pleb::cli::register_bench_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Error& e) {
    return app.exit(e);
  } catch (const pleb::cli::UsageError& e) {
    std::cerr << "pleb: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "pleb: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
