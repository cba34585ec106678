#include "counters.hpp"

#include <dirent.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "ethtool.hpp"
#include "fileio.hpp"
#include "qdisc.hpp"

namespace netdrop {

namespace {

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) i++;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') j++;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    out.push_back(text.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return out;
}

bool to_u64(std::string_view s, uint64_t& v, int base = 10) {
  // Some counters (e.g. Ip Forwarding, Tcp MaxConn) are signed: skip them.
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

void parse_proc_pairs(std::string_view text, Counters& out) {
  auto lines = lines_of(text);
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    auto names = split_ws(lines[i]);
    auto values = split_ws(lines[i + 1]);
    if (names.empty() || values.size() != names.size() || names[0] != values[0]) continue;
    std::string_view proto = names[0].substr(0, names[0].size() - 1);  // "Ip:" -> "Ip"
    for (size_t k = 1; k < names.size(); k++) {
      uint64_t v = 0;
      if (to_u64(values[k], v)) out[fmt::format("{}{}", proto, names[k])] = v;
    }
  }
}

void parse_proc_lines(std::string_view text, Counters& out) {
  for (std::string_view line : lines_of(text)) {
    auto f = split_ws(line);
    uint64_t v = 0;
    if (f.size() == 2 && to_u64(f[1], v)) out[std::string(f[0])] = v;
  }
}

void parse_softnet(std::string_view text, Counters& out) {
  static constexpr std::array<std::string_view, 3> columns{"processed", "dropped", "time_squeeze"};
  unsigned cpu = 0;
  for (std::string_view line : lines_of(text)) {
    auto f = split_ws(line);
    if (f.size() < columns.size()) continue;
    for (size_t k = 0; k < columns.size(); k++) {
      uint64_t v = 0;
      if (to_u64(f[k], v, 16)) out[fmt::format("softnet.cpu{}.{}", cpu, columns[k])] = v;
    }
    cpu++;
  }
}

Counters read_counters(const std::string& root) {
  Counters c;
  parse_proc_pairs(read_file(root + "/proc/net/snmp"), c);
  parse_proc_pairs(read_file(root + "/proc/net/netstat"), c);
  parse_proc_lines(read_file(root + "/proc/net/snmp6"), c);
  parse_softnet(read_file(root + "/proc/net/softnet_stat"), c);
  std::string sys = root + "/sys/class/net";
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(sys.c_str()), closedir);
  if (d) {
    std::vector<std::string> devs;
    while (dirent* e = readdir(d.get()))
      if (e->d_name[0] != '.') devs.emplace_back(e->d_name);
    for (const std::string& dev : devs) {
      for (const char* stat : {"rx_dropped", "tx_dropped", "rx_errors", "tx_errors", "rx_missed_errors",
                               "rx_fifo_errors", "rx_over_errors", "rx_packets", "tx_packets"}) {
        std::string text = read_file(fmt::format("{}/{}/statistics/{}", sys, dev, stat));
        uint64_t v = 0;
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        if (to_u64(text, v)) c[fmt::format("dev.{}.{}", dev, stat)] = v;
      }
    }
    // The drivers' and qdiscs' own statistics are only asked of the live
    // system.
    if (root.empty()) {
      read_ethtool_stats(devs, c);
      read_qdisc_stats(c);
    }
  }
  return c;
}

bool is_drop_counter(std::string_view name) {
  static constexpr std::array<std::string_view, 13> markers{"Drop",    "Discard", "NoPorts", "Err",    "Overflow",
                                                            "Prune",   "squeeze", "dropped", "errors", "Fail",
                                                            "Retrans", "Abort",   "drops"};
  for (std::string_view m : markers)
    if (name.find(m) != std::string_view::npos) return true;
  return false;
}

}  // namespace netdrop
