#include "symbols.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include "fileio.hpp"

namespace netdrop {

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool is_text_type(char t) { return t == 't' || t == 'T' || t == 'w' || t == 'W'; }

// Largest distance from a symbol we still attribute to it (beyond the last
// symbol of a region there is no "next symbol" to bound it).
constexpr uint64_t max_symbol_span = 1U << 20;

}  // namespace

namespace {}  // namespace

Symbolizer::Symbolizer(std::string path, int reload_interval_ms)
    : path_(std::move(path)), reload_interval_ms_(reload_interval_ms) {
  last_load_ms_ = now_ms();
  if (path_.empty()) return;
  pending_ = std::async(std::launch::async, [p = path_] {
    Symbolizer s = Symbolizer::from_text(read_file(p));
    return std::move(s.symbols_);
  });
}

void Symbolizer::wait_loaded() const {
  if (!pending_.valid()) return;
  symbols_ = pending_.get();
}

const std::vector<Symbol>& Symbolizer::symbols() const {
  wait_loaded();
  return symbols_;
}

Symbolizer Symbolizer::from_text(std::string_view text) {
  Symbolizer s("", -1);
  s.load_text(text);
  return s;
}

void Symbolizer::reload() {
  wait_loaded();
  last_load_ms_ = now_ms();
  if (path_.empty()) return;
  load_text(read_file(path_));
}

void Symbolizer::load_text(std::string_view text) {
  symbols_.clear();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    // "ffffffff81000000 T _stext" or "ffffffffc0a01000 t fn\t[mod]"
    uint64_t addr = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), addr, 16);
    if (ec != std::errc{} || addr == 0 || p + 3 > line.data() + line.size()) continue;
    char type = p[1];
    if (!is_text_type(type)) continue;
    std::string_view rest = line.substr(static_cast<size_t>(p - line.data()) + 3);
    Symbol s{addr, {}, {}};
    if (auto tab = rest.find('\t'); tab != std::string_view::npos) {
      std::string_view mod = rest.substr(tab + 1);
      if (mod.size() >= 2 && mod.front() == '[' && mod.back() == ']') s.module = mod.substr(1, mod.size() - 2);
      rest = rest.substr(0, tab);
    }
    s.name = rest;
    symbols_.push_back(std::move(s));
  }
  std::stable_sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) { return a.addr < b.addr; });
}

Resolved Symbolizer::lookup(uint64_t addr) const {
  wait_loaded();
  auto it =
      std::upper_bound(symbols_.begin(), symbols_.end(), addr, [](uint64_t a, const Symbol& s) { return a < s.addr; });
  if (it == symbols_.begin()) return {};
  const Symbol& s = *std::prev(it);
  uint64_t off = addr - s.addr;
  bool last_in_region = it == symbols_.end() || it->module != s.module;
  if (last_in_region && off >= max_symbol_span) return {};
  return {&s, off};
}

Resolved Symbolizer::resolve(uint64_t addr) {
  Resolved r = lookup(addr);
  if (r.sym == nullptr && reload_interval_ms_ >= 0 && now_ms() - last_load_ms_ >= reload_interval_ms_) {
    reload();
    r = lookup(addr);
  }
  return r;
}

void append_location(std::string& out, const Resolved& r, uint64_t addr) {
  if (r.sym == nullptr) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("0x{:x}"), addr);
    return;
  }
  out += r.sym->name;
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("+0x{:x}"), r.offset);
}

std::string format_location(const Resolved& r, uint64_t addr) {
  std::string s;
  append_location(s, r, addr);
  return s;
}

std::string Symbolizer::location(uint64_t addr) { return format_location(resolve(addr), addr); }

std::optional<std::pair<uint64_t, uint64_t>> Symbolizer::range_of(std::string_view name) const {
  wait_loaded();
  for (size_t i = 0; i < symbols_.size(); i++) {
    if (symbols_[i].name != name) continue;
    uint64_t end = i + 1 < symbols_.size() ? symbols_[i + 1].addr : symbols_[i].addr + 1;
    return std::pair{symbols_[i].addr, end};
  }
  return std::nullopt;
}

std::string Symbolizer::subset_text(const std::vector<uint64_t>& addrs) {
  wait_loaded();
  std::vector<const Symbol*> used;
  for (uint64_t a : addrs)
    if (const Symbol* s = resolve(a).sym) used.push_back(s);
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  std::string out;
  for (const Symbol* s : used) {
    out += fmt::format("{:016x} t {}", s->addr, s->name);
    if (!s->module.empty()) out += fmt::format("\t[{}]", s->module);
    out += '\n';
    // The next symbol bounds this one's size: keep it too.
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), s->addr,
                               [](uint64_t a, const Symbol& x) { return a < x.addr; });
    if (it != symbols_.end())
      out += fmt::format("{:016x} t {}{}\n", it->addr, it->name,
                         it->module.empty() ? "" : fmt::format("\t[{}]", it->module));
  }
  return out;
}

}  // namespace netdrop
