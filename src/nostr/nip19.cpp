#include "nostr/nip19.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "nostr/bech32.hpp"
#include "nostr/utf8.hpp"

namespace pleb::nostr {
namespace {

constexpr std::string_view kNpub = "npub";
constexpr std::string_view kNsec = "nsec";
constexpr std::string_view kNote = "note";
constexpr std::string_view kNprofile = "nprofile";
constexpr std::string_view kNevent = "nevent";
constexpr std::string_view kNaddr = "naddr";
// One length byte per TLV entry.
constexpr std::size_t kMaxTlvValue = 255;

// A decoded string: its prefix and its payload bytes. The bytes may be a secret key, so whoever
// holds a Payload puts a WipeGuard on them.
struct Payload {
  std::string prefix;
  ByteVector bytes;
};

// Quotes an unexpected prefix for an error message, cut short: it is arbitrary user input.
std::string show_prefix(std::string_view prefix) {
  constexpr std::size_t kShown = 16;
  if (prefix.size() <= kShown) return std::string(prefix);
  return std::string(prefix.substr(0, kShown)) + "...";
}

Result<Payload> decode_payload(std::string_view text, std::optional<std::string_view> expected_prefix) {
  auto decoded = bech32::decode(text, bech32::kMaxLength);
  if (!decoded) return Result<Payload>::failure(decoded.error());
  bech32::WipeGuard values_guard(decoded->values);
  if (expected_prefix && decoded->hrp != *expected_prefix) {
    return Result<Payload>::failure("expected " + std::string(*expected_prefix) + ", got " +
                                    show_prefix(decoded->hrp));
  }
  auto bytes = bech32::values_to_bytes(decoded->values);
  if (!bytes) return Result<Payload>::failure(bytes.error());
  return Result<Payload>(Payload{std::move(decoded->hrp), std::move(*bytes)});
}

// Encodes a complete payload, refusing results over the NIP-19 length limit.
Result<std::string> encode_payload(std::string_view prefix, const ByteVector& bytes) {
  ByteVector values = bech32::bytes_to_values(bytes);
  bech32::WipeGuard guard(values);
  std::size_t length = prefix.size() + 1 + values.size() + bech32::kChecksumLength;
  if (length > bech32::kMaxLength) {
    return Result<std::string>::failure("encoded " + std::string(prefix) + " would be " +
                                        std::to_string(length) + " characters, the limit is " +
                                        std::to_string(bech32::kMaxLength));
  }
  return bech32::encode(prefix, values);
}

// The three bare entities can never exceed the limit, so this cannot fail.
std::string encode_bare(std::string_view prefix, const Bytes32& bytes) {
  ByteVector values = bech32::bytes_to_values(bytes.data(), bytes.size());
  bech32::WipeGuard guard(values);
  return bech32::encode(prefix, values);
}

Result<Bytes32> bare_bytes(std::string_view prefix, const ByteVector& bytes) {
  if (bytes.size() != 32) {
    return Result<Bytes32>::failure(std::string(prefix) + " must hold 32 bytes, got " +
                                    std::to_string(bytes.size()));
  }
  Bytes32 out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Result<Bytes32> decode_bare(std::string_view text, std::string_view prefix) {
  auto payload = decode_payload(text, prefix);
  if (!payload) return Result<Bytes32>::failure(payload.error());
  bech32::WipeGuard guard(payload->bytes);
  return bare_bytes(prefix, payload->bytes);
}

// ---- TLV reading ----

struct TlvEntry {
  std::uint8_t type = 0;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};

// The entries of one string, grouped by the types NIP-19 defines; other types are dropped here.
struct TlvFields {
  std::vector<TlvEntry> special;
  std::vector<TlvEntry> relays;
  std::vector<TlvEntry> authors;
  std::vector<TlvEntry> kinds;
};

Result<TlvFields> read_tlv(std::string_view prefix, const ByteVector& bytes) {
  TlvFields fields;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < 2) {
      return Result<TlvFields>::failure("truncated TLV in " + std::string(prefix) + ": the entry at byte " +
                                        std::to_string(offset) + " has a type but no length");
    }
    TlvEntry entry{bytes[offset], bytes.data() + offset + 2, bytes[offset + 1]};
    std::size_t remaining = bytes.size() - offset - 2;
    if (entry.size > remaining) {
      return Result<TlvFields>::failure("truncated TLV in " + std::string(prefix) + ": the entry at byte " +
                                        std::to_string(offset) + " declares " + std::to_string(entry.size) +
                                        " bytes, only " + std::to_string(remaining) + " remain");
    }
    switch (static_cast<Nip19Tlv>(entry.type)) {
      case Nip19Tlv::kSpecial:
        fields.special.push_back(entry);
        break;
      case Nip19Tlv::kRelay:
        fields.relays.push_back(entry);
        break;
      case Nip19Tlv::kAuthor:
        fields.authors.push_back(entry);
        break;
      case Nip19Tlv::kKind:
        fields.kinds.push_back(entry);
        break;
      default:
        break;  // NIP-19: unknown types are ignored, for forward compatibility.
    }
    offset += 2 + entry.size;
  }
  return fields;
}

// Names a field in error messages, e.g. "nevent author (TLV type 2)".
std::string field_name(std::string_view prefix, std::string_view field, Nip19Tlv type) {
  return std::string(prefix) + " " + std::string(field) + " (TLV type " +
         std::to_string(static_cast<int>(type)) + ")";
}

// At most one entry of a singular field: two would make the reference ambiguous.
Result<std::optional<TlvEntry>> single_entry(const std::vector<TlvEntry>& entries, std::string_view prefix,
                                             std::string_view field, Nip19Tlv type, bool required) {
  using R = Result<std::optional<TlvEntry>>;
  if (entries.size() > 1) {
    return R::failure(field_name(prefix, field, type) + " appears " + std::to_string(entries.size()) +
                      " times, at most once is allowed");
  }
  if (entries.empty()) {
    if (required) return R::failure(field_name(prefix, field, type) + " is missing");
    return R(std::nullopt);
  }
  return R(entries.front());
}

Result<std::optional<Bytes32>> read_key(const std::vector<TlvEntry>& entries, std::string_view prefix,
                                        std::string_view field, Nip19Tlv type, bool required) {
  using R = Result<std::optional<Bytes32>>;
  auto entry = single_entry(entries, prefix, field, type, required);
  if (!entry) return R::failure(entry.error());
  if (!entry->has_value()) return R(std::nullopt);
  const TlvEntry& e = **entry;
  if (e.size != 32) {
    return R::failure(field_name(prefix, field, type) + " must be 32 bytes, got " + std::to_string(e.size));
  }
  Bytes32 out;
  std::memcpy(out.data(), e.data, out.size());
  return R(out);
}

Result<std::optional<std::uint32_t>> read_kind(const std::vector<TlvEntry>& entries, std::string_view prefix,
                                               bool required) {
  using R = Result<std::optional<std::uint32_t>>;
  auto entry = single_entry(entries, prefix, "kind", Nip19Tlv::kKind, required);
  if (!entry) return R::failure(entry.error());
  if (!entry->has_value()) return R(std::nullopt);
  const TlvEntry& e = **entry;
  if (e.size != 4) {
    return R::failure(field_name(prefix, "kind", Nip19Tlv::kKind) + " must be 4 bytes, got " +
                      std::to_string(e.size));
  }
  // 32-bit big-endian, as NIP-19 specifies.
  std::uint32_t kind = static_cast<std::uint32_t>(e.data[0]) << 24 |
                       static_cast<std::uint32_t>(e.data[1]) << 16 |
                       static_cast<std::uint32_t>(e.data[2]) << 8 | e.data[3];
  return R(kind);
}

Result<std::string> read_text(const TlvEntry& entry, std::string_view prefix, std::string_view field,
                              Nip19Tlv type) {
  if (!is_valid_utf8(entry.data, entry.size)) {
    return Result<std::string>::failure(field_name(prefix, field, type) + " is not valid UTF-8");
  }
  return std::string(reinterpret_cast<const char*>(entry.data), entry.size);
}

Result<std::vector<std::string>> read_relays(const std::vector<TlvEntry>& entries, std::string_view prefix) {
  std::vector<std::string> relays;
  relays.reserve(entries.size());
  for (const TlvEntry& entry : entries) {
    auto relay = read_text(entry, prefix, "relay", Nip19Tlv::kRelay);
    if (!relay) return Result<std::vector<std::string>>::failure(relay.error());
    relays.push_back(std::move(*relay));
  }
  return relays;
}

Result<Nprofile> parse_nprofile(const ByteVector& bytes) {
  auto fields = read_tlv(kNprofile, bytes);
  if (!fields) return Result<Nprofile>::failure(fields.error());
  auto pubkey = read_key(fields->special, kNprofile, "pubkey", Nip19Tlv::kSpecial, true);
  if (!pubkey) return Result<Nprofile>::failure(pubkey.error());
  auto relays = read_relays(fields->relays, kNprofile);
  if (!relays) return Result<Nprofile>::failure(relays.error());
  return Nprofile{**pubkey, std::move(*relays)};
}

Result<Nevent> parse_nevent(const ByteVector& bytes) {
  auto fields = read_tlv(kNevent, bytes);
  if (!fields) return Result<Nevent>::failure(fields.error());
  auto id = read_key(fields->special, kNevent, "event id", Nip19Tlv::kSpecial, true);
  if (!id) return Result<Nevent>::failure(id.error());
  auto relays = read_relays(fields->relays, kNevent);
  if (!relays) return Result<Nevent>::failure(relays.error());
  auto author = read_key(fields->authors, kNevent, "author", Nip19Tlv::kAuthor, false);
  if (!author) return Result<Nevent>::failure(author.error());
  auto kind = read_kind(fields->kinds, kNevent, false);
  if (!kind) return Result<Nevent>::failure(kind.error());
  return Nevent{**id, std::move(*relays), *author, *kind};
}

Result<Naddr> parse_naddr(const ByteVector& bytes) {
  auto fields = read_tlv(kNaddr, bytes);
  if (!fields) return Result<Naddr>::failure(fields.error());
  auto identifier_entry = single_entry(fields->special, kNaddr, "identifier", Nip19Tlv::kSpecial, true);
  if (!identifier_entry) return Result<Naddr>::failure(identifier_entry.error());
  auto identifier = read_text(**identifier_entry, kNaddr, "identifier", Nip19Tlv::kSpecial);
  if (!identifier) return Result<Naddr>::failure(identifier.error());
  auto pubkey = read_key(fields->authors, kNaddr, "author", Nip19Tlv::kAuthor, true);
  if (!pubkey) return Result<Naddr>::failure(pubkey.error());
  auto kind = read_kind(fields->kinds, kNaddr, true);
  if (!kind) return Result<Naddr>::failure(kind.error());
  auto relays = read_relays(fields->relays, kNaddr);
  if (!relays) return Result<Naddr>::failure(relays.error());
  return Naddr{std::move(*identifier), **pubkey, **kind, std::move(*relays)};
}

template <typename T>
Result<T> decode_tlv_entity(std::string_view text, std::string_view prefix,
                            Result<T> (*parse)(const ByteVector&)) {
  auto payload = decode_payload(text, prefix);
  if (!payload) return Result<T>::failure(payload.error());
  bech32::WipeGuard guard(payload->bytes);
  return parse(payload->bytes);
}

// ---- TLV writing ----

// Collects TLV entries; refuses values that do not fit their one-byte length or are not UTF-8 text.
class TlvWriter {
 public:
  explicit TlvWriter(std::string_view prefix) : prefix_(prefix) {}

  void add(Nip19Tlv type, const std::uint8_t* data, std::size_t size) {
    bytes_.push_back(static_cast<std::uint8_t>(type));
    bytes_.push_back(static_cast<std::uint8_t>(size));
    bytes_.insert(bytes_.end(), data, data + size);
  }
  void add(Nip19Tlv type, const Bytes32& bytes) { add(type, bytes.data(), bytes.size()); }
  void add_kind(std::uint32_t kind) {
    const std::uint8_t big_endian[4] = {
        static_cast<std::uint8_t>(kind >> 24), static_cast<std::uint8_t>(kind >> 16),
        static_cast<std::uint8_t>(kind >> 8), static_cast<std::uint8_t>(kind)};
    add(Nip19Tlv::kKind, big_endian, sizeof big_endian);
  }
  // Records the first error; later adds are still harmless, and finish() reports it.
  void add_text(Nip19Tlv type, std::string_view field, std::string_view text) {
    if (!error_.empty()) return;
    if (text.size() > kMaxTlvValue) {
      error_ = std::string(prefix_) + " " + std::string(field) + " is " + std::to_string(text.size()) +
               " bytes, a TLV value holds at most " + std::to_string(kMaxTlvValue);
      return;
    }
    if (!is_valid_utf8(text)) {
      error_ = std::string(prefix_) + " " + std::string(field) + " is not valid UTF-8";
      return;
    }
    add(type, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }
  void add_relays(const std::vector<std::string>& relays) {
    for (const std::string& relay : relays) add_text(Nip19Tlv::kRelay, "relay", relay);
  }

  Result<std::string> finish() const {
    if (!error_.empty()) return Result<std::string>::failure(error_);
    return encode_payload(prefix_, bytes_);
  }

 private:
  std::string_view prefix_;
  ByteVector bytes_;
  std::string error_;
};

}  // namespace

std::string_view nip19_prefix(const Nip19Entity& entity) {
  constexpr std::string_view kPrefixes[] = {kNpub, kNsec, kNote, kNprofile, kNevent, kNaddr};
  static_assert(std::size(kPrefixes) == std::variant_size_v<Nip19Entity>);
  return kPrefixes[entity.index()];
}

std::string encode_npub(const Bytes32& pubkey) {
  return encode_bare(kNpub, pubkey);
}
std::string encode_nsec(const Bytes32& secret) {
  return encode_bare(kNsec, secret);
}
std::string encode_note(const Bytes32& id) {
  return encode_bare(kNote, id);
}

// The TLV order matches the common encoders (nostr-tools), so their strings round-trip exactly.
Result<std::string> encode_nprofile(const Nprofile& profile) {
  TlvWriter writer(kNprofile);
  writer.add(Nip19Tlv::kSpecial, profile.pubkey);
  writer.add_relays(profile.relays);
  return writer.finish();
}

Result<std::string> encode_nevent(const Nevent& event) {
  TlvWriter writer(kNevent);
  writer.add(Nip19Tlv::kSpecial, event.id);
  writer.add_relays(event.relays);
  if (event.author) writer.add(Nip19Tlv::kAuthor, *event.author);
  if (event.kind) writer.add_kind(*event.kind);
  return writer.finish();
}

Result<std::string> encode_naddr(const Naddr& address) {
  TlvWriter writer(kNaddr);
  writer.add_text(Nip19Tlv::kSpecial, "identifier", address.identifier);
  writer.add_relays(address.relays);
  writer.add(Nip19Tlv::kAuthor, address.pubkey);
  writer.add_kind(address.kind);
  return writer.finish();
}

Result<std::string> encode_nip19(const Nip19Entity& entity) {
  struct Visitor {
    Result<std::string> operator()(const Npub& e) const { return encode_npub(e.pubkey); }
    Result<std::string> operator()(const Nsec& e) const { return encode_nsec(e.secret.bytes()); }
    Result<std::string> operator()(const Note& e) const { return encode_note(e.id); }
    Result<std::string> operator()(const Nprofile& e) const { return encode_nprofile(e); }
    Result<std::string> operator()(const Nevent& e) const { return encode_nevent(e); }
    Result<std::string> operator()(const Naddr& e) const { return encode_naddr(e); }
  };
  return std::visit(Visitor{}, entity);
}

Result<Bytes32> decode_npub(std::string_view text) {
  return decode_bare(text, kNpub);
}
Result<Bytes32> decode_note(std::string_view text) {
  return decode_bare(text, kNote);
}

Result<SecretKey> decode_nsec_key(std::string_view text) {
  auto payload = decode_payload(text, kNsec);
  if (!payload) return Result<SecretKey>::failure(payload.error());
  bech32::WipeGuard guard(payload->bytes);
  if (payload->bytes.size() != 32) {
    return Result<SecretKey>::failure("nsec must hold 32 bytes, got " +
                                      std::to_string(payload->bytes.size()));
  }
  SecretKey key;
  std::copy(payload->bytes.begin(), payload->bytes.end(), key.mutable_bytes().begin());
  return key;
}

Result<Bytes32> decode_nsec(std::string_view text) {
  auto key = decode_nsec_key(text);
  if (!key) return Result<Bytes32>::failure(key.error());
  return key->bytes();
}

Result<Nprofile> decode_nprofile(std::string_view text) {
  return decode_tlv_entity(text, kNprofile, parse_nprofile);
}
Result<Nevent> decode_nevent(std::string_view text) {
  return decode_tlv_entity(text, kNevent, parse_nevent);
}
Result<Naddr> decode_naddr(std::string_view text) {
  return decode_tlv_entity(text, kNaddr, parse_naddr);
}

Result<Nip19Entity> decode_nip19(std::string_view text) {
  using R = Result<Nip19Entity>;
  auto payload = decode_payload(text, std::nullopt);
  if (!payload) return R::failure(payload.error());
  bech32::WipeGuard guard(payload->bytes);
  const std::string& prefix = payload->prefix;
  // Converts a typed result into the variant, keeping its error.
  auto wrap = [](auto result) -> R {
    if (!result) return R::failure(result.error());
    return R(std::move(*result));
  };
  if (prefix == kNpub) {
    auto key = bare_bytes(kNpub, payload->bytes);
    return key ? R(Npub{*key}) : R::failure(key.error());
  }
  if (prefix == kNote) {
    auto id = bare_bytes(kNote, payload->bytes);
    return id ? R(Note{*id}) : R::failure(id.error());
  }
  if (prefix == kNsec) {
    if (payload->bytes.size() != 32) {
      return R::failure("nsec must hold 32 bytes, got " + std::to_string(payload->bytes.size()));
    }
    Nsec nsec;
    std::copy(payload->bytes.begin(), payload->bytes.end(), nsec.secret.mutable_bytes().begin());
    return R(std::move(nsec));
  }
  if (prefix == kNprofile) return wrap(parse_nprofile(payload->bytes));
  if (prefix == kNevent) return wrap(parse_nevent(payload->bytes));
  if (prefix == kNaddr) return wrap(parse_naddr(payload->bytes));
  if (prefix == "nrelay") return R::failure("nrelay is deprecated by NIP-19 and not supported");
  return R::failure("unknown NIP-19 prefix: " + show_prefix(prefix));
}

}  // namespace pleb::nostr
