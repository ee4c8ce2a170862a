#include "cli/scale_out_flags.hpp"

#include <cstdlib>

#include "cli/commands.hpp"

namespace pleb::cli {
namespace {

void from_environment(std::string& value, const char* variable, const char* flag, bool required) {
  if (value.empty()) {
    if (const char* set = std::getenv(variable)) value = set;
  }
  if (value.empty() && required) {
    throw UsageError(std::string("no ") + flag + " given and " + variable + " is not set");
  }
}

}  // namespace

void add_engine_options(CLI::App& command, EngineUrls& urls, bool with_cache) {
  command.add_option("--store", urls.store, "PostgreSQL URL of the shared database (default: $DATABASE_URL)");
  command.add_option("--bus", urls.bus, "NATS URL of the event bus (default: $NATS_URL)");
  if (with_cache)
    command.add_option("--cache", urls.cache, "Redis URL of the shared cache (default: $REDIS_URL)");
}

void resolve_engine_urls(EngineUrls& urls, bool need_cache) {
  from_environment(urls.store, "DATABASE_URL", "--store", true);
  from_environment(urls.bus, "NATS_URL", "--bus", true);
  from_environment(urls.cache, "REDIS_URL", "--cache", need_cache);
}

}  // namespace pleb::cli
