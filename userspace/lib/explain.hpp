// explain: what netdrop saw in a window (drops with their hooks, resets,
// counter deltas, listening sockets, its own loss) turned into ranked
// findings, biggest first, each saying what happened, where, how much,
// which flows, the evidence, and what to check next.
//
// The input is plain data, so that a live window, a recording and a unit
// test all feed the same function.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "counters.hpp"
#include "nft.hpp"

namespace netdrop {

// The netfilter hook that returned NF_DROP, as the drop record names it.
struct ExplainHook {
  std::string function;
  std::string module;
  std::string family;  // ipv4, ipv6, bridge, netdev, ...
  std::string hook;    // local-in, forward, ...
  std::string type;    // nftables, bpf or ""
  std::string table;
  std::string chain;
  uint64_t rule = 0;  // nf_tables rule handle the kernel named, 0: not named
  int32_t priority = 0;
  bool xtables = false;      // an iptables/ip6tables/ebtables table's hook
  bool third_party = false;  // not part of the running kernel's build
  std::string taint;         // "out-of-tree, unsigned", with third_party
  uint32_t netns = 0;        // in the hook inventory (a drop has its own)
};

struct ExplainDrop {
  std::string function;  // symbol of the kfree_skb caller
  std::string module;
  std::string reason;  // "" where the kernel has no drop reasons
  uint32_t netns = 0;
  std::string ifname;
  std::string family;  // ipv4, ipv6 or ""
  std::string proto;   // udp, tcp, icmp, ...
  std::string src, dst;
  uint16_t sport = 0, dport = 0;
  std::optional<ExplainHook> hook;
};

struct ExplainReset {
  std::string kind;   // active or passive
  std::string state;  // TCP state of the socket, "none" without one
  std::string facts;  // "linger-0 unread-data", as netdrop prints them
  std::string comm;
  uint32_t pid = 0;
  uint32_t netns = 0;
  std::string family, src, dst;
  uint16_t sport = 0, dport = 0;
};

// A socket of the namespaces involved, from sock_diag at the window's end.
struct ExplainSocket {
  std::string proto;  // udp or tcp
  std::string state;  // listen, established, syn-recv, ... ("" for udp)
  std::string addr;   // local address ("0.0.0.0", "::" for any)
  uint16_t port = 0;
  uint32_t netns = 0;
  uint32_t rcvbuf = 0;  // SK_MEMINFO_RCVBUF
  uint32_t queued = 0;  // SK_MEMINFO_RMEM_ALLOC
  uint32_t drops = 0;   // SK_MEMINFO_DROPS
  uint64_t inode = 0;
  uint32_t pid = 0;   // owner, 0 when not found
  std::string owner;  // its comm
};

struct ExplainInput {
  double seconds = 0;  // the window's length
  std::vector<ExplainDrop> drops;
  std::vector<ExplainReset> resets;
  Counters before, after;  // counters at the window's edges
  std::vector<ExplainSocket> sockets;
  // The hook inventory of the namespace at the window's start.
  std::vector<ExplainHook> hooks;
  std::map<std::string, std::string> sysctls;  // "net.core.rmem_max" -> value
  // nf_tables rules of the namespace at the window's edges (libnftnl).
  std::vector<NftRule> rules_before, rules_after;
  uint64_t recorded = 0;  // netdrop's own accounting of the window
  uint64_t lost = 0;
  uint32_t ring_kb = 0;
};

struct Finding {
  std::string kind;  // third-party-hook, firewall, no-socket, ...
  uint64_t count = 0;
  std::string what;                                     // one sentence, in words
  std::string where;                                    // function+module, hook, table/chain, socket, device
  std::vector<std::pair<std::string, uint64_t>> flows;  // top flows, by count
  std::vector<std::string> evidence;
  std::string next;  // what to check or do next
  // Stable keys for --json (documented in README): function, module,
  // netns, family, hook, priority, table, chain, rule, proto, addr, port,
  // device, reason, ...
  std::map<std::string, std::string> keys;
};

// Ranked findings, biggest count first.  Every drop is in one finding:
// what no kind recognises is listed by location and reason.
std::vector<Finding> explain(const ExplainInput& in);

// A numbered paragraph a finding, for someone who has never seen netdrop.
std::string format_findings_text(const std::vector<Finding>& findings, const ExplainInput& in);
// One JSON object a line.
std::string format_findings_json(const std::vector<Finding>& findings, const ExplainInput& in);

}  // namespace netdrop
