// netdropctl explain: one window of drops, resets, counters and sockets,
// turned into ranked findings (userspace/lib/explain.hpp).
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <map>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "counters.hpp"
#include "explain.hpp"
#include "explain_input.hpp"
#include "netns.hpp"
#include "nft.hpp"
#include "sockets.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

struct Window {
  ExplainInput in;
  std::map<std::string, std::string> taints;
  std::string nft_error;  // why the ruleset could not be read
};

// The namespace's nf_tables rules; a kernel or namespace without nf_tables
// has none, and an error leaves explain without rule handles, not without
// findings.
std::vector<NftRule> rules(Window& w) {
  try {
    return read_nft_rules();
  } catch (const SystemError& e) {
    w.nft_error = e.what();
    return {};
  }
}

void collect(Window& w, const Event& ev, ViewContext& ctx) {
  if (ev.is_drop()) w.in.drops.push_back(explain_drop(ev.drop, ctx, w.taints));
  if (ev.is_reset()) w.in.resets.push_back(explain_reset(ev.reset));
}

}  // namespace

int cmd_explain(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  bool json = false;
  fa.events = "drop,reset";
  po::options_description d("explain options");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "one JSON object per finding");
  add_filter_options(d, fa);
  add_capture_options(d, fa, true);
  add_limit_options(d, ca);
  po::variables_map vm;
  if (!parse(args, d, "explain [OPTIONS]", R"(  netdropctl explain                      # 10 s, every drop and reset
  netdropctl explain --netns srv -d 30    # counters and sockets of srv
  netdropctl explain --dst 10.0.0.3 --json
)",
             vm))
    return 0;
  if (ca.duration == 0 && ca.count == 0) ca.duration = 10;
  Live live(fa, ca);
  // Counters and sockets are read in the namespace asked for (the session
  // is open already: entering it changes nothing it sees).
  uint32_t netns = fa.netns.empty() ? netns_inode("/proc/self/ns/net") : netns_inode(fa.netns);
  if (!fa.netns.empty()) enter_netns(fa.netns);
  Window w;
  w.in.sysctls = read_explain_sysctls();
  w.in.before = read_counters();
  w.in.rules_before = rules(w);
  auto start = Clock::now();
  run_capture(live, ca, [&](Bytes, const Event& ev) { collect(w, ev, live.ctx); });
  w.in.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  w.in.after = read_counters();
  w.in.rules_after = rules(w);
  w.in.sockets = read_sockets(netns);
  find_owners(w.in.sockets);
  netdrop_stats st = live.session.stats();
  w.in.recorded = st.recorded;
  w.in.lost = st.lost;
  w.in.ring_kb = live.session.info().ring_size / 1024;
  auto findings = explain(w.in);
  if (!w.nft_error.empty())
    for (Finding& f : findings)
      if (f.kind == "firewall") f.evidence.push_back(fmt::format("the nft rules could not be read: {}", w.nft_error));
  out(json ? format_findings_json(findings, w.in) : format_findings_text(findings, w.in));
  out_flush();
  return 0;
}

}  // namespace netdrop::cli
