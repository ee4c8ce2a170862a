#pragma once
// Request targets taken apart (percent-decoded path segments, query parameters) and route patterns with
// `{name}` segments matched against them.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pleb::api {

struct Target {
  std::string path;                   // as received, undecoded
  std::vector<std::string> segments;  // decoded; "/a/b" -> {"a", "b"}
  std::map<std::string, std::string> query;
};

// Nullopt when a percent escape is malformed or a segment decodes to something containing a NUL.
std::optional<Target> parse_target(std::string_view target);

class RoutePattern {
 public:
  // Throws std::invalid_argument unless the pattern is absolute with non-empty segments, and every
  // parameter is a whole `{name}` segment named once.
  explicit RoutePattern(std::string pattern);

  // On a match, fills `params` with the decoded values of the `{name}` segments.
  bool match(const std::vector<std::string>& segments, std::map<std::string, std::string>& params) const;
  // How many segments are literal: the more, the more specific (it wins over a parameter).
  std::size_t literal_count() const { return literal_count_; }
  const std::string& text() const { return text_; }

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter's name
    bool parameter;
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::size_t literal_count_ = 0;
};

}  // namespace pleb::api
