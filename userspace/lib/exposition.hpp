// What netdrop counts, as Prometheus metric families (the exporter).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "agg.hpp"
#include "counters.hpp"
#include "format.hpp"
#include "hooks.hpp"
#include "metrics.hpp"
#include "record.hpp"

namespace netdrop {

// netdrop_drops_total's labels for one of the kernel's keys: reason,
// function, module, netns, device, hook.  No address or port: every value
// comes from a bounded set (kernel text, reasons, devices, namespaces).
Labels drop_labels(const AggRow& row, ViewContext& ctx);
// netdrop_resets_total's: kind and reason (the facts where the kernel has
// no reason).
Labels reset_labels(const Reset& r, ViewContext& ctx);

// The drop counts since the exporter started (cumulative), bounded.
MetricFamily drops_family(const AggSnapshot& since_start, ViewContext& ctx, BoundedSeries& bound);
MetricFamily resets_family(const std::map<Labels, uint64_t>& resets);
MetricFamily lost_family(uint64_t lost);
// Hooks registered now, per family, hook point and third_party.
MetricFamily hooks_family(const std::vector<Hook>& hooks);
// The kernel's own drop, discard and error counters (is_drop_counter).
MetricFamily counters_family(const Counters& counters);

}  // namespace netdrop
