#include "explain.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>

#include "format.hpp"

namespace netdrop {

namespace {

using DropGroup = std::vector<const ExplainDrop*>;

// "1 packet", "3 packets".
std::string counted(uint64_t n, std::string_view what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

Finding finding(std::string kind, uint64_t count = 0) {
  Finding f;
  f.kind = std::move(kind);
  f.count = count;
  return f;
}

// How much a counter moved over the window (0 when it is missing).
uint64_t delta(const ExplainInput& in, const std::string& name) {
  auto b = in.before.find(name);
  auto a = in.after.find(name);
  if (b == in.before.end() || a == in.after.end() || a->second < b->second) return 0;
  return a->second - b->second;
}

// Sum of the deltas of the counters named prefix*suffix (every CPU's
// "softnet.cpuN.time_squeeze").
uint64_t delta_sum(const ExplainInput& in, std::string_view prefix, std::string_view suffix) {
  uint64_t sum = 0;
  for (const auto& [name, v] : in.after)
    if (name.starts_with(prefix) && name.ends_with(suffix)) sum += delta(in, name);
  return sum;
}

// "TcpRetransSegs +3" for each of names that moved.
std::vector<std::string> moved(const ExplainInput& in, std::initializer_list<std::string_view> names) {
  std::vector<std::string> out;
  for (std::string_view n : names)
    if (uint64_t d = delta(in, std::string(n)); d != 0) out.push_back(fmt::format("{} +{}", n, d));
  return out;
}

std::string flow_text(const ExplainDrop& d) {
  if (d.family.empty()) return d.ifname.empty() ? "(not IP)" : fmt::format("(not IP, on {})", d.ifname);
  bool ports = d.proto == "udp" || d.proto == "tcp" || d.proto == "sctp";
  if (!ports) return fmt::format("{} {} > {}", d.proto, d.src, d.dst);
  std::string dst = d.family == "ipv6" ? fmt::format("[{}]:{}", d.dst, d.dport) : fmt::format("{}:{}", d.dst, d.dport);
  return fmt::format("{} {} > {}", d.proto, d.src, dst);
}

std::vector<std::pair<std::string, uint64_t>> top(std::map<std::string, uint64_t> counts, size_t n) {
  std::vector<std::pair<std::string, uint64_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

std::vector<std::pair<std::string, uint64_t>> top_flows(const DropGroup& g) {
  std::map<std::string, uint64_t> counts;
  for (const ExplainDrop* d : g) counts[flow_text(*d)]++;
  return top(std::move(counts), 3);
}

std::string at_text(const ExplainDrop& d) {
  std::string s = d.module.empty() ? d.function : fmt::format("{} [{}]", d.function, d.module);
  return d.reason.empty() ? s : fmt::format("{} ({})", s, d.reason);
}

std::string hook_where(const ExplainHook& h, uint32_t netns) {
  return fmt::format("{} {} priority {}, netns {}", h.family, h.hook, h.priority, netns);
}

bool input_path(std::string_view hook) {
  return hook == "prerouting" || hook == "local-in" || hook == "forward" || hook == "ingress";
}

// What kind of finding a drop belongs to, and the key that groups it.
// The per-CPU receive backlog (netif_rx's queue) was full; 5.10 says so by
// the location only.
bool is_backlog_drop(const ExplainDrop& d) {
  return d.reason == "CPU_BACKLOG" || (d.reason.empty() && d.function == "enqueue_to_backlog");
}

// A qdisc dropped it at enqueue (QDISC_DROP, and 7.x's QDISC_OVERLIMIT,
// QDISC_CONGESTED...).  5.10 frees them from kfree_skb_list: not told.
bool is_qdisc_drop(const ExplainDrop& d) { return d.reason.starts_with("QDISC_"); }

std::pair<std::string, std::string> classify(const ExplainDrop& d) {
  if (d.hook) {
    const ExplainHook& h = *d.hook;
    std::string at = fmt::format("{}|{}|{}|{}|{}", h.family, h.hook, h.priority, d.netns, h.function);
    // The firewall's own hooks first: a kernel whose modules do not verify
    // (unsigned, as in test guests) taints nf_tables too.
    // A rule the kernel named is a finding of its own.
    if (h.type == "nftables" || h.xtables)
      return {"firewall", fmt::format("{}|{}|{}|{}", at, h.table, h.chain, h.rule)};
    if (h.third_party) return {"third-party-hook", at + "|" + h.module};
    return {"hook", at + "|" + h.module};
  }
  std::string flow = fmt::format("{}|{}|{}|{}", d.proto, d.dst, d.dport, d.netns);
  if (is_backlog_drop(d)) return {"backlog", fmt::format("{}|{}", d.ifname, d.netns)};
  if (is_qdisc_drop(d)) return {"qdisc", fmt::format("{}|{}", d.ifname, d.netns)};
  if (d.reason == "NO_SOCKET") return {"no-socket", flow};
  if (d.reason == "SOCKET_RCVBUFF") return {"socket-buffer-full", flow};
  if (d.reason.empty() && d.proto == "udp") {
    // No drop reasons (5.10): where UDP frees a datagram says which of
    // the two it was; the sockets confirm it (see no_socket, buffer_full).
    if (d.function == "udp_queue_rcv_one_skb" || d.function == "__udp_queue_rcv_skb" ||
        d.function == "__udpv6_queue_rcv_skb" || d.function == "udpv6_queue_rcv_one_skb")
      return {"socket-buffer-full?", flow};
    if (d.function == "__udp4_lib_rcv" || d.function == "__udp6_lib_rcv" || d.function == "udp_rcv" ||
        d.function == "udpv6_rcv")
      return {"no-socket?", flow};
  }
  return {"other", fmt::format("{}|{}|{}", d.function, d.module, d.reason)};
}

bool socket_matches(const ExplainSocket& s, const ExplainDrop& d) {
  bool any = s.addr == "0.0.0.0" || s.addr == "::";
  return s.proto == d.proto && s.port == d.dport && s.netns == d.netns && (any || s.addr == d.dst);
}

// Without drop reasons, a location UDP frees both kinds in: the kind holds
// when the sockets agree (none bound for no-socket; one bound, its buffer
// used, for buffer-full).
std::string confirm(std::string kind, const ExplainInput& in, const ExplainDrop& d) {
  if (kind.back() != '?') return kind;
  kind.pop_back();
  bool bound = std::any_of(in.sockets.begin(), in.sockets.end(), [&](const auto& s) { return socket_matches(s, d); });
  if (kind == "no-socket" && !bound) return kind;
  if (kind == "socket-buffer-full" && bound) return kind;
  return "other";
}

void common(Finding& f, const DropGroup& g) {
  f.count = g.size();
  f.flows = top_flows(g);
  const ExplainDrop& d = *g.front();
  f.keys["function"] = d.function;
  f.keys["module"] = d.module;
  f.keys["reason"] = d.reason;
  f.keys["netns"] = std::to_string(d.netns);
  if (!d.ifname.empty()) f.keys["device"] = d.ifname;
}

void hook_keys(Finding& f, const ExplainHook& h) {
  f.keys["hook_function"] = h.function;
  f.keys["hook_module"] = h.module;
  f.keys["family"] = h.family;
  f.keys["hook"] = h.hook;
  f.keys["priority"] = std::to_string(h.priority);
}

// The other hooks of the inventory at a hook's point and namespace, the
// firewall's among them: "iptable_filter_hook [iptable_filter] (filter,
// priority 0)".
std::vector<std::string> neighbours(const ExplainInput& in, const ExplainHook& h, uint32_t netns) {
  std::vector<std::string> out;
  for (const ExplainHook& o : in.hooks) {
    if (o.family != h.family || o.hook != h.hook || o.netns != netns || o.function == h.function) continue;
    std::string what = o.type == "nftables" ? fmt::format("nft {} {}", o.table, o.chain)
                       : o.xtables          ? fmt::format("iptables {}", o.table)
                       : o.type == "bpf"    ? std::string("bpf")
                                            : std::string("other");
    out.push_back(fmt::format("{}{} ({}, priority {}, {})", o.function, o.module.empty() ? "" : " [" + o.module + "]",
                              what, o.priority,
                              o.priority < h.priority   ? "runs before it: passed them"
                              : o.priority > h.priority ? "runs after it: never saw them"
                                                        : "same priority"));
  }
  return out;
}

Finding third_party_hook(const ExplainInput& in, const DropGroup& g, bool firewall_dropped) {
  const ExplainDrop& d = *g.front();
  const ExplainHook& h = *d.hook;
  Finding f = finding("third-party-hook");
  common(f, g);
  hook_keys(f, h);
  f.keys["taint"] = h.taint;
  f.what = fmt::format("a netfilter hook of the third-party module {} dropped these packets", h.module);
  f.where = fmt::format("{} [{}] ({}), {}", h.function, h.module,
                        h.taint.empty() ? "not in the kernel's build" : h.taint, hook_where(h, d.netns));
  f.evidence.push_back(fmt::format("{} at {} name this hook as the one that returned NF_DROP",
                                   counted(g.size(), "drop record"), at_text(d)));
  f.evidence.push_back(firewall_dropped
                           ? "iptables and nft did not drop these packets (they dropped others: see below)"
                           : "iptables and nft did not drop these packets: no firewall hook returned NF_DROP");
  if (!in.hooks.empty()) {
    auto others = neighbours(in, h, d.netns);
    f.evidence.push_back(others.empty()
                             ? fmt::format("no other hook is registered at {} {}", h.family, h.hook)
                             : fmt::format("the other hooks at {} {}: {}", h.family, h.hook, fmt::join(others, "; ")));
  }
  f.next = fmt::format(
      "ask who installed {} and what it filters (modinfo {}); `netdropctl dump-hooks --hook {}` "
      "lists it beside the firewall's hooks",
      h.module, h.module, h.hook);
  return f;
}

size_t syn_recv_sockets(const ExplainInput& in, uint32_t netns) {
  return std::count_if(in.sockets.begin(), in.sockets.end(), [&](const ExplainSocket& s) {
    return s.proto == "tcp" && s.state == "syn-recv" && s.netns == netns;
  });
}

std::string path_evidence(const ExplainInput& in, const ExplainHook& h, uint32_t netns) {
  size_t synrecv = syn_recv_sockets(in, netns);
  auto counters = moved(in, {"TcpRetransSegs", "TcpExtTCPTimeouts", "TcpExtTCPSynRetrans"});
  std::string c = counters.empty() ? "no retransmission counter moved" : fmt::format("{}", fmt::join(counters, ", "));
  if (input_path(h.hook))
    return fmt::format("input path ({}): packets die before a socket sees them; SYN_RECV sockets: {}; {}", h.hook,
                       synrecv, c);
  return fmt::format(
      "output path ({}): the local stack answered, its packets die on the way out; SYN_RECV "
      "sockets: {}; {}",
      h.hook, synrecv, c);
}

// The nft rule that dropped a firewall finding's packets, the ruleset
// read back (nothing is changed in it): the one the kernel named by its
// handle (netdrop.ko's probe on the drop verdict, kmod/nd_nftrule.c).
// Else, among the table's rules with a drop verdict, the base chain's
// first, the one whose counter grew; else the only one; else none, with
// the candidates.
struct RuleMatch {
  const NftRule* rule = nullptr;
  std::string by;  // kernel, counter, only, or "" (not decided)
  std::string how;
  std::vector<const NftRule*> candidates;
};

// nft's name for a hook's family (ipv4 -> ip); an inet table's hooks are
// ipv4 or ipv6.
std::string nft_family_of(const ExplainHook& h) {
  return h.family == "ipv4" ? "ip" : h.family == "ipv6" ? "ip6" : h.family;
}

bool same_table(const NftRule& r, const ExplainHook& h) {
  return r.table == h.table && (r.family == nft_family_of(h) || r.family == "inet");
}

uint64_t grew(const ExplainInput& in, const NftRule& r) {
  for (const NftRule& b : in.rules_before)
    if (b.handle == r.handle && b.table == r.table && b.family == r.family && b.chain == r.chain)
      return r.packets >= b.packets ? r.packets - b.packets : 0;
  return r.packets;  // added during the window
}

// The rule the kernel named (its verdict expression dropped the packet):
// looked up by handle in the table, whichever chain holds it.
RuleMatch named_rule(const ExplainInput& in, const ExplainHook& h) {
  RuleMatch m;
  for (const auto* rules : {&in.rules_after, &in.rules_before})
    for (const NftRule& r : *rules)
      if (m.rule == nullptr && r.handle == h.rule && same_table(r, h)) m.rule = &r;
  m.by = "kernel";
  m.how = m.rule != nullptr
              ? "named by the kernel: its drop verdict is the last expression nf_tables evaluated for these packets"
              : fmt::format("named by the kernel (handle {}), but no longer in the ruleset", h.rule);
  return m;
}

RuleMatch find_rule(const ExplainInput& in, const ExplainHook& h, uint64_t count) {
  if (h.rule != 0) return named_rule(in, h);
  RuleMatch m;
  std::vector<const NftRule*> chain, table;
  for (const NftRule& r : in.rules_after) {
    if (!r.drops || !same_table(r, h)) continue;
    table.push_back(&r);
    if (r.chain == h.chain) chain.push_back(&r);
  }
  m.candidates = chain.empty() ? table : chain;
  std::vector<const NftRule*> counted;
  for (const NftRule* r : m.candidates)
    if (r->has_counter && grew(in, *r) > 0) counted.push_back(r);
  if (counted.size() == 1) {
    m.rule = counted.front();
    m.by = "counter";
    m.how = fmt::format("its counter grew by {} in the window ({} drops seen)", grew(in, *m.rule), count);
  } else if (m.candidates.size() == 1) {
    m.rule = m.candidates.front();
    m.by = "only";
    m.how = chain.empty() ? "the only rule with a drop verdict in the table"
                          : "the only rule with a drop verdict in the chain";
  }
  return m;
}

// An x_tables table's built-in chain at a hook point (iptables-legacy,
// ip6tables, arptables, ebtables): where the table's hook enters it.  A
// user chain it jumps to is not known.
std::string builtin_chain(const ExplainHook& h) {
  static const std::map<std::string, std::string> chains = {
      {"pre-routing", "PREROUTING"},   {"local-in", "INPUT"}, {"forward", "FORWARD"}, {"local-out", "OUTPUT"},
      {"post-routing", "POSTROUTING"}, {"in", "INPUT"},       {"out", "OUTPUT"}};
  if (h.table == "broute") return "BROUTING";
  auto it = chains.find(h.hook);
  return it != chains.end() ? it->second : "";
}

Finding firewall(const ExplainInput& in, const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  const ExplainHook& h = *d.hook;
  Finding f = finding("firewall");
  common(f, g);
  hook_keys(f, h);
  f.keys["table"] = h.table;
  bool xt = h.type != "nftables";
  std::string xt_chain = xt ? builtin_chain(h) : "";
  f.keys["chain"] = xt ? xt_chain : h.chain;
  f.keys["rule"] = "";
  bool nft = h.type == "nftables";
  RuleMatch m = nft ? find_rule(in, h, g.size()) : RuleMatch{};
  // nft's family name: the rule's (an inet table's hooks are ipv4/ipv6).
  std::string fam = m.rule != nullptr ? m.rule->family : nft_family_of(h);
  // A rule in a chain the base chain jumped to: both chains.
  std::string chain = m.rule != nullptr && m.rule->chain != h.chain
                          ? fmt::format("{} (reached from base chain {})", m.rule->chain, h.chain)
                          : h.chain;
  std::string what =
      nft ? fmt::format("nft table {} {}, chain {}", fam, h.table, chain)
          : fmt::format("iptables table {}{}", h.table.empty() ? "?" : h.table,
                        xt_chain.empty() ? "" : fmt::format(", chain {} (or a chain it jumps to)", xt_chain));
  f.keys["firewall"] = nft ? "nftables" : "iptables";
  f.what = fmt::format("a firewall rule dropped these packets: {}", what);
  f.where = fmt::format("{}, {}", what, hook_where(h, d.netns));
  f.evidence.push_back(fmt::format("{} at {} name the {} hook {}", counted(g.size(), "drop record"), at_text(d),
                                   nft ? "nf_tables" : "x_tables", h.function));
  f.keys["rule_by"] = m.by;
  if (m.rule != nullptr) {
    f.keys["rule"] = std::to_string(m.rule->handle);
    f.keys["rule_text"] = m.rule->text;
    f.keys["rule_chain"] = m.rule->chain;
    f.where += fmt::format(", rule handle {}: {}", m.rule->handle, m.rule->text);
    f.evidence.push_back(fmt::format("rule handle {} in chain {}: {}", m.rule->handle, m.rule->chain, m.how));
  } else if (h.rule != 0) {
    f.keys["rule"] = std::to_string(h.rule);
    f.where += fmt::format(", rule handle {}", h.rule);
    f.evidence.push_back(m.how);
  } else if (m.candidates.size() > 1) {
    std::vector<std::string> c;
    for (const NftRule* r : m.candidates) c.push_back(fmt::format("handle {} ({})", r->handle, r->text));
    f.evidence.push_back(
        fmt::format("only the chain is known: one of {} (add a counter to each to tell)", fmt::join(c, "; ")));
  } else {
    f.evidence.push_back(nft ? "only the chain is known: no rule with a drop verdict there (a policy drop?)"
                             : "only the table and its built-in chain are known: iptables-legacy rules are not read");
  }
  f.evidence.push_back(path_evidence(in, h, d.netns));
  f.keys["path"] = input_path(h.hook) ? "input" : "output";
  f.keys["syn_recv"] = std::to_string(syn_recv_sockets(in, d.netns));
  if (m.rule != nullptr)
    f.next = fmt::format(
        "nft -a list chain {} {} {}: handle {} is the rule; change it, or let these packets in "
        "before it",
        fam, h.table, m.rule->chain, m.rule->handle);
  else if (nft)
    f.next = fmt::format("nft -a list chain {} {} {} (the rules with a drop verdict; add a counter to each to tell)",
                         fam, h.table, h.chain);
  else
    f.next = fmt::format("iptables -t {} -L {} -v -n --line-numbers (the rule whose counter grows)",
                         h.table.empty() ? "filter" : h.table, xt_chain);
  return f;
}

Finding other_hook(const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  const ExplainHook& h = *d.hook;
  Finding f = finding("hook");
  common(f, g);
  hook_keys(f, h);
  f.what = h.type == "bpf" ? "a BPF netfilter program dropped these packets"
                           : fmt::format("the netfilter hook {} dropped these packets", h.function);
  f.where = fmt::format("{}{}, {}", h.function, h.module.empty() ? "" : fmt::format(" [{}]", h.module),
                        hook_where(h, d.netns));
  f.evidence.push_back(fmt::format("{} at {} name this hook", counted(g.size(), "drop record"), at_text(d)));
  f.next = h.type == "bpf" ? "bpftool net list / bpftool link list: the program linked at this hook"
                           : fmt::format("`netdropctl dump-hooks --hook {}` shows its neighbours", h.hook);
  return f;
}

// A finding about the socket a group's packets were sent to.
Finding socket_finding(std::string kind, const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  Finding f = finding(std::move(kind));
  common(f, g);
  f.keys["proto"] = d.proto;
  f.keys["addr"] = d.dst;
  f.keys["port"] = std::to_string(d.dport);
  return f;
}

Finding no_socket(const ExplainInput& in, const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  Finding f = socket_finding("no-socket", g);
  std::vector<std::string> elsewhere;
  bool listens = false;
  for (const ExplainSocket& s : in.sockets) {
    if (s.proto != d.proto || s.port != d.dport || s.netns != d.netns) continue;
    if (s.state != "" && s.state != "listen") continue;
    if (socket_matches(s, d))
      listens = true;
    else
      elsewhere.push_back(s.addr);
  }
  f.what = fmt::format("nothing listens on {} {}:{}", d.proto, d.dst, d.dport);
  f.where = fmt::format("{} {}:{}, netns {}{}", d.proto, d.dst, d.dport, d.netns,
                        d.ifname.empty() ? "" : fmt::format(", arriving on {}", d.ifname));
  f.evidence.push_back(fmt::format("{} at {}", counted(g.size(), "drop record"), at_text(d)));
  if (d.reason.empty()) f.evidence.push_back("no drop reasons on this kernel: told by the location and the sockets");
  if (listens)
    f.evidence.push_back("a socket listens there at the window's end: it was not there when these arrived");
  else if (!elsewhere.empty())
    f.evidence.push_back(fmt::format("sockets on port {} are bound to {} only", d.dport, fmt::join(elsewhere, ", ")));
  else
    f.evidence.push_back(
        fmt::format("no {} socket on port {} in netns {} (sock_diag at the window's end)", d.proto, d.dport, d.netns));
  for (const std::string& c : moved(in, {"UdpNoPorts", "Udp6NoPorts", "TcpOutRsts"})) f.evidence.push_back(c);
  f.next = elsewhere.empty() ? "start the service, or point the clients at the right port"
                             : "bind the service to this address too (or to any address)";
  return f;
}

Finding buffer_full(const ExplainInput& in, const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  Finding f = socket_finding("socket-buffer-full", g);
  auto s = std::find_if(in.sockets.begin(), in.sockets.end(), [&](const auto& s) { return socket_matches(s, d); });
  f.what = fmt::format("the receive buffer of the socket on {} {}:{} is full: its reader is too slow", d.proto, d.dst,
                       d.dport);
  f.where = fmt::format("{} {}:{}, netns {}", d.proto, d.dst, d.dport, d.netns);
  if (s != in.sockets.end()) {
    f.where += s->pid != 0 ? fmt::format(", owned by {} (pid {})", s->owner, s->pid) : ", owner not found";
    f.keys["pid"] = std::to_string(s->pid);
    f.keys["owner"] = s->owner;
    f.keys["rcvbuf"] = std::to_string(s->rcvbuf);
    f.evidence.push_back(fmt::format("{} bytes queued of a {}-byte receive buffer; the socket counted {} drops",
                                     s->queued, s->rcvbuf, s->drops));
  } else {
    f.evidence.push_back("the socket was gone by the window's end");
  }
  f.evidence.push_back(fmt::format("{} at {}", counted(g.size(), "drop record"), at_text(d)));
  if (d.reason.empty()) f.evidence.push_back("no drop reasons on this kernel: told by the location and the socket");
  for (const std::string& c : moved(in, {"UdpRcvbufErrors", "Udp6RcvbufErrors", "TcpExtTCPRcvQDrop"}))
    f.evidence.push_back(c);
  std::vector<std::string> bounds;
  for (const char* k : {"net.core.rmem_default", "net.core.rmem_max"})
    if (auto it = in.sysctls.find(k); it != in.sysctls.end()) bounds.push_back(fmt::format("{} = {}", k, it->second));
  if (!bounds.empty()) f.evidence.push_back(fmt::format("bounded by {}", fmt::join(bounds, ", ")));
  f.next = "read faster, or raise SO_RCVBUF (up to net.core.rmem_max)";
  return f;
}

Finding other(const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  Finding f = finding("other");
  common(f, g);
  f.what = d.reason.empty() ? fmt::format("the kernel dropped these packets in {}", d.function)
                            : fmt::format("the kernel dropped these packets in {}: {}", d.function, d.reason);
  f.where = at_text(d);
  f.evidence.push_back(counted(g.size(), "drop record"));
  f.next = fmt::format("`netdropctl stream --func {} --stack` shows how the packets got there", d.function);
  return f;
}

// Scenario 5's question, which layer lost them: here the backlog, with the
// kernel's own count (softnet_stat's dropped, every CPU) beside netdrop's.
Finding backlog(const ExplainInput& in, const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  Finding f = finding("backlog");
  common(f, g);
  f.keys["layer"] = "the per-CPU backlog (netdev_max_backlog)";
  f.keys["counter"] = "softnet.dropped";
  auto max = in.sysctls.find("net.core.netdev_max_backlog");
  std::string bound = max != in.sysctls.end() ? fmt::format("net.core.netdev_max_backlog = {}", max->second)
                                              : "net.core.netdev_max_backlog";
  f.what = fmt::format("the per-CPU receive backlog was full: packets{} were dropped before the IP layer saw them",
                       d.ifname.empty() ? "" : fmt::format(" arriving on {}", d.ifname));
  f.where = fmt::format("the receive backlog (netif_rx), {}{}", bound,
                        d.ifname.empty() ? "" : fmt::format(", device {}", d.ifname));
  f.evidence.push_back(fmt::format("{} at {}", counted(g.size(), "drop record"), at_text(d)));
  f.evidence.push_back(fmt::format("softnet_stat dropped +{} (every CPU)", delta_sum(in, "softnet.cpu", ".dropped")));
  if (uint64_t sq = delta_sum(in, "softnet.cpu", ".time_squeeze"); sq != 0)
    f.evidence.push_back(fmt::format("softnet time_squeeze +{} (softirq ran out of budget)", sq));
  f.next = "raise net.core.netdev_max_backlog, spread the load over CPUs (RPS/RFS), or slow the senders";
  return f;
}

// The device's qdisc dropped them on the way out, with the qdisc's own
// count (what tc -s qdisc prints as dropped) beside netdrop's.
Finding qdisc(const ExplainInput& in, const DropGroup& g) {
  const ExplainDrop& d = *g.front();
  Finding f = finding("qdisc");
  common(f, g);
  std::string counter = fmt::format("qdisc.{}.drops", d.ifname);
  f.keys["layer"] = "the device's qdisc";
  f.keys["counter"] = counter;
  f.what = fmt::format("the qdisc of {} dropped these packets on their way out (its queue or rate limit)", d.ifname);
  f.where = fmt::format("the root qdisc of {} (tc -s qdisc show dev {})", d.ifname, d.ifname);
  f.evidence.push_back(fmt::format("{} at {}", counted(g.size(), "drop record"), at_text(d)));
  if (in.after.contains(counter))
    f.evidence.push_back(fmt::format("{} +{} (the qdisc's own count)", counter, delta(in, counter)));
  f.next = fmt::format(
      "tc -s qdisc show dev {}: its limit, its rate, the class that drops; a longer queue or a faster shaper",
      d.ifname);
  return f;
}

std::string reset_cause(const ExplainReset& r) {
  if (r.kind == "active") {
    if (r.facts.find("linger-0") != std::string::npos) return "the application closed with SO_LINGER {1, 0}";
    if (r.facts.find("unread-data") != std::string::npos) return "the application closed with unread data";
    if (r.facts.find("too-many-orphans") != std::string::npos) return "too many orphaned sockets";
    if (r.facts.find("memory-pressure") != std::string::npos) return "TCP memory pressure";
    return "the local socket aborted";
  }
  if (r.facts.find("time-wait") != std::string::npos) return "a TIME_WAIT socket answered";
  if (r.facts.find("request-socket") != std::string::npos) return "a request socket answered (handshake race)";
  return "nothing listens: the segment found no socket";
}

std::vector<Finding> resets(const ExplainInput& in) {
  std::map<std::string, std::vector<const ExplainReset*>> groups;
  for (const ExplainReset& r : in.resets)
    groups[fmt::format("{}|{}|{}", r.kind, reset_cause(r), r.kind == "active" ? r.comm : "")].push_back(&r);
  std::vector<Finding> out;
  for (const auto& [key, g] : groups) {
    const ExplainReset& r = *g.front();
    Finding f = finding("reset", g.size());
    f.keys["reset_kind"] = r.kind;
    f.keys["cause"] = reset_cause(r);
    f.keys["comm"] = r.kind == "active" ? r.comm : "";
    f.keys["netns"] = std::to_string(r.netns);
    f.what = fmt::format("{} TCP resets: {}", r.kind, reset_cause(r));
    f.where = r.kind == "active" && !r.comm.empty()
                  ? fmt::format("sent by {} (pid {}), netns {}", r.comm, r.pid, r.netns)
                  : fmt::format("sent by the kernel, netns {}", r.netns);
    std::map<std::string, uint64_t> flows;
    for (const ExplainReset* x : g)
      flows[fmt::format("tcp {}:{} > {}:{} ({})", x->src, x->sport, x->dst, x->dport, x->state)]++;
    f.flows = top(std::move(flows), 3);
    f.evidence.push_back(counted(g.size(), "reset record"));
    for (const std::string& c : moved(in, {"TcpOutRsts", "TcpExtTCPAbortOnClose", "TcpExtTCPAbortOnData",
                                           "TcpExtTCPAbortOnLinger", "TcpExtTCPAbortOnMemory"}))
      f.evidence.push_back(c);
    f.next = r.kind == "active" ? "check how the application closes its sockets (SO_LINGER, reading to EOF)"
                                : "check that the service listens, and the clients' destination";
    out.push_back(std::move(f));
  }
  return out;
}

// Counters that moved without drop events to match: packets lost where no
// kfree_skb sees them (the NIC's ring, the backlog).
// A driver statistic (ethtool -S) that counts lost packets:
// rx_queue_0_drops, rx_missed, tx_timeout_errors, xdp_drops, ...
bool is_driver_drop(std::string_view name) {
  for (std::string_view m : {"drop", "discard", "miss", "err", "fifo", "overrun", "no_buf", "nobuf"})
    if (name.find(m) != std::string_view::npos) return true;
  return false;
}

// The drivers' statistics of lost packets (ethtool -S) that moved over the
// window, by device, in name order: "ethtool.eth0.100.rx_drops" is
// eth0.100's (a VLAN's name has dots, a statistic's not).
using DriverLosses = std::map<std::string, std::vector<std::pair<std::string, uint64_t>>>;
DriverLosses driver_losses(const ExplainInput& in) {
  DriverLosses out;
  for (const auto& [name, v] : in.after) {
    if (!name.starts_with("ethtool.")) continue;
    size_t dot = name.rfind('.');
    if (dot <= 8 || !is_driver_drop(std::string_view(name).substr(dot + 1))) continue;
    if (uint64_t d = delta(in, name); d != 0) out[name.substr(8, dot - 8)].emplace_back(name.substr(dot + 1), d);
  }
  return out;
}

// "ethtool -S eth0: rx_queue_0_drops +12, ..."
std::string driver_evidence(const std::string& dev, const std::vector<std::pair<std::string, uint64_t>>& moved) {
  std::vector<std::string> parts;
  for (const auto& [stat, d] : moved) parts.push_back(fmt::format("{} +{}", stat, d));
  return fmt::format("ethtool -S {}: {}", dev, fmt::join(parts, ", "));
}

std::vector<Finding> unexplained(const ExplainInput& in) {
  struct Layer {
    std::string prefix, suffix, layer;
    std::function<bool(const ExplainDrop&, std::string_view)> matches;
  };
  auto on_dev = [](const ExplainDrop& d, std::string_view dev) { return d.ifname == dev; };
  std::vector<Layer> layers = {
      {"softnet.", ".dropped", "the per-CPU backlog (netdev_max_backlog)",
       [](const ExplainDrop& d, std::string_view) { return is_backlog_drop(d); }},
      {"dev.", ".rx_missed_errors", "the device's receive ring (the driver)", on_dev},
      {"dev.", ".rx_fifo_errors", "the device's receive FIFO (the driver)", on_dev},
      {"dev.", ".rx_over_errors", "the device's receive ring overran (the driver)", on_dev},
      {"dev.", ".rx_dropped", "the device (rx_dropped)", on_dev},
      {"dev.", ".tx_dropped", "the device's transmit path (tx_dropped)", on_dev},
      {"qdisc.", ".drops", "the device's qdisc (tc -s qdisc)",
       [](const ExplainDrop& d, std::string_view dev) {
         return d.ifname == dev && (is_qdisc_drop(d) || d.reason.empty());
       }},
  };
  DriverLosses drivers = driver_losses(in);
  std::vector<Finding> out;
  // The backlog's drops are counted per CPU, its drop events are not: one
  // total, over every CPU ("softnet.dropped").
  Counters totals = in.after;
  uint64_t backlog_total = delta_sum(in, "softnet.cpu", ".dropped");
  std::erase_if(totals, [](const auto& c) { return c.first.starts_with("softnet.cpu"); });
  totals["softnet.dropped"] = backlog_total;
  for (const Layer& l : layers) {
    for (const auto& [name, v] : totals) {
      if (!name.starts_with(l.prefix) || !name.ends_with(l.suffix)) continue;
      uint64_t d = name == "softnet.dropped" ? backlog_total : delta(in, name);
      if (d == 0) continue;
      if (name.find(".ingress.") != std::string::npos) continue;  // tc filters: TC_INGRESS events
      std::string dev =
          l.prefix == "softnet." ? "" : name.substr(l.prefix.size(), name.size() - l.prefix.size() - l.suffix.size());
      uint64_t seen = std::count_if(in.drops.begin(), in.drops.end(), [&](const auto& x) { return l.matches(x, dev); });
      if (seen >= d) continue;
      Finding f = finding("unexplained", d - seen);
      f.keys["counter"] = name;
      f.keys["device"] = dev;
      f.keys["layer"] = l.layer;
      f.what = fmt::format("{} packets were lost in {}, where no drop event is emitted", d - seen, l.layer);
      f.where = dev.empty() ? l.layer : fmt::format("{} on {}", l.layer, dev);
      f.evidence.push_back(fmt::format("{} moved by {}; netdrop saw {} drop events that it counts", name, d, seen));
      if (uint64_t sq = delta_sum(in, "softnet.cpu", ".time_squeeze"); sq != 0)
        f.evidence.push_back(fmt::format("softnet time_squeeze +{} (softirq ran out of budget)", sq));
      if (auto it = drivers.find(dev); it != drivers.end()) f.evidence.push_back(driver_evidence(dev, it->second));
      f.next = dev.empty() ? "raise net.core.netdev_max_backlog, or spread the load (RPS)"
                           : fmt::format("ethtool -S {}; ethtool -g {} (a bigger ring), IRQ affinity", dev, dev);
      out.push_back(std::move(f));
    }
  }
  // A driver that counts its drops only in its own statistics (ethtool -S),
  // where the device's counters above said nothing.
  for (const auto& driver : drivers) {
    // Named copies: a lambda may not capture a structured binding (C++20
    // allows it, clang before 16 does not).
    const std::string& dev = driver.first;
    const auto& moved = driver.second;
    bool said = std::any_of(out.begin(), out.end(), [&](const Finding& f) {
      auto it = f.keys.find("device");
      return it != f.keys.end() && it->second == dev;
    });
    if (said) continue;
    // The statistic that moved most: several may count the same packets.
    const auto& [stat, d] =
        *std::max_element(moved.begin(), moved.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    uint64_t seen =
        std::count_if(in.drops.begin(), in.drops.end(), [&](const ExplainDrop& x) { return on_dev(x, dev); });
    if (seen >= d) continue;
    Finding f = finding("unexplained", d - seen);
    f.keys["counter"] = fmt::format("ethtool.{}.{}", dev, stat);
    f.keys["device"] = dev;
    f.keys["layer"] = "the driver (ethtool -S)";
    f.what = fmt::format("{} packets were lost in the driver of {}, where no drop event is emitted", d - seen, dev);
    f.where = fmt::format("the driver of {} (its own statistics)", dev);
    f.evidence.push_back(driver_evidence(dev, moved));
    f.evidence.push_back(fmt::format("netdrop saw {} drop events on {}", seen, dev));
    f.next = fmt::format("ethtool -S {}; ethtool -g {} (a bigger ring), the driver's XDP program if any", dev, dev);
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<Finding> own_loss(const ExplainInput& in) {
  if (in.lost == 0) return std::nullopt;
  Finding f = finding("netdrop-loss", in.lost);
  uint64_t need = in.ring_kb;
  if (in.recorded != 0 && in.ring_kb != 0) {
    double want =
        static_cast<double>(in.ring_kb) * static_cast<double>(in.recorded + in.lost) / static_cast<double>(in.recorded);
    need = 1;
    while (static_cast<double>(need) < want) need *= 2;
  }
  f.keys["ring_kb"] = std::to_string(need);
  f.what = fmt::format("netdrop itself lost {} records: its ring was full", in.lost);
  f.where = fmt::format("netdrop's per-CPU rings, {} KiB each", in.ring_kb);
  f.evidence.push_back(fmt::format("{} recorded, {} lost (ring full)", in.recorded, in.lost));
  f.next = fmt::format("--ring-kb {} would have held them (or filter in the kernel)", need);
  return f;
}

}  // namespace

std::vector<Finding> explain(const ExplainInput& in) {
  std::map<std::pair<std::string, std::string>, DropGroup> groups;
  for (const ExplainDrop& d : in.drops) {
    auto [kind, key] = classify(d);
    kind = confirm(kind, in, d);
    if (kind == "other") key = fmt::format("{}|{}|{}", d.function, d.module, d.reason);
    groups[{kind, key}].push_back(&d);
  }
  bool firewall_dropped =
      std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.first.first == "firewall"; });
  std::vector<Finding> out;
  for (const auto& [key, g] : groups) {
    const std::string& kind = key.first;
    if (kind == "third-party-hook")
      out.push_back(third_party_hook(in, g, firewall_dropped));
    else if (kind == "firewall")
      out.push_back(firewall(in, g));
    else if (kind == "hook")
      out.push_back(other_hook(g));
    else if (kind == "no-socket")
      out.push_back(no_socket(in, g));
    else if (kind == "socket-buffer-full")
      out.push_back(buffer_full(in, g));
    else if (kind == "backlog")
      out.push_back(backlog(in, g));
    else if (kind == "qdisc")
      out.push_back(qdisc(in, g));
    else
      out.push_back(other(g));
  }
  for (Finding& f : resets(in)) out.push_back(std::move(f));
  for (Finding& f : unexplained(in)) out.push_back(std::move(f));
  if (auto f = own_loss(in)) out.push_back(std::move(*f));
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.count > b.count; });
  return out;
}

namespace {

bool is_drop_kind(std::string_view k) { return k != "reset" && k != "unexplained" && k != "netdrop-loss"; }

std::string how_much(const Finding& f, const ExplainInput& in) {
  std::string s = counted(f.count, f.kind == "reset" ? "reset" : f.kind == "netdrop-loss" ? "record" : "packet");
  if (is_drop_kind(f.kind) && !in.drops.empty())
    s += fmt::format(", {:.0f}% of the window's {} drops",
                     100.0 * static_cast<double>(f.count) / static_cast<double>(in.drops.size()), in.drops.size());
  if (in.seconds > 0) s += fmt::format(", {:.1f}/s", static_cast<double>(f.count) / in.seconds);
  return s;
}

}  // namespace

std::string format_findings_text(const std::vector<Finding>& findings, const ExplainInput& in) {
  std::string out = fmt::format("{} drops and {} resets in {:.1f} s; {} findings, biggest first.\n", in.drops.size(),
                                in.resets.size(), in.seconds, findings.size());
  int n = 0;
  for (const Finding& f : findings) {
    out += fmt::format("\n{}. {} ({}).\n", ++n, f.what, how_much(f, in));
    out += fmt::format("   where: {}\n", f.where);
    if (!f.flows.empty()) {
      std::vector<std::string> fl;
      for (const auto& [flow, c] : f.flows) fl.push_back(fmt::format("{} ({})", flow, c));
      out += fmt::format("   flows: {}\n", fmt::join(fl, "; "));
    }
    for (const std::string& e : f.evidence) out += fmt::format("   evidence: {}\n", e);
    out += fmt::format("   next: {}\n", f.next);
  }
  if (findings.empty()) out += "\nNothing was dropped or reset in the window.\n";
  return out;
}

std::string format_findings_json(const std::vector<Finding>& findings, const ExplainInput& in) {
  std::string out;
  int rank = 0;
  for (const Finding& f : findings) {
    std::string o = fmt::format("{{\"rank\":{},\"kind\":", ++rank);
    append_json_string(o, f.kind);
    o += fmt::format(",\"count\":{}", f.count);
    double share = is_drop_kind(f.kind) && !in.drops.empty()
                       ? static_cast<double>(f.count) / static_cast<double>(in.drops.size())
                       : 0.0;
    o += fmt::format(",\"share\":{:.4f},\"rate\":{:.3f}", share,
                     in.seconds > 0 ? static_cast<double>(f.count) / in.seconds : 0.0);
    for (const auto& [k, v] : f.keys) {
      o += ',';
      append_json_string(o, k);
      o += ':';
      append_json_string(o, v);
    }
    for (const auto& [k, v] :
         {std::pair<const char*, const std::string*>{"what", &f.what}, {"where", &f.where}, {"next", &f.next}}) {
      o += fmt::format(",\"{}\":", k);
      append_json_string(o, *v);
    }
    o += ",\"flows\":[";
    for (size_t i = 0; i < f.flows.size(); i++) {
      o += i ? ",{\"flow\":" : "{\"flow\":";
      append_json_string(o, f.flows[i].first);
      o += fmt::format(",\"count\":{}}}", f.flows[i].second);
    }
    o += "],\"evidence\":[";
    for (size_t i = 0; i < f.evidence.size(); i++) {
      if (i) o += ',';
      append_json_string(o, f.evidence[i]);
    }
    out += o + "]}\n";
  }
  return out;
}

}  // namespace netdrop
