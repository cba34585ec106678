#include "explain_window.hpp"

#include <fmt/format.h>

#include <chrono>

#include "counters.hpp"
#include "explain_input.hpp"
#include "hooks.hpp"
#include "netns.hpp"
#include "nft.hpp"
#include "sockets.hpp"

namespace netdrop::cli {

namespace {

// The namespace's nf_tables rules; a kernel or namespace without nf_tables
// has none, and an error leaves explain without rule handles, not without
// findings.
std::vector<NftRule> rules(ExplainWindow& w) {
  try {
    return read_nft_rules();
  } catch (const SystemError& e) {
    w.nft_error = e.what();
    return {};
  }
}

// The hook inventory; without it, findings still name the hook a drop
// record carries.
void read_inventory(ExplainWindow& w, Live& live) {
  uint32_t ino = 0;
  std::vector<Hook> hooks;
  try {
    hooks = read_hooks(live.session.fd(), -1, &ino);
  } catch (const SystemError& e) {
    fmt::print(stderr, "netdropctl: no hook inventory: {}\n", e.what());
  }
  for (const Hook& h : hooks) {
    w.in.hooks.push_back(explain_hook(h));
    if (!h.module().empty()) w.taints.emplace(std::string(h.module()), h.taint);
  }
}

}  // namespace

void ExplainWindow::begin(Live& live, const std::string& netns_spec) {
  netns = netns_spec.empty() ? netns_inode("/proc/self/ns/net") : netns_inode(netns_spec);
  // Some are the machine's, not a namespace's (net.core.netdev_max_backlog
  // exists in the initial namespace only): read here first, then the
  // namespace's own values where it has them.
  auto global = read_explain_sysctls();
  if (!netns_spec.empty()) enter_netns(netns_spec);
  in.sysctls = read_explain_sysctls();
  in.sysctls.merge(global);
  in.before = read_counters();
  in.rules_before = rules(*this);
  read_inventory(*this, live);
  start = Clock::now();
}

void ExplainWindow::end(Live& live) {
  in.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  in.after = read_counters();
  in.rules_after = rules(*this);
  // Without sock_diag (no inet_diag module), findings still come, without
  // the socket evidence.
  try {
    in.sockets = read_sockets(netns);
    find_owners(in.sockets);
  } catch (const SystemError& e) {
    fmt::print(stderr, "netdropctl: no sockets: {}\n", e.what());
  }
  netdrop_stats st = live.session.stats();
  in.recorded = st.recorded;
  in.lost = st.lost;
  in.ring_kb = live.session.info().ring_size / 1024;
}

void note_nft_error(std::vector<Finding>& findings, const std::string& nft_error) {
  if (nft_error.empty()) return;
  for (Finding& f : findings)
    if (f.kind == "firewall") f.evidence.push_back(fmt::format("the nft rules could not be read: {}", nft_error));
}

}  // namespace netdrop::cli
