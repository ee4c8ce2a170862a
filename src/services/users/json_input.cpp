#include "services/users/json_input.hpp"

#include "nostr/event.hpp"
#include "nostr/json_reader.hpp"

namespace pleb::users {
namespace {

// The depth events use, so this shares the thread's parser with them.
const std::size_t kDepth = nostr::EventLimits{}.max_depth;

template <typename T>
Parsed<T> refuse(BodyError::Kind kind, std::string detail) {
  return Parsed<T>{std::nullopt, BodyError{kind, std::move(detail)}};
}

// The body's top-level object, or why there is none.
template <typename T>
std::optional<simdjson::dom::object> body_object(std::string_view body, Parsed<T>& out) {
  if (body.empty()) {
    out = refuse<T>(BodyError::kMalformed, "the request body is empty; a JSON object is expected");
    return std::nullopt;
  }
  auto root = nostr::json::parse_document(body, kDepth);
  if (!root) {
    out = refuse<T>(BodyError::kMalformed, join_text({"the request body is not valid JSON: ", root.error()}));
    return std::nullopt;
  }
  simdjson::dom::object object;
  if (root->get_object().get(object)) {
    out = refuse<T>(BodyError::kMalformed, "the request body must be a JSON object");
    return std::nullopt;
  }
  return object;
}

// A required string field of a one-field body.
template <typename T>
std::optional<std::string> only_string_field(simdjson::dom::object object, std::string_view field,
                                             Parsed<T>& out) {
  std::optional<std::string> value;
  for (auto [key, element] : object) {
    if (key != field) {
      out = refuse<T>(BodyError::kInvalid, join_text({"unknown field \"", key, "\""}));
      return std::nullopt;
    }
    std::string_view text;
    if (element.get_string().get(text)) {
      out = refuse<T>(BodyError::kInvalid, join_text({"\"", field, "\" must be a string"}));
      return std::nullopt;
    }
    value = std::string(text);
  }
  if (!value) out = refuse<T>(BodyError::kInvalid, join_text({"missing \"", field, "\""}));
  return value;
}

}  // namespace

Parsed<ProfilePatch> parse_profile_patch(std::string_view body) {
  Parsed<ProfilePatch> out;
  auto object = body_object(body, out);
  if (!object) return out;
  ProfilePatch patch;
  for (auto [key, element] : *object) {
    std::optional<std::string>* field = nullptr;
    if (key == "display_name") {
      field = &patch.display_name;
    } else if (key == "about") {
      field = &patch.about;
    } else if (key == "picture") {
      field = &patch.picture;
    } else {
      return refuse<ProfilePatch>(BodyError::kInvalid,
                                  join_text({"unknown field \"", key, "\" (display_name, about, picture)"}));
    }
    if (element.is_null()) {
      *field = std::string();
      continue;
    }
    std::string_view text;
    if (element.get_string().get(text)) {
      return refuse<ProfilePatch>(BodyError::kInvalid, join_text({"\"", key, "\" must be a string or null"}));
    }
    *field = std::string(text);
  }
  out.value = std::move(patch);
  return out;
}

Parsed<std::string> parse_name_body(std::string_view body) {
  Parsed<std::string> out;
  auto object = body_object(body, out);
  if (!object) return out;
  if (auto name = only_string_field(*object, "name", out)) out.value = std::move(*name);
  return out;
}

Parsed<Role> parse_role_body(std::string_view body) {
  Parsed<Role> out;
  auto object = body_object(body, out);
  if (!object) return out;
  auto text = only_string_field(*object, "role", out);
  if (!text) return out;
  auto role = api::role_from_name(*text);
  if (!role) return refuse<Role>(BodyError::kInvalid, "\"role\" is one of member, moderator, admin");
  out.value = *role;
  return out;
}

std::optional<ProfileFields> parse_profile_content(std::string_view content) {
  auto root = nostr::json::parse_document(content, kDepth);
  if (!root) return std::nullopt;
  simdjson::dom::object object;
  if (root->get_object().get(object)) return std::nullopt;
  auto text = [&](const char* key) {
    std::string_view value;
    if (object[key].get_string().get(value)) return std::string();
    return std::string(value);
  };
  ProfileFields fields;
  fields.display_name = text("display_name");
  if (fields.display_name.empty()) fields.display_name = text("name");
  fields.about = text("about");
  fields.picture = text("picture");
  return fields;
}

}  // namespace pleb::users
