// `pleb nip19 decode` and `pleb nip19 encode <type>`: NIP-19 strings to JSON and back.
#include <charconv>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/commands.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/nip19.hpp"
#include "nostr/secret.hpp"

namespace pleb::cli {
namespace {

// "-" stands for standard input, so an nsec need not appear in the process list or shell history.
constexpr std::string_view kFromStdin = "-";
// NIP-21 URIs are what users usually copy; the scheme is not part of the NIP-19 string.
constexpr std::string_view kNostrScheme = "nostr:";

// Reads the value from standard input when it is "-", and trims surrounding whitespace either way.
void resolve_input(nostr::SecretString& value) {
  std::string& text = value.mutable_str();
  if (text == kFromStdin) {
    nostr::SecretString line;
    std::getline(std::cin, line.mutable_str());
    text = line.str();
  }
  constexpr const char* kSpace = " \t\r\n";
  std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string::npos) throw UsageError("the input is empty");
  std::size_t end = text.find_last_not_of(kSpace);
  // Shifting in place keeps the value in the buffer that gets wiped.
  text.erase(end + 1);
  text.erase(0, begin);
}

// Parses a 32-byte key or id given in hex into `out`; `what` names it in the error. The value is
// never echoed: it may be a secret key.
void parse_hex32_into(std::string_view what, std::string_view hex, nostr::Bytes32& out) {
  if (hex.size() != 64) {
    throw UsageError(std::string(what) + " must be 64 hex characters (32 bytes), got " +
                     std::to_string(hex.size()));
  }
  if (!nostr::from_hex_any_case(hex, out.data(), out.size()))
    throw UsageError(std::string(what) + " is not valid hex");
}

nostr::Bytes32 parse_hex32(std::string_view what, std::string_view hex) {
  nostr::Bytes32 out;
  parse_hex32_into(what, hex, out);
  return out;
}

std::uint32_t parse_kind(const std::string& text) {
  std::uint32_t kind = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, kind);
  if (text.empty() || error != std::errc() || ptr != end) {
    throw UsageError("--kind must be a whole number from 0 to 4294967295, got '" + text + "'");
  }
  return kind;
}

// ---- JSON output ----

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += ',';
  nostr::append_json_string(out, key);
  out += ':';
  nostr::append_json_string(out, value);
}

void append_relays(std::string& out, const std::vector<std::string>& relays) {
  out += ",\"relays\":[";
  for (std::size_t i = 0; i < relays.size(); ++i) {
    if (i > 0) out += ',';
    nostr::append_json_string(out, relays[i]);
  }
  out += ']';
}

void append_kind(std::string& out, std::uint32_t kind) {
  out += ",\"kind\":" + std::to_string(kind);
}

struct JsonFields {
  std::string& out;
  void operator()(const nostr::Npub& e) const { append_field(out, "pubkey", nostr::to_hex(e.pubkey)); }
  void operator()(const nostr::Nsec& e) const {
    nostr::SecretString hex(nostr::to_hex(e.secret.bytes()));
    append_field(out, "secret", hex.str());
  }
  void operator()(const nostr::Note& e) const { append_field(out, "id", nostr::to_hex(e.id)); }
  void operator()(const nostr::Nprofile& e) const {
    append_field(out, "pubkey", nostr::to_hex(e.pubkey));
    append_relays(out, e.relays);
  }
  void operator()(const nostr::Nevent& e) const {
    append_field(out, "id", nostr::to_hex(e.id));
    append_relays(out, e.relays);
    if (e.author) append_field(out, "author", nostr::to_hex(*e.author));
    if (e.kind) append_kind(out, *e.kind);
  }
  void operator()(const nostr::Naddr& e) const {
    append_field(out, "identifier", e.identifier);
    append_field(out, "pubkey", nostr::to_hex(e.pubkey));
    append_kind(out, e.kind);
    append_relays(out, e.relays);
  }
};

// One JSON object per entity, "type" first, so scripts can switch on it.
void print_json(const nostr::Nip19Entity& entity) {
  nostr::SecretString json;
  std::string& out = json.mutable_str();
  // Sized up front so that growing never leaves a copy of an nsec behind in freed memory.
  out.reserve(4096);
  out += "{\"type\":";
  nostr::append_json_string(out, nostr::nip19_prefix(entity));
  std::visit(JsonFields{out}, entity);
  out += '}';
  std::cout << out << '\n';
}

// ---- commands ----

void register_decode(CLI::App& nip19) {
  auto* decode = nip19.add_subcommand("decode",
                                      "Decode a NIP-19 string (npub, nsec, note, nprofile, nevent, naddr) "
                                      "and print it as JSON");
  auto input = std::make_shared<nostr::SecretString>();
  decode
      ->add_option("STRING", input->mutable_str(),
                   "The string, with or without 'nostr:', or - to read it from stdin")
      ->required();
  decode->callback([input] {
    resolve_input(*input);
    std::string_view text = input->str();
    if (text.starts_with(kNostrScheme)) text.remove_prefix(kNostrScheme.size());
    auto entity = nostr::decode_nip19(text);
    if (!entity) throw UsageError("not a valid NIP-19 string: " + entity.error());
    print_json(*entity);
  });
}

// npub, nsec and note take a single hex argument.
void register_encode_bare(CLI::App& encode, const std::string& type, const std::string& description,
                          std::string (*encoder)(const nostr::Bytes32&)) {
  auto* command = encode.add_subcommand(type, description);
  auto hex = std::make_shared<nostr::SecretString>();
  command->add_option("HEX", hex->mutable_str(), "64 hex characters, or - to read them from stdin")
      ->required();
  command->callback([hex, type, encoder] {
    resolve_input(*hex);
    // Parsed straight into a wiping buffer: for nsec these bytes are the secret key.
    nostr::SecretKey bytes;
    parse_hex32_into(type + " HEX", hex->str(), bytes.mutable_bytes());
    nostr::SecretString encoded(encoder(bytes.bytes()));
    std::cout << encoded.str() << '\n';
  });
}

void print_encoded(const nostr::Result<std::string>& encoded) {
  if (!encoded) throw UsageError(encoded.error());
  std::cout << *encoded << '\n';
}

struct TlvOptions {
  std::string pubkey;
  std::string id;
  std::string author;
  std::string kind;
  std::string identifier;
  std::vector<std::string> relays;
};

void add_relay_option(CLI::App& command, TlvOptions& options) {
  command.add_option("--relay", options.relays, "A relay where the entity may be found (repeatable)")
      ->type_name("URL");
}

void register_encode_nprofile(CLI::App& encode) {
  auto* command = encode.add_subcommand("nprofile", "Encode a profile reference: pubkey and relays");
  auto options = std::make_shared<TlvOptions>();
  command->add_option("--pubkey", options->pubkey, "The profile's public key, 64 hex characters")
      ->type_name("HEX")
      ->required();
  add_relay_option(*command, *options);
  command->callback([options] {
    print_encoded(nostr::encode_nprofile({parse_hex32("--pubkey", options->pubkey), options->relays}));
  });
}

void register_encode_nevent(CLI::App& encode) {
  auto* command = encode.add_subcommand("nevent", "Encode an event reference: id, relays, author and kind");
  auto options = std::make_shared<TlvOptions>();
  command->add_option("--id", options->id, "The event id, 64 hex characters")->type_name("HEX")->required();
  add_relay_option(*command, *options);
  auto* author = command->add_option("--author", options->author, "The event's author, 64 hex characters")
                     ->type_name("HEX");
  auto* kind = command->add_option("--kind", options->kind, "The event's kind")->type_name("N");
  command->callback([options, author, kind] {
    nostr::Nevent event{parse_hex32("--id", options->id), options->relays, std::nullopt, std::nullopt};
    if (author->count() > 0) event.author = parse_hex32("--author", options->author);
    if (kind->count() > 0) event.kind = parse_kind(options->kind);
    print_encoded(nostr::encode_nevent(event));
  });
}

void register_encode_naddr(CLI::App& encode) {
  auto* command = encode.add_subcommand(
      "naddr", "Encode an addressable event reference: identifier, author, kind and relays");
  auto options = std::make_shared<TlvOptions>();
  command
      ->add_option("--identifier", options->identifier,
                   "The event's \"d\" tag (empty for replaceable events)")
      ->type_name("D")
      ->required();
  command->add_option("--pubkey", options->pubkey, "The event's author, 64 hex characters")
      ->type_name("HEX")
      ->required();
  command->add_option("--kind", options->kind, "The event's kind")->type_name("N")->required();
  add_relay_option(*command, *options);
  command->callback([options] {
    nostr::Naddr address{options->identifier, parse_hex32("--pubkey", options->pubkey),
                         parse_kind(options->kind), options->relays};
    print_encoded(nostr::encode_naddr(address));
  });
}

void register_encode(CLI::App& nip19) {
  auto* encode = nip19.add_subcommand("encode", "Encode a NIP-19 string from its parts");
  encode->require_subcommand(1);
  register_encode_bare(*encode, "npub", "Encode a public key (hex) as npub", nostr::encode_npub);
  register_encode_bare(*encode, "nsec", "Encode a secret key (hex) as nsec", nostr::encode_nsec);
  register_encode_bare(*encode, "note", "Encode an event id (hex) as note", nostr::encode_note);
  register_encode_nprofile(*encode);
  register_encode_nevent(*encode);
  register_encode_naddr(*encode);
}

}  // namespace

void register_nip19_commands(CLI::App& app) {
  auto* nip19 = app.add_subcommand("nip19", "Encode and decode NIP-19 entities");
  nip19->require_subcommand(1);
  register_decode(*nip19);
  register_encode(*nip19);
}

}  // namespace pleb::cli
