// Prometheus text exposition (format 0.0.4, which OpenMetrics scrapers
// read too) of what netdrop counts, and the bound on its label sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netdrop {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  uint64_t value = 0;
};

struct MetricFamily {
  std::string name;
  std::string help;
  std::string type;  // counter or gauge
  std::vector<Sample> samples;
};

// A label value as the format quotes it: \ " and newline escaped.
std::string escape_label_value(std::string_view v);
std::string render_metrics(const std::vector<MetricFamily>& families);

// At most `limit` label sets get series of their own: the first seen, the
// biggest first among those seen together.  Every later one is added to
// one series whose labels all say "other".  A series never leaves, so each
// one, "other" too, only grows, as a counter must.
class BoundedSeries {
 public:
  explicit BoundedSeries(size_t limit) : limit_(limit) {}
  // totals: the cumulative count of every label set seen so far.
  [[nodiscard]] std::vector<Sample> samples(const std::map<Labels, uint64_t>& totals);

 private:
  size_t limit_;
  std::set<Labels> admitted_;
};

}  // namespace netdrop
