#pragma once
// NIP-19: bech32-encoded keys, ids and shareable references (npub, nsec, note, nprofile, nevent, naddr).
//
// Decoding is strict where NIP-19 and BIP-173 are (checksum, case, padding, TLV lengths, required
// TLVs) and lenient where NIP-19 asks for it (unknown TLV types are skipped). Relay URLs and naddr
// identifiers must be valid UTF-8, so that every decoded entity can be written out as JSON.
// The nsec paths wipe every intermediate buffer that held the secret key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nostr/bytes.hpp"
#include "nostr/result.hpp"
#include "nostr/secret.hpp"

namespace pleb::nostr {

// The TLV types of NIP-19. Unknown types are ignored when decoding.
enum class Nip19Tlv : std::uint8_t { kSpecial = 0, kRelay = 1, kAuthor = 2, kKind = 3 };

struct Npub {
  Bytes32 pubkey{};
  bool operator==(const Npub&) const = default;
};

// Holds the key in a SecretKey, so a decoded nsec is wiped with the entity.
struct Nsec {
  SecretKey secret;
  // Not constant-time: for tests and round-trip checks, never for authentication.
  bool operator==(const Nsec& other) const { return secret.bytes() == other.secret.bytes(); }
};

struct Note {
  Bytes32 id{};
  bool operator==(const Note&) const = default;
};

struct Nprofile {
  Bytes32 pubkey{};
  std::vector<std::string> relays;
  bool operator==(const Nprofile&) const = default;
};

struct Nevent {
  Bytes32 id{};
  std::vector<std::string> relays;
  std::optional<Bytes32> author;
  std::optional<std::uint32_t> kind;
  bool operator==(const Nevent&) const = default;
};

// A replaceable or addressable event: kind, author and "d" tag (empty for plain replaceable events).
struct Naddr {
  std::string identifier;
  Bytes32 pubkey{};
  std::uint32_t kind = 0;
  std::vector<std::string> relays;
  bool operator==(const Naddr&) const = default;
};

using Nip19Entity = std::variant<Npub, Nsec, Note, Nprofile, Nevent, Naddr>;

// The bech32 human-readable part of each entity: "npub", "nsec", ...
std::string_view nip19_prefix(const Nip19Entity& entity);

// Bare 32-byte entities: encoding cannot fail. An nsec string is as secret as the key it holds.
std::string encode_npub(const Bytes32& pubkey);
std::string encode_nsec(const Bytes32& secret);
std::string encode_note(const Bytes32& id);

// TLV entities fail when a relay or identifier is longer than the 255 bytes a TLV holds, or the
// result would exceed the 5000-character limit. Relays are written in order; nevent's author and
// kind only when present.
Result<std::string> encode_nprofile(const Nprofile& profile);
Result<std::string> encode_nevent(const Nevent& event);
Result<std::string> encode_naddr(const Naddr& address);
Result<std::string> encode_nip19(const Nip19Entity& entity);

// Each typed decoder requires its own prefix ("expected npub, got nsec").
Result<Bytes32> decode_npub(std::string_view text);
// The returned bytes are the caller's to wipe; prefer decode_nsec_key, which wipes itself.
Result<Bytes32> decode_nsec(std::string_view text);
Result<SecretKey> decode_nsec_key(std::string_view text);
Result<Bytes32> decode_note(std::string_view text);
Result<Nprofile> decode_nprofile(std::string_view text);
Result<Nevent> decode_nevent(std::string_view text);
Result<Naddr> decode_naddr(std::string_view text);

// Any of the six; anything else (including the deprecated nrelay) is refused.
Result<Nip19Entity> decode_nip19(std::string_view text);

}  // namespace pleb::nostr
