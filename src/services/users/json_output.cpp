#include "services/users/json_output.hpp"

#include "nostr/json_writer.hpp"
#include "nostr/nip19.hpp"

namespace pleb::users {
namespace {

using nostr::append_json_string;

void append_hex_string(std::string& out, const nostr::Bytes32& bytes) {
  out.push_back('"');
  nostr::append_hex(out, bytes.data(), bytes.size());
  out.push_back('"');
}

void append_optional_string(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    append_json_string(out, *value);
  } else {
    out.append("null");
  }
}

}  // namespace

std::string account_json(const Account& account) {
  std::string out = "{\"pubkey\":";
  append_hex_string(out, account.pubkey);
  out.append(",\"npub\":");
  append_json_string(out, nostr::encode_npub(account.pubkey));
  out.append(",\"display_name\":");
  append_json_string(out, account.display_name);
  out.append(",\"about\":");
  append_json_string(out, account.about);
  out.append(",\"picture\":");
  append_json_string(out, account.picture);
  out.append(",\"nip05\":");
  append_optional_string(out, account.nip05);
  out.append(",\"member\":").append(account.membership ? "true" : "false");
  out.append(",\"role\":");
  if (account.membership) {
    append_json_string(out, api::role_name(account.membership->role));
    out.append(",\"joined_at\":").append(std::to_string(account.membership->joined_at));
  } else {
    out.append("null,\"joined_at\":null");
  }
  out.append(",\"created_at\":").append(std::to_string(account.created_at));
  out.append(",\"updated_at\":").append(std::to_string(account.updated_at));
  out.push_back('}');
  return out;
}

std::string membership_json(const nostr::Bytes32& pubkey, const Membership& membership) {
  std::string out = "{\"pubkey\":";
  append_hex_string(out, pubkey);
  out.append(",\"role\":");
  append_json_string(out, api::role_name(membership.role));
  out.append(",\"joined_at\":").append(std::to_string(membership.joined_at));
  out.push_back('}');
  return out;
}

std::string member_page_json(const MemberPage& page) {
  std::string out = "{\"members\":[";
  bool first = true;
  for (const Member& member : page.members) {
    if (!first) out.push_back(',');
    first = false;
    out.append("{\"pubkey\":");
    append_hex_string(out, member.pubkey);
    out.append(",\"role\":");
    append_json_string(out, api::role_name(member.role));
    out.append(",\"joined_at\":").append(std::to_string(member.joined_at));
    out.append(",\"display_name\":");
    append_json_string(out, member.display_name);
    out.append(",\"nip05\":");
    append_optional_string(out, member.nip05);
    out.push_back('}');
  }
  out.append("],\"next_cursor\":");
  append_optional_string(out, page.next_cursor);
  out.push_back('}');
  return out;
}

std::string availability_json(const NameAvailability& availability) {
  std::string out = "{\"name\":";
  append_json_string(out, availability.name);
  out.append(",\"available\":").append(availability.available ? "true" : "false");
  out.append(",\"reason\":");
  if (availability.reason.empty()) {
    out.append("null");
  } else {
    append_json_string(out, availability.reason);
  }
  out.append(",\"pubkey\":");
  if (availability.owner) {
    append_hex_string(out, *availability.owner);
  } else {
    out.append("null");
  }
  out.push_back('}');
  return out;
}

std::string name_json(std::string_view name, const nostr::Bytes32& pubkey) {
  std::string out = "{\"name\":";
  append_json_string(out, name);
  out.append(",\"pubkey\":");
  append_hex_string(out, pubkey);
  out.push_back('}');
  return out;
}

std::string nostr_json(std::string_view key, const nostr::Bytes32& pubkey,
                       const std::vector<std::string>& relays) {
  std::string out = "{\"names\":{";
  append_json_string(out, key);
  out.push_back(':');
  append_hex_string(out, pubkey);
  out.push_back('}');
  if (!relays.empty()) {
    out.append(",\"relays\":{");
    append_hex_string(out, pubkey);
    out.append(":[");
    for (std::size_t i = 0; i < relays.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, relays[i]);
    }
    out.append("]}");
  }
  out.push_back('}');
  return out;
}

std::string empty_nostr_json() {
  return "{\"names\":{}}";
}

}  // namespace pleb::users
