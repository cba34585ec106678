#include "conntrack.hpp"

#include <fmt/format.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <netinet/in.h>

#include <array>
#include <iterator>
#include <utility>

#include "format.hpp"
#include "record.hpp"

namespace netdrop {

std::string_view ctinfo_name(uint8_t ctinfo) {
  switch (ctinfo) {
    case IP_CT_ESTABLISHED: return "established";
    case IP_CT_RELATED: return "related";
    case IP_CT_NEW: return "new";
    case IP_CT_ESTABLISHED_REPLY: return "established-reply";
    case IP_CT_RELATED_REPLY: return "related-reply";
    case NETDROP_CTINFO_UNTRACKED: return "untracked";
    default: return "?";
  }
}

std::string_view ct_tcp_state_name(uint8_t state) {
  static constexpr std::array<std::string_view, TCP_CONNTRACK_MAX> names{
      "NONE",       "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
      "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",       "SYN_SENT2"};
  return state < names.size() ? names[state] : "?";
}

std::string ct_status_names(uint32_t status) {
  static constexpr std::array<std::pair<uint32_t, std::string_view>, 11> names{{
      {IPS_EXPECTED, "expected"},
      {IPS_SEEN_REPLY, "seen-reply"},
      {IPS_ASSURED, "assured"},
      {IPS_CONFIRMED, "confirmed"},
      {IPS_SRC_NAT, "src-nat"},
      {IPS_DST_NAT, "dst-nat"},
      {IPS_SEQ_ADJUST, "seq-adjust"},
      {IPS_SRC_NAT_DONE, "src-nat-done"},
      {IPS_DST_NAT_DONE, "dst-nat-done"},
      {IPS_DYING, "dying"},
      {IPS_TEMPLATE, "template"},
  }};
  std::string s;
  for (auto [bit, name] : names) {
    if ((status & bit) == 0) continue;
    if (!s.empty()) s += ',';
    s += name;
  }
  return s;
}

std::string_view ct_nat_kind(const netdrop_ct& ct) {
  bool snat = (ct.status & IPS_SRC_NAT) != 0;
  bool dnat = (ct.status & IPS_DST_NAT) != 0;
  if (snat && dnat) return "snat+dnat";
  if (snat) return "snat";
  return dnat ? "dnat" : "";
}

namespace {

bool has_ports(uint8_t proto) {
  return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
         proto == IPPROTO_DCCP;
}

std::string endpoint(uint8_t family, const uint8_t* addr, uint16_t port, bool ports) {
  std::string a = format_addr(family, addr);
  if (!ports) return a;
  return family == AF_INET6 ? fmt::format("[{}]:{}", a, port) : fmt::format("{}:{}", a, port);
}

std::string tuple_json(uint8_t family, const netdrop_ct_tuple& t) {
  bool ports = has_ports(t.l4proto);
  std::string o = "{\"proto\":";
  append_json_string(o, l4_name(t.l4proto));
  o += ",\"src\":";
  append_json_string(o, format_addr(family, t.saddr));
  o += ",\"dst\":";
  append_json_string(o, format_addr(family, t.daddr));
  auto out = std::back_inserter(o);
  if (ports) fmt::format_to(out, ",\"sport\":{},\"dport\":{}", t.sport, t.dport);
  if (t.l4proto == IPPROTO_ICMP || t.l4proto == IPPROTO_ICMPV6)
    fmt::format_to(out, ",\"icmp_id\":{},\"icmp_type\":{},\"icmp_code\":{}", t.sport, t.dport >> 8, t.dport & 0xff);
  o += '}';
  return o;
}

}  // namespace

std::string ct_tuple_text(uint8_t family, const netdrop_ct_tuple& t) {
  bool ports = has_ports(t.l4proto);
  return fmt::format("{} {}>{}", l4_name(t.l4proto), endpoint(family, t.saddr, t.sport, ports),
                     endpoint(family, t.daddr, t.dport, ports));
}

std::string ct_text(const netdrop_ct& ct) {
  std::string s = fmt::format(" ct {}", ctinfo_name(ct.ctinfo));
  if ((ct.flags & NETDROP_CTF_UNTRACKED) != 0) return s;
  if ((ct.flags & NETDROP_CTF_TEMPLATE) != 0) s += " template";
  if (ct.tcp_state != 0) s += fmt::format(" {}", ct_tcp_state_name(ct.tcp_state));
  if (ct.zone != 0) s += fmt::format(" zone {}", ct.zone);
  if (ct.mark != 0) s += fmt::format(" mark {:#x}", ct.mark);
  if (ct.family != 0) {
    s += " orig " + ct_tuple_text(ct.family, ct.orig);
    s += " reply " + ct_tuple_text(ct.family, ct.reply);
  }
  std::string_view nat = ct_nat_kind(ct);
  if (!nat.empty()) s += fmt::format(" {}", nat);
  return s;
}

std::string ct_json(const netdrop_ct& ct) {
  std::string o = "{\"ctinfo\":";
  append_json_string(o, ctinfo_name(ct.ctinfo));
  auto out = std::back_inserter(o);
  fmt::format_to(out, ",\"untracked\":{},\"template\":{}", (ct.flags & NETDROP_CTF_UNTRACKED) != 0,
                 (ct.flags & NETDROP_CTF_TEMPLATE) != 0);
  o += ",\"status\":";
  append_json_string(o, ct_status_names(ct.status));
  fmt::format_to(out, ",\"status_value\":{}", ct.status);
  o += ",\"state\":";
  append_json_string(o, ct.tcp_state != 0 ? ct_tcp_state_name(ct.tcp_state) : "");
  fmt::format_to(out, ",\"zone\":{},\"mark\":{}", ct.zone, ct.mark);
  o += ",\"nat\":";
  append_json_string(o, ct_nat_kind(ct));
  if (ct.family != 0) {
    o += ",\"family\":";
    append_json_string(o, family_name(ct.family));
    o += ",\"orig\":" + tuple_json(ct.family, ct.orig);
    o += ",\"reply\":" + tuple_json(ct.family, ct.reply);
  }
  o += '}';
  return o;
}

}  // namespace netdrop
