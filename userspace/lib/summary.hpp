// dropwatch-style aggregation: counts per key over an interval.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "agg.hpp"
#include "format.hpp"
#include "record.hpp"

namespace netdrop {

enum class SummaryKey { location, reason, src, dst, dev, func, state, hook };

SummaryKey parse_summary_key(std::string_view text);
// Throws UsageError when key groups drops by a reason the kernel does not
// have (events: NETDROP_EV_*; resets alone group by kind and facts).
void check_summary_key(SummaryKey key, DropReasons support, uint32_t events);
// The hook of a kernel-counted key as records name it ("func [module]"), or
// without its address (no CAP_SYSLOG) where it sits; "" when none dropped.
std::string agg_hook_name(const AggKey& k, ViewContext& ctx);
// Whether the kernel's counts have what key groups by (not addresses).
bool kernel_counts_key(SummaryKey key);

struct SummaryRow {
  std::string key;
  uint64_t count = 0;
};

class Summary {
 public:
  explicit Summary(SummaryKey key) : key_(key) {}
  void add(const Drop& d, ViewContext& ctx);
  void add(const Reset& r, ViewContext& ctx);
  // A key the kernel counted (in-kernel aggregation), with its count.
  void add(const AggRow& row, ViewContext& ctx);
  // Rows sorted by count (descending), then key; at most top rows (0: all).
  [[nodiscard]] std::vector<SummaryRow> rows(size_t top) const;
  [[nodiscard]] uint64_t total() const { return total_; }
  void clear();

 private:
  std::string key_of(const Drop& d, ViewContext& ctx) const;
  std::string key_of(const Reset& r, ViewContext& ctx) const;
  std::string key_of(const AggRow& row, ViewContext& ctx) const;
  SummaryKey key_;
  uint64_t total_ = 0;
  std::unordered_map<std::string, uint64_t> counts_;
};

}  // namespace netdrop
