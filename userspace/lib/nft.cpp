#include "nft.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "hooks.hpp"
#include "session.hpp"

namespace netdrop {

namespace {

// What the last load put in a register, so that the compare that follows
// can be read as "ip saddr 10.0.2.8".
struct Load {
  enum Shape { raw, addr, port, l4, name };  // how to print the data
  std::string what;                          // "ip saddr", "th dport", ...
  Shape shape = raw;
};

Load load(std::string what, Load::Shape shape = Load::raw) {
  Load l;
  l.what = std::move(what);
  l.shape = shape;
  return l;
}

Load payload_load(const nftnl_expr* e) {
  uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
  uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
  uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
  bool nh = base == NFT_PAYLOAD_NETWORK_HEADER, th = base == NFT_PAYLOAD_TRANSPORT_HEADER;
  if (nh && len == 4 && (off == 12 || off == 16)) return load(off == 12 ? "ip saddr" : "ip daddr", Load::addr);
  if (nh && len == 16 && (off == 8 || off == 24)) return load(off == 8 ? "ip6 saddr" : "ip6 daddr", Load::addr);
  if (nh && len == 1 && off == 9) return load("ip protocol", Load::l4);
  if (th && len == 2 && (off == 0 || off == 2)) return load(off == 0 ? "th sport" : "th dport", Load::port);
  return load(fmt::format("@{},{},{}", base == NFT_PAYLOAD_LL_HEADER ? "ll" : nh ? "nh" : "th", off * 8, len * 8));
}

Load meta_load(const nftnl_expr* e) {
  uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
  switch (key) {
    case NFT_META_L4PROTO: return load("meta l4proto", Load::l4);
    case NFT_META_NFPROTO: return load("meta nfproto");
    case NFT_META_IIFNAME: return load("iifname", Load::name);
    case NFT_META_OIFNAME: return load("oifname", Load::name);
    case NFT_META_MARK: return load("meta mark");
    default: return load(fmt::format("meta key {}", key));
  }
}

std::string l4_text(uint8_t p) {
  switch (p) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP: return "icmp";
    case IPPROTO_ICMPV6: return "ipv6-icmp";
    default: return std::to_string(p);
  }
}

std::string value_text(const Load& l, const uint8_t* d, uint32_t len) {
  if (l.shape == Load::addr && (len == 4 || len == 16)) {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    inet_ntop(len == 4 ? AF_INET : AF_INET6, d, buf.data(), buf.size());
    return buf.data();
  }
  if (l.shape == Load::port && len == 2) return std::to_string((d[0] << 8) | d[1]);
  if (l.shape == Load::l4 && len == 1) return l4_text(d[0]);
  if (l.shape == Load::name)
    return fmt::format("\"{}\"",
                       std::string(reinterpret_cast<const char*>(d), strnlen(reinterpret_cast<const char*>(d), len)));
  std::string hex = "0x";
  for (uint32_t i = 0; i < len; i++) hex += fmt::format("{:02x}", d[i]);
  return hex;
}

std::string_view cmp_op(uint32_t op) {
  switch (op) {
    case NFT_CMP_EQ: return "";
    case NFT_CMP_NEQ: return "!= ";
    case NFT_CMP_LT: return "< ";
    case NFT_CMP_LTE: return "<= ";
    case NFT_CMP_GT: return "> ";
    case NFT_CMP_GTE: return ">= ";
    default: return "? ";
  }
}

std::string verdict_text(const nftnl_expr* e) {
  int32_t v = static_cast<int32_t>(nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT));
  const char* chain = nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN) ? nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN) : "";
  switch (v) {
    case NF_DROP: return "drop";
    case NF_ACCEPT: return "accept";
    case NFT_JUMP: return fmt::format("jump {}", chain);
    case NFT_GOTO: return fmt::format("goto {}", chain);
    case NFT_RETURN: return "return";
    case NFT_CONTINUE: return "continue";
    default: return fmt::format("verdict {}", v);
  }
}

struct Renderer {
  explicit Renderer(NftRule& r) : rule(r) {}

  NftRule& rule;
  std::vector<std::string> words;
  std::array<Load, 32> regs{};

  void expr(const nftnl_expr* e) {
    std::string_view name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
    if (name == "payload")
      regs.at(reg(e, NFTNL_EXPR_PAYLOAD_DREG)) = payload_load(e);
    else if (name == "meta" && nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
      regs.at(reg(e, NFTNL_EXPR_META_DREG)) = meta_load(e);
    else if (name == "cmp")
      cmp(e);
    else if (name == "counter")
      counter(e);
    else if (name == "immediate")
      immediate(e);
    else if (name == "lookup")
      words.push_back(fmt::format("@{}", nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET)));
    else if (name == "match")
      words.push_back(fmt::format("xt match \"{}\"", nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME)));
    else if (name == "target")
      target(e);
    else
      words.push_back(fmt::format("[{}]", name));
  }

  static size_t reg(const nftnl_expr* e, uint16_t attr) {
    uint32_t r = nftnl_expr_get_u32(e, attr);
    return r < 32 ? r : 0;
  }

  void cmp(const nftnl_expr* e) {
    const Load& l = regs.at(reg(e, NFTNL_EXPR_CMP_SREG));
    uint32_t len = 0;
    const auto* d = static_cast<const uint8_t*>(nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len));
    words.push_back(fmt::format("{} {}{}", l.what.empty() ? "reg" : l.what,
                                cmp_op(nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP)),
                                d != nullptr ? value_text(l, d, len) : "?"));
  }

  void counter(const nftnl_expr* e) {
    rule.has_counter = true;
    rule.packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
    words.push_back(
        fmt::format("counter packets {} bytes {}", rule.packets, nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES)));
  }

  void immediate(const nftnl_expr* e) {
    if (reg(e, NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT) {
      words.push_back("[immediate]");
      return;
    }
    std::string v = verdict_text(e);
    rule.drops = v == "drop";
    words.push_back(v);
  }

  void target(const nftnl_expr* e) {
    std::string_view t = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);
    // iptables-nft's -j DROP is an immediate; a REJECT target drops too.
    if (t == "REJECT") rule.drops = true;
    words.push_back(fmt::format("xt target \"{}\"", t));
  }
};

int expr_cb(nftnl_expr* e, void* data) {
  static_cast<Renderer*>(data)->expr(e);
  return MNL_CB_OK;
}

int rule_cb(const nlmsghdr* h, void* data) {
  auto& out = *static_cast<std::vector<NftRule>*>(data);
  std::unique_ptr<nftnl_rule, decltype(&nftnl_rule_free)> r(nftnl_rule_alloc(), &nftnl_rule_free);
  if (r && nftnl_rule_nlmsg_parse(h, r.get()) >= 0) out.push_back(describe_rule(r.get()));
  return MNL_CB_OK;
}

}  // namespace

NftRule describe_rule(const nftnl_rule* r) {
  NftRule rule;
  rule.family = nft_family_name(static_cast<uint8_t>(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY)));
  rule.table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
  rule.chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
  rule.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
  Renderer rd(rule);
  nftnl_expr_foreach(const_cast<nftnl_rule*>(r), expr_cb, &rd);
  for (const std::string& w : rd.words) rule.text += (rule.text.empty() ? "" : " ") + w;
  return rule;
}

std::vector<NftRule> read_nft_rules() {
  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> nl(mnl_socket_open(NETLINK_NETFILTER), &mnl_socket_close);
  if (!nl || mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0)
    throw SystemError(fmt::format("nf_tables: cannot open a netlink socket: {}", std::strerror(errno)));
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  auto seq = static_cast<uint32_t>(time(nullptr));
  nlmsghdr* h = nftnl_rule_nlmsg_build_hdr(buf.data(), NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
  if (mnl_socket_sendto(nl.get(), h, h->nlmsg_len) < 0)
    throw SystemError(fmt::format("nf_tables: cannot ask for the rules: {}", std::strerror(errno)));
  std::vector<NftRule> out;
  uint32_t port = mnl_socket_get_portid(nl.get());
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl.get(), buf.data(), buf.size());
    if (n < 0) throw SystemError(fmt::format("nf_tables: {}", std::strerror(errno)));
    int rc = mnl_cb_run(buf.data(), n, seq, port, rule_cb, &out);
    if (rc == MNL_CB_STOP) return out;
    // No nf_tables in this kernel (or module not loaded): no rules.
    if (rc < 0 && (errno == ENOENT || errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) return out;
    if (rc < 0) throw SystemError(fmt::format("nf_tables: {}", std::strerror(errno)));
  }
}

}  // namespace netdrop
