#include "exposition.hpp"

#include <fmt/format.h>

#include <string>

#include "summary.hpp"

namespace netdrop {

Labels drop_labels(const AggRow& row, ViewContext& ctx) {
  std::string function, module;
  if (row.key.location != 0) {
    Resolved loc = ctx.symbols->resolve(row.key.location);
    if (loc.sym != nullptr) {
      function = loc.sym->name;
      module = loc.sym->module;
    }
  }
  return {{"reason", ctx.reason_name(row.key.reason)}, {"function", function}, {"module", module},
          {"netns", std::to_string(row.key.netns)},    {"device", row.ifname}, {"hook", agg_hook_name(row.key, ctx)}};
}

Labels reset_labels(const Reset& r, ViewContext& ctx) {
  std::string reason = ctx.reset_reason_name(r.raw.reason);
  if (reason.empty()) reason = reset_facts(r.raw.facts);
  return {{"kind", std::string(reset_kind_name(r.raw.kind))}, {"reason", reason}};
}

MetricFamily drops_family(const AggSnapshot& since_start, ViewContext& ctx, BoundedSeries& bound) {
  std::map<Labels, uint64_t> totals;
  for (const auto& [k, row] : since_start.rows) totals[drop_labels(row, ctx)] += row.count;
  return {"netdrop_drops_total", "Packets the kernel dropped, counted by netdrop in the kernel.", "counter",
          bound.samples(totals)};
}

MetricFamily resets_family(const std::map<Labels, uint64_t>& resets) {
  MetricFamily f{"netdrop_resets_total", "TCP resets the kernel sent.", "counter", {}};
  for (const auto& [labels, n] : resets) f.samples.push_back({labels, n});
  return f;
}

MetricFamily lost_family(uint64_t lost) {
  return {"netdrop_lost_total",
          "Drops and resets netdrop could not count or record (full ring or table).",
          "counter",
          {{{}, lost}}};
}

MetricFamily hooks_family(const std::vector<Hook>& hooks) {
  std::map<Labels, uint64_t> n;
  for (const Hook& h : hooks)
    n[{{"family", std::string(pf_name(h.raw.pf))},
       {"hook", std::string(hook_name(h.raw.pf, h.raw.hooknum))},
       {"third_party", h.third_party() ? "true" : "false"}}]++;
  MetricFamily f{"netdrop_hooks", "Netfilter hooks registered in the exporter's network namespace.", "gauge", {}};
  for (const auto& [labels, count] : n) f.samples.push_back({labels, count});
  return f;
}

MetricFamily counters_family(const Counters& counters) {
  MetricFamily f{"netdrop_kernel_counter_total",
                 "The kernel's own drop, discard and error counters (snmp, netstat, softnet, devices, qdiscs).",
                 "counter",
                 {}};
  for (const auto& [name, v] : counters)
    if (is_drop_counter(name)) f.samples.push_back({{{"counter", name}}, v});
  return f;
}

}  // namespace netdrop
