#include "cli/serve_config.hpp"

#include <toml++/toml.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/key_input.hpp"

namespace pleb::cli {
namespace {

std::string fmt_number(double value) {
  if (value == static_cast<double>(static_cast<std::int64_t>(value))) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

template <typename T>
void read(const toml::table& table, std::string_view section, std::string_view key, T& out) {
  auto node = table[section][key];
  if (!node) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.template value<bool>()) return void(out = *v);
  } else if constexpr (std::is_integral_v<T>) {
    if (auto v = node.template value<std::int64_t>(); v && *v >= 0) return void(out = static_cast<T>(*v));
  } else {
    if (auto v = node.template value<std::string>()) return void(out = *v);
  }
  throw UsageError("config: [" + std::string(section) + "] " + std::string(key) + " has the wrong type");
}

std::set<std::uint32_t> read_kinds(const toml::table& table, std::string_view key) {
  std::set<std::uint32_t> kinds;
  auto array = table["policy"][key].as_array();
  if (!array) {
    if (table["policy"][key])
      throw UsageError("config: [policy] " + std::string(key) + " must be a list of kinds");
    return kinds;
  }
  for (const auto& node : *array) {
    auto value = node.value<std::int64_t>();
    if (!value || *value < 0 || *value > 65535) {
      throw UsageError("config: [policy] " + std::string(key) + " must be a list of kinds (0-65535)");
    }
    kinds.insert(static_cast<std::uint32_t>(*value));
  }
  return kinds;
}

std::set<nostr::Bytes32> read_hex_ids(toml::node_view<const toml::node> section, std::string_view name,
                                      std::string_view key) {
  std::set<nostr::Bytes32> ids;
  auto array = section[key].as_array();
  if (!array) {
    if (section[key])
      throw UsageError("config: [" + std::string(name) + "] " + std::string(key) + " must be a list");
    return ids;
  }
  for (const auto& node : *array) {
    auto text = node.value<std::string>();
    auto id = text ? nostr::parse_hex_lower<32>(*text) : std::nullopt;
    if (!id) {
      throw UsageError("config: [" + std::string(name) + "] " + std::string(key) +
                       " must hold 64-character lowercase hex");
    }
    ids.insert(*id);
  }
  return ids;
}

std::set<nostr::Bytes32> read_hex_ids(const toml::table& table, std::string_view key) {
  return read_hex_ids(table["policy"], "policy", key);
}

// A number in a [policy.*] sub-table, within [min, max].
template <typename T>
void read_number(toml::node_view<const toml::node> section, std::string_view name, std::string_view key,
                 T& out, double min, double max) {
  auto node = section[key];
  if (!node) return;
  auto value = node.value<double>();
  if (!value || *value < min || *value > max) {
    std::string message =
        "config: [" + std::string(name) + "] " + std::string(key) + " must be a number from ";
    message.append(fmt_number(min)).append(" to ").append(fmt_number(max));
    throw UsageError(message);
  }
  out = static_cast<T>(*value);
}

std::set<std::uint32_t> read_kind_list(toml::node_view<const toml::node> section, std::string_view name,
                                       std::string_view key) {
  std::set<std::uint32_t> kinds;
  auto array = section[key].as_array();
  if (!array && !section[key]) return kinds;
  auto usage =
      "config: [" + std::string(name) + "] " + std::string(key) + " must be a list of kinds (0-65535)";
  if (!array) throw UsageError(usage);
  for (const auto& node : *array) {
    auto value = node.value<std::int64_t>();
    if (!value || *value < 0 || *value > 65535) throw UsageError(usage);
    kinds.insert(static_cast<std::uint32_t>(*value));
  }
  return kinds;
}

void read_plugin(const toml::table& table, processor::PolicyConfig& policy) {
  auto section = table["policy"]["plugin"];
  if (!section) return;
  const char* usage =
      "config: [policy.plugin] command must be a program path or a list of the program and its arguments";
  if (!section.as_table()) throw UsageError(usage);
  processor::PluginConfig plugin;
  if (auto single = section["command"].value<std::string>()) {
    plugin.command.push_back(*single);
  } else if (auto list = section["command"].as_array()) {
    for (const auto& part : *list) {
      auto text = part.value<std::string>();
      if (!text) throw UsageError(usage);
      plugin.command.push_back(*text);
    }
  }
  if (plugin.command.empty() || plugin.command.front().empty()) throw UsageError(usage);
  std::int64_t timeout_ms = plugin.timeout.count();
  read_number(section, "policy.plugin", "timeout_ms", timeout_ms, 1, 600000);
  plugin.timeout = std::chrono::milliseconds(timeout_ms);
  read_number(section, "policy.plugin", "max_pending", plugin.max_pending, 1, 1000000);
  policy.plugin = std::move(plugin);
}

void read_duplicates(const toml::table& table, processor::PolicyConfig& policy) {
  auto section = table["policy"]["duplicates"];
  if (!section) return;
  const std::string name = "policy.duplicates";
  if (!section.as_table()) throw UsageError("config: [policy.duplicates] must be a table");
  processor::DuplicateConfig duplicates;
  if (section["kinds"]) duplicates.kinds = read_kind_list(section, name, "kinds");
  read_number(section, name, "window_seconds", duplicates.window_seconds, 1, 30 * 86400);
  read_number(section, name, "max_authors", duplicates.max_authors, 1, 1000);
  read_number(section, name, "similarity", duplicates.similarity, 0.1, 1);
  read_number(section, name, "min_words", duplicates.min_words, 1, 1000);
  read_number(section, name, "shingle_words", duplicates.shingle_words, 1, 8);
  read_number(section, name, "max_tracked", duplicates.max_tracked, 100, 10000000);
  duplicates.exempt = read_hex_ids(section, name, "exempt");
  if (auto action = section["action"]) {
    auto text = action.value<std::string>();
    if (!text || (*text != "reject" && *text != "shadow-reject")) {
      throw UsageError("config: [policy.duplicates] action must be \"reject\" or \"shadow-reject\"");
    }
    duplicates.shadow = *text == "shadow-reject";
  }
  policy.duplicates = std::move(duplicates);
}

void read_trust(const toml::table& table, processor::PolicyConfig& policy) {
  auto section = table["policy"]["trust"];
  if (!section) return;
  const std::string name = "policy.trust";
  if (!section.as_table()) throw UsageError("config: [policy.trust] must be a table");
  processor::TrustConfig trust;
  trust.seeds = read_hex_ids(section, name, "seeds");
  read_number(section, name, "distance", trust.distance, 0, 2);
  trust.kinds = read_kind_list(section, name, "kinds");
  read_number(section, name, "max_trusted", trust.max_trusted, 1, 100000000);
  if (auto action = section["action"]) {
    auto text = action.value<std::string>();
    if (!text || (*text != "reject" && *text != "hold")) {
      throw UsageError("config: [policy.trust] action must be \"reject\" or \"hold\"");
    }
    trust.hold = *text == "hold";
  }
  read_number(section, name, "hold_admit_after_seconds", trust.hold_admit_after_seconds, 0, 365 * 86400);
  read_number(section, name, "hold_max", trust.hold_max, 1, 10000000);
  // The user service's members join the seeds at start (pleb serve); its configured admins are members.
  auto admins = table["api"]["admins"].as_array();
  if (trust.seeds.empty() && policy.members.empty() && (!admins || admins->empty())) {
    throw UsageError("config: [policy.trust] needs seeds, or members in [policy], or admins in [api]");
  }
  policy.trust = std::move(trust);
}

void read_policy(const toml::table& table, processor::PolicyConfig& policy) {
  read(table, "policy", "enabled", policy.enabled);
  policy.kinds_allow = read_kinds(table, "kinds_allow");
  policy.kinds_deny = read_kinds(table, "kinds_deny");
  read(table, "policy", "min_pow_difficulty", policy.min_pow_difficulty);
  if (auto per_kind = table["policy"]["pow_per_kind"].as_table()) {
    for (const auto& [key, node] : *per_kind) {
      int kind = -1;
      try {
        kind = std::stoi(std::string(key.str()));
      } catch (const std::exception&) {
      }
      auto bits = node.value<std::int64_t>();
      if (kind < 0 || kind > 65535 || !bits || *bits < 0 || *bits > 256) {
        throw UsageError("config: [policy] pow_per_kind maps kinds to difficulties, e.g. { \"1\" = 20 }");
      }
      policy.pow_per_kind[static_cast<std::uint32_t>(kind)] = static_cast<int>(*bits);
    }
  }
  policy.banned_pubkeys = read_hex_ids(table, "banned_pubkeys");
  policy.shadow_banned_pubkeys = read_hex_ids(table, "shadow_banned_pubkeys");
  policy.banned_events = read_hex_ids(table, "banned_events");
  policy.members = read_hex_ids(table, "members");
  read(table, "policy", "nip05_required", policy.nip05_required);
  read(table, "policy", "log_per_minute", policy.log_per_minute);
  read_plugin(table, policy);
  read_duplicates(table, policy);
  read_trust(table, policy);
  if (auto rules = table["policy"]["rate_limits"].as_array()) {
    const char* usage =
        "config: [[policy.rate_limits]] needs events and seconds (positive numbers) and optional kinds, a "
        "list "
        "of kinds or \"from-to\" ranges";
    for (const auto& node : *rules) {
      auto rule_table = node.as_table();
      if (!rule_table) throw UsageError(usage);
      processor::RateRule rule;
      auto events = (*rule_table)["events"].value<double>();
      auto seconds = (*rule_table)["seconds"].value<double>();
      if (!events || !seconds || *events <= 0 || *seconds <= 0) throw UsageError(usage);
      rule.events = *events;
      rule.seconds = *seconds;
      if (auto kinds = (*rule_table)["kinds"].as_array()) {
        for (const auto& kind : *kinds) {
          if (auto single = kind.value<std::int64_t>(); single && *single >= 0 && *single <= 65535) {
            rule.kinds.emplace_back(static_cast<std::uint32_t>(*single), static_cast<std::uint32_t>(*single));
            continue;
          }
          auto text = kind.value<std::string>();
          unsigned from = 0, to = 0;
          char extra = 0;
          if (!text || std::sscanf(text->c_str(), "%u-%u%c", &from, &to, &extra) != 2 || from > to ||
              to > 65535) {
            throw UsageError(usage);
          }
          rule.kinds.emplace_back(from, to);
        }
      } else if ((*rule_table)["kinds"]) {
        throw UsageError(usage);
      }
      policy.rate_limits.push_back(std::move(rule));
    }
  }
  if (auto addresses = table["policy"]["banned_addresses"].as_array()) {
    for (const auto& node : *addresses) {
      auto text = node.value<std::string>();
      if (!text) throw UsageError("config: [policy] banned_addresses must be a list of addresses");
      policy.banned_addresses.insert(*text);
    }
  }
}

// A token bucket: { capacity = 20, per_second = 2 } (burst, then the sustained rate).
std::optional<cache::RateRule> read_rate_rule(const toml::node_view<const toml::node> node,
                                              const std::string& where) {
  if (!node) return std::nullopt;
  auto table = node.as_table();
  auto capacity = table ? (*table)["capacity"].value<double>() : std::nullopt;
  auto per_second = table ? (*table)["per_second"].value<double>() : std::nullopt;
  if (!capacity || !per_second || !(*capacity >= 1) || !(*per_second > 0) || table->size() != 2) {
    throw UsageError("config: " + where + " must be { capacity = N, per_second = R } with N >= 1 and R > 0");
  }
  return cache::RateRule{*capacity, *per_second};
}

void read_event_limits(const toml::table& table, cache::RequestLimits& limits) {
  auto events = table["limits"]["events"];
  if (events && !events.as_table()) throw UsageError("config: [limits.events] must be a table");
  for (const auto& [key, value] : events.as_table() ? *events.as_table() : toml::table{}) {
    std::string name(key.str());
    if (name != "per_connection" && name != "per_ip" && name != "per_pubkey" && name != "global") {
      throw UsageError("config: [limits.events] knows per_connection, per_ip, per_pubkey and global, not " +
                       name);
    }
  }
  const toml::table& constant = table;
  auto section = constant["limits"]["events"];
  limits.per_connection = read_rate_rule(section["per_connection"], "[limits.events] per_connection");
  limits.per_ip = read_rate_rule(section["per_ip"], "[limits.events] per_ip");
  limits.per_pubkey = read_rate_rule(section["per_pubkey"], "[limits.events] per_pubkey");
  limits.global = read_rate_rule(section["global"], "[limits.events] global");
}

std::vector<std::string> read_strings(const toml::table& table, std::string_view section,
                                      std::string_view key) {
  std::vector<std::string> out;
  auto node = table[section][key];
  if (!node) return out;
  auto array = node.as_array();
  std::string where = "config: [" + std::string(section) + "] " + std::string(key);
  if (!array) throw UsageError(where + " must be a list of strings");
  for (const auto& item : *array) {
    auto text = item.value<std::string>();
    if (!text) throw UsageError(where + " must be a list of strings");
    out.push_back(*text);
  }
  return out;
}

void read_api(const toml::table& table, ApiConfig& api) {
  read(table, "api", "public_url", api.public_url);
  api.cors_origins = read_strings(table, "api", "cors_origins");
  for (const auto& admin : read_strings(table, "api", "admins")) {
    try {
      api.admins.push_back(parse_public_key(admin));
    } catch (const UsageError& e) {
      throw UsageError(std::string("config: [api] admins: ") + e.what());
    }
  }
  read(table, "api", "session_secret", api.session_secret);
  if (!api.session_secret.empty() && api.session_secret.size() < 32)
    throw UsageError("config: [api] session_secret must be at least 32 bytes");
  read(table, "api", "session_lifetime_seconds", api.session_lifetime_seconds);
  api.reserved_names = read_strings(table, "api", "reserved_names");
  api.nip05_relays = read_strings(table, "api", "nip05_relays");
  read(table, "api", "database", api.database);
  if (auto rates = table["api"]["rate_limits"]) {
    if (!rates.as_table()) throw UsageError("config: [api.rate_limits] must be a table");
    for (const auto& [key, value] : *rates.as_table()) {
      std::string name(key.str());
      if (name != "global" && name != "per_ip" && name != "per_pubkey" && name != "per_route")
        throw UsageError("config: [api.rate_limits] knows global, per_ip, per_pubkey and per_route, not " +
                         name);
    }
    // A table given replaces the defaults: what it leaves out is not limited.
    const toml::table& constant = table;
    auto section = constant["api"]["rate_limits"];
    api.rate_limits = {};
    api.rate_limits.global = read_rate_rule(section["global"], "[api.rate_limits] global");
    api.rate_limits.per_ip = read_rate_rule(section["per_ip"], "[api.rate_limits] per_ip");
    api.rate_limits.per_pubkey = read_rate_rule(section["per_pubkey"], "[api.rate_limits] per_pubkey");
    api.rate_limits.per_route = read_rate_rule(section["per_route"], "[api.rate_limits] per_route");
  }
}

}  // namespace

void parse_listen(const std::string& listen, http::ServerOptions& server) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw UsageError("--listen must be HOST:PORT, got " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) throw UsageError("--listen has an invalid port: " + listen);
  server.host = host.empty() ? "0.0.0.0" : host;
  server.port = static_cast<std::uint16_t>(port);
}

void load_config_file(const std::string& path, ServeConfig& config) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw UsageError("config " + path + ": " + std::string(e.description()));
  }
  std::string listen;
  read(table, "server", "listen", listen);
  if (!listen.empty()) parse_listen(listen, config.server);
  auto& server = config.server;
  read(table, "server", "threads", server.threads);
  read(table, "server", "max_message_bytes", server.max_message_bytes);
  read(table, "server", "max_outgoing_bytes", server.max_outgoing_bytes);
  read(table, "server", "max_connections_per_ip", server.max_connections_per_ip);
  std::int64_t idle = server.idle_timeout.count();
  read(table, "server", "idle_timeout_seconds", idle);
  server.idle_timeout = std::chrono::seconds(idle);
  read(table, "server", "compression", server.permessage_deflate);
  read(table, "server", "compression_window_bits", server.deflate_window_bits);

  read(table, "storage", "data", config.data_dir);
  read(table, "storage", "map_size_gib", config.map_size_gib);
  read(table, "storage", "sync", config.sync);
  read(table, "storage", "id_run_entries", config.id_run_entries);
  if (config.id_run_entries == 0) throw UsageError("config: [storage] id_run_entries must be at least 1");

  auto& relay = config.relay;
  read(table, "relay", "name", relay.info.name);
  read(table, "relay", "description", relay.info.description);
  read(table, "relay", "pubkey", relay.info.pubkey);
  read(table, "relay", "contact", relay.info.contact);
  read(table, "relay", "icon", relay.info.icon);
  read(table, "relay", "url", relay.info.relay_url);
  read(table, "relay", "auth_required_for_writes", relay.auth_required_for_writes);
  read(table, "relay", "auth_required_for_reads", relay.auth_required_for_reads);
  auto& limits = relay.limits;
  read(table, "limits", "max_subscriptions", limits.max_subscriptions);
  read(table, "limits", "max_filters", limits.message.max_filters);
  read(table, "limits", "max_filter_values", limits.message.filter.max_values);
  read(table, "limits", "max_limit", limits.max_limit);
  read(table, "limits", "default_limit", limits.default_limit);
  read(table, "limits", "max_subid_length", limits.message.max_subscription_id_length);
  read(table, "limits", "max_event_tags", limits.message.event.max_tags);
  read(table, "limits", "max_content_length", limits.message.event.max_content_bytes);
  read(table, "limits", "created_at_past_seconds", limits.created_at_past_seconds);
  read(table, "limits", "created_at_future_seconds", limits.created_at_future_seconds);
  read(table, "limits", "broad_filter_max_limit", limits.broad_filter_max_limit);
  read(table, "limits", "broad_filter_max_age_seconds", limits.broad_filter_max_age_seconds);
  read_event_limits(table, relay.event_limits);
  read_api(table, config.api);
  read_policy(table, config.policy);
  if (auto kinds = table["relay"]["restricted_read_kinds"].as_array()) {
    relay.restricted_read_kinds.clear();
    for (const auto& kind : *kinds) {
      auto value = kind.value<std::int64_t>();
      if (!value || *value < 0 || *value > 65535)
        throw UsageError("config: [relay] restricted_read_kinds must be kinds");
      relay.restricted_read_kinds.push_back(static_cast<std::uint32_t>(*value));
    }
  }
}

}  // namespace pleb::cli
