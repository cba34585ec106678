#include "format.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctime>

#include "conntrack.hpp"
#include "hooks.hpp"

namespace netdrop {

namespace {

constexpr int64_t ns_per_s = 1'000'000'000;

// Records come in bursts within one second: the broken-down time of the
// last second asked for is kept (localtime_r is the costliest step of a
// text line otherwise).
std::tm split_time(int64_t wall_ns, bool utc) {
  struct Cached {
    std::time_t secs = -1;
    bool utc = false;
    std::tm tm{};
  };
  thread_local Cached cache;
  std::time_t secs = static_cast<std::time_t>(wall_ns / ns_per_s);
  if (secs == cache.secs && utc == cache.utc) return cache.tm;
  std::tm tm{};
  if (utc)
    gmtime_r(&secs, &tm);
  else
    localtime_r(&secs, &tm);
  cache = {secs, utc, tm};
  return tm;
}

void append_endpoint(std::string& out, uint8_t family, const uint8_t* addr, uint16_t port, bool with_port);

std::string endpoint(uint8_t family, const uint8_t* addr, uint16_t port, bool with_port) {
  std::string s;
  append_endpoint(s, family, addr, port, with_port);
  return s;
}

void append_endpoint(std::string& out, uint8_t family, const uint8_t* addr, uint16_t port, bool with_port) {
  bool brackets = with_port && family == AF_INET6;
  if (brackets) out += '[';
  out += format_addr(family, addr);
  if (brackets) out += ']';
  if (!with_port) return;
  out += ':';
  fmt::format_int digits(port);
  out.append(digits.data(), digits.size());
}

bool has_ports(const Drop& d) {
  return d.has(NETDROP_RF_L4) && d.raw.l4proto != IPPROTO_ICMP && d.raw.l4proto != IPPROTO_ICMPV6;
}

bool is_icmp(const Drop& d) {
  return d.has(NETDROP_RF_L4) && (d.raw.l4proto == IPPROTO_ICMP || d.raw.l4proto == IPPROTO_ICMPV6);
}

std::string proto_name(const Drop& d) {
  if (!d.has(NETDROP_RF_DECODED)) return fmt::format("proto 0x{:04x}", d.raw.protocol);
  std::string_view n = l4_name(d.raw.l4proto);
  return n.empty() ? fmt::format("ipproto {}", d.raw.l4proto) : std::string(n);
}

void json_key(std::string& out, std::string_view key) {
  if (out.size() > 1) out += ',';
  out += '"';
  out.append(key);
  out.append("\":", 2);
}

void json_str(std::string& out, std::string_view key, std::string_view v) {
  json_key(out, key);
  append_json_string(out, v);
}

void json_num(std::string& out, std::string_view key, uint64_t v) {
  json_key(out, key);
  fmt::format_int digits(v);
  out.append(digits.data(), digits.size());
}

// "orphans": the count, or null where the kernel cannot tell (or, for a
// passive reset, where the module does not read it).
void json_orphans(std::string& out, uint32_t orphans) {
  if (orphans != NETDROP_ORPHANS_UNKNOWN) {
    json_num(out, "orphans", orphans);
    return;
  }
  json_key(out, "orphans");
  out += "null";
}

std::string orphans_text(uint32_t orphans) {
  return orphans == NETDROP_ORPHANS_UNKNOWN ? "?" : std::to_string(orphans);
}

std::string hook_text(const Drop& d) {
  const netdrop_hook_names& n = *d.hook_names;
  const netdrop_hook_info& h = d.raw.hook;
  std::string s = fmt::format("hook {} {} prio {} {}", pf_name(h.pf), hook_name(h.pf, h.hooknum), h.priority, n.func);
  if (n.module[0] != '\0') s += fmt::format(" [{}]", n.module);
  if (n.chain[0] != '\0') s += fmt::format(" nft {} {}", n.table, n.chain);
  if (n.rule != 0)
    s += fmt::format(" rule {}", n.rule);
  else if (n.table[0] != '\0')
    s += fmt::format(" table {}", n.table);
  return s;
}

void json_hook(std::string& out, const Drop& d) {
  const netdrop_hook_names& n = *d.hook_names;
  const netdrop_hook_info& h = d.raw.hook;
  json_key(out, "hook");
  std::string o = "{";
  json_str(o, "function", n.func);
  json_str(o, "module", n.module);
  json_key(o, "priority");
  fmt::format_to(std::back_inserter(o), "{}", h.priority);
  json_str(o, "family", pf_name(h.pf));
  json_str(o, "hook", hook_name(h.pf, h.hooknum));
  json_str(o, "type", ops_type_name(h.ops_type));
  json_str(o, "table", n.table);
  json_str(o, "chain", n.chain);
  json_key(o, "rule");
  fmt::format_to(std::back_inserter(o), "{}", n.rule);
  o += '}';
  out += o;
}

std::string frame_text(Symbolizer& symbols, uint64_t a) {
  Resolved f = symbols.resolve(a);
  std::string s = format_location(f, a);
  if (f.sym != nullptr && !f.sym->module.empty()) s += fmt::format(" [{}]", f.sym->module);
  return s;
}

// "stack": ["sym+0xoff [module]", ...] for a drop or a reset.
template <typename Record>
void json_stack(std::string& out, const Record& r, Symbolizer& symbols) {
  if (r.stack_size() == 0) return;
  json_key(out, "stack");
  out += '[';
  for (size_t i = 0; i < r.stack_size(); i++) {
    if (i > 0) out += ',';
    append_json_string(out, frame_text(symbols, r.frame(i)));
  }
  out += ']';
}

}  // namespace

std::string ViewContext::reason_name(uint32_t value) const {
  if (drop_reasons == DropReasons::absent) return {};
  auto it = reason_names.find(value);
  if (it != reason_names.end()) return it->second;
  return fmt::format("REASON_{}", value);
}

std::string ViewContext::reset_reason_name(uint32_t value) const {
  auto it = reset_reason_names.find(value);
  if (it != reset_reason_names.end()) return it->second;
  return reset_reason_names.empty() ? std::string() : fmt::format("RST_REASON_{}", value);
}

ViewContext view_context(const netdrop_info& info, const std::vector<Reason>& reasons,
                         const std::vector<Reason>& reset_reasons, Symbolizer& symbols) {
  ViewContext ctx;
  ctx.symbols = &symbols;
  ctx.drop_reasons = drop_reasons_of(info);
  ctx.reason_names = reason_map(reasons);
  ctx.reset_reason_names = reason_map(reset_reasons);
  ctx.realtime_offset_ns = static_cast<int64_t>(info.real_ns - info.mono_ns);
  return ctx;
}

std::string_view reset_kind_name(uint8_t kind) {
  switch (kind) {
    case NETDROP_RST_ACTIVE: return "active";
    case NETDROP_RST_PASSIVE: return "passive";
    default: return "?";
  }
}

std::string format_reset_text(const Reset& r, ViewContext& ctx) {
  const netdrop_reset& x = r.raw;
  std::string line = fmt::format("{} cpu{} RESET {} tcp {} > {} state {}",
                                 format_clock(static_cast<int64_t>(x.ts_ns) + ctx.realtime_offset_ns, ctx.utc), x.cpu,
                                 reset_kind_name(x.kind), endpoint(x.family, x.saddr, x.sport, true),
                                 endpoint(x.family, x.daddr, x.dport, true), tcp_state_name(x.state));
  std::string reason = ctx.reset_reason_name(x.reason);
  if (!reason.empty()) line += fmt::format(" reason {}", reason);
  std::string facts = reset_facts(x.facts);
  if (!facts.empty()) line += fmt::format(" [{}]", facts);
  if ((x.facts & NETDROP_RSTF_UNREAD) != 0) line += fmt::format(" unread {}", x.unread);
  if (x.kind == NETDROP_RST_ACTIVE) line += " orphans " + orphans_text(x.orphans);
  line += fmt::format(" by {} ({}) netns {} comm {} pid {}", ctx.symbols->location(x.location), context_name(x.ctx),
                      x.netns, r.comm(), x.pid);
  for (size_t i = 0; i < r.stack_size(); i++) line += "\n    " + frame_text(*ctx.symbols, r.frame(i));
  return line;
}

std::string format_reset_json(const Reset& r, ViewContext& ctx) {
  const netdrop_reset& x = r.raw;
  Resolved loc = ctx.symbols->resolve(x.location);
  std::string out = "{";
  json_str(out, "ts", format_rfc3339(static_cast<int64_t>(x.ts_ns) + ctx.realtime_offset_ns));
  json_num(out, "cpu", x.cpu);
  json_str(out, "type", "reset");
  json_str(out, "kind", reset_kind_name(x.kind));
  json_str(out, "function", loc.sym != nullptr ? std::string_view(loc.sym->name) : "");
  json_str(out, "reason", ctx.reset_reason_name(x.reason));
  json_num(out, "reason_value", x.reason);
  json_str(out, "family", family_name(x.family));
  json_str(out, "proto", "tcp");
  json_str(out, "src", format_addr(x.family, x.saddr));
  json_str(out, "dst", format_addr(x.family, x.daddr));
  json_num(out, "sport", x.sport);
  json_num(out, "dport", x.dport);
  json_str(out, "state", tcp_state_name(x.state));
  json_key(out, "facts");
  out += '[';
  std::string facts = reset_facts(x.facts);
  for (size_t pos = 0; !facts.empty() && pos <= facts.size();) {
    size_t comma = facts.find(',', pos);
    if (comma == std::string::npos) comma = facts.size();
    if (pos > 0) out += ',';
    append_json_string(out, std::string_view(facts).substr(pos, comma - pos));
    pos = comma + 1;
  }
  out += ']';
  json_num(out, "unread", x.unread);
  // The module reads the orphan count for active resets only: a passive
  // one's field is not a count (null, like an unknown count).
  json_orphans(out, x.kind == NETDROP_RST_ACTIVE ? x.orphans : NETDROP_ORPHANS_UNKNOWN);
  json_num(out, "netns", x.netns);
  json_num(out, "pid", x.pid);
  json_str(out, "comm", r.comm());
  json_str(out, "context", context_name(x.ctx));
  json_num(out, "seq", x.seq);
  json_stack(out, r, *ctx.symbols);
  out += '}';
  return out;
}

std::string format_clock(int64_t wall_ns, bool utc) {
  std::tm tm = split_time(wall_ns, utc);
  return fmt::format(FMT_COMPILE("{:02}:{:02}:{:02}.{:09}"), tm.tm_hour, tm.tm_min, tm.tm_sec, wall_ns % ns_per_s);
}

std::string format_rfc3339(int64_t wall_ns) {
  std::tm tm = split_time(wall_ns, true);
  return fmt::format(FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z"), tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, wall_ns % ns_per_s);
}

// Appends "proto src:sport > dst:dport [flags]..." to out.
void append_flow(std::string& out, const Drop& d) {
  const netdrop_drop& r = d.raw;
  out += proto_name(d);
  if (!d.has(NETDROP_RF_DECODED)) return;
  bool ports = has_ports(d);
  out += ' ';
  append_endpoint(out, r.family, r.saddr, r.sport, ports);
  out.append(" > ", 3);
  append_endpoint(out, r.family, r.daddr, r.dport, ports);
  if (ports && r.l4proto == IPPROTO_TCP)
    fmt::format_to(std::back_inserter(out), " [{}]", tcp_flags_string(r.tcp_flags));
  if (is_icmp(d)) fmt::format_to(std::back_inserter(out), FMT_COMPILE(" type {} code {}"), r.icmp_type, r.icmp_code);
  if (d.has(NETDROP_RF_FRAGMENT)) out += " frag";
  if (d.has(NETDROP_RF_TRUNCATED)) out += " truncated";
  if (d.has(NETDROP_RF_MALFORMED)) out += " malformed";
}

std::string format_flow(const Drop& d) {
  std::string s;
  append_flow(s, d);
  return s;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the pending run of characters kept as they are
  for (size_t i = 0; i < s.size(); i++) {
    auto u = static_cast<unsigned char>(s[i]);
    bool plain = u >= 0x20 && u < 0x7f && u != '"' && u != '\\';
    if (plain) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    if (u == '"' || u == '\\') {
      out += '\\';
      out += static_cast<char>(u);
    } else {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

std::string format_text(const Drop& d, ViewContext& ctx) {
  const netdrop_drop& r = d.raw;
  Resolved loc = ctx.symbols->resolve(r.location);
  std::string line = format_clock(static_cast<int64_t>(r.ts_ns) + ctx.realtime_offset_ns, ctx.utc);
  line.reserve(200);
  auto out = std::back_inserter(line);
  fmt::format_to(out, FMT_COMPILE(" cpu{} "), r.cpu);
  append_location(line, loc, r.location);
  if (loc.sym != nullptr && !loc.sym->module.empty()) {
    line.append(" [", 2);
    line += loc.sym->module;
    line += ']';
  }
  std::string reason = ctx.reason_name(r.reason);
  line += ' ';
  line += reason.empty() ? "-" : reason;
  line += ' ';
  append_flow(line, d);
  if (!d.ifname().empty()) {
    line.append(" dev ", 5);
    line += d.ifname();
  }
  fmt::format_to(out, FMT_COMPILE(" netns {}"), r.netns);
  if (d.hook_names) line += " " + hook_text(d);
  if (d.ct) line += ct_text(*d.ct);
  for (size_t i = 0; i < d.stack_size(); i++) line += "\n    " + frame_text(*ctx.symbols, d.frame(i));
  return line;
}

std::string format_json(const Drop& d, ViewContext& ctx) {
  const netdrop_drop& r = d.raw;
  Resolved loc = ctx.symbols->resolve(r.location);
  std::string out = "{";
  out.reserve(640);
  json_str(out, "ts", format_rfc3339(static_cast<int64_t>(r.ts_ns) + ctx.realtime_offset_ns));
  json_num(out, "cpu", r.cpu);
  json_str(out, "type", "drop");
  json_str(out, "location", format_location(loc, r.location));
  json_str(out, "function", loc.sym != nullptr ? std::string_view(loc.sym->name) : "");
  json_str(out, "module", loc.sym != nullptr ? std::string_view(loc.sym->module) : "");
  json_str(out, "reason", ctx.reason_name(r.reason));
  json_num(out, "reason_value", r.reason);
  bool decoded = d.has(NETDROP_RF_DECODED);
  json_str(out, "family", family_name(decoded ? r.family : 0));
  json_str(out, "proto", decoded ? proto_name(d) : "");
  json_str(out, "src", decoded ? format_addr(r.family, r.saddr) : "");
  json_str(out, "dst", decoded ? format_addr(r.family, r.daddr) : "");
  json_num(out, "sport", has_ports(d) ? r.sport : 0);
  json_num(out, "dport", has_ports(d) ? r.dport : 0);
  json_str(out, "ifname", d.ifname());
  json_num(out, "ifindex", r.ifindex);
  json_num(out, "netns", r.netns);
  json_num(out, "len", r.len);
  json_num(out, "pid", r.pid);
  json_str(out, "comm", d.comm());
  json_str(out, "context", context_name(r.ctx));
  json_num(out, "seq", r.seq);
  json_num(out, "mark", r.mark);
  if (has_ports(d) && r.l4proto == IPPROTO_TCP) json_str(out, "tcp_flags", tcp_flags_string(r.tcp_flags));
  if (is_icmp(d)) {
    json_num(out, "icmp_type", r.icmp_type);
    json_num(out, "icmp_code", r.icmp_code);
  }
  if (d.hook_names) json_hook(out, d);
  if (d.ct) {
    json_key(out, "ct");
    out += ct_json(*d.ct);
  }
  json_stack(out, d, *ctx.symbols);
  out += '}';
  return out;
}

}  // namespace netdrop
