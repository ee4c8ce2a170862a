#include "metrics/exposition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace pleb::metrics {
namespace {

void append_escaped(std::string& out, std::string_view value, bool quote_too) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote_too && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

}  // namespace

void TextWriter::family(std::string_view name, std::string_view help, std::string_view type) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  append_escaped(text_, help, false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void TextWriter::labels(Labels labels, std::string_view extra_name, std::string_view extra_value) {
  if (labels.size() == 0 && extra_name.empty()) return;
  text_ += '{';
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) text_ += ',';
    first = false;
    text_ += name;
    text_ += "=\"";
    append_escaped(text_, value, true);
    text_ += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  text_ += '}';
}

void TextWriter::sample(std::string_view name, double value, Labels labels) {
  text_ += name;
  this->labels(labels);
  text_ += ' ';
  append_number(text_, value);
  text_ += '\n';
}

void TextWriter::sample(std::string_view name, std::uint64_t value, Labels labels) {
  text_ += name;
  this->labels(labels);
  text_ += ' ';
  text_ += std::to_string(value);
  text_ += '\n';
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(bounds_.size() + 1) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double value) {
  auto index =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  if (value > 0) sum_micro_.fetch_add(static_cast<std::uint64_t>(value * 1e6), std::memory_order_relaxed);
}

void Histogram::write(TextWriter& out, std::string_view name, std::string_view help) const {
  out.family(name, help, "histogram");
  std::string bucket_name(name);
  bucket_name += "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string bound;
    append_number(bound, i < bounds_.size() ? bounds_[i] : INFINITY);
    out.text_ += bucket_name;
    out.labels({}, "le", bound);
    out.text_ += ' ';
    out.text_ += std::to_string(cumulative);
    out.text_ += '\n';
  }
  std::string sum_name(name);
  sum_name += "_sum";
  out.sample(sum_name, static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6);
  std::string count_name(name);
  count_name += "_count";
  // The count is the sum of the buckets read above, so the exposition is consistent even while other
  // threads observe.
  out.sample(count_name, cumulative);
}

std::vector<double> Histogram::latency_seconds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace pleb::metrics
