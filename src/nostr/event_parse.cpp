#include "nostr/event_parse.hpp"

#include <array>

#include "nostr/batch_verify.hpp"
#include "nostr/json_reader.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace json {

std::string describe(simdjson::error_code error, std::size_t max_depth) {
  switch (error) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8";
    case simdjson::DEPTH_ERROR:
      return "JSON nested deeper than " + std::to_string(max_depth) + " levels";
    case simdjson::STRING_ERROR:
      return "invalid JSON string (bad escape or unpaired surrogate)";
    case simdjson::UNESCAPED_CHARS:
      return "invalid JSON string (unescaped control character)";
    case simdjson::UNCLOSED_STRING:
      return "invalid JSON (unclosed string)";
    case simdjson::EMPTY:
      return "empty message";
    default:
      return std::string("invalid JSON (") + simdjson::error_message(error) + ")";
  }
}

Result<simdjson::dom::element> parse_document(std::string_view json, std::size_t max_depth) {
  // One parser per depth limit in use on this thread (events and filters use different ones), so
  // alternating between them never reallocates.
  struct DepthParser {
    std::size_t depth = 0;
    simdjson::dom::parser parser;
  };
  thread_local std::array<DepthParser, 4> parsers;
  DepthParser* slot = nullptr;
  for (auto& candidate : parsers) {
    if (candidate.depth == max_depth || candidate.depth == 0) {
      slot = &candidate;
      break;
    }
  }
  if (slot == nullptr) slot = &parsers.back();  // more than four limits: reuse the last slot
  auto& parser = slot->parser;
  if (slot->depth != max_depth) {
    if (auto err = parser.allocate(std::max<std::size_t>(json.size(), 4096), max_depth)) {
      return Result<simdjson::dom::element>::failure(describe(err, max_depth));
    }
    slot->depth = max_depth;
  }
  simdjson::dom::element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root)) {
    return Result<simdjson::dom::element>::failure(describe(err, max_depth));
  }
  return root;
}

namespace {

enum Field : unsigned {
  kId = 1,
  kPubkey = 2,
  kCreatedAt = 4,
  kKind = 8,
  kTags = 16,
  kContent = 32,
  kSig = 64,
  kAllFields = 127,
};

constexpr const char* kFieldNames[] = {"id", "pubkey", "created_at", "kind", "tags", "content", "sig"};

Field field_of(std::string_view key) {
  if (key == "id") return kId;
  if (key == "pubkey") return kPubkey;
  if (key == "created_at") return kCreatedAt;
  if (key == "kind") return kKind;
  if (key == "tags") return kTags;
  if (key == "content") return kContent;
  if (key == "sig") return kSig;
  return Field{0};
}

template <std::size_t N>
bool read_hex(simdjson::dom::element value, std::array<std::uint8_t, N>& out) {
  std::string_view text;
  if (value.get_string().get(text)) return false;
  return from_hex_lower(text, out.data(), N);
}

// Integers only: 1.0, 1e3 and numbers beyond int64 are refused, as NIP-01 fields are integers.
bool read_integer(simdjson::dom::element value, std::int64_t& out) {
  if (value.type() != simdjson::dom::element_type::INT64) {
    if (value.type() == simdjson::dom::element_type::UINT64) {
      out = -1;  // beyond int64: reported as out of range
      return true;
    }
    return false;
  }
  return !value.get_int64().get(out);
}

std::string read_tags(simdjson::dom::element value, const EventLimits& limits, std::vector<Tag>& out) {
  simdjson::dom::array tags;
  if (value.get_array().get(tags)) return "tags must be an array of arrays of strings";
  if (tags.size() > limits.max_tags) {
    return "too many tags (at most " + std::to_string(limits.max_tags) + ")";
  }
  out.reserve(tags.size());
  for (simdjson::dom::element tag_element : tags) {
    simdjson::dom::array tag;
    if (tag_element.get_array().get(tag)) return "tags must be an array of arrays of strings";
    if (tag.size() > limits.max_tag_values) {
      return "a tag has too many values (at most " + std::to_string(limits.max_tag_values) + ")";
    }
    Tag& parsed = out.emplace_back();
    parsed.reserve(tag.size());
    for (simdjson::dom::element item : tag) {
      std::string_view text;
      if (item.get_string().get(text)) return "tags must be an array of arrays of strings";
      if (text.size() > limits.max_tag_value_bytes) {
        return "a tag value is too long (at most " + std::to_string(limits.max_tag_value_bytes) + " bytes)";
      }
      parsed.emplace_back(text);
    }
  }
  return {};
}

}  // namespace

Result<Event> event_from_element(simdjson::dom::element element, const EventLimits& limits) {
  using R = Result<Event>;
  simdjson::dom::object object;
  if (element.get_object().get(object)) return R::failure("event must be a JSON object");

  Event event;
  unsigned seen = 0;
  for (auto [key, value] : object) {
    Field field = field_of(key);
    if (field == 0) continue;  // unknown fields are ignored and not kept, as NIP-01 defines seven
    if (seen & field) return R::failure("duplicate field: " + std::string(key));
    seen |= field;
    switch (field) {
      case kId:
        if (!read_hex(value, event.id)) return R::failure("id must be 64 lowercase hex characters");
        break;
      case kPubkey:
        if (!read_hex(value, event.pubkey)) return R::failure("pubkey must be 64 lowercase hex characters");
        break;
      case kSig:
        if (!read_hex(value, event.sig)) return R::failure("sig must be 128 lowercase hex characters");
        break;
      case kCreatedAt: {
        std::int64_t at = 0;
        if (!read_integer(value, at)) return R::failure("created_at must be an integer");
        if (at < 0 || at > kMaxCreatedAt) {
          return R::failure("created_at must be between 0 and " + std::to_string(kMaxCreatedAt));
        }
        event.created_at = at;
        break;
      }
      case kKind: {
        std::int64_t kind = 0;
        if (!read_integer(value, kind)) return R::failure("kind must be an integer");
        if (kind < 0 || kind > kMaxKind) return R::failure("kind must be between 0 and 65535");
        event.kind = static_cast<std::uint32_t>(kind);
        break;
      }
      case kTags:
        if (auto error = read_tags(value, limits, event.tags); !error.empty()) return R::failure(error);
        break;
      case kContent: {
        std::string_view text;
        if (value.get_string().get(text)) return R::failure("content must be a string");
        if (text.size() > limits.max_content_bytes) {
          return R::failure("content is too long (at most " + std::to_string(limits.max_content_bytes) +
                            " bytes)");
        }
        event.content.assign(text);
        break;
      }
      default:
        break;
    }
  }
  if (seen != kAllFields) {
    for (unsigned i = 0; i < 7; ++i) {
      if (!(seen & (1u << i))) return R::failure(std::string("missing field: ") + kFieldNames[i]);
    }
  }
  return event;
}

}  // namespace json

Result<Event> parse_event(std::string_view json, const EventLimits& limits) {
  if (json.size() > limits.max_event_bytes) {
    return Result<Event>::failure("event is too large (at most " + std::to_string(limits.max_event_bytes) +
                                  " bytes)");
  }
  auto root = json::parse_document(json, limits.max_depth);
  if (!root) return Result<Event>::failure(root.error());
  return json::event_from_element(*root, limits);
}

Status verify_event(const Event& event) {
  if (compute_id(event) != event.id) return failed("id is not the hash of the event");
  if (!schnorr_verify(event.sig, event.id.data(), event.id.size(), event.pubkey)) {
    return failed("signature does not verify");
  }
  return ok_status();
}

std::vector<Status> verify_events(std::span<const Event* const> events) {
  std::vector<Status> statuses(events.size(), ok_status());
  std::vector<SchnorrCheck> checks;
  std::vector<std::size_t> checked;
  checks.reserve(events.size());
  checked.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& event = *events[i];
    if (compute_id(event) != event.id) {
      statuses[i] = failed("id is not the hash of the event");
      continue;
    }
    checks.push_back({&event.sig, &event.id, &event.pubkey});
    checked.push_back(i);
  }
  std::vector<std::uint8_t> ok(checks.size());
  schnorr_verify_batch(checks, ok);
  for (std::size_t k = 0; k < checked.size(); ++k) {
    if (!ok[k]) statuses[checked[k]] = failed("signature does not verify");
  }
  return statuses;
}

Result<Event> parse_and_verify_event(std::string_view json, const EventLimits& limits) {
  auto event = parse_event(json, limits);
  if (!event) return event;
  if (auto status = verify_event(*event); !status) return Result<Event>::failure(status.error());
  return event;
}

}  // namespace pleb::nostr
