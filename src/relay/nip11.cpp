#include "nostr/json_writer.hpp"
#include "relay/relay.hpp"

namespace pleb::relay {
namespace {

void field(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  nostr::append_json_string(out, name);
  out.push_back(':');
  nostr::append_json_string(out, value);
  out.push_back(',');
}

void number(std::string& out, std::string_view name, std::uint64_t value) {
  nostr::append_json_string(out, name);
  out.append(":").append(std::to_string(value)).push_back(',');
}

void boolean(std::string& out, std::string_view name, bool value) {
  nostr::append_json_string(out, name);
  out.append(value ? ":true," : ":false,");
}

}  // namespace

std::string Relay::information_document() const {
  const auto& info = config_.info;
  const auto& limits = config_.limits;
  std::string out = "{";
  field(out, "name", info.name);
  field(out, "description", info.description);
  field(out, "pubkey", info.pubkey);
  field(out, "contact", info.contact);
  field(out, "icon", info.icon);
  // Exactly what this build and configuration do: NIP-13 only when proof of work is required.
  out.append(config_.min_pow_difficulty > 0 ? "\"supported_nips\":[1,9,11,13,40,42,45,50,70],"
                                            : "\"supported_nips\":[1,9,11,40,42,45,50,70],");
  field(out, "software", "https://pleb.one");
  field(out, "version", config_.version);
  out.append("\"limitation\":{");
  number(out, "max_message_length", config_.max_message_bytes);
  number(out, "max_subscriptions", limits.max_subscriptions);
  number(out, "max_filters", limits.message.max_filters);
  number(out, "max_filter_values", limits.message.filter.max_values);  // not in NIP-11: ids, authors, …
  number(out, "max_limit", limits.max_limit);
  number(out, "default_limit", limits.default_limit);
  number(out, "max_subid_length", limits.message.max_subscription_id_length);
  number(out, "max_event_tags", limits.message.event.max_tags);
  number(out, "max_content_length", limits.message.event.max_content_bytes);
  number(out, "min_pow_difficulty", static_cast<std::uint64_t>(std::max(0, config_.min_pow_difficulty)));
  boolean(out, "auth_required", config_.auth_required_for_reads || config_.auth_required_for_writes);
  boolean(out, "payment_required", false);
  boolean(out, "restricted_writes", config_.auth_required_for_writes);
  if (limits.created_at_past_seconds > 0) {
    number(out, "created_at_lower_limit", static_cast<std::uint64_t>(limits.created_at_past_seconds));
  }
  number(out, "created_at_upper_limit", static_cast<std::uint64_t>(limits.created_at_future_seconds));
  out.pop_back();
  out.append("}}");
  return out;
}

}  // namespace pleb::relay
