// netdropctl counters: SNMP, netstat, softnet and device counters.
#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>

#include "commands.hpp"
#include "common.hpp"
#include "counters.hpp"
#include "filter.hpp"
#include "format.hpp"
#include "netns.hpp"
#include "session.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

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
