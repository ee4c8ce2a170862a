#include "services/users/profile.hpp"

namespace pleb::users {
namespace {

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

bool has_control(std::string_view text, bool allow_line_breaks) {
  for (unsigned char c : text) {
    if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (is_control(c)) return true;
  }
  return false;
}

bool is_picture_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/') return false;
  for (unsigned char c : url) {
    if (is_control(c) || c == ' ') return false;
  }
  return true;
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string& text, std::size_t limit) {
  if (text.size() <= limit) return;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
}

void remove_controls(std::string& text, bool keep_line_breaks) {
  std::string kept;
  kept.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (is_control(u) && !(keep_line_breaks && (u == '\n' || u == '\r' || u == '\t'))) continue;
    kept.push_back(c);
  }
  text = std::move(kept);
}

}  // namespace

std::string profile_patch_error(const ProfilePatch& patch) {
  if (patch.display_name) {
    if (patch.display_name->size() > kMaxDisplayNameBytes) return "display_name: at most 100 bytes";
    if (has_control(*patch.display_name, false)) return "display_name: no control characters";
  }
  if (patch.about) {
    if (patch.about->size() > kMaxAboutBytes) return "about: at most 2000 bytes";
    if (has_control(*patch.about, true))
      return "about: no control characters other than line breaks and tabs";
  }
  if (patch.picture && !patch.picture->empty()) {
    if (patch.picture->size() > kMaxPictureBytes) return "picture: at most 2048 bytes";
    if (!is_picture_url(*patch.picture)) return "picture: an http:// or https:// URL without spaces";
  }
  return {};
}

ProfileFields sanitize_profile(ProfileFields fields) {
  remove_controls(fields.display_name, false);
  truncate_utf8(fields.display_name, kMaxDisplayNameBytes);
  remove_controls(fields.about, true);
  truncate_utf8(fields.about, kMaxAboutBytes);
  if (fields.picture.size() > kMaxPictureBytes || !is_picture_url(fields.picture)) fields.picture.clear();
  return fields;
}

}  // namespace pleb::users
