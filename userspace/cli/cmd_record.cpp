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
#include "recfile.hpp"
#include "record.hpp"
#include "session.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

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
  netdropctl record -o srv.ndr --netns srv -d 60   # then: netdropctl explain srv.ndr
)",
             vm))
    return 0;
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
