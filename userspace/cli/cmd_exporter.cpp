// netdropctl exporter: what netdrop counts, for Prometheus (HTTP /metrics)
// and node_exporter's textfile collector.
//
// Two sessions: one counts drops in the kernel (no records), one records
// resets (rare) and the exporter counts them.  A scrape reads the kernel's
// tables then and there; nothing is cached between scrapes.
#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "commands.hpp"
#include "common.hpp"
#include "counters.hpp"
#include "exposition.hpp"
#include "hooks.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

namespace {

struct Listen {
  std::string host;
  int port = 0;
};

Listen parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size())
    throw UsageError(fmt::format("bad --listen '{}': ADDR:PORT, e.g. 127.0.0.1:9597", text));
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (host.empty() || *end != '\0' || p < 1 || p > 65535)
    throw UsageError(fmt::format("bad --listen '{}': ADDR:PORT, e.g. 127.0.0.1:9597", text));
  return {host, static_cast<int>(p)};
}

// The reset session: records, counted here.
struct ResetCounter {
  Session session;
  std::map<Labels, uint64_t> counts;

  explicit ResetCounter(const FilterSpec& drops) {
    FilterSpec spec = drops;
    spec.aggregate = false;
    spec.hooks = false;
    spec.events = NETDROP_EV_RESET;
    session.set_ring_size(64 * 1024);
    session.set_filter(spec.to_kernel());
    session.map_rings();
  }
};

class Exporter {
 public:
  Exporter(Live& drops, ResetCounter& resets, size_t top) : drops_(drops), resets_(resets), bound_(top) {}

  void start() {
    drops_.session.enable();
    resets_.session.enable();
    first_ = read_agg(drops_.session.fd());
  }

  void stop() {
    resets_.session.disable();
    drops_.session.disable();
  }

  // Counts the resets waiting in the rings (the main loop, every 200 ms).
  void poll_resets() {
    Event ev;
    resets_.session.poll_once(200, [&](Bytes rec) {
      if (decode_event(rec, ev).status != DecodeStatus::ok || !ev.is_reset()) return;
      std::lock_guard<std::mutex> lock(mu_);
      resets_.counts[reset_labels(ev.reset, drops_.ctx)]++;
    });
  }

  // The whole exposition, read now.
  std::string render() {
    std::lock_guard<std::mutex> lock(mu_);
    AggSnapshot now = agg_delta(first_, read_agg(drops_.session.fd()));
    uint64_t lost = drops_.session.stats().lost + resets_.session.stats().lost;
    uint32_t ino = 0;
    std::vector<Hook> hooks;
    try {
      hooks = read_hooks(drops_.session.fd(), -1, &ino);
    } catch (const SystemError&) {
    }
    std::vector<MetricFamily> f;
    f.push_back(drops_family(now, drops_.ctx, bound_));
    f.push_back(resets_family(resets_.counts));
    f.push_back(lost_family(lost));
    f.push_back(hooks_family(hooks));
    f.push_back(counters_family(read_counters()));
    return render_metrics(f);
  }

 private:
  Live& drops_;
  ResetCounter& resets_;
  BoundedSeries bound_;
  AggSnapshot first_;
  std::mutex mu_;
};

// DIR/netdrop.prom, replaced whole (node_exporter reads *.prom files).
void write_textfile(const std::string& dir, const std::string& text) {
  std::string tmp = dir + "/.netdrop.prom.tmp", path = dir + "/netdrop.prom";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) throw SystemError(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
    throw SystemError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

}  // namespace

int cmd_exporter(const Args& args) {
  FilterArgs fa;
  CaptureArgs ca;
  std::string listen, textfile;
  double interval = 15;
  size_t top = 100;
  po::options_description d("exporter options");
  d.add_options()("help,h", "show this help")("listen", po::value(&listen),
                                              "serve /metrics on ADDR:PORT (e.g. 127.0.0.1:9597)")(
      "textfile", po::value(&textfile), "write DIR/netdrop.prom for node_exporter's textfile collector")(
      "interval", po::value(&interval), "seconds between textfile writes (default 15)")(
      "top", po::value(&top), "drop series with labels of their own (default 100; the rest: \"other\")")(
      "no-hooks", po::bool_switch(&fa.no_hooks), "do not name the netfilter hook that dropped");
  add_filter_options(d, fa);
  d.add_options()("duration,d", po::value(&ca.duration), "stop after S seconds");
  po::variables_map vm;
  if (!parse(args, d, "exporter (--listen ADDR:PORT | --textfile DIR) [OPTIONS]",
             R"(  netdropctl exporter --listen 127.0.0.1:9597
  netdropctl exporter --textfile /var/lib/prometheus/node-exporter --interval 15
  netdropctl exporter --listen [::]:9597 --top 50 --no-hooks
)",
             vm))
    return 0;
  if (listen.empty() && textfile.empty()) throw UsageError("exporter: --listen ADDR:PORT or --textfile DIR");
  if (!(interval > 0 && interval <= 86400))
    throw UsageError(fmt::format("bad --interval {}: seconds, more than 0 and at most 86400", interval));
  if (top == 0 || top > 100000) throw UsageError(fmt::format("bad --top {}: from 1 to 100000", top));
  if (fa.events != "drop") throw UsageError("exporter: resets are always counted; --events is not an option here");
  if (!fa.dev.empty()) throw UsageError("exporter: --dev is not available (every device is a label value)");
  if (!textfile.empty() && access(textfile.c_str(), W_OK) != 0)
    throw UsageError(fmt::format("bad --textfile '{}': {}", textfile, std::strerror(errno)));
  std::optional<Listen> where;
  if (!listen.empty()) where = parse_listen(listen);

  fa.aggregate = true;
  fa.hooks_by_default = true;
  Live drops(fa, ca);
  if (!drops.spec.aggregate) throw SystemError("exporter: netdrop.ko is too old to count in the kernel (ABI 1.4)");
  ResetCounter resets(drops.spec);
  Exporter exporter(drops, resets, top);

  httplib::Server server;
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    try {
      res.set_content(exporter.render(), "text/plain; version=0.0.4; charset=utf-8");
    } catch (const std::exception& e) {
      res.status = 500;
      res.set_content(fmt::format("netdrop exporter: {}\n", e.what()), "text/plain");
    }
  });
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a
  // second exporter would bind the same port and share its scrapes.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  if (where && !server.bind_to_port(where->host, where->port))
    throw SystemError(fmt::format("exporter: cannot listen on {}: {}", listen, std::strerror(errno)));

  install_signal_handlers();
  exporter.start();
  std::thread http;
  if (where) http = std::thread([&] { server.listen_after_bind(); });
  fmt::print(stderr, "netdropctl exporter: {}{}{}\n", where ? fmt::format("serving http://{}/metrics", listen) : "",
             where && !textfile.empty() ? ", " : "",
             textfile.empty() ? "" : fmt::format("writing {}/netdrop.prom every {} s", textfile, interval));
  auto start = Clock::now();
  auto next_write = start;
  int rc = 0;
  try {
    while (g_stop == 0) {
      exporter.poll_resets();
      auto now = Clock::now();
      if (!textfile.empty() && now >= next_write) {
        write_textfile(textfile, exporter.render());
        next_write += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval));
      }
      if (ca.duration > 0 && now - start >= std::chrono::duration<double>(ca.duration)) break;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "netdropctl: {}\n", e.what());
    rc = 1;
  }
  if (!textfile.empty() && rc == 0) write_textfile(textfile, exporter.render());
  server.stop();
  if (http.joinable()) http.join();
  exporter.stop();
  return rc;
}

}  // namespace netdrop::cli
