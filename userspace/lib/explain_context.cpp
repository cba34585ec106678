#include "explain_context.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace netdrop {

namespace {

std::string field(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\t' || c == '\n') c = ' ';
  return out;
}

// line KIND FIELDS...: one tab-separated line.
template <typename... T>
std::string line(std::string_view kind, const T&... fields) {
  std::string out(kind);
  ((out += '\t', out += field(fmt::format("{}", fields))), ...);
  out += '\n';
  return out;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (;;) {
    size_t tab = s.find('\t', pos);
    out.push_back(s.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos));
    if (tab == std::string_view::npos) return out;
    pos = tab + 1;
  }
}

template <typename N>
N number(std::string_view s, std::string_view what) {
  N v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty())
    throw std::invalid_argument(fmt::format("{} '{}' is not a number", what, s));
  return v;
}

double seconds_of(std::string_view s) {
  try {
    size_t used = 0;
    double v = std::stod(std::string(s), &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(fmt::format("window length '{}' is not a number", s));
}

std::string rule_line(std::string_view edge, const NftRule& r) {
  return line("rule", edge, r.family, r.table, r.chain, r.handle, int(r.drops), int(r.has_counter), r.packets, r.text);
}

void parse_line(const std::vector<std::string_view>& f, ExplainInput& in, std::map<std::string, std::string>& taints) {
  std::string_view kind = f[0];
  auto want = [&](size_t n) {
    if (f.size() != n + 1)
      throw std::invalid_argument(fmt::format("a {} line has {} fields, not {}", kind, f.size() - 1, n));
  };
  if (kind == "window") {
    want(2);
    in.seconds = seconds_of(f[1]);
    in.ring_kb = number<uint32_t>(f[2], "ring size");
  } else if (kind == "sysctl") {
    want(2);
    in.sysctls[std::string(f[1])] = f[2];
  } else if (kind == "before" || kind == "after") {
    want(2);
    (kind == "before" ? in.before : in.after)[std::string(f[1])] = number<uint64_t>(f[2], f[1]);
  } else if (kind == "rule") {
    want(9);
    NftRule r{std::string(f[2]), std::string(f[3]), std::string(f[4]), number<uint64_t>(f[5], "rule handle"),
              std::string(f[9]), f[6] == "1",       f[7] == "1",       number<uint64_t>(f[8], "rule packets")};
    if (f[1] != "before" && f[1] != "after") throw std::invalid_argument(fmt::format("rule edge '{}'", f[1]));
    (f[1] == "before" ? in.rules_before : in.rules_after).push_back(std::move(r));
  } else if (kind == "socket") {
    want(11);
    ExplainSocket s;
    s.proto = f[1];
    s.state = f[2];
    s.addr = f[3];
    s.port = number<uint16_t>(f[4], "port");
    s.netns = number<uint32_t>(f[5], "netns");
    s.rcvbuf = number<uint32_t>(f[6], "rcvbuf");
    s.queued = number<uint32_t>(f[7], "queued");
    s.drops = number<uint32_t>(f[8], "socket drops");
    s.inode = number<uint64_t>(f[9], "inode");
    s.pid = number<uint32_t>(f[10], "pid");
    s.owner = f[11];
    in.sockets.push_back(std::move(s));
  } else if (kind == "hook") {
    want(12);
    ExplainHook h;
    h.function = f[1];
    h.module = f[2];
    h.family = f[3];
    h.hook = f[4];
    h.type = f[5];
    h.table = f[6];
    h.chain = f[7];
    h.priority = number<int32_t>(f[8], "priority");
    h.xtables = f[9] == "1";
    h.third_party = f[10] == "1";
    h.netns = number<uint32_t>(f[11], "netns");
    h.taint = f[12];
    in.hooks.push_back(std::move(h));
  } else if (kind == "taint") {
    want(2);
    taints[std::string(f[1])] = f[2];
  }
}

}  // namespace

std::string format_explain_context(const ExplainInput& in, const std::map<std::string, std::string>& taints) {
  std::string out = line("window", fmt::format("{:.6f}", in.seconds), in.ring_kb);
  for (const auto& [k, v] : in.sysctls) out += line("sysctl", k, v);
  for (const auto& [k, v] : in.before) out += line("before", k, v);
  for (const auto& [k, v] : in.after) out += line("after", k, v);
  for (const NftRule& r : in.rules_before) out += rule_line("before", r);
  for (const NftRule& r : in.rules_after) out += rule_line("after", r);
  for (const ExplainSocket& s : in.sockets)
    out +=
        line("socket", s.proto, s.state, s.addr, s.port, s.netns, s.rcvbuf, s.queued, s.drops, s.inode, s.pid, s.owner);
  for (const ExplainHook& h : in.hooks)
    out += line("hook", h.function, h.module, h.family, h.hook, h.type, h.table, h.chain, h.priority, int(h.xtables),
                int(h.third_party), h.netns, h.taint);
  for (const auto& [m, t] : taints) out += line("taint", m, t);
  return out;
}

void parse_explain_context(std::string_view text, ExplainInput& in, std::map<std::string, std::string>& taints) {
  size_t pos = 0;
  for (size_t n = 1; pos < text.size(); n++) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view l = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (l.empty()) continue;
    try {
      parse_line(split(l), in, taints);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("explain context line {}: {}", n, e.what()));
    }
  }
}

}  // namespace netdrop
