// Helpers shared by the netdropctl subcommands: output, signals, the option
// groups and the live capture loop.
#pragma once

#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agg.hpp"
#include "commands.hpp"
#include "filter.hpp"
#include "format.hpp"
#include "pcapng.hpp"
#include "reasons.hpp"
#include "record.hpp"
#include "session.hpp"
#include "summary.hpp"
#include "symbols.hpp"

namespace netdrop::cli {

// Set by SIGINT and SIGTERM once install_signal_handlers() ran.
extern volatile std::sig_atomic_t g_stop;

void install_signal_handlers();

// stdout went away (| head): stop quietly.
struct PipeClosed {};

void out(std::string_view s);
void out_flush();

struct FilterArgs {
  std::string src, dst, host, proto, port, sport, dport, dev, netns, reason, family;
  std::vector<std::string> funcs;
  bool stack = false;
  bool hooks = false;
  bool no_hooks = false;
  bool hooks_by_default = false;
  bool aggregate = false;  // the kernel counts drops (summary, exporter)
  std::string events = "drop";
  unsigned snaplen = 0;
};

void add_filter_options(boost::program_options::options_description& d, FilterArgs& f);
// Hook attribution is on by default where a person reads each drop
// (stream, record), off where drops are only counted (summary).
void add_capture_options(boost::program_options::options_description& d, FilterArgs& f, bool hooks_by_default);

FilterSpec build_spec(const FilterArgs& a, const std::vector<Reason>& reasons, DropReasons support,
                      const Symbolizer& symbols);

// Parses args; prints help and returns false for --help.
bool parse(const Args& args, const boost::program_options::options_description& desc, std::string_view synopsis,
           std::string_view examples, boost::program_options::variables_map& vm,
           const boost::program_options::positional_options_description* positional = nullptr);

struct CaptureArgs {
  uint64_t count = 0;
  double duration = 0;
  uint32_t ring_kb = 0;
};

void add_limit_options(boost::program_options::options_description& d, CaptureArgs& c);

// Everything a live capture needs, set up from the options.
struct Live {
  Session session;
  Symbolizer symbols;
  std::vector<Reason> reasons;
  FilterSpec spec;
  ViewContext ctx;

  Live(const FilterArgs& fa, const CaptureArgs& ca);
};

using Clock = std::chrono::steady_clock;

// Runs a capture until count, duration or a signal.  on_drop gets every
// record that passes the user-space filter; on_tick runs every tick_s.
void run_capture(Live& live, const CaptureArgs& ca, const std::function<void(Bytes, const Event&)>& on_event,
                 double tick_s = 0, const std::function<void()>& on_tick = {});

// Runs an aggregating session (spec.aggregate) until duration or a signal:
// on_tick gets what the kernel counted in each tick_s; returns what it
// counted over the whole run.  Rows of another device than --dev are left
// out (the kernel filters by index, --dev names).
AggSnapshot run_counting(Live& live, const CaptureArgs& ca, double tick_s,
                         const std::function<void(const AggSnapshot&)>& on_tick);

void print_totals(const netdrop_stats& st, uint64_t shown);

// The stream view: text or JSON lines, optionally pcapng.
struct StreamView {
  bool json = false;
  std::optional<PcapngWriter> pcap;
  uint64_t shown = 0;

  void show(const Event& ev, ViewContext& ctx);
};

// Enters a network namespace the way ip-netns-exec does, so that /proc/net
// and a fresh /sys show that namespace.
void enter_netns(const std::string& spec);

void print_summary(const Summary& sum, size_t top, bool json, ViewContext& ctx, std::string_view label);

}  // namespace netdrop::cli
