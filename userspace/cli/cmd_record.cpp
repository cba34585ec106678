// netdropctl record: raw records saved to a file for another machine.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "explain_context.hpp"
#include "explain_window.hpp"
#include "flight_recorder.hpp"
#include "recfile.hpp"
#include "record.hpp"
#include "session.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

int cmd_record(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  std::string path;
  FlightArgs fl;
  po::options_description d("record options");
  d.add_options()("help,h", "show this help")("output,o", po::value(&path)->required(),
                                              "file to write (with --ring: a directory)")(
      "ring", po::value(&fl.window_s), "flight recorder: keep the last S seconds in memory, write them on a trigger")(
      "trigger", po::value(&fl.triggers)->composing(),
      "with --ring: reason=NAME[,NAME], hook[=NAME], reset, counter=NAME+N/T, or KEY=VALUE[&...] "
      "(src, dst, host, sport, dport, port, proto); repeatable; SIGUSR1 always writes")(
      "ring-mb", po::value(&fl.max_mb), "with --ring: memory for the records kept (default 256 MiB)")(
      "holdoff", po::value(&fl.holdoff_s), "with --ring: seconds between two files (default: the --ring window)");
  add_filter_options(d, fa);
  add_capture_options(d, fa, true);
  add_limit_options(d, ca);
  po::variables_map vm;
  if (!parse(args, d, "record -o FILE [OPTIONS]", R"(  netdropctl record -o drops.ndr --duration 30
  netdropctl record -o drops.ndr --stack --snaplen 128 --src 10.0.2.8
  netdropctl record -o srv.ndr --netns srv -d 60   # then: netdropctl explain srv.ndr
  netdropctl record --ring 30 --trigger reason=SOCKET_RCVBUFF --trigger counter=UdpRcvbufErrors+100/5 -o /var/tmp
)",
             vm))
    return 0;
  if (vm.count("ring") != 0) {
    fl.dir = path;
    if (fl.holdoff_s < 0) fl.holdoff_s = fl.window_s;
    check_flight_args(fl);
    if (ca.count != 0) throw UsageError("--count is not available with --ring");
    return run_flight_recorder(fa, ca, fl);
  }
  if (!fl.triggers.empty() || vm.count("ring-mb") != 0 || vm.count("holdoff") != 0)
    throw UsageError("--trigger, --ring-mb and --holdoff need --ring");
  Live live(fa, ca);
  RecordWriter w(path);
  // What `explain FILE` needs besides the records, read at the edges.
  ExplainWindow window;
  window.begin(live, fa.netns);
  w.write_section(SectionType::info, &live.session.info(), sizeof(netdrop_info));
  std::string reasons;
  for (const Reason& r : live.reasons) reasons += fmt::format("{} {}\n", r.value, r.name);
  w.write_section(SectionType::reasons, reasons.data(), reasons.size());
  std::string rst;
  for (const Reason& r : live.session.reset_reasons()) rst += fmt::format("{} {}\n", r.value, r.name);
  w.write_section(SectionType::reset_reasons, rst.data(), rst.size());
  std::vector<std::byte> batch;
  AddressSet addrs;
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
        addrs.add(ev);
        n++;
        if (batch.size() > (1U << 20)) flush_batch();
      },
      0.5, flush_batch);
  flush_batch();
  std::string syms = live.symbols.subset_text(addrs.addresses());
  w.write_section(SectionType::symbols, syms.data(), syms.size());
  window.end(live);
  std::string context = format_explain_context(window.in, window.taints);
  w.write_section(SectionType::explain_context, context.data(), context.size());
  netdrop_stats st = live.session.stats();
  w.write_section(SectionType::stats, &st, sizeof(st));
  w.flush();
  fmt::print(stderr, "{} records written to {}\n", n, path);
  print_totals(st, n);
  return 0;
}

}  // namespace netdrop::cli
