#include "common.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "netns.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

volatile std::sig_atomic_t g_stop = 0;

namespace {

void on_signal(int /*sig*/) { g_stop = 1; }

}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void out(std::string_view s) {
  if (fwrite(s.data(), 1, s.size(), stdout) != s.size()) {
    if (errno == EPIPE) throw PipeClosed{};
    throw SystemError(fmt::format("writing output: {}", std::strerror(errno)));
  }
}

void out_flush() {
  if (fflush(stdout) != 0 && errno == EPIPE) throw PipeClosed{};
}

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

namespace {

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
  s.aggregate = a.aggregate;
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

}  // namespace

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

bool parse(const Args& args, const po::options_description& desc, std::string_view synopsis, std::string_view examples,
           po::variables_map& vm, const po::positional_options_description* positional) {
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

void add_limit_options(po::options_description& d, CaptureArgs& c) {
  d.add_options()("count,c", po::value(&c.count), "stop after N records")(
      "duration,d", po::value(&c.duration), "stop after SECONDS")("ring-kb", po::value(&c.ring_kb),
                                                                  "per-CPU ring size in KiB (power of two)");
}

namespace {

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

}  // namespace

Live::Live(const FilterArgs& fa, const CaptureArgs& ca)
    : session((build_static_spec(fa), NETDROP_DEVICE)), reasons(session.reasons()) {
  spec = build_spec(fa, reasons, drop_reasons_of(session.info()), symbols);
  if (ca.ring_kb != 0) {
    session.set_ring_size(ca.ring_kb * 1024);
  } else if (fa.aggregate && (spec.events & NETDROP_EV_RESET) == 0) {
    // Counting drops writes no record: the smallest rings do.
    session.set_ring_size(kMinRingBytes);
  }
  // Wake up when an eighth of a ring is filled, not for every record:
  // under a drop storm a wakeup per drop costs more than the record.
  // The 100 ms poll timeout bounds how late a lone drop is shown.
  session.set_watermark(session.info().ring_size / 8);
  if (spec.aggregate && !module_aggregates(session.info())) {
    fmt::print(stderr, "netdropctl: netdrop.ko (ABI {}.{}) does not count in the kernel: counting its records\n",
               session.info().abi_major, session.info().abi_minor);
    spec.aggregate = false;
  }
  set_filter_or_without_hooks(session, spec, fa);
  session.map_rings();
  ctx = view_context(session.info(), reasons, session.reset_reasons(), symbols);
}

void run_capture(Live& live, const CaptureArgs& ca, const std::function<void(Bytes, const Event&)>& on_event,
                 double tick_s, const std::function<void()>& on_tick) {
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

namespace {

AggSnapshot only_dev(AggSnapshot snap, const std::optional<std::string>& dev) {
  if (!dev) return snap;
  for (auto it = snap.rows.begin(); it != snap.rows.end();) {
    if (it->second.ifname == *dev) {
      ++it;
      continue;
    }
    snap.counted -= it->second.count;
    it = snap.rows.erase(it);
  }
  return snap;
}

}  // namespace

AggSnapshot run_counting(Live& live, const CaptureArgs& ca, double tick_s,
                         const std::function<void(const AggSnapshot&)>& on_tick) {
  install_signal_handlers();
  live.session.enable();
  auto start = Clock::now();
  auto tick = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick_s));
  auto next_tick = start + tick;
  AggSnapshot first = read_agg(live.session.fd());
  AggSnapshot last = first;
  while (g_stop == 0) {
    auto now = Clock::now();
    if (ca.duration > 0 && now - start >= std::chrono::duration<double>(ca.duration)) break;
    if (on_tick && now >= next_tick) {
      AggSnapshot snap = read_agg(live.session.fd());
      on_tick(only_dev(agg_delta(last, snap), live.spec.dev));
      out_flush();
      last = std::move(snap);
      next_tick += tick;
    }
    usleep(20'000);
  }
  live.session.disable();
  return only_dev(agg_delta(first, read_agg(live.session.fd())), live.spec.dev);
}

void print_totals(const netdrop_stats& st, uint64_t shown) {
  fmt::print(stderr, "{} drops shown; kernel: {} seen, {} filtered out, {} recorded, {} lost (ring full)\n", shown,
             st.seen, st.filtered, st.recorded, st.lost);
}

namespace {

std::string pcap_comment(const Drop& d, ViewContext& ctx) {
  Resolved loc = ctx.symbols->resolve(d.raw.location);
  std::string c = format_location(loc, d.raw.location);
  if (std::string reason = ctx.reason_name(d.raw.reason); !reason.empty()) c += " " + reason;
  if (loc.sym != nullptr && !loc.sym->module.empty()) c += fmt::format(" [{}]", loc.sym->module);
  if (!d.ifname().empty()) c += fmt::format(" dev {}", d.ifname());
  c += fmt::format(" netns {}", d.raw.netns);
  return c;
}

}  // namespace

void StreamView::show(const Event& ev, ViewContext& ctx) {
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

}  // namespace netdrop::cli
