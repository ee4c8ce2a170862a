#include "http/api/route_pattern.hpp"

#include <set>
#include <stdexcept>

#include "nostr/bytes.hpp"

namespace pleb::api {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  Target parsed;
  std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  if (path.empty() || path.front() != '/') return std::nullopt;
  parsed.path = std::string(path);
  for (auto part : split(path.substr(1), '/')) {
    auto segment = nostr::percent_decode(part);
    if (!segment) return std::nullopt;
    parsed.segments.push_back(std::move(*segment));
  }
  if (question != std::string_view::npos) {
    for (auto pair : split(target.substr(question + 1), '&')) {
      if (pair.empty()) continue;
      std::size_t equals = pair.find('=');
      auto name = nostr::percent_decode(pair.substr(0, equals), true);
      auto value = nostr::percent_decode(
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
      if (!name || !value) return std::nullopt;
      parsed.query.emplace(std::move(*name), std::move(*value));  // the first of repeated names counts
    }
  }
  return parsed;
}

RoutePattern::RoutePattern(std::string pattern) : text_(std::move(pattern)) {
  if (text_.size() < 2 || text_.front() != '/') {
    throw std::invalid_argument("route pattern must be an absolute path: " + text_);
  }
  std::set<std::string, std::less<>> names;
  for (auto part : split(std::string_view(text_).substr(1), '/')) {
    if (part.empty()) throw std::invalid_argument("route pattern has an empty segment: " + text_);
    bool parameter = part.front() == '{' && part.back() == '}' && part.size() > 2;
    std::string_view text = parameter ? part.substr(1, part.size() - 2) : part;
    if (text.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("route pattern parameters must be whole {name} segments: " + text_);
    }
    if (parameter && !names.emplace(text).second) {
      throw std::invalid_argument("route pattern names a parameter twice: " + text_);
    }
    literal_count_ += parameter ? 0 : 1;
    segments_.push_back(Segment{std::string(text), parameter});
  }
}

bool RoutePattern::matches(const std::vector<std::string>& segments) const {
  if (segments.size() != segments_.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments_[i].parameter ? segments[i].empty() : segments[i] != segments_[i].text) return false;
  }
  return true;
}

bool RoutePattern::match(const std::vector<std::string>& segments,
                         std::map<std::string, std::string>& params) const {
  if (!matches(segments)) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments_[i].parameter) params[segments_[i].text] = segments[i];
  }
  return true;
}

}  // namespace pleb::api
