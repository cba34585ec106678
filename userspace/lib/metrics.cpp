#include "metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace netdrop {

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string render_metrics(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, f.help, f.name, f.type);
    for (const Sample& s : f.samples) {
      out += f.name;
      if (!s.labels.empty()) {
        out += '{';
        for (size_t i = 0; i < s.labels.size(); i++)
          out +=
              fmt::format("{}{}=\"{}\"", i != 0 ? "," : "", s.labels[i].first, escape_label_value(s.labels[i].second));
        out += '}';
      }
      out += fmt::format(" {}\n", s.value);
    }
  }
  return out;
}

std::vector<Sample> BoundedSeries::samples(const std::map<Labels, uint64_t>& totals) {
  std::vector<std::pair<uint64_t, const Labels*>> fresh;
  for (const auto& [labels, n] : totals)
    if (admitted_.count(labels) == 0) fresh.emplace_back(n, &labels);
  std::stable_sort(fresh.begin(), fresh.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [n, labels] : fresh) {
    if (admitted_.size() >= limit_) break;
    admitted_.insert(*labels);
  }
  std::vector<Sample> out;
  uint64_t other = 0;
  bool any_other = false;
  for (const auto& [labels, n] : totals) {
    if (admitted_.count(labels) != 0) {
      out.push_back({labels, n});
    } else {
      other += n;
      any_other = true;
    }
  }
  if (any_other && !totals.empty()) {
    Labels o = totals.begin()->first;
    for (auto& [k, v] : o) v = "other";
    out.push_back({std::move(o), other});
  }
  return out;
}

}  // namespace netdrop
