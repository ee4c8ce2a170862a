#pragma once
// The URLs of the shared engines, for the scaled-out commands: flag, else environment (as in the
// Kubernetes manifests: DATABASE_URL, NATS_URL, REDIS_URL), else an error naming both.
#include <string>

#include <CLI/CLI.hpp>

namespace pleb::cli {

struct EngineUrls {
  std::string store;  // postgresql://...
  std::string bus;    // nats://...
  std::string cache;  // redis://... (optional)
};

void add_engine_options(CLI::App& command, EngineUrls& urls, bool with_cache);
// Fills what the flags left empty from the environment; throws UsageError when a needed one is missing.
void resolve_engine_urls(EngineUrls& urls, bool need_cache);

}  // namespace pleb::cli
