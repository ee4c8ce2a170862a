#include "processor/decision_metrics.hpp"

#include <string>

namespace pleb::processor {

void write_decision_metrics(const Pipeline& pipeline, metrics::TextWriter& out) {
  out.family("pleb_policy_decisions_total",
             "Write-policy decisions by stage, verdict and reason since the pipeline was put in force.",
             "counter");
  for (const auto& [key, count] : pipeline.counts()) {
    // Keys are "stage/verdict" or "stage/verdict/reason", with fixed labels only.
    auto first = key.find('/');
    auto second = first == std::string::npos ? std::string::npos : key.find('/', first + 1);
    std::string stage = key.substr(0, first);
    std::string verdict =
        first == std::string::npos ? std::string() : key.substr(first + 1, second - first - 1);
    std::string reason = second == std::string::npos ? std::string() : key.substr(second + 1);
    out.sample("pleb_policy_decisions_total", count,
               {{"stage", stage}, {"verdict", verdict}, {"reason", reason}});
  }
}

}  // namespace pleb::processor
