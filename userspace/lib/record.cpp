#include "record.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

namespace netdrop {

namespace {

std::string_view fixed_string(const char* s, size_t max) { return {s, strnlen(s, max)}; }

// Does [off, off + len) lie inside a record of size bytes, after the header?
bool part_fits(uint32_t off, uint64_t len, uint32_t size) {
  return off >= sizeof(netdrop_rec_hdr) && off <= size && len <= size - off;
}

}  // namespace

uint64_t Drop::frame(size_t i) const {
  uint64_t v = 0;
  std::memcpy(&v, stack_bytes.data() + i * 8, 8);
  return v;
}

std::string_view Drop::ifname() const { return fixed_string(raw.ifname, sizeof(raw.ifname)); }
std::string_view Drop::comm() const { return fixed_string(raw.comm, sizeof(raw.comm)); }

Decoded decode_record(Bytes buf, Drop& out) {
  netdrop_rec_hdr hdr{};
  if (buf.size() < sizeof(hdr)) return {DecodeStatus::truncated, 0};
  std::memcpy(&hdr, buf.data(), sizeof(hdr));
  if (hdr.size < sizeof(hdr) || hdr.size % 8 != 0) return {DecodeStatus::malformed, 0};
  if (hdr.size > buf.size()) return {DecodeStatus::truncated, 0};
  if (hdr.type != NETDROP_REC_DROP) return {DecodeStatus::skipped, hdr.size};
  if (hdr.size < sizeof(netdrop_drop)) return {DecodeStatus::malformed, 0};

  // A newer minor version may append fixed fields: copy what we know.
  std::memcpy(&out.raw, buf.data(), sizeof(out.raw));
  const netdrop_drop& r = out.raw;
  out.stack_bytes = {};
  out.data = {};
  out.hook_names.reset();
  if ((hdr.flags & NETDROP_RF_HOOK) != 0) {
    // Before ABI 1.3 the names ended before the rule handle.
    bool rule = (hdr.flags & NETDROP_RF_RULE) != 0;
    size_t len = rule ? sizeof(netdrop_hook_names) : offsetof(netdrop_hook_names, rule);
    if (!part_fits(r.names_off, len, hdr.size)) return {DecodeStatus::malformed, 0};
    netdrop_hook_names n{};
    std::memcpy(&n, buf.data() + r.names_off, len);
    if (!rule) n.rule = 0;
    // Terminate every name whatever the buffer held.
    n.func[sizeof(n.func) - 1] = n.module[sizeof(n.module) - 1] = '\0';
    n.table[sizeof(n.table) - 1] = n.chain[sizeof(n.chain) - 1] = '\0';
    out.hook_names = n;
  }
  out.ct.reset();
  if ((hdr.flags & NETDROP_RF_CT) != 0) {
    if (!part_fits(r.ct_off, sizeof(netdrop_ct), hdr.size)) return {DecodeStatus::malformed, 0};
    netdrop_ct ct{};
    std::memcpy(&ct, buf.data() + r.ct_off, sizeof(ct));
    out.ct = ct;
  }
  if ((hdr.flags & NETDROP_RF_STACK) != 0) {
    uint64_t len = uint64_t{r.nr_stack} * 8;
    if (r.nr_stack > NETDROP_MAX_STACK || !part_fits(r.stack_off, len, hdr.size)) return {DecodeStatus::malformed, 0};
    out.stack_bytes = buf.subspan(r.stack_off, len);
  }
  if ((hdr.flags & NETDROP_RF_DATA) != 0) {
    if (!part_fits(r.data_off, r.data_len, hdr.size)) return {DecodeStatus::malformed, 0};
    out.data = buf.subspan(r.data_off, r.data_len);
  }
  return {DecodeStatus::ok, hdr.size};
}

uint64_t Reset::frame(size_t i) const {
  uint64_t v = 0;
  std::memcpy(&v, stack_bytes.data() + i * 8, 8);
  return v;
}

std::string_view Reset::comm() const { return fixed_string(raw.comm, sizeof(raw.comm)); }

namespace {

Decoded decode_reset(Bytes buf, const netdrop_rec_hdr& hdr, Reset& out) {
  if (hdr.size < sizeof(netdrop_reset)) return {DecodeStatus::malformed, 0};
  std::memcpy(&out.raw, buf.data(), sizeof(out.raw));
  out.stack_bytes = {};
  if ((hdr.flags & NETDROP_RF_STACK) != 0) {
    uint64_t len = uint64_t{out.raw.nr_stack} * 8;
    if (out.raw.nr_stack > NETDROP_MAX_STACK || !part_fits(out.raw.stack_off, len, hdr.size))
      return {DecodeStatus::malformed, 0};
    out.stack_bytes = buf.subspan(out.raw.stack_off, len);
  }
  return {DecodeStatus::ok, hdr.size};
}

}  // namespace

Decoded decode_event(Bytes buf, Event& out) {
  netdrop_rec_hdr hdr{};
  if (buf.size() < sizeof(hdr)) return {DecodeStatus::truncated, 0};
  std::memcpy(&hdr, buf.data(), sizeof(hdr));
  out.type = hdr.type;
  if (hdr.type != NETDROP_REC_RESET) return decode_record(buf, out.drop);
  if (hdr.size < sizeof(hdr) || hdr.size % 8 != 0) return {DecodeStatus::malformed, 0};
  if (hdr.size > buf.size()) return {DecodeStatus::truncated, 0};
  return decode_reset(buf, hdr, out.reset);
}

std::string_view tcp_state_name(uint8_t state) {
  static constexpr std::array<std::string_view, 14> names{
      "",      "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",    "TIME_WAIT",
      "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV", "BOUND_INACTIVE"};
  if (state == NETDROP_TCP_STATE_NONE) return "none";
  return state < names.size() && !names[state].empty() ? names[state] : "?";
}

std::string reset_facts(uint16_t facts) {
  static constexpr std::array<std::pair<uint16_t, std::string_view>, 7> names{{
      {NETDROP_RSTF_NO_SOCKET, "no-socket"},
      {NETDROP_RSTF_TIMEWAIT, "time-wait"},
      {NETDROP_RSTF_REQSOCK, "request-socket"},
      {NETDROP_RSTF_LINGER0, "linger-0"},
      {NETDROP_RSTF_UNREAD, "unread-data"},
      {NETDROP_RSTF_MEM_PRESSURE, "memory-pressure"},
      {NETDROP_RSTF_ORPHANS, "too-many-orphans"},
  }};
  std::string s;
  for (auto [bit, name] : names) {
    if ((facts & bit) == 0) continue;
    if (!s.empty()) s += ',';
    s += name;
  }
  return s;
}

std::string_view family_name(uint8_t family) {
  switch (family) {
    case AF_INET: return "ipv4";
    case AF_INET6: return "ipv6";
    default: return "";
  }
}

std::string_view l4_name(uint8_t proto) {
  switch (proto) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP: return "icmp";
    case IPPROTO_ICMPV6: return "icmp6";
    case IPPROTO_SCTP: return "sctp";
    case IPPROTO_UDPLITE: return "udplite";
    case IPPROTO_GRE: return "gre";
    case IPPROTO_ESP: return "esp";
    case IPPROTO_AH: return "ah";
    default: return "";
  }
}

std::string format_addr(uint8_t family, const uint8_t* addr) {
  if (family == AF_INET) {  // the common case, without inet_ntop's printf
    std::string s;
    s.reserve(15);
    for (int i = 0; i < 4; i++) {
      if (i != 0) s += '.';
      unsigned v = addr[i];
      if (v >= 100) s += static_cast<char>('0' + v / 100);
      if (v >= 10) s += static_cast<char>('0' + v / 10 % 10);
      s += static_cast<char>('0' + v % 10);
    }
    return s;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET || family == AF_INET6) inet_ntop(family, addr, buf, sizeof(buf));
  return buf;
}

std::string tcp_flags_string(uint8_t flags) {
  static constexpr std::array<std::pair<uint8_t, char>, 8> names{{
      {0x02, 'S'},
      {0x10, '.'},
      {0x01, 'F'},
      {0x04, 'R'},
      {0x08, 'P'},
      {0x20, 'U'},
      {0x40, 'E'},
      {0x80, 'W'},
  }};
  std::string s;
  for (auto [bit, c] : names)
    if ((flags & bit) != 0) s += c;
  return s.empty() ? "none" : s;
}

std::string_view context_name(uint8_t ctx) {
  switch (ctx) {
    case NETDROP_CTX_TASK: return "task";
    case NETDROP_CTX_SOFTIRQ: return "softirq";
    case NETDROP_CTX_HARDIRQ: return "hardirq";
    case NETDROP_CTX_NMI: return "nmi";
    default: return "?";
  }
}

void append_addresses(const Event& ev, std::vector<uint64_t>& out) {
  if (ev.is_drop()) {
    out.push_back(ev.drop.raw.location);
    for (size_t i = 0; i < ev.drop.stack_size(); i++) out.push_back(ev.drop.frame(i));
  } else if (ev.is_reset()) {
    out.push_back(ev.reset.raw.location);
    for (size_t i = 0; i < ev.reset.stack_size(); i++) out.push_back(ev.reset.frame(i));
  }
}

void AddressSet::add(const Event& ev) {
  append_addresses(ev, addrs_);
  if (addrs_.size() >= compact_at_) {
    compact();
    compact_at_ = std::max<size_t>(compact_at_, addrs_.size() * 2);
  }
}

const std::vector<uint64_t>& AddressSet::addresses() {
  compact();
  return addrs_;
}

void AddressSet::compact() {
  std::sort(addrs_.begin(), addrs_.end());
  addrs_.erase(std::unique(addrs_.begin(), addrs_.end()), addrs_.end());
}

}  // namespace netdrop
