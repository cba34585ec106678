#include "verdicts.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "session.hpp"

namespace netdrop {

VerdictSnapshot read_verdicts(int dev_fd, int netns_fd) {
  netdrop_verdicts_req req{};
  req.netns_fd = netns_fd;
  std::vector<netdrop_hook_entry> entries;
  std::vector<netdrop_hook_verdicts> counts;
  // The lists can grow between the two calls: retry with more room.
  for (int attempt = 0; attempt < 5; attempt++) {
    req.hooks = reinterpret_cast<uintptr_t>(entries.data());
    req.verdicts = reinterpret_cast<uintptr_t>(counts.data());
    auto cap = static_cast<uint32_t>(entries.size());
    req.count = cap;
    if (ioctl(dev_fd, NETDROP_IOC_GET_VERDICTS, &req) != 0) {
      if (errno == ENOTTY)
        throw SystemError("the loaded netdrop.ko does not count hook verdicts (it predates ABI 1.2): reload it");
      throw SystemError(fmt::format("reading hook verdicts: {}", std::strerror(errno)));
    }
    if (req.count <= cap) {
      entries.resize(req.count);
      counts.resize(req.count);
      break;
    }
    entries.resize(req.count + 16);
    counts.resize(req.count + 16);
  }
  VerdictSnapshot snap;
  snap.netns = req.netns;
  snap.since_ns = req.since_ns;
  snap.missed = req.missed;
  snap.hooks.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); i++) {
    HookVerdicts hv;
    hv.hook.raw = entries[i];
    hv.hook.netns = req.netns;
    if (!hv.hook.module().empty()) hv.hook.taint = module_taint(hv.hook.module());
    hv.counts = counts[i];
    snap.hooks.push_back(std::move(hv));
  }
  return snap;
}

std::vector<HookVerdicts> verdict_delta(const VerdictSnapshot& before, const VerdictSnapshot& after) {
  if (before.since_ns != after.since_ns)
    throw SystemError("hook verdict counting restarted during the window: every session with hooks closed");
  std::vector<HookVerdicts> out;
  for (const HookVerdicts& a : after.hooks) {
    HookVerdicts d = a;
    for (const HookVerdicts& b : before.hooks) {
      if (b.counts.id != a.counts.id) continue;
      d.counts.accepted -= b.counts.accepted;
      d.counts.dropped -= b.counts.dropped;
      d.counts.stolen -= b.counts.stolen;
      d.counts.queued -= b.counts.queued;
      break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string format_verdicts_text(const netdrop_hook_verdicts& v) {
  std::string s = fmt::format("passed {} dropped {}", v.accepted, v.dropped);
  if (v.stolen != 0) s += fmt::format(" stolen {}", v.stolen);
  if (v.queued != 0) s += fmt::format(" queued {}", v.queued);
  return s;
}

std::string format_verdicts_json(const HookVerdicts& hv) {
  std::string out = format_hook_json(hv.hook);
  out.pop_back();  // the closing brace
  out += fmt::format(",\"accepted\":{},\"dropped\":{},\"stolen\":{},\"queued\":{}}}", hv.counts.accepted,
                     hv.counts.dropped, hv.counts.stolen, hv.counts.queued);
  return out;
}

}  // namespace netdrop
