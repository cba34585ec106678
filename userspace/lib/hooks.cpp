#include "hooks.hpp"

#include <fmt/format.h>
#include <linux/netfilter.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>

#include "filter.hpp"
#include "format.hpp"
#include "session.hpp"

namespace netdrop {

namespace {

std::string_view fixed(const char* s, size_t n) { return {s, strnlen(s, n)}; }

struct PriorityName {
  int32_t value;
  std::string_view name;
};

constexpr std::array<PriorityName, 13> inet_priorities{{
    {INT_MIN, "FIRST"},
    {-450, "RAW_BEFORE_DEFRAG"},
    {-400, "CONNTRACK_DEFRAG"},
    {-300, "RAW"},
    {-225, "SELINUX_FIRST"},
    {-200, "CONNTRACK"},
    {-150, "MANGLE"},
    {-100, "NAT_DST"},
    {0, "FILTER"},
    {50, "SECURITY"},
    {100, "NAT_SRC"},
    {225, "SELINUX_LAST"},
    {300, "CONNTRACK_HELPER"},
}};

constexpr std::array<PriorityName, 8> bridge_priorities{{
    {INT_MIN, "NF_BR_PRI_FIRST"},
    {-300, "NF_BR_PRI_NAT_DST_BRIDGED"},
    {-200, "NF_BR_PRI_FILTER_BRIDGED"},
    {0, "NF_BR_PRI_BRNF"},
    {100, "NF_BR_PRI_NAT_DST_OTHER"},
    {200, "NF_BR_PRI_FILTER_OTHER"},
    {300, "NF_BR_PRI_NAT_SRC"},
    {INT_MAX, "NF_BR_PRI_LAST"},
}};

constexpr std::array<std::string_view, 5> inet_hooks{"prerouting", "local-in", "forward", "local-out", "postrouting"};
constexpr std::array<std::string_view, 3> arp_hooks{"in", "out", "forward"};
constexpr std::array<std::string_view, 2> netdev_hooks{"ingress", "egress"};

template <size_t N>
std::optional<uint8_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; i++)
    if (names[i] == name) return static_cast<uint8_t>(i);
  return std::nullopt;
}

}  // namespace

std::string_view Hook::function() const { return fixed(raw.func_name, sizeof(raw.func_name)); }
std::string_view Hook::module() const { return fixed(raw.module, sizeof(raw.module)); }
std::string_view Hook::table() const { return fixed(raw.table, sizeof(raw.table)); }
std::string_view Hook::chain() const { return fixed(raw.chain, sizeof(raw.chain)); }

bool Hook::third_party() const { return taint.find_first_of("OE") != std::string::npos; }

std::vector<Hook> read_hooks(int dev_fd, int netns_fd, uint32_t* netns_inode) {
  netdrop_hooks_req req{};
  req.netns_fd = netns_fd;
  std::vector<netdrop_hook_entry> buf;
  // The lists can grow between the two calls: retry with more room.
  for (int attempt = 0; attempt < 5; attempt++) {
    req.buf = reinterpret_cast<uintptr_t>(buf.data());
    uint32_t cap = static_cast<uint32_t>(buf.size());
    req.count = cap;
    if (ioctl(dev_fd, NETDROP_IOC_GET_HOOKS, &req) != 0)
      throw SystemError(fmt::format("reading netfilter hooks: {}", std::strerror(errno)));
    if (req.count <= cap) {
      buf.resize(req.count);
      break;
    }
    buf.resize(req.count + 16);
  }
  if (netns_inode != nullptr) *netns_inode = req.netns;
  std::vector<Hook> hooks;
  hooks.reserve(buf.size());
  for (const auto& e : buf) {
    Hook h;
    h.raw = e;
    h.netns = req.netns;
    if (!h.module().empty()) h.taint = module_taint(h.module());
    hooks.push_back(std::move(h));
  }
  return hooks;
}

std::string module_taint(std::string_view module, const std::string& sysfs_root) {
  std::ifstream in(fmt::format("{}/{}/taint", sysfs_root, module));
  std::string t;
  std::getline(in, t);
  return t;
}

std::string describe_taint(std::string_view taint) {
  std::string out;
  auto add = [&](std::string_view what) {
    if (!out.empty()) out += ", ";
    out += what;
  };
  if (taint.find('P') != std::string_view::npos) add("proprietary");
  if (taint.find('O') != std::string_view::npos) add("out-of-tree");
  if (taint.find('E') != std::string_view::npos) add("unsigned");
  if (taint.find('C') != std::string_view::npos) add("staging");
  return out;
}

std::string_view pf_name(uint8_t pf) {
  switch (pf) {
    case NFPROTO_IPV4: return "ipv4";
    case NFPROTO_IPV6: return "ipv6";
    case NFPROTO_ARP: return "arp";
    case NFPROTO_BRIDGE: return "bridge";
    case NFPROTO_NETDEV: return "netdev";
    case NFPROTO_INET: return "inet";
    default: return "?";
  }
}

std::string_view nft_family_name(uint8_t family) {
  switch (family) {
    case NFPROTO_INET: return "inet";
    case NFPROTO_IPV4: return "ip";
    case NFPROTO_IPV6: return "ip6";
    case NFPROTO_ARP: return "arp";
    case NFPROTO_BRIDGE: return "bridge";
    case NFPROTO_NETDEV: return "netdev";
    default: return "?";
  }
}

std::string_view hook_name(uint8_t pf, uint8_t hooknum) {
  if (pf == NFPROTO_ARP) return hooknum < arp_hooks.size() ? arp_hooks[hooknum] : "?";
  if (pf == NFPROTO_NETDEV) return hooknum < netdev_hooks.size() ? netdev_hooks[hooknum] : "?";
  return hooknum < inet_hooks.size() ? inet_hooks[hooknum] : "?";
}

uint8_t parse_pf(std::string_view name) {
  for (uint8_t pf : {NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_ARP, NFPROTO_BRIDGE, NFPROTO_NETDEV})
    if (pf_name(pf) == name) return pf;
  throw UsageError(fmt::format("bad --family '{}' (ipv4, ipv6, arp, bridge, netdev or all)", name));
}

void check_hook_name(std::string_view name) {
  if (index_of(inet_hooks, name) || index_of(arp_hooks, name) || index_of(netdev_hooks, name)) return;
  throw UsageError(fmt::format(
      "bad --hook '{}' (prerouting, local-in, forward, local-out, postrouting, ingress, egress, in, out)", name));
}

std::optional<uint8_t> parse_hook(std::string_view name, uint8_t pf) {
  if (pf == NFPROTO_ARP) return index_of(arp_hooks, name);
  if (pf == NFPROTO_NETDEV) return index_of(netdev_hooks, name);
  return index_of(inet_hooks, name);
}

std::string_view priority_name(uint8_t pf, int32_t priority) {
  if (pf == NFPROTO_BRIDGE) {
    for (const auto& p : bridge_priorities)
      if (p.value == priority) return p.name;
    return "";
  }
  if (pf != NFPROTO_IPV4 && pf != NFPROTO_IPV6) return "";
  // CONNTRACK_CONFIRM and LAST share INT_MAX: LAST is the generic name.
  static constexpr std::string_view v4_last = "NF_IP_PRI_LAST", v6_last = "NF_IP6_PRI_LAST";
  if (priority == INT_MAX) return pf == NFPROTO_IPV4 ? v4_last : v6_last;
  static std::array<std::string, inet_priorities.size()> v4, v6;
  for (size_t i = 0; i < inet_priorities.size(); i++) {
    if (inet_priorities[i].value != priority) continue;
    auto& cache = pf == NFPROTO_IPV4 ? v4 : v6;
    if (cache[i].empty())
      cache[i] = fmt::format("{}{}", pf == NFPROTO_IPV4 ? "NF_IP_PRI_" : "NF_IP6_PRI_", inet_priorities[i].name);
    return cache[i];
  }
  return "";
}

bool hook_order_before(const Hook& a, const Hook& b) {
  auto key = [](const Hook& h) {
    return std::tuple(h.netns, h.raw.pf, h.raw.hooknum, h.raw.ifindex, h.raw.priority, h.raw.index);
  };
  return key(a) < key(b);
}

std::string_view ops_type_name(uint8_t t) {
  switch (t) {
    case NETDROP_HOOK_NFTABLES: return "nftables";
    case NETDROP_HOOK_BPF: return "bpf";
    default: return "";
  }
}

namespace {

std::string owner_text(const Hook& h) {
  if (h.raw.ops_type == NETDROP_HOOK_NFTABLES && !h.table().empty())
    return fmt::format("nft {} {} {}", nft_family_name(h.raw.table_family), h.table(), h.chain());
  if ((h.raw.flags & NETDROP_HF_XTABLES) != 0) return fmt::format("iptables table {}", h.table());
  if (h.raw.ops_type == NETDROP_HOOK_BPF) return "bpf program";
  return "";
}

}  // namespace

std::string format_hook_text(const Hook& h) {
  std::string prio_name(priority_name(h.raw.pf, h.raw.priority));
  std::string func = h.module().empty() ? std::string(h.function()) : fmt::format("{} [{}]", h.function(), h.module());
  std::string line = fmt::format("  {:>11} {:<24} {:<40}", h.raw.priority, prio_name, func);
  std::string owner = owner_text(h);
  if (!owner.empty()) line += fmt::format(" {}", owner);
  if ((h.raw.flags & NETDROP_HF_PLACEHOLDER) != 0) line += " (being unregistered)";
  if (h.third_party()) line += fmt::format(" THIRD-PARTY ({})", describe_taint(h.taint));
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string format_hook_json(const Hook& h) {
  std::string out =
      fmt::format("{{\"netns\":{},\"family\":\"{}\",\"hook\":\"{}\",\"priority\":{},\"priority_name\":", h.netns,
                  pf_name(h.raw.pf), hook_name(h.raw.pf, h.raw.hooknum), h.raw.priority);
  append_json_string(out, priority_name(h.raw.pf, h.raw.priority));
  out += ",\"function\":";
  append_json_string(out, h.function());
  out += ",\"module\":";
  append_json_string(out, h.module());
  out += fmt::format(",\"type\":\"{}\",\"table\":", ops_type_name(h.raw.ops_type));
  append_json_string(out, h.table());
  out += ",\"chain\":";
  append_json_string(out, h.chain());
  if (h.raw.ops_type == NETDROP_HOOK_NFTABLES)
    out += fmt::format(",\"table_family\":\"{}\"", nft_family_name(h.raw.table_family));
  if ((h.raw.flags & NETDROP_HF_NETDEV) != 0) {
    out += ",\"ifname\":";
    append_json_string(out, fixed(h.raw.ifname, sizeof(h.raw.ifname)));
    out += fmt::format(",\"ifindex\":{}", h.raw.ifindex);
  }
  out += ",\"taint\":";
  append_json_string(out, h.taint);
  out += fmt::format(",\"third_party\":{},\"placeholder\":{},\"index\":{}}}", h.third_party() ? "true" : "false",
                     (h.raw.flags & NETDROP_HF_PLACEHOLDER) != 0 ? "true" : "false", h.raw.index);
  return out;
}

}  // namespace netdrop
