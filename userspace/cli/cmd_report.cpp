// netdropctl report: a recording shown as stream or summary.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstddef>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "filter.hpp"
#include "format.hpp"
#include "reasons.hpp"
#include "recfile.hpp"
#include "record.hpp"
#include "summary.hpp"
#include "symbols.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

int cmd_report(const Args& args) {
  FilterArgs fa;
  std::string path, pcap, by = "location";
  bool json = false, summary = false;
  size_t top = 0;
  po::options_description d("report options");
  d.add_options()("help,h", "show this help")("file", po::value(&path)->required(), "recording to read")(
      "json", po::bool_switch(&json), "JSON lines")("summary", po::bool_switch(&summary), "totals per --by key")(
      "by", po::value(&by), "summary key: location, reason, src, dst, dev or func")(
      "top", po::value(&top), "summary: show the N largest")("pcapng", po::value(&pcap),
                                                             "write recorded packet bytes to FILE as pcapng");
  add_filter_options(d, fa);
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse(args, d, "report FILE [OPTIONS]", R"(  netdropctl report drops.ndr
  netdropctl report drops.ndr --summary --by reason
  netdropctl report drops.ndr --src 10.0.2.8 --json
)",
             vm, &pos))
    return 0;
  Recording rec = read_recording(path);
  Symbolizer symbols = Symbolizer::from_text(rec.symbols);
  if (!fa.netns.empty()) throw UsageError("--netns is not available in report: filter on the netns inode in JSON");
  FilterSpec spec = build_spec(fa, rec.reasons, drop_reasons_of(rec.info), symbols);
  ViewContext ctx = view_context(rec.info, rec.reasons, rec.reset_reasons, symbols);
  SummaryKey key = parse_summary_key(by);
  if (summary) check_summary_key(key, ctx.drop_reasons, spec.events);
  Summary sum(key);
  StreamView view;
  view.json = json;
  if (!pcap.empty()) view.pcap.emplace(pcap);
  try {
    for_each_event(rec, path, [&](const Event& ev) {
      if (!spec.wants(ev)) return;
      if (summary && ev.is_drop())
        sum.add(ev.drop, ctx);
      else if (summary)
        sum.add(ev.reset, ctx);
      else
        view.show(ev, ctx);
    });
    if (summary) print_summary(sum, top, json, ctx, "total");
    out_flush();
  } catch (const PipeClosed&) {
    return 0;
  }
  if (!rec.flight.empty()) fmt::print(stderr, "flight recorder: {}", rec.flight);
  if (rec.has_stats)
    fmt::print(stderr, "recorded: {} seen, {} filtered out, {} recorded, {} lost\n", rec.stats.seen, rec.stats.filtered,
               rec.stats.recorded, rec.stats.lost);
  return 0;
}

}  // namespace netdrop::cli
