// record --ring S --trigger EXPR -o DIR: the flight recorder.  Keeps the
// last S seconds of full records in memory and writes them to a file in
// DIR when a trigger fires (or on SIGUSR1), then goes on.
#include "flight_recorder.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "counters.hpp"
#include "flight.hpp"
#include "recfile.hpp"
#include "trigger.hpp"

namespace netdrop::cli {

namespace {

volatile std::sig_atomic_t g_usr1 = 0;

void on_usr1(int /*sig*/) { g_usr1 = 1; }

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string reasons_text(const std::vector<Reason>& reasons) {
  std::string s;
  for (const Reason& r : reasons) s += fmt::format("{} {}\n", r.value, r.name);
  return s;
}

std::string utc_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The addresses of the records held, for the file's symbols.
std::vector<uint64_t> addresses_of(const std::vector<std::byte>& records) {
  std::vector<uint64_t> addrs;
  Event ev;
  size_t off = 0;
  while (off < records.size()) {
    Decoded d = decode_event(Bytes(records).subspan(off), ev);
    if (d.status != DecodeStatus::ok && d.status != DecodeStatus::skipped) break;
    off += d.size;
    if (d.status == DecodeStatus::ok) append_addresses(ev, addrs);
  }
  return addrs;
}

struct Dump {
  std::string path;
  size_t records = 0;
  uint64_t lost = 0;
};

Dump write_window(Live& live, const FlightArgs& fl, const FlightBuffer& buf, const std::string& why, int n) {
  Dump d;
  d.path = fmt::format("{}/netdrop-flight-{}-{}.ndr", fl.dir, utc_stamp(), n);
  d.records = buf.records();
  d.lost = buf.lost_in_window();
  std::vector<std::byte> records = buf.contents();
  RecordWriter w(d.path);
  w.write_section(SectionType::info, &live.session.info(), sizeof(netdrop_info));
  std::string r = reasons_text(live.reasons), rr = reasons_text(live.session.reset_reasons());
  w.write_section(SectionType::reasons, r.data(), r.size());
  w.write_section(SectionType::reset_reasons, rr.data(), rr.size());
  w.write_section(SectionType::records, records.data(), records.size());
  std::string syms = live.symbols.subset_text(addresses_of(records));
  w.write_section(SectionType::symbols, syms.data(), syms.size());
  // The window's own figures: what it holds, and what it lost.
  netdrop_stats st{};
  st.recorded = d.records;
  st.lost = d.lost;
  st.seen = d.records + d.lost;
  w.write_section(SectionType::stats, &st, sizeof(st));
  std::string text = fmt::format("trigger {}; the last {} s: {} records, {} lost in the window\n", why, fl.window_s,
                                 d.records, d.lost);
  w.write_section(SectionType::flight, text.data(), text.size());
  w.flush();
  return d;
}

}  // namespace

void check_flight_args(const FlightArgs& fl) {
  if (!(fl.window_s > 0 && fl.window_s <= 3600))
    throw UsageError(fmt::format("bad --ring {}: seconds, more than 0 and at most 3600", fl.window_s));
  if (fl.max_mb == 0 || fl.max_mb > 65536)
    throw UsageError(fmt::format("bad --ring-mb {}: from 1 to 65536", fl.max_mb));
  if (fl.holdoff_s < 0) throw UsageError(fmt::format("bad --holdoff {}", fl.holdoff_s));
  struct stat sb {};
  if (stat(fl.dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode) || access(fl.dir.c_str(), W_OK) != 0)
    throw UsageError(fmt::format("bad -o '{}' with --ring: a writable directory", fl.dir));
}

int run_flight_recorder(const FilterArgs& fa, const CaptureArgs& ca, const FlightArgs& fl) {
  Live live(fa, ca);
  std::vector<Trigger> triggers;
  for (const std::string& t : fl.triggers)
    triggers.push_back(parse_trigger(t, live.reasons, drop_reasons_of(live.session.info())));
  for (const Trigger& t : triggers)
    if (t.kind == Trigger::Kind::reset && (live.spec.events & NETDROP_EV_RESET) == 0)
      throw UsageError(fmt::format("--trigger {}: needs --events drop,reset", t.text));
  std::map<size_t, CounterWatch> watches;
  for (size_t i = 0; i < triggers.size(); i++)
    if (triggers[i].kind == Trigger::Kind::counter)
      watches.emplace(i, CounterWatch(triggers[i].jump, triggers[i].within_s));
  if (!watches.empty() && !fa.netns.empty()) enter_netns(fa.netns);

  FlightBuffer buf(fl.window_s, fl.max_mb << 20);
  install_signal_handlers();
  std::signal(SIGUSR1, on_usr1);
  live.session.enable();
  auto start = Clock::now();
  double last_dump = -1e9, next_counters = 0;
  std::string pending;  // the trigger that fired, "" for none
  int dumps = 0;
  Event ev;
  auto handle = [&](Bytes rec) {
    if (decode_event(rec, ev).status != DecodeStatus::ok || !live.spec.wants(ev)) return;
    buf.push(seconds_since(start), rec);
    if (!pending.empty()) return;
    for (const Trigger& t : triggers)
      if (fires(t, ev)) {
        pending = t.text;
        break;
      }
  };
  fmt::print(stderr, "netdropctl: flight recorder: keeping the last {} s; {} trigger(s), SIGUSR1 writes now\n",
             fl.window_s, triggers.size());
  while (g_stop == 0) {
    live.session.poll_once(100, handle);
    double now = seconds_since(start);
    buf.note_lost(now, live.session.stats().lost);
    if (!watches.empty() && now >= next_counters) {
      Counters c = read_counters();
      for (auto& [i, w] : watches) {
        auto it = c.find(triggers[i].counter);
        if (it != c.end() && w.add(now, it->second) && pending.empty()) {
          pending = triggers[i].text;
          w.clear();
        }
      }
      next_counters = now + 0.5;
    }
    if (g_usr1 != 0) {
      g_usr1 = 0;
      pending = "SIGUSR1";
    }
    buf.expire(now);
    if (!pending.empty() && (pending == "SIGUSR1" || now - last_dump >= fl.holdoff_s)) {
      Dump d = write_window(live, fl, buf, pending, ++dumps);
      fmt::print(stderr, "netdropctl: {} fired: {} records ({} lost in the window) written to {}\n", pending, d.records,
                 d.lost, d.path);
      last_dump = now;
    }
    pending.clear();
    if (ca.duration > 0 && now >= ca.duration) break;
  }
  live.session.disable();
  fmt::print(stderr, "netdropctl: flight recorder: {} file(s) written\n", dumps);
  return 0;
}

}  // namespace netdrop::cli
