#pragma once
// `pleb serve` settings: defaults, then pleb.toml, then command-line flags.
#include <string>

#include "cli/api_stack.hpp"
#include "http/server.hpp"
#include "processor/policy_config.hpp"
#include "relay/config.hpp"

namespace pleb::cli {

struct ServeConfig {
  http::ServerOptions server;
  relay::RelayConfig relay;
  processor::PolicyConfig policy;
  ApiConfig api;
  std::string data_dir = "./data";
  std::size_t map_size_gib = 1024;
  bool sync = true;
  std::size_t id_run_entries = 65536;  // store::LmdbOptions::id_run_entries
};

// Reads a pleb.toml file over the defaults in `config`; throws UsageError naming the bad key.
void load_config_file(const std::string& path, ServeConfig& config);
// "HOST:PORT", "[v6]:PORT" or ":PORT".
void parse_listen(const std::string& listen, http::ServerOptions& server);

}  // namespace pleb::cli
