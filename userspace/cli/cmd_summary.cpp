// netdropctl summary: drops counted per key each interval.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstddef>
#include <string>

#include "agg.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "filter.hpp"
#include "record.hpp"
#include "summary.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

void add_rows(Summary& sum, const AggSnapshot& snap, ViewContext& ctx) {
  for (const auto& [k, row] : snap.rows) sum.add(row, ctx);
}

// The kernel's counts, a table each interval and the run's total.
int summary_from_kernel(Live& live, const CaptureArgs& ca, SummaryKey key, double interval, size_t top, bool json) {
  Summary tick(key), total(key);
  try {
    AggSnapshot all = run_counting(live, ca, interval, [&](const AggSnapshot& d) {
      tick.clear();
      add_rows(tick, d, live.ctx);
      print_summary(tick, top, json, live.ctx, "interval");
    });
    add_rows(total, all, live.ctx);
    print_summary(total, top, json, live.ctx, "total");
    out_flush();
    netdrop_stats st = live.session.stats();
    fmt::print(stderr,
               "{} drops counted in the kernel; kernel: {} seen, {} filtered out, {} counted, {} lost (no free "
               "slot in a CPU's table of {})\n",
               total.total(), st.seen, st.filtered, st.recorded, st.lost, all.slots);
  } catch (const PipeClosed&) {
    return 0;
  }
  return 0;
}

}  // namespace

int cmd_summary(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  double interval = 1;
  size_t top = 0;
  bool json = false;
  std::string by = "location";
  po::options_description d("summary options");
  d.add_options()("help,h", "show this help")("interval,i", po::value(&interval), "seconds between tables (default 1)")(
      "by", po::value(&by), "location, reason, src, dst, dev or func")("top", po::value(&top), "show the N largest")(
      "json", po::bool_switch(&json), "one JSON object per table");
  add_filter_options(d, fa);
  bool records = false;
  d.add_options()("hooks", po::bool_switch(&fa.hooks), "name the netfilter hook that dropped (for --by hook)")(
      "records", po::bool_switch(&records), "count full records in user space, not in the kernel");
  add_limit_options(d, ca);
  po::variables_map vm;
  if (!parse(args, d, "summary [OPTIONS]", R"(  netdropctl summary
  netdropctl summary --by reason --interval 5
  netdropctl summary --src 10.0.2.0/24 --top 10 --duration 60
)",
             vm))
    return 0;
  if (interval <= 0) throw UsageError(fmt::format("bad --interval {}", interval));
  SummaryKey key = parse_summary_key(by);
  // The kernel counts, unless the key is an address (or a state), resets
  // are asked for, or --count wants an exact number of drops.
  fa.aggregate = !records && kernel_counts_key(key) && fa.events == "drop" && ca.count == 0;
  Live live(fa, ca);
  check_summary_key(key, live.ctx.drop_reasons, live.spec.events);
  if (live.spec.aggregate) return summary_from_kernel(live, ca, key, interval, top, json);
  Summary tick(key), total(key);
  try {
    run_capture(
        live, ca,
        [&](Bytes, const Event& ev) {
          if (ev.is_reset()) {
            tick.add(ev.reset, live.ctx);
            total.add(ev.reset, live.ctx);
          } else {
            tick.add(ev.drop, live.ctx);
            total.add(ev.drop, live.ctx);
          }
        },
        interval,
        [&] {
          print_summary(tick, top, json, live.ctx, "interval");
          tick.clear();
        });
    print_summary(total, top, json, live.ctx, "total");
  } catch (const PipeClosed&) {
    return 0;
  }
  print_totals(live.session.stats(), total.total());
  return 0;
}

}  // namespace netdrop::cli
