#include <ctime>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/key_input.hpp"
#include "nostr/event_parse.hpp"
#include "nostr/json_reader.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::cli {
namespace {

// A tag as a JSON array of strings (["e","<id>","wss://r"]) or as comma-separated values (e,<id>,wss://r).
nostr::Tag parse_tag(const std::string& text) {
  nostr::Tag tag;
  if (!text.empty() && text[0] == '[') {
    auto root = nostr::json::parse_document(text, 4);
    simdjson::dom::array array;
    if (!root || root->get_array().get(array)) throw UsageError("--tag " + text + ": not a JSON array");
    for (simdjson::dom::element item : array) {
      std::string_view value;
      if (item.get_string().get(value)) throw UsageError("--tag " + text + ": values must be strings");
      tag.emplace_back(value);
    }
    return tag;
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    tag.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return tag;
}

struct SignOptions {
  std::int64_t kind = 1;
  std::string content;
  bool content_from_stdin = false;
  std::vector<std::string> tags;
  std::int64_t created_at = -1;
  std::string key;
};

void sign(const SignOptions& options) {
  nostr::SecretKey key = secret_key_from(options.key);
  nostr::Event event;
  if (options.kind < 0 || options.kind > nostr::kMaxKind)
    throw UsageError("--kind must be between 0 and 65535");
  event.kind = static_cast<std::uint32_t>(options.kind);
  event.created_at =
      options.created_at >= 0 ? options.created_at : static_cast<std::int64_t>(std::time(nullptr));
  if (options.content_from_stdin) {
    event.content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    event.content = options.content;
  }
  for (const auto& tag : options.tags) event.tags.push_back(parse_tag(tag));
  if (!nostr::sign_event(event, key)) throw UsageError("signing failed: invalid secret key");
  std::cout << nostr::to_json(event) << "\n";
}

// Returns the number of bad lines; reasons go to stderr with their line numbers.
int verify_stdin() {
  std::string line;
  int line_number = 0, good = 0, bad = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    auto event = nostr::parse_and_verify_event(line);
    if (event) {
      ++good;
      std::cout << "ok " << nostr::to_hex(event->id) << "\n";
    } else {
      ++bad;
      std::cerr << "line " << line_number << ": invalid: " << event.error() << "\n";
    }
  }
  std::cerr << good << " valid, " << bad << " invalid\n";
  return bad;
}

}  // namespace

void register_event_commands(CLI::App& app) {
  auto* event = app.add_subcommand("event", "Sign and verify events");
  event->require_subcommand(1);

  auto options = std::make_shared<SignOptions>();
  auto* sign_command = event->add_subcommand("sign", "Sign an event and print it as JSON");
  sign_command->add_option("-k,--kind", options->kind, "event kind (0-65535)")->capture_default_str();
  auto* content = sign_command->add_option("-c,--content", options->content, "content text");
  sign_command->add_flag("--content-stdin", options->content_from_stdin, "read the content from stdin")
      ->excludes(content);
  sign_command
      ->add_option("-t,--tag", options->tags,
                   "a tag, as a JSON array '[\"e\",\"<id>\"]' or comma-separated 'e,<id>'; repeatable")
      // One value per occurrence: CLI11 would otherwise split a JSON array into several values.
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  sign_command->add_option("--created-at", options->created_at, "unix time (default: now)");
  sign_command->add_option("--key", options->key,
                           "nsec or hex secret key; - reads stdin; default: $PLEB_SECRET_KEY");
  sign_command->callback([options] { sign(*options); });

  auto* verify = event->add_subcommand(
      "verify", "Verify events read from stdin, one JSON object per line; exit status 1 if any is invalid");
  verify->callback([] {
    if (verify_stdin() > 0) throw CLI::RuntimeError(1);
  });
}

}  // namespace pleb::cli
