#include "http/api/openapi.hpp"

#include <simdjson.h>

#include <map>
#include <utility>

namespace pleb::api {
namespace {

// The operation keys of an OpenAPI path item.
constexpr std::string_view kOperationKeys[] = {"get",   "put",     "post", "delete",
                                               "patch", "options", "head", "trace"};

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_operation(std::string_view key) {
  for (auto operation : kOperationKeys) {
    if (key == operation) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> compare_with_openapi(const std::vector<RouteInfo>& routes,
                                              std::string_view document) {
  std::vector<std::string> problems;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(document.data(), document.size()).get(root)) {
    problems.push_back(std::string("the document is not valid JSON: ") + simdjson::error_message(error));
    return problems;
  }
  simdjson::dom::object paths;
  if (root["paths"].get_object().get(paths)) {
    problems.emplace_back("the document has no paths object");
    return problems;
  }

  // "METHOD /path" -> documented access level
  std::map<std::string, std::string> documented;
  for (auto [path, item] : paths) {
    simdjson::dom::object operations;
    if (item.get_object().get(operations)) {
      problems.push_back("path " + std::string(path) + " is not an object");
      continue;
    }
    for (auto [key, operation] : operations) {
      if (!is_operation(key)) continue;
      std::string name = upper(key) + " " + std::string(path);
      std::string_view access;
      if (operation["x-pleb-access"].get_string().get(access)) {
        problems.push_back(name + " has no x-pleb-access");
      }
      documented.emplace(std::move(name), std::string(access));
    }
  }

  for (const auto& route : routes) {
    std::string name = route.method + " " + route.pattern;
    auto it = documented.find(name);
    if (it == documented.end()) {
      problems.push_back(name + " is served but not documented");
      continue;
    }
    if (!it->second.empty() && it->second != access_name(route.access)) {
      problems.push_back(name + " access is " + std::string(access_name(route.access)) +
                         " in the router but " + it->second + " in the document");
    }
    documented.erase(it);
  }
  for (const auto& [name, access] : documented) problems.push_back(name + " is documented but not served");
  return problems;
}

}  // namespace pleb::api
