#include "filter.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace netdrop {

namespace {

std::optional<unsigned> parse_uint(std::string_view s, unsigned max) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || v > max) return std::nullopt;
  return v;
}

bool prefix_equal(const uint8_t* a, const uint8_t* b, unsigned prefix) {
  unsigned bytes = prefix / 8, bits = prefix % 8;
  if (std::memcmp(a, b, bytes) != 0) return false;
  return bits == 0 || ((a[bytes] ^ b[bytes]) & (0xff00U >> bits)) == 0;
}

netdrop_cidr to_kernel_cidr(const Cidr& c) {
  netdrop_cidr k{};
  std::memcpy(k.addr, c.addr.data(), sizeof(k.addr));
  k.family = c.family;
  k.prefix = c.prefix;
  return k;
}

netdrop_range to_kernel_range(const PortRange& r) { return {r.lo, r.hi}; }

bool is_icmp(uint8_t proto) { return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6; }

}  // namespace

bool Cidr::contains(uint8_t fam, const uint8_t* a) const {
  return fam == family && prefix_equal(a, addr.data(), prefix);
}

Cidr parse_cidr(std::string_view text) {
  Cidr c;
  std::string_view addr = text;
  std::optional<unsigned> prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    prefix = parse_uint(text.substr(slash + 1), 128);
    if (!prefix) throw UsageError(fmt::format("bad address or CIDR '{}'", text));
  }
  std::string a(addr);
  if (inet_pton(AF_INET, a.c_str(), c.addr.data()) == 1) {
    c.family = AF_INET;
    c.prefix = static_cast<uint8_t>(prefix.value_or(32));
    if (c.prefix > 32) throw UsageError(fmt::format("bad address or CIDR '{}'", text));
  } else if (inet_pton(AF_INET6, a.c_str(), c.addr.data()) == 1) {
    c.family = AF_INET6;
    c.prefix = static_cast<uint8_t>(prefix.value_or(128));
  } else {
    throw UsageError(fmt::format("bad address or CIDR '{}'", text));
  }
  // Clear host bits: 10.0.0.1/8 means 10.0.0.0/8, as in ip(8).
  for (unsigned i = c.prefix; i < 128; i++) c.addr[i / 8] &= static_cast<uint8_t>(~(0x80U >> (i % 8)));
  return c;
}

PortRange parse_port_range(std::string_view text) {
  auto bad = [&] { return UsageError(fmt::format("bad port or port range '{}'", text)); };
  auto dash = text.find('-');
  auto lo = parse_uint(text.substr(0, dash), 65535);
  auto hi = dash == std::string_view::npos ? lo : parse_uint(text.substr(dash + 1), 65535);
  if (!lo || !hi || *lo > *hi) throw bad();
  return {static_cast<uint16_t>(*lo), static_cast<uint16_t>(*hi)};
}

uint8_t parse_protocol(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, uint8_t>, 6> names{{
      {"tcp", IPPROTO_TCP},
      {"udp", IPPROTO_UDP},
      {"icmp", IPPROTO_ICMP},
      {"icmp6", IPPROTO_ICMPV6},
      {"sctp", IPPROTO_SCTP},
      {"udplite", IPPROTO_UDPLITE},
  }};
  for (auto [name, value] : names)
    if (text == name) return value;
  if (auto v = parse_uint(text, 255)) return static_cast<uint8_t>(*v);
  throw UsageError(fmt::format("bad protocol '{}' (tcp, udp, icmp, icmp6, sctp or 0-255)", text));
}

namespace {

uint32_t reason_value(std::string_view name, const std::vector<Reason>& reasons) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.starts_with("SKB_DROP_REASON_")) upper.erase(0, 16);
  for (const Reason& r : reasons)
    if (r.name == upper) return r.value;
  throw UsageError(fmt::format("unknown drop reason '{}' (see 'netdropctl reasons')", name));
}

}  // namespace

std::vector<uint32_t> parse_reason_list(std::string_view text, const std::vector<Reason>& reasons,
                                        DropReasons support) {
  std::vector<uint32_t> values;
  for (size_t pos = 0; pos < text.size();) {
    size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view name = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (name.empty()) continue;
    if (support == DropReasons::absent) throw UsageError(fmt::format("--reason: {}", no_drop_reasons));
    values.push_back(reason_value(name, reasons));
  }
  return values;
}

netdrop_filter FilterSpec::to_kernel() const {
  netdrop_filter f{};
  f.size = sizeof(f);
  auto set = [&](uint32_t bit) { f.fields |= bit; };
  if (family) set(NETDROP_F_FAMILY), f.family = *family;
  if (src) set(NETDROP_F_SRC), f.src = to_kernel_cidr(*src);
  if (dst) set(NETDROP_F_DST), f.dst = to_kernel_cidr(*dst);
  if (host) set(NETDROP_F_HOST), f.host = to_kernel_cidr(*host);
  if (proto) set(NETDROP_F_L4PROTO), f.l4proto = *proto;
  if (sport) set(NETDROP_F_SPORT), f.sport = to_kernel_range(*sport);
  if (dport) set(NETDROP_F_DPORT), f.dport = to_kernel_range(*dport);
  if (port) set(NETDROP_F_PORT), f.port = to_kernel_range(*port);
  if (netns) set(NETDROP_F_NETNS), f.netns = *netns;
  if (!reasons.empty()) {
    if (reasons.size() > NETDROP_MAX_REASONS)
      throw UsageError(fmt::format("too many reasons (at most {})", NETDROP_MAX_REASONS));
    set(NETDROP_F_REASON);
    f.nr_reasons = static_cast<uint16_t>(reasons.size());
    std::copy(reasons.begin(), reasons.end(), f.reasons);
  }
  if (!locations.empty()) {
    if (locations.size() > NETDROP_MAX_LOCATIONS)
      throw UsageError(fmt::format("too many functions (at most {})", NETDROP_MAX_LOCATIONS));
    set(NETDROP_F_LOCATION);
    f.nr_locations = static_cast<uint32_t>(locations.size());
    for (size_t i = 0; i < locations.size(); i++) f.locations[i] = {locations[i].start, locations[i].end};
  }
  f.events = events;
  if (stack) f.options |= NETDROP_OPT_STACK;
  if (hooks) f.options |= NETDROP_OPT_HOOKS;
  if (aggregate) f.options |= NETDROP_OPT_AGGREGATE;
  f.snaplen = std::min<uint32_t>(snaplen, NETDROP_MAX_SNAPLEN);
  return f;
}

bool FilterSpec::matches(const Drop& d) const {
  const netdrop_drop& r = d.raw;
  bool l4 = d.has(NETDROP_RF_L4) && !is_icmp(r.l4proto);
  if (family && r.family != *family) return false;
  if (src && !src->contains(r.family, r.saddr)) return false;
  if (dst && !dst->contains(r.family, r.daddr)) return false;
  if (host && !host->contains(r.family, r.saddr) && !host->contains(r.family, r.daddr)) return false;
  if (proto && (!d.has(NETDROP_RF_DECODED) || r.l4proto != *proto)) return false;
  if ((sport || dport || port) && !l4) return false;
  if (sport && !sport->contains(r.sport)) return false;
  if (dport && !dport->contains(r.dport)) return false;
  if (port && !port->contains(r.sport) && !port->contains(r.dport)) return false;
  if (dev && d.ifname() != *dev) return false;
  if (netns && r.netns != *netns) return false;
  if (!reasons.empty() && std::find(reasons.begin(), reasons.end(), r.reason) == reasons.end()) return false;
  if (!locations.empty() && std::none_of(locations.begin(), locations.end(), [&](const AddrRange& a) {
        return r.location >= a.start && r.location < a.end;
      }))
    return false;
  return true;
}

bool FilterSpec::matches(const Reset& x) const {
  const netdrop_reset& r = x.raw;
  if (family && r.family != *family) return false;
  if (src && !src->contains(r.family, r.saddr)) return false;
  if (dst && !dst->contains(r.family, r.daddr)) return false;
  if (host && !host->contains(r.family, r.saddr) && !host->contains(r.family, r.daddr)) return false;
  if (proto && *proto != IPPROTO_TCP) return false;
  if (sport && !sport->contains(r.sport)) return false;
  if (dport && !dport->contains(r.dport)) return false;
  if (port && !port->contains(r.sport) && !port->contains(r.dport)) return false;
  if (netns && r.netns != *netns) return false;
  return true;
}

bool FilterSpec::wants(const Event& ev) const {
  return ev.is_drop() ? (events & NETDROP_EV_DROP) != 0 && matches(ev.drop)
                      : (events & NETDROP_EV_RESET) != 0 && matches(ev.reset);
}

}  // namespace netdrop
