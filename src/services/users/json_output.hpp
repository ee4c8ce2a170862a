#pragma once
// The JSON the user service writes (API bodies and NIP-05 documents), escaped by the protocol core's
// writer. Absent optional values are written as null, so every field is always there.
#include <string>
#include <string_view>
#include <vector>

#include "services/users/types.hpp"

namespace pleb::users {

// {"pubkey","npub","display_name","about","picture","nip05","member","role","joined_at","created_at","updated_at"}
std::string account_json(const Account& account);
// {"pubkey","role","joined_at"}
std::string membership_json(const nostr::Bytes32& pubkey, const Membership& membership);
// {"members":[{"pubkey","role","joined_at","display_name","nip05"}...],"next_cursor":"..."|null}
std::string member_page_json(const MemberPage& page);
// {"name","available","reason","pubkey"}
std::string availability_json(const NameAvailability& availability);
// {"name","pubkey"}
std::string name_json(std::string_view name, const nostr::Bytes32& pubkey);
// NIP-05: {"names":{"<key>":"<hex>"},"relays":{"<hex>":[...]}}; "relays" only when there are some.
std::string nostr_json(std::string_view key, const nostr::Bytes32& pubkey,
                       const std::vector<std::string>& relays);
// NIP-05 for an unknown name: {"names":{}}
std::string empty_nostr_json();

}  // namespace pleb::users
