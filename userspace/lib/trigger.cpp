#include "trigger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace netdrop {

namespace {

[[noreturn]] void bad(std::string_view text, std::string_view why) {
  throw UsageError(fmt::format("bad --trigger '{}': {}", text, why));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    out.push_back(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
}

// One "key=value" of a match trigger into spec.
void add_match(FilterSpec& spec, std::string_view text, std::string_view term) {
  size_t eq = term.find('=');
  if (eq == std::string_view::npos) bad(text, fmt::format("'{}' is not KEY=VALUE", term));
  std::string_view key = term.substr(0, eq), value = term.substr(eq + 1);
  if (key == "src")
    spec.src = parse_cidr(value);
  else if (key == "dst")
    spec.dst = parse_cidr(value);
  else if (key == "host")
    spec.host = parse_cidr(value);
  else if (key == "sport")
    spec.sport = parse_port_range(value);
  else if (key == "dport")
    spec.dport = parse_port_range(value);
  else if (key == "port")
    spec.port = parse_port_range(value);
  else if (key == "proto")
    spec.proto = parse_protocol(value);
  else
    bad(text,
        fmt::format("unknown key '{}' (reason, hook, counter, reset, src, dst, host, sport, dport, port, proto)", key));
}

// counter=NAME+N/T: NAME rose by N within T seconds.
void parse_counter(Trigger& t, std::string_view text, std::string_view spec) {
  size_t plus = spec.rfind('+'), slash = spec.rfind('/');
  if (plus == std::string_view::npos || slash == std::string_view::npos || plus == 0 || slash < plus)
    bad(text, "counter=NAME+N/SECONDS, e.g. counter=UdpRcvbufErrors+100/5");
  t.counter = std::string(spec.substr(0, plus));
  std::string_view n = spec.substr(plus + 1, slash - plus - 1), secs = spec.substr(slash + 1);
  auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), t.jump);
  if (ec != std::errc{} || p != n.data() + n.size() || t.jump == 0) bad(text, fmt::format("bad jump '{}'", n));
  std::string s(secs);
  char* end = nullptr;
  t.within_s = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(t.within_s > 0 && t.within_s <= 3600))
    bad(text, fmt::format("bad window '{}' (seconds, at most 3600)", secs));
}

}  // namespace

Trigger parse_trigger(std::string_view text, const std::vector<Reason>& reasons, DropReasons support) {
  Trigger t;
  t.text = std::string(text);
  if (text.empty()) bad(text, "empty");
  if (text == "reset") {
    t.kind = Trigger::Kind::reset;
    return t;
  }
  if (text == "hook") {
    t.kind = Trigger::Kind::hook;
    return t;
  }
  if (text.rfind("hook=", 0) == 0) {
    t.kind = Trigger::Kind::hook;
    t.hook = std::string(text.substr(5));
    if (t.hook.empty()) bad(text, "hook=NAME: a function, module, table or chain");
    return t;
  }
  if (text.rfind("reason=", 0) == 0) {
    t.kind = Trigger::Kind::reason;
    t.reasons = parse_reason_list(text.substr(7), reasons, support);
    if (t.reasons.empty()) bad(text, "reason=NAME[,NAME]");
    return t;
  }
  if (text.rfind("counter=", 0) == 0) {
    t.kind = Trigger::Kind::counter;
    parse_counter(t, text, text.substr(8));
    return t;
  }
  t.kind = Trigger::Kind::match;
  t.match.events = NETDROP_EV_DROP;
  for (std::string_view term : split(text, '&')) add_match(t.match, text, term);
  return t;
}

bool fires(const Trigger& t, const Event& ev) {
  switch (t.kind) {
    case Trigger::Kind::reset: return ev.is_reset();
    case Trigger::Kind::reason:
      return ev.is_drop() && std::find(t.reasons.begin(), t.reasons.end(), ev.drop.raw.reason) != t.reasons.end();
    case Trigger::Kind::hook: {
      if (!ev.is_drop() || !ev.drop.hook_names) return false;
      if (t.hook.empty()) return true;
      const netdrop_hook_names& n = *ev.drop.hook_names;
      auto is = [&](const char* s, size_t len) { return std::string_view(s, strnlen(s, len)) == t.hook; };
      return is(n.func, sizeof(n.func)) || is(n.module, sizeof(n.module)) || is(n.table, sizeof(n.table)) ||
             is(n.chain, sizeof(n.chain));
    }
    case Trigger::Kind::match: return ev.is_drop() && t.match.matches(ev.drop);
    case Trigger::Kind::counter: return false;
  }
  return false;
}

bool CounterWatch::add(double t, uint64_t value) {
  readings_.emplace_back(t, value);
  while (!readings_.empty() && readings_.front().first < t - within_) readings_.pop_front();
  for (const auto& [when, v] : readings_)
    if (value >= v && value - v >= jump_) return true;
  return false;
}

}  // namespace netdrop
