// netdropctl: where and why the kernel drops packets.
#include <fmt/format.h>

#include <boost/program_options/errors.hpp>
#include <csignal>
#include <cstdio>
#include <string_view>

#include "commands.hpp"
#include "filter.hpp"
#include "session.hpp"

namespace {

constexpr std::string_view usage = R"(usage: netdropctl COMMAND [OPTIONS]

Where and why the kernel drops packets, from the netdrop kernel module.

Commands:
  stream      print each dropped packet as it happens
  summary     count drops per location (or reason, source, ...) each interval
  status      module state, ABI version, tracepoint in use
  reasons     the drop reason names of the running kernel
  dump-hooks  netfilter hooks per family and hook point; flags third-party hooks
  counters    SNMP, netstat, softnet and device counters; with --interval, what moved
  explain     a window of drops, resets, counters and sockets as ranked findings
  record      save raw records to a file, readable on another machine
  report      show a recorded file as stream or summary
  exporter    serve what netdrop counts to Prometheus (/metrics) or a textfile
  service     run what netdrop.conf turns on (exporter, flight recorder, JSON lines)

Examples:
  netdropctl stream --src 10.0.2.8
  netdropctl stream --proto tcp --dport 443 --stack --json
  netdropctl summary --interval 1 --by location
  netdropctl dump-hooks --hook local-in
  netdropctl stream --events drop,reset --port 3306
  netdropctl counters --interval 1
  netdropctl record -o drops.ndr --duration 30 && netdropctl report drops.ndr

Run 'netdropctl COMMAND --help' for the options of a command.
)";

struct Command {
  std::string_view name;
  int (*run)(const netdrop::cli::Args&);
};

constexpr Command commands[] = {
    {"stream", netdrop::cli::cmd_stream},         {"summary", netdrop::cli::cmd_summary},
    {"status", netdrop::cli::cmd_status},         {"reasons", netdrop::cli::cmd_reasons},
    {"record", netdrop::cli::cmd_record},         {"report", netdrop::cli::cmd_report},
    {"dump-hooks", netdrop::cli::cmd_dump_hooks}, {"counters", netdrop::cli::cmd_counters},
    {"explain", netdrop::cli::cmd_explain},       {"exporter", netdrop::cli::cmd_exporter},
    {"service", netdrop::cli::cmd_service},
};

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    fmt::print(stderr, "{}", usage);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    fmt::print("{}", usage);
    return 0;
  }
  if (name == "--version" || name == "-V") {
    fmt::print("netdropctl {} (ABI {}.{})\n", NETDROP_VERSION, NETDROP_ABI_MAJOR, NETDROP_ABI_MINOR);
    return 0;
  }
  netdrop::cli::Args args(argv + 2, argv + argc);
  for (const Command& c : commands) {
    if (c.name != name) continue;
    try {
      return c.run(args);
    } catch (const netdrop::UsageError& e) {
      fmt::print(stderr, "netdropctl {}: {}\n", name, e.what());
      return 2;
    } catch (const boost::program_options::error& e) {
      fmt::print(stderr, "netdropctl {}: {}\n", name, e.what());
      return 2;
    } catch (const netdrop::SystemError& e) {
      fmt::print(stderr, "netdropctl {}: {}\n", name, e.what());
      return 1;
    }
  }
  fmt::print(stderr, "netdropctl: unknown command '{}' (see netdropctl --help)\n", name);
  return 2;
}
