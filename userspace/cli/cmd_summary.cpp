// netdropctl summary: drops counted per key each interval.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstddef>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "filter.hpp"
#include "record.hpp"
#include "summary.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

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
  d.add_options()("hooks", po::bool_switch(&fa.hooks), "name the netfilter hook that dropped (for --by hook)");
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
  Live live(fa, ca);
  check_summary_key(key, live.ctx.drop_reasons, live.spec.events);
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
