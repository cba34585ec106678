// netdropctl dump-hooks: netfilter hooks per family and hook point.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
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

}  // namespace

int cmd_dump_hooks(const Args& args) {
  std::string family = "all", hook, netns;
  bool all = false, json = false;
  po::options_description d("dump-hooks options");
  d.add_options()("help,h", "show this help")("family", po::value(&family),
                                              "ipv4, ipv6, arp, bridge, netdev or all (default)")(
      "hook", po::value(&hook), "prerouting, local-in, forward, local-out, postrouting, ingress, egress")(
      "netns", po::value(&netns), "network namespace: NAME, PATH or PID (default: ours)")(
      "all-netns", po::bool_switch(&all), "every network namespace")("json", po::bool_switch(&json),
                                                                     "one JSON object per hook");
  po::variables_map vm;
  if (!parse(args, d, "dump-hooks [OPTIONS]", R"(  netdropctl dump-hooks --hook local-in
  netdropctl dump-hooks --family ipv4 --netns srv
  netdropctl dump-hooks --all-netns --json
)",
             vm))
    return 0;
  std::optional<uint8_t> pf;
  if (family != "all") pf = parse_pf(family);
  if (!hook.empty()) check_hook_name(hook);
  if (all && !netns.empty()) throw UsageError("--netns and --all-netns exclude each other");
  std::vector<NetnsRef> targets;
  if (all)
    targets = all_netns();
  else if (!netns.empty())
    targets.push_back({netns, netns_path(netns)});
  else
    targets.push_back({"", ""});
  if (!netns.empty()) netns_inode(netns);  // names a bad value before anything else

  Session session;
  std::vector<Hook> hooks;
  std::vector<std::pair<uint32_t, std::string>> labels;
  for (const NetnsRef& t : targets) {
    Fd fd(t.path.empty() ? -1 : open(t.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!t.path.empty() && fd.get() < 0)
      throw UsageError(fmt::format("bad --netns '{}': {}", t.label, std::strerror(errno)));
    uint32_t ino = 0;
    auto got = read_hooks(session.fd(), fd.get(), &ino);
    labels.emplace_back(ino, t.label);
    for (Hook& h : got) {
      if (pf && h.raw.pf != *pf) continue;
      if (!hook.empty() && parse_hook(hook, h.raw.pf) != h.raw.hooknum) continue;
      hooks.push_back(std::move(h));
    }
  }
  sort_hooks(hooks);
  auto label_of = [&](uint32_t ino) {
    for (auto& [i, l] : labels)
      if (i == ino) return l;
    return std::string();
  };
  std::vector<std::string> third;
  try {
    std::string last_group;
    for (const Hook& h : hooks) {
      if (h.third_party())
        third.push_back(fmt::format("{} {} {} [{}] (netns {})", pf_name(h.raw.pf), hook_name(h.raw.pf, h.raw.hooknum),
                                    h.function(), h.module(), h.netns));
      if (json) {
        out(format_hook_json(h) + "\n");
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
      out(format_hook_text(h) + "\n");
    }
    if (!json) {
      if (hooks.empty()) out("no netfilter hooks registered\n");
      out(fmt::format("\n{} hooks, {} third-party{}\n", hooks.size(), third.size(), third.empty() ? "" : ":"));
      for (const std::string& t : third) out(fmt::format("  {}\n", t));
    }
    out_flush();
  } catch (const PipeClosed&) {
  }
  return 0;
}

}  // namespace netdrop::cli
