// netdropctl dump-hooks: netfilter hooks per family and hook point.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "filter.hpp"
#include "hooks.hpp"
#include "netns.hpp"
#include "session.hpp"
#include "verdicts.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

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

// A session that records no drop (its one location range holds no kernel
// text) but keeps hook attribution on, and with it the module's per-hook
// verdict counts.
void start_verdict_counting(Session& session) {
  netdrop_filter f{};
  f.size = sizeof(f);
  f.fields = NETDROP_F_LOCATION;
  f.options = NETDROP_OPT_HOOKS;
  f.nr_locations = 1;
  f.locations[0] = {1, 2};
  session.set_ring_size(8 << 10);  // the smallest ring the module takes
  session.set_filter(f);
  session.enable();
}

// Waits out the window, or until SIGINT/SIGTERM ends it early; returns the
// seconds it lasted, which is what the counts cover.
double sleep_window(double seconds) {
  install_signal_handlers();
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  while (g_stop == 0 && Clock::now() < end) usleep(50'000);
  return std::min(seconds, std::chrono::duration<double>(Clock::now() - start).count());
}

bool wanted(const Hook& h, const std::optional<uint8_t>& pf, const std::string& hook) {
  if (pf && h.raw.pf != *pf) return false;
  return hook.empty() || parse_hook(hook, h.raw.pf) == h.raw.hooknum;
}

}  // namespace

int cmd_dump_hooks(const Args& args) {
  std::string family = "all", hook, netns;
  bool all = false, json = false;
  double verdicts = 0;
  po::options_description d("dump-hooks options");
  d.add_options()("help,h", "show this help")("family", po::value(&family),
                                              "ipv4, ipv6, arp, bridge, netdev or all (default)")(
      "hook", po::value(&hook), "prerouting, local-in, forward, local-out, postrouting, ingress, egress")(
      "netns", po::value(&netns), "network namespace: NAME, PATH or PID (default: ours)")(
      "all-netns", po::bool_switch(&all), "every network namespace")(
      "verdicts", po::value(&verdicts), "count for S seconds what each hook passed and dropped")(
      "json", po::bool_switch(&json), "one JSON object per hook");
  po::variables_map vm;
  if (!parse(args, d, "dump-hooks [OPTIONS]", R"(  netdropctl dump-hooks --hook local-in
  netdropctl dump-hooks --family ipv4 --netns srv
  netdropctl dump-hooks --all-netns --json
  netdropctl dump-hooks --verdicts 10 --hook local-in
)",
             vm))
    return 0;
  std::optional<uint8_t> pf;
  if (family != "all") pf = parse_pf(family);
  if (!hook.empty()) check_hook_name(hook);
  if (all && !netns.empty()) throw UsageError("--netns and --all-netns exclude each other");
  if (vm.count("verdicts") != 0 && !(verdicts > 0 && verdicts <= 86400))
    throw UsageError(fmt::format("bad --verdicts '{}': seconds, more than 0 and at most 86400", verdicts));
  std::vector<NetnsRef> targets;
  if (all)
    targets = all_netns();
  else if (!netns.empty())
    targets.push_back({netns, netns_path(netns)});
  else
    targets.push_back({"", ""});
  if (!netns.empty()) netns_inode(netns);  // names a bad value before anything else

  Session session;
  std::vector<Fd> fds;
  for (const NetnsRef& t : targets) {
    fds.emplace_back(t.path.empty() ? -1 : open(t.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!t.path.empty() && fds.back().get() < 0)
      throw UsageError(fmt::format("bad --netns '{}': {}", t.label, std::strerror(errno)));
  }
  // Every hook listed, with what it returned in the window when counting.
  std::vector<HookVerdicts> rows;
  std::vector<std::pair<uint32_t, std::string>> labels;
  uint64_t missed = 0;
  double window = 0;
  if (verdicts > 0) {
    start_verdict_counting(session);
    std::vector<VerdictSnapshot> before;
    for (const Fd& fd : fds) before.push_back(read_verdicts(session.fd(), fd.get()));
    window = sleep_window(verdicts);
    for (size_t i = 0; i < fds.size(); i++) {
      VerdictSnapshot after = read_verdicts(session.fd(), fds[i].get());
      labels.emplace_back(after.netns, targets[i].label);
      missed = after.missed - before[i].missed;
      for (HookVerdicts& hv : verdict_delta(before[i], after))
        if (wanted(hv.hook, pf, hook)) rows.push_back(std::move(hv));
    }
  } else {
    for (size_t i = 0; i < fds.size(); i++) {
      uint32_t ino = 0;
      auto got = read_hooks(session.fd(), fds[i].get(), &ino);
      labels.emplace_back(ino, targets[i].label);
      for (Hook& h : got)
        if (wanted(h, pf, hook)) rows.push_back({std::move(h), {}});
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const HookVerdicts& a, const HookVerdicts& b) { return hook_order_before(a.hook, b.hook); });
  auto label_of = [&](uint32_t ino) {
    for (auto& [i, l] : labels)
      if (i == ino) return l;
    return std::string();
  };
  std::vector<std::string> third;
  try {
    std::string last_group;
    for (const HookVerdicts& row : rows) {
      const Hook& h = row.hook;
      if (h.third_party())
        third.push_back(fmt::format("{} {} {} [{}] (netns {})", pf_name(h.raw.pf), hook_name(h.raw.pf, h.raw.hooknum),
                                    h.function(), h.module(), h.netns));
      if (json) {
        out((verdicts > 0 ? format_verdicts_json(row) : format_hook_json(h)) + "\n");
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
      std::string line = format_hook_text(h);
      if (verdicts > 0) line += fmt::format("\n  {:>11} {}", "", format_verdicts_text(row.counts));
      out(line + "\n");
    }
    if (!json) {
      if (rows.empty()) out("no netfilter hooks registered\n");
      out(fmt::format("\n{} hooks, {} third-party{}\n", rows.size(), third.size(), third.empty() ? "" : ":"));
      for (const std::string& t : third) out(fmt::format("  {}\n", t));
      if (verdicts > 0)
        out(fmt::format(
            "verdicts counted over {:.1f} s{}\n", window,
            missed != 0 ? fmt::format("; {} hook calls were not counted (probes missed them)", missed) : ""));
    }
    out_flush();
  } catch (const PipeClosed&) {
  }
  return 0;
}

}  // namespace netdrop::cli
