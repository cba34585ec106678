// netdropctl status: module state, ABI and open sessions.
#include <fmt/format.h>
#include <sys/stat.h>

#include <boost/program_options.hpp>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "format.hpp"
#include "reasons.hpp"
#include "session.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

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
      ",\"state\":\"{}\",\"self\":{},\"counts_in_kernel\":{},\"ring_size\":{},\"seen\":{},\"filtered\":{},\"recorded\":"
      "{},\"lost\":{},"
      "\"lost_per_cpu\":{{",
      session_state(e), (e.flags & NETDROP_SF_SELF) != 0, (e.options & NETDROP_OPT_AGGREGATE) != 0, e.ring_size, e.seen,
      e.filtered, e.recorded, e.lost);
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

}  // namespace netdrop::cli
