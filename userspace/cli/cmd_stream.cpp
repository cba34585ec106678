// netdropctl stream: each dropped packet as it happens.
#include <boost/program_options.hpp>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "filter.hpp"
#include "record.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

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

}  // namespace netdrop::cli
