// netdropctl explain: one window of drops, resets, counters and sockets,
// turned into ranked findings (userspace/lib/explain.hpp); live, or from a
// recording that `record` made.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "explain.hpp"
#include "explain_context.hpp"
#include "explain_input.hpp"
#include "explain_window.hpp"
#include "filter.hpp"
#include "reasons.hpp"
#include "recfile.hpp"
#include "symbols.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

std::vector<Finding> explain_live(const FilterArgs& fa, CaptureArgs ca, ExplainInput& in) {
  if (ca.duration == 0 && ca.count == 0) ca.duration = 10;
  Live live(fa, ca);
  ExplainWindow w;
  w.begin(live, fa.netns);
  run_capture(live, ca, [&](Bytes, const Event& ev) {
    if (ev.is_drop()) w.in.drops.push_back(explain_drop(ev.drop, live.ctx, w.taints));
    if (ev.is_reset()) w.in.resets.push_back(explain_reset(ev.reset));
  });
  w.end(live);
  in = std::move(w.in);
  auto findings = explain(in);
  note_nft_error(findings, w.nft_error);
  return findings;
}

std::vector<Finding> explain_file(const std::string& path, const FilterArgs& fa, ExplainInput& in) {
  if (!fa.netns.empty()) throw UsageError("--netns is not available with a recording: it holds one namespace");
  Recording rec = read_recording(path);
  std::map<std::string, std::string> taints;
  if (rec.explain_context.empty())
    fmt::print(stderr, "netdropctl: {} has no counters, sockets or hooks (an older recording): drops only\n", path);
  try {
    parse_explain_context(rec.explain_context, in, taints);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: damaged recording: {}", path, e.what()));
  }
  Symbolizer symbols = Symbolizer::from_text(rec.symbols);
  FilterSpec spec = build_spec(fa, rec.reasons, drop_reasons_of(rec.info), symbols);
  ViewContext ctx = view_context(rec.info, rec.reasons, rec.reset_reasons, symbols);
  for_each_event(rec, path, [&](const Event& ev) {
    if (!spec.wants(ev)) return;
    if (ev.is_drop()) in.drops.push_back(explain_drop(ev.drop, ctx, taints));
    if (ev.is_reset()) in.resets.push_back(explain_reset(ev.reset));
  });
  if (rec.has_stats) {
    in.recorded = rec.stats.recorded;
    in.lost = rec.stats.lost;
  }
  return explain(in);
}

}  // namespace

int cmd_explain(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  bool json = false;
  std::string path;
  fa.events = "drop,reset";
  po::options_description d("explain options");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "one JSON object per finding")(
      "file", po::value(&path), "a recording (netdropctl record) to explain instead of a live window");
  add_filter_options(d, fa);
  add_capture_options(d, fa, true);
  add_limit_options(d, ca);
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse(args, d, "explain [FILE] [OPTIONS]",
             R"(  netdropctl explain                      # 10 s, every drop and reset
  netdropctl explain --netns srv -d 30    # counters and sockets of srv
  netdropctl explain --dst 10.0.0.3 --json
  netdropctl explain drops.ndr            # what record saved
)",
             vm, &pos))
    return 0;
  if (!path.empty() && (ca.duration != 0 || ca.count != 0))
    throw UsageError("--duration and --count are for a live window, not a recording");
  ExplainInput in;
  auto findings = path.empty() ? explain_live(fa, ca, in) : explain_file(path, fa, in);
  out(json ? format_findings_json(findings, in) : format_findings_text(findings, in));
  out_flush();
  return 0;
}

}  // namespace netdrop::cli
