#include "explain_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "fileio.hpp"
#include "hooks.hpp"

namespace netdrop {

namespace {

std::string fixed(const char* s, size_t n) { return {s, strnlen(s, n)}; }

ExplainHook hook_of(const Drop& d, std::map<std::string, std::string>& taints) {
  const netdrop_hook_names& n = *d.hook_names;
  const netdrop_hook_info& h = d.raw.hook;
  ExplainHook e;
  e.function = fixed(n.func, sizeof(n.func));
  e.module = fixed(n.module, sizeof(n.module));
  e.family = pf_name(h.pf);
  e.hook = hook_name(h.pf, h.hooknum);
  e.type = ops_type_name(h.ops_type);
  e.table = fixed(n.table, sizeof(n.table));
  e.chain = fixed(n.chain, sizeof(n.chain));
  e.rule = n.rule;
  e.priority = h.priority;
  e.xtables = e.type.empty() && !e.table.empty();
  if (!e.module.empty()) {
    auto it = taints.find(e.module);
    if (it == taints.end()) it = taints.emplace(e.module, module_taint(e.module)).first;
    e.third_party = it->second.find_first_of("OE") != std::string::npos;
    if (e.third_party) e.taint = describe_taint(it->second);
  }
  return e;
}

}  // namespace

ExplainDrop explain_drop(const Drop& d, ViewContext& ctx, std::map<std::string, std::string>& taints) {
  const netdrop_drop& r = d.raw;
  ExplainDrop e;
  Resolved loc = ctx.symbols->resolve(r.location);
  if (loc.sym != nullptr) {
    e.function = loc.sym->name;
    e.module = loc.sym->module;
  } else {
    e.function = fmt::format("0x{:x}", r.location);
  }
  e.reason = ctx.reason_name(r.reason);
  e.netns = r.netns;
  e.ifname = d.ifname();
  if (d.has(NETDROP_RF_DECODED)) {
    e.family = family_name(r.family);
    e.proto = l4_name(r.l4proto);
    e.src = format_addr(r.family, r.saddr);
    e.dst = format_addr(r.family, r.daddr);
    e.sport = r.sport;
    e.dport = r.dport;
  }
  if (d.hook_names) e.hook = hook_of(d, taints);
  return e;
}

ExplainReset explain_reset(const Reset& r) {
  const netdrop_reset& x = r.raw;
  ExplainReset e;
  e.kind = reset_kind_name(x.kind);
  e.state = std::string(tcp_state_name(x.state));
  e.facts = reset_facts(x.facts);
  e.comm = r.comm();
  e.pid = x.pid;
  e.netns = x.netns;
  e.family = family_name(x.family);
  e.src = format_addr(x.family, x.saddr);
  e.dst = format_addr(x.family, x.daddr);
  e.sport = x.sport;
  e.dport = x.dport;
  return e;
}

ExplainHook explain_hook(const Hook& h) {
  ExplainHook e;
  e.function = h.function();
  e.module = h.module();
  e.family = pf_name(h.raw.pf);
  e.hook = hook_name(h.raw.pf, h.raw.hooknum);
  e.type = ops_type_name(h.raw.ops_type);
  e.table = h.table();
  e.chain = h.chain();
  e.priority = h.raw.priority;
  e.xtables = e.type.empty() && !e.table.empty();
  e.third_party = h.third_party();
  if (e.third_party) e.taint = describe_taint(h.taint);
  e.netns = h.netns;
  return e;
}

std::map<std::string, std::string> read_explain_sysctls(const std::string& root) {
  std::map<std::string, std::string> out;
  for (std::string name : {"net.core.rmem_default", "net.core.rmem_max", "net.core.netdev_max_backlog",
                           "net.ipv4.udp_rmem_min", "net.ipv4.tcp_max_orphans"}) {
    std::string path = name;
    std::replace(path.begin(), path.end(), '.', '/');
    std::string v = read_file(root + "/proc/sys/" + path);
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    if (!v.empty()) out[name] = v;
  }
  return out;
}

}  // namespace netdrop
