#include "commands.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "counters.hpp"
#include "filter.hpp"
#include "format.hpp"
#include "hooks.hpp"
#include "netns.hpp"
#include "pcapng.hpp"
#include "recfile.hpp"
#include "record.hpp"
#include "session.hpp"
#include "summary.hpp"
#include "symbols.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int /*sig*/) { g_stop = 1; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// stdout went away (| head): stop quietly.
struct PipeClosed {};

void out(std::string_view s) {
  if (fwrite(s.data(), 1, s.size(), stdout) != s.size()) {
    if (errno == EPIPE) throw PipeClosed{};
    throw SystemError(fmt::format("writing output: {}", std::strerror(errno)));
  }
}

void out_flush() {
  if (fflush(stdout) != 0 && errno == EPIPE) throw PipeClosed{};
}

struct FilterArgs {
  std::string src, dst, host, proto, port, sport, dport, dev, netns, reason, family;
  std::vector<std::string> funcs;
  bool stack = false;
  bool hooks = false;
  bool no_hooks = false;
  bool hooks_by_default = false;
  std::string events = "drop";
  unsigned snaplen = 0;
};

// clang-format off
void add_filter_options(po::options_description& d, FilterArgs& f) {
  d.add_options()
      ("src", po::value(&f.src), "source address or CIDR (v4 or v6)")
      ("dst", po::value(&f.dst), "destination address or CIDR")
      ("host", po::value(&f.host), "source or destination address or CIDR")
      ("family", po::value(&f.family), "ipv4 or ipv6")
      ("proto", po::value(&f.proto), "tcp, udp, icmp, icmp6 or a protocol number")
      ("port", po::value(&f.port), "source or destination port, N or N-M")
      ("sport", po::value(&f.sport), "source port, N or N-M")
      ("dport", po::value(&f.dport), "destination port, N or N-M")
      ("dev", po::value(&f.dev), "device name")
      ("netns", po::value(&f.netns), "network namespace: NAME, PATH or PID")
      ("reason", po::value(&f.reason), "drop reasons, NAME[,NAME...] (see 'netdropctl reasons')")
      ("func", po::value(&f.funcs)->composing(), "drops inside this kernel function (repeatable)")
      ("events", po::value(&f.events), "drop, reset or drop,reset (default: drop)");
}

// Hook attribution is on by default where a person reads each drop
// (stream, record), off where drops are only counted (summary).
void add_capture_options(po::options_description& d, FilterArgs& f, bool hooks_by_default) {
  f.hooks_by_default = hooks_by_default;
  if (hooks_by_default)
    d.add_options()("no-hooks", po::bool_switch(&f.no_hooks), "do not name the netfilter hook that dropped a packet");
  else
    d.add_options()("hooks", po::bool_switch(&f.hooks), "name the netfilter hook that dropped each packet");
  d.add_options()
      ("stack", po::bool_switch(&f.stack), "record the kernel stack of each drop")
      ("snaplen", po::value(&f.snaplen), "record up to N packet bytes from the network header (max 256)");
}
// clang-format on

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) parts.push_back(item);
  return parts;
}

// Everything that needs neither the module nor kallsyms: checked before a
// session is opened, so a typo is reported as such.
FilterSpec build_static_spec(const FilterArgs& a) {
  FilterSpec s;
  if (!a.family.empty()) {
    if (a.family != "ipv4" && a.family != "ipv6") throw UsageError(fmt::format("bad --family '{}'", a.family));
    s.family = a.family == "ipv4" ? AF_INET : AF_INET6;
  }
  if (!a.src.empty()) s.src = parse_cidr(a.src);
  if (!a.dst.empty()) s.dst = parse_cidr(a.dst);
  if (!a.host.empty()) s.host = parse_cidr(a.host);
  if (!a.proto.empty()) s.proto = parse_protocol(a.proto);
  if (!a.port.empty()) s.port = parse_port_range(a.port);
  if (!a.sport.empty()) s.sport = parse_port_range(a.sport);
  if (!a.dport.empty()) s.dport = parse_port_range(a.dport);
  if (!a.dev.empty()) s.dev = a.dev;
  if (!a.netns.empty()) s.netns = netns_inode(a.netns);
  if (a.snaplen > NETDROP_MAX_SNAPLEN)
    throw UsageError(fmt::format("bad --snaplen {} (at most {})", a.snaplen, NETDROP_MAX_SNAPLEN));
  s.stack = a.stack;
  s.snaplen = a.snaplen;
  s.hooks = a.hooks || (a.hooks_by_default && !a.no_hooks);
  for (const std::string& e : split_commas(a.events)) {
    if (e == "drop")
      s.events |= NETDROP_EV_DROP;
    else if (e == "reset")
      s.events |= NETDROP_EV_RESET;
    else
      throw UsageError(fmt::format("bad --events '{}' (drop, reset or drop,reset)", a.events));
  }
  if (s.events == 0) throw UsageError(fmt::format("bad --events '{}' (drop, reset or drop,reset)", a.events));
  return s;
}

FilterSpec build_spec(const FilterArgs& a, const std::vector<Reason>& reasons, DropReasons support,
                      const Symbolizer& symbols) {
  FilterSpec s = build_static_spec(a);
  s.reasons = parse_reason_list(a.reason, reasons, support);
  for (const std::string& fn : a.funcs) {
    auto range = symbols.range_of(fn);
    if (!range) throw UsageError(fmt::format("unknown kernel function '{}' (not in /proc/kallsyms)", fn));
    s.locations.push_back({range->first, range->second});
  }
  return s;
}

// Parses args; prints help and returns false for --help.
bool parse(const Args& args, const po::options_description& desc, std::string_view synopsis, std::string_view examples,
           po::variables_map& vm, const po::positional_options_description* positional = nullptr) {
  po::command_line_parser parser(args);
  parser.options(desc);
  if (positional != nullptr) parser.positional(*positional);
  po::store(parser.run(), vm);
  if (vm.count("help") != 0) {
    std::ostringstream ss;
    ss << desc;
    fmt::print("usage: netdropctl {}\n\n{}\nExamples:\n{}", synopsis, ss.str(), examples);
    return false;
  }
  po::notify(vm);
  return true;
}

struct CaptureArgs {
  uint64_t count = 0;
  double duration = 0;
  uint32_t ring_kb = 0;
};

void add_limit_options(po::options_description& d, CaptureArgs& c) {
  d.add_options()("count,c", po::value(&c.count), "stop after N records")(
      "duration,d", po::value(&c.duration), "stop after SECONDS")("ring-kb", po::value(&c.ring_kb),
                                                                  "per-CPU ring size in KiB (power of two)");
}

// A container's session may not install the host-wide hook probes: when
// hook attribution was only the default, capture without it and say so.
void set_filter_or_without_hooks(Session& session, FilterSpec& spec, const FilterArgs& fa) {
  int err = session.try_set_filter(spec.to_kernel());
  if (err == EPERM && spec.hooks && !fa.hooks && (spec.events & NETDROP_EV_RESET) == 0) {
    spec.hooks = false;
    if (session.try_set_filter(spec.to_kernel()) == 0) {
      fmt::print(stderr,
                 "netdropctl: hook attribution needs probes for the whole host, which this container may not "
                 "install; drops are shown without it\n");
      return;
    }
    spec.hooks = true;
  }
  session.set_filter(spec.to_kernel());
}

// Everything a live capture needs, set up from the options.
struct Live {
  Session session;
  Symbolizer symbols;
  std::vector<Reason> reasons;
  FilterSpec spec;
  ViewContext ctx;

  Live(const FilterArgs& fa, const CaptureArgs& ca)
      : session((build_static_spec(fa), NETDROP_DEVICE)), reasons(session.reasons()) {
    spec = build_spec(fa, reasons, drop_reasons_of(session.info()), symbols);
    if (ca.ring_kb != 0) session.set_ring_size(ca.ring_kb * 1024);
    // Wake up when an eighth of a ring is filled, not for every record:
    // under a drop storm a wakeup per drop costs more than the record.
    // The 100 ms poll timeout bounds how late a lone drop is shown.
    session.set_watermark(session.info().ring_size / 8);
    set_filter_or_without_hooks(session, spec, fa);
    session.map_rings();
    ctx = view_context(session.info(), reasons, session.reset_reasons(), symbols);
  }
};

using Clock = std::chrono::steady_clock;

// Runs a capture until count, duration or a signal.  on_drop gets every
// record that passes the user-space filter; on_tick runs every tick_s.
void run_capture(Live& live, const CaptureArgs& ca, const std::function<void(Bytes, const Event&)>& on_event,
                 double tick_s = 0, const std::function<void()>& on_tick = {}) {
  install_signal_handlers();
  live.session.enable();
  auto start = Clock::now();
  auto next_tick = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick_s));
  uint64_t n = 0;
  bool done = false;
  Event ev;
  auto handle = [&](Bytes rec) {
    if (done || decode_event(rec, ev).status != DecodeStatus::ok) return;
    if (ev.is_drop() ? !live.spec.matches(ev.drop) : !live.spec.matches(ev.reset)) return;
    on_event(rec, ev);
    if (ca.count != 0 && ++n >= ca.count) done = true;
  };
  while (g_stop == 0 && !done) {
    live.session.poll_once(100, handle);
    out_flush();
    auto now = Clock::now();
    if (ca.duration > 0 && now - start >= std::chrono::duration<double>(ca.duration)) break;
    if (on_tick && now >= next_tick) {
      on_tick();
      next_tick += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick_s));
    }
  }
  live.session.disable();
  if (!done) live.session.drain(handle);
  out_flush();
}

void print_totals(const netdrop_stats& st, uint64_t shown) {
  fmt::print(stderr, "{} drops shown; kernel: {} seen, {} filtered out, {} recorded, {} lost (ring full)\n", shown,
             st.seen, st.filtered, st.recorded, st.lost);
}

std::string pcap_comment(const Drop& d, ViewContext& ctx) {
  Resolved loc = ctx.symbols->resolve(d.raw.location);
  std::string c = format_location(loc, d.raw.location);
  if (std::string reason = ctx.reason_name(d.raw.reason); !reason.empty()) c += " " + reason;
  if (loc.sym != nullptr && !loc.sym->module.empty()) c += fmt::format(" [{}]", loc.sym->module);
  if (!d.ifname().empty()) c += fmt::format(" dev {}", d.ifname());
  c += fmt::format(" netns {}", d.raw.netns);
  return c;
}

// The stream view: text or JSON lines, optionally pcapng.
struct StreamView {
  bool json = false;
  std::optional<PcapngWriter> pcap;
  uint64_t shown = 0;

  void show(const Event& ev, ViewContext& ctx) {
    if (ev.is_reset()) {
      out((json ? format_reset_json(ev.reset, ctx) : format_reset_text(ev.reset, ctx)) + "\n");
      shown++;
      return;
    }
    const Drop& d = ev.drop;
    std::string line = json ? format_json(d, ctx) : format_text(d, ctx);
    line += '\n';
    out(line);
    if (pcap && !d.data.empty())
      pcap->write(static_cast<uint64_t>(static_cast<int64_t>(d.raw.ts_ns) + ctx.realtime_offset_ns), d.data, d.raw.len,
                  pcap_comment(d, ctx));
    shown++;
  }
};

void print_summary(const Summary& sum, size_t top, bool json, ViewContext& ctx, std::string_view label) {
  int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (json) {
    std::string s = "{";
    s += fmt::format("\"ts\":\"{}\",\"type\":\"{}\",\"total\":{},\"rows\":[", format_rfc3339(now_ns), label,
                     sum.total());
    bool first = true;
    for (const SummaryRow& r : sum.rows(top)) {
      s += first ? "{\"key\":" : ",{\"key\":";
      append_json_string(s, r.key);
      s += fmt::format(",\"count\":{}}}", r.count);
      first = false;
    }
    s += "]}\n";
    out(s);
    return;
  }
  out(fmt::format("{} {} drops ({})\n", format_clock(now_ns, ctx.utc), sum.total(), label));
  for (const SummaryRow& r : sum.rows(top)) out(fmt::format("{:>10} drops at {}\n", r.count, r.key));
}

}  // namespace

int cmd_stream(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  bool json = false;
  std::string pcap;
  po::options_description d("stream options");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "one JSON object per line")(
      "pcapng", po::value(&pcap), "also write packets (needs --snaplen) to FILE as pcapng");
  add_filter_options(d, fa);
  add_capture_options(d, fa, true);
  add_limit_options(d, ca);
  po::variables_map vm;
  if (!parse(args, d, "stream [OPTIONS]", R"(  netdropctl stream --src 10.0.2.8
  netdropctl stream --proto tcp --dport 20202 --stack
  netdropctl stream --reason NO_SOCKET --json | jq .
  netdropctl stream --snaplen 128 --pcapng drops.pcapng --count 100
)",
             vm))
    return 0;
  if (!pcap.empty() && fa.snaplen == 0) throw UsageError("--pcapng needs --snaplen N (packet bytes to keep)");
  Live live(fa, ca);
  StreamView view;
  view.json = json;
  if (!pcap.empty()) view.pcap.emplace(pcap);
  try {
    run_capture(live, ca, [&](Bytes, const Event& ev) { view.show(ev, live.ctx); });
  } catch (const PipeClosed&) {
    return 0;
  }
  if (view.pcap) view.pcap->flush();
  print_totals(live.session.stats(), view.shown);
  return 0;
}

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

namespace {

bool cpu_possible(const netdrop_info& info, unsigned cpu) {
  return cpu >= 256 || ((info.possible_cpus[cpu / 64] >> (cpu % 64)) & 1) != 0;
}

std::string session_state(const netdrop_session_entry& e) {
  if ((e.flags & NETDROP_SF_ENABLED) != 0) return "capturing";
  return (e.flags & NETDROP_SF_RINGS) != 0 ? "stopped" : "idle";
}

std::string lost_by_cpu_text(const netdrop_info& info, const SessionListing& s) {
  std::string line;
  for (unsigned cpu = 0; cpu < s.lost_per_cpu.size(); cpu++)
    if (cpu_possible(info, cpu)) line += fmt::format(" cpu{}={}", cpu, s.lost_per_cpu[cpu]);
  return line;
}

void print_sessions_text(const netdrop_info& info, const std::vector<SessionListing>& sessions) {
  fmt::print("  {:>4} {:>8} {:<18} {:<9} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "ID", "PID", "COMMAND", "STATE", "RING",
             "SEEN", "FILTERED", "RECORDED", "LOST");
  for (const SessionListing& s : sessions) {
    const netdrop_session_entry& e = s.entry;
    std::string comm(e.comm, strnlen(e.comm, sizeof(e.comm)));
    if ((e.flags & NETDROP_SF_SELF) != 0) comm += " (this)";
    fmt::print("  {:>4} {:>8} {:<18} {:<9} {:>5} KiB {:>12} {:>12} {:>12} {:>12}\n", e.id, e.pid, comm,
               session_state(e), e.ring_size / 1024, e.seen, e.filtered, e.recorded, e.lost);
    if ((e.flags & NETDROP_SF_RINGS) != 0) fmt::print("       lost by CPU:{}\n", lost_by_cpu_text(info, s));
  }
}

std::string session_json(const netdrop_info& info, const SessionListing& s) {
  const netdrop_session_entry& e = s.entry;
  std::string j = fmt::format("{{\"id\":{},\"pid\":{},\"comm\":", e.id, e.pid);
  append_json_string(j, std::string_view(e.comm, strnlen(e.comm, sizeof(e.comm))));
  j += fmt::format(
      ",\"state\":\"{}\",\"self\":{},\"ring_size\":{},\"seen\":{},\"filtered\":{},\"recorded\":{},\"lost\":{},"
      "\"lost_per_cpu\":{{",
      session_state(e), (e.flags & NETDROP_SF_SELF) != 0, e.ring_size, e.seen, e.filtered, e.recorded, e.lost);
  bool first = true;
  for (unsigned cpu = 0; cpu < s.lost_per_cpu.size(); cpu++) {
    if (!cpu_possible(info, cpu) || (e.flags & NETDROP_SF_RINGS) == 0) continue;
    j += fmt::format("{}\"{}\":{}", first ? "" : ",", cpu, s.lost_per_cpu[cpu]);
    first = false;
  }
  return j + "}}";
}

void print_status_json(const netdrop_info& i, const std::optional<std::vector<SessionListing>>& sessions) {
  std::string j = "{\"module\":";
  append_json_string(j, std::string_view(i.version, strnlen(i.version, sizeof(i.version))));
  j += fmt::format(
      ",\"abi\":\"{}.{}\",\"tool_abi\":\"{}.{}\",\"tp_nargs\":{},\"drop_reasons\":{},\"nr_reasons\":{},"
      "\"ring_size\":{},\"nr_cpu_ids\":{},\"nr_sessions\":{},\"nr_enabled\":{}",
      i.abi_major, i.abi_minor, NETDROP_ABI_MAJOR, NETDROP_ABI_MINOR, i.tp_nargs,
      drop_reasons_of(i) == DropReasons::available, i.nr_reasons, i.ring_size, i.nr_cpu_ids, i.nr_sessions,
      i.nr_enabled);
  if (sessions) {
    j += ",\"sessions\":[";
    for (size_t k = 0; k < sessions->size(); k++) j += (k != 0 ? "," : "") + session_json(i, (*sessions)[k]);
    j += "]";
  }
  fmt::print("{}}}\n", j);
}

}  // namespace

int cmd_status(const Args& args) {
  bool json = false;
  po::options_description d("status options");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "one JSON object");
  po::variables_map vm;
  if (!parse(args, d, "status [--json]",
             "  netdropctl status        module, ABI, tracepoint, and every open session\n"
             "  netdropctl status --json\n",
             vm))
    return 0;
  struct stat st {};
  if (stat("/sys/module/netdrop", &st) != 0) {
    fmt::print("module: not loaded (sudo modprobe netdrop, or sudo insmod kmod/netdrop.ko)\n");
    return 1;
  }
  Session s;
  const netdrop_info& i = s.info();
  auto sessions = list_sessions(s.fd(), i.nr_cpu_ids);
  if (json) {
    print_status_json(i, sessions);
    return 0;
  }
  fmt::print("module: netdrop {} loaded, ABI {}.{} (netdropctl {}, ABI {}.{})\n", i.version, i.abi_major, i.abi_minor,
             NETDROP_VERSION, NETDROP_ABI_MAJOR, NETDROP_ABI_MINOR);
  bool reasons = drop_reasons_of(i) == DropReasons::available;
  fmt::print("tracepoint: skb:kfree_skb with {} arguments{}\n", i.tp_nargs,
             reasons ? " (drop reasons available)" : " (no drop reasons on this kernel)");
  fmt::print("drop reasons: {}\n", i.nr_reasons);
  fmt::print("default ring: {} KiB per CPU, {} CPUs possible\n", i.ring_size / 1024, i.nr_cpu_ids);
  fmt::print("sessions: {} open (this one included), {} capturing\n", i.nr_sessions, i.nr_enabled);
  if (sessions)
    print_sessions_text(i, *sessions);
  else
    fmt::print("  (the module's ABI {}.{} cannot list sessions: 1.1 or newer can)\n", i.abi_major, i.abi_minor);
  return 0;
}

int cmd_reasons(const Args& args) {
  bool json = false, resets = false;
  po::options_description d("reasons options");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "JSON lines")(
      "resets", po::bool_switch(&resets), "TCP reset reasons (enum sk_rst_reason) instead of drop reasons");
  po::variables_map vm;
  if (!parse(args, d, "reasons [--json] [--resets]", "  netdropctl reasons\n  netdropctl reasons --resets\n", vm))
    return 0;
  Session s;
  try {
    out(resets ? reset_reasons_listing(s.reset_reasons(), json)
               : drop_reasons_listing(s.reasons(), drop_reasons_of(s.info()), json));
    out_flush();
  } catch (const PipeClosed&) {
  }
  return 0;
}

int cmd_record(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  std::string path;
  po::options_description d("record options");
  d.add_options()("help,h", "show this help")("output,o", po::value(&path)->required(), "file to write");
  add_filter_options(d, fa);
  add_capture_options(d, fa, true);
  add_limit_options(d, ca);
  po::variables_map vm;
  if (!parse(args, d, "record -o FILE [OPTIONS]", R"(  netdropctl record -o drops.ndr --duration 30
  netdropctl record -o drops.ndr --stack --snaplen 128 --src 10.0.2.8
)",
             vm))
    return 0;
  Live live(fa, ca);
  RecordWriter w(path);
  w.write_section(SectionType::info, &live.session.info(), sizeof(netdrop_info));
  std::string reasons;
  for (const Reason& r : live.reasons) reasons += fmt::format("{} {}\n", r.value, r.name);
  w.write_section(SectionType::reasons, reasons.data(), reasons.size());
  std::string rst;
  for (const Reason& r : live.session.reset_reasons()) rst += fmt::format("{} {}\n", r.value, r.name);
  w.write_section(SectionType::reset_reasons, rst.data(), rst.size());
  std::vector<std::byte> batch;
  std::vector<uint64_t> addrs;
  uint64_t n = 0;
  auto flush_batch = [&] {
    if (batch.empty()) return;
    w.write_section(SectionType::records, batch.data(), batch.size());
    batch.clear();
  };
  run_capture(
      live, ca,
      [&](Bytes rec, const Event& ev) {
        batch.insert(batch.end(), rec.begin(), rec.end());
        if (ev.is_drop()) {
          addrs.push_back(ev.drop.raw.location);
          for (size_t i = 0; i < ev.drop.stack_size(); i++) addrs.push_back(ev.drop.frame(i));
        } else {
          addrs.push_back(ev.reset.raw.location);
          for (size_t i = 0; i < ev.reset.stack_size(); i++) addrs.push_back(ev.reset.frame(i));
        }
        n++;
        if (batch.size() > (1U << 20)) flush_batch();
      },
      0.5, flush_batch);
  flush_batch();
  std::string syms = live.symbols.subset_text(addrs);
  w.write_section(SectionType::symbols, syms.data(), syms.size());
  netdrop_stats st = live.session.stats();
  w.write_section(SectionType::stats, &st, sizeof(st));
  w.flush();
  fmt::print(stderr, "{} records written to {}\n", n, path);
  print_totals(st, n);
  return 0;
}

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
  Bytes all(rec.records.data(), rec.records.size());
  try {
    for (size_t pos = 0; pos < all.size();) {
      Event ev;
      Decoded dec = decode_event(all.subspan(pos), ev);
      if (dec.status == DecodeStatus::truncated || dec.status == DecodeStatus::malformed)
        throw UsageError(fmt::format("{}: damaged record at byte {}", path, pos));
      pos += dec.size;
      if (dec.status != DecodeStatus::ok) continue;
      bool want = ev.is_drop() ? (spec.events & NETDROP_EV_DROP) != 0 && spec.matches(ev.drop)
                               : (spec.events & NETDROP_EV_RESET) != 0 && spec.matches(ev.reset);
      if (!want) continue;
      if (summary && ev.is_drop())
        sum.add(ev.drop, ctx);
      else if (summary)
        sum.add(ev.reset, ctx);
      else
        view.show(ev, ctx);
    }
    if (summary) print_summary(sum, top, json, ctx, "total");
    out_flush();
  } catch (const PipeClosed&) {
    return 0;
  }
  if (rec.has_stats)
    fmt::print(stderr, "recorded: {} seen, {} filtered out, {} recorded, {} lost\n", rec.stats.seen, rec.stats.filtered,
               rec.stats.recorded, rec.stats.lost);
  return 0;
}

namespace {

struct NetnsRef {
  std::string label;
  std::string path;
};

// Every network namespace we can name: named ones, then those of processes.
std::vector<NetnsRef> all_netns() {
  std::vector<NetnsRef> out;
  std::vector<ino_t> seen;
  auto add = [&](const std::string& label, const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || std::find(seen.begin(), seen.end(), st.st_ino) != seen.end()) return;
    seen.push_back(st.st_ino);
    out.push_back({label, path});
  };
  add("init", "/proc/1/ns/net");
  for (const char* dir : {"/run/netns", "/proc"}) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir), closedir);
    if (!d) continue;
    std::vector<std::string> names;
    while (dirent* e = readdir(d.get()))
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      bool proc = std::string_view(dir) == "/proc";
      if (proc && !std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        continue;
      add(proc ? "pid " + n : n, proc ? "/proc/" + n + "/ns/net" : std::string(dir) + "/" + n);
    }
  }
  return out;
}

}  // namespace

int cmd_dump_hooks(const Args& args) {
  std::string family = "all", hook, netns;
  bool all = false, json = false;
  po::options_description d("dump-hooks options");
  d.add_options()("help,h", "show this help")("family", po::value(&family),
                                              "ipv4, ipv6, arp, bridge, netdev or all (default)")(
      "hook", po::value(&hook), "prerouting, local-in, forward, local-out, postrouting, ingress, egress")(
      "netns", po::value(&netns), "network namespace: NAME, PATH or PID (default: ours)")(
      "all-netns", po::bool_switch(&all), "every network namespace")("json", po::bool_switch(&json),
                                                                     "one JSON object per hook");
  po::variables_map vm;
  if (!parse(args, d, "dump-hooks [OPTIONS]", R"(  netdropctl dump-hooks --hook local-in
  netdropctl dump-hooks --family ipv4 --netns srv
  netdropctl dump-hooks --all-netns --json
)",
             vm))
    return 0;
  std::optional<uint8_t> pf;
  if (family != "all") pf = parse_pf(family);
  if (!hook.empty()) check_hook_name(hook);
  if (all && !netns.empty()) throw UsageError("--netns and --all-netns exclude each other");
  std::vector<NetnsRef> targets;
  if (all)
    targets = all_netns();
  else if (!netns.empty())
    targets.push_back({netns, netns_path(netns)});
  else
    targets.push_back({"", ""});
  if (!netns.empty()) netns_inode(netns);  // names a bad value before anything else

  Session session;
  std::vector<Hook> hooks;
  std::vector<std::pair<uint32_t, std::string>> labels;
  for (const NetnsRef& t : targets) {
    Fd fd(t.path.empty() ? -1 : open(t.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!t.path.empty() && fd.get() < 0)
      throw UsageError(fmt::format("bad --netns '{}': {}", t.label, std::strerror(errno)));
    uint32_t ino = 0;
    auto got = read_hooks(session.fd(), fd.get(), &ino);
    labels.emplace_back(ino, t.label);
    for (Hook& h : got) {
      if (pf && h.raw.pf != *pf) continue;
      if (!hook.empty() && parse_hook(hook, h.raw.pf) != h.raw.hooknum) continue;
      hooks.push_back(std::move(h));
    }
  }
  sort_hooks(hooks);
  auto label_of = [&](uint32_t ino) {
    for (auto& [i, l] : labels)
      if (i == ino) return l;
    return std::string();
  };
  std::vector<std::string> third;
  try {
    std::string last_group;
    for (const Hook& h : hooks) {
      if (h.third_party())
        third.push_back(fmt::format("{} {} {} [{}] (netns {})", pf_name(h.raw.pf), hook_name(h.raw.pf, h.raw.hooknum),
                                    h.function(), h.module(), h.netns));
      if (json) {
        out(format_hook_json(h) + "\n");
        continue;
      }
      std::string dev = (h.raw.flags & NETDROP_HF_NETDEV) != 0
                            ? fmt::format(" dev {}", std::string_view(h.raw.ifname, strnlen(h.raw.ifname, 16)))
                            : "";
      std::string label = label_of(h.netns);
      std::string group = fmt::format("{} {}{} (netns {}{})", pf_name(h.raw.pf), hook_name(h.raw.pf, h.raw.hooknum),
                                      dev, h.netns, label.empty() ? "" : ", " + label);
      if (group != last_group) out(fmt::format("{}{}:\n", last_group.empty() ? "" : "\n", group));
      last_group = group;
      out(format_hook_text(h) + "\n");
    }
    if (!json) {
      if (hooks.empty()) out("no netfilter hooks registered\n");
      out(fmt::format("\n{} hooks, {} third-party{}\n", hooks.size(), third.size(), third.empty() ? "" : ":"));
      for (const std::string& t : third) out(fmt::format("  {}\n", t));
    }
    out_flush();
  } catch (const PipeClosed&) {
  }
  return 0;
}

namespace {

// Enters a network namespace the way ip-netns-exec does, so that /proc/net
// and a fresh /sys show that namespace.
void enter_netns(const std::string& spec) {
  std::string path = netns_path(spec);
  netns_inode(spec);  // names a bad value
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 || setns(fd.get(), CLONE_NEWNET) != 0)
    throw SystemError(fmt::format("cannot enter network namespace {}: {}", spec, std::strerror(errno)));
  if (unshare(CLONE_NEWNS) != 0 || mount("", "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0 ||
      umount2("/sys", MNT_DETACH) != 0 || mount("sysfs", "/sys", "sysfs", 0, nullptr) != 0)
    throw SystemError(fmt::format("cannot mount /sys for network namespace {}: {}", spec, std::strerror(errno)));
}

void print_counters(const Counters& now, const Counters* before, double secs, bool json, bool all) {
  int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string ts = format_rfc3339(now_ns);
  std::string text;
  size_t shown = 0;
  for (const auto& [name, value] : now) {
    uint64_t prev = 0;
    if (before != nullptr) {
      auto it = before->find(name);
      prev = it == before->end() ? 0 : it->second;
      if (value == prev) continue;
    } else if (value == 0 && !all) {
      continue;
    }
    bool drop = is_drop_counter(name);
    shown++;
    if (json) {
      std::string o = fmt::format("{{\"ts\":\"{}\",\"counter\":", ts);
      append_json_string(o, name);
      o += fmt::format(",\"value\":{},\"drop_related\":{}", value, drop ? "true" : "false");
      if (before != nullptr)
        o += fmt::format(",\"delta\":{},\"rate\":{:.2f}", static_cast<int64_t>(value - prev),
                         static_cast<double>(static_cast<int64_t>(value - prev)) / secs);
      out(o + "}\n");
      continue;
    }
    if (before != nullptr)
      text += fmt::format("{} {:<36} {:>+14} {:>12.1f}/s {:>16}\n", drop ? "!" : " ", name,
                          static_cast<int64_t>(value - prev),
                          static_cast<double>(static_cast<int64_t>(value - prev)) / secs, value);
    else
      text += fmt::format("{} {:<36} {:>16}\n", drop ? "!" : " ", name, value);
  }
  if (json) return;
  if (before != nullptr)
    out(fmt::format("{} {} counters moved in {:.1f} s (! = drop-related)\n{}", format_clock(now_ns, false), shown, secs,
                    text));
  else
    out(fmt::format("{}{} non-zero counters (! = drop-related)\n", text, shown));
}

}  // namespace

int cmd_counters(const Args& args) {
  double interval = 0, duration = 0;
  uint64_t count = 0;
  std::string netns;
  bool json = false, all = false, drops_only = false;
  po::options_description d("counters options");
  // clang-format off
  d.add_options()
      ("help,h", "show this help")
      ("interval,i", po::value(&interval), "every SECONDS, show the counters that changed, with rates")
      ("count,c", po::value(&count), "stop after N intervals")
      ("duration,d", po::value(&duration), "stop after SECONDS")
      ("netns", po::value(&netns), "network namespace: NAME, PATH or PID (default: ours)")
      ("drops", po::bool_switch(&drops_only), "only drop-related counters")
      ("all", po::bool_switch(&all), "snapshot: show zero counters too")
      ("json", po::bool_switch(&json), "one JSON object per counter");
  // clang-format on
  po::variables_map vm;
  if (!parse(args, d, "counters [OPTIONS]", R"(  netdropctl counters
  netdropctl counters --interval 1 --netns srv
  netdropctl counters --interval 5 --drops --json
)",
             vm))
    return 0;
  if (interval < 0 || duration < 0) throw UsageError("bad --interval or --duration (seconds, >= 0)");
  if (!netns.empty()) enter_netns(netns);
  auto read = [&] {
    Counters c = read_counters();
    if (drops_only) std::erase_if(c, [](const auto& kv) { return !is_drop_counter(kv.first); });
    return c;
  };
  try {
    Counters before = read();
    if (interval == 0) {
      print_counters(before, nullptr, 0, json, all);
      out_flush();
      return 0;
    }
    install_signal_handlers();
    auto start = Clock::now();
    for (uint64_t n = 0; g_stop == 0 && (count == 0 || n < count); n++) {
      auto t0 = Clock::now();
      struct timespec ts {};
      ts.tv_sec = static_cast<time_t>(interval);
      ts.tv_nsec = static_cast<long>((interval - static_cast<double>(ts.tv_sec)) * 1e9);
      nanosleep(&ts, nullptr);  // a signal ends the wait early
      Counters now = read();
      double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      print_counters(now, &before, secs, json, all);
      out_flush();
      before = std::move(now);
      if (duration > 0 && Clock::now() - start >= std::chrono::duration<double>(duration)) break;
    }
  } catch (const PipeClosed&) {
  }
  return 0;
}

}  // namespace netdrop::cli
