#include "conf.hpp"

#include <fmt/format.h>

#include <charconv>

#include "filter.hpp"

namespace netdrop {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

ServiceConf parse_service_conf(std::string_view text, std::string_view name) {
  ServiceConf c;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    line_no++;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto bad = [&](const std::string& why) { return UsageError(fmt::format("{}:{}: {}", name, line_no, why)); };
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) throw bad(fmt::format("'{}' is not KEY = VALUE", line));
    std::string key(trim(line.substr(0, eq)));
    std::string value(trim(line.substr(eq + 1)));
    auto onoff = [&](bool& b) {
      if (value != "on" && value != "off") throw bad(fmt::format("{} is on or off, not '{}'", key, value));
      b = value == "on";
    };
    auto size = [&](size_t& n) {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || p != value.data() + value.size() || n == 0)
        throw bad(fmt::format("{} is a positive number, not '{}'", key, value));
    };
    if (key == "exporter")
      onoff(c.exporter);
    else if (key == "exporter.listen")
      c.exporter_listen = value;
    else if (key == "exporter.textfile")
      c.exporter_textfile = value;
    else if (key == "exporter.top")
      c.exporter_top = value;
    else if (key == "flight")
      onoff(c.flight);
    else if (key == "flight.ring")
      c.flight_ring = value;
    else if (key == "flight.dir")
      c.flight_dir = value;
    else if (key == "flight.trigger")
      c.flight_triggers.push_back(value);
    else if (key == "flight.snaplen")
      c.flight_snaplen = value;
    else if (key == "flight.stack")
      onoff(c.flight_stack);
    else if (key == "jsonl")
      onoff(c.jsonl);
    else if (key == "jsonl.file")
      c.jsonl_file = value;
    else if (key == "jsonl.rotate_mb")
      size(c.jsonl_rotate_mb);
    else if (key == "jsonl.keep")
      size(c.jsonl_keep);
    else if (key == "jsonl.options")
      c.jsonl_args = words(value);
    else
      throw bad(fmt::format("unknown key '{}'", key));
  }
  if (!c.exporter && !c.flight && !c.jsonl)
    throw UsageError(fmt::format("{}: exporter, flight and jsonl are all off", name));
  if (c.exporter && c.exporter_listen.empty() && c.exporter_textfile.empty())
    throw UsageError(fmt::format("{}: the exporter needs exporter.listen or exporter.textfile", name));
  return c;
}

std::vector<std::vector<std::string>> service_commands(const ServiceConf& c) {
  std::vector<std::vector<std::string>> out;
  if (c.exporter) {
    std::vector<std::string> a{"exporter", "--top", c.exporter_top};
    if (!c.exporter_listen.empty()) a.insert(a.end(), {"--listen", c.exporter_listen});
    if (!c.exporter_textfile.empty()) a.insert(a.end(), {"--textfile", c.exporter_textfile});
    out.push_back(std::move(a));
  }
  if (c.flight) {
    std::vector<std::string> a{"record", "--ring", c.flight_ring, "-o", c.flight_dir, "--snaplen", c.flight_snaplen};
    if (c.flight_stack) a.emplace_back("--stack");
    for (const std::string& t : c.flight_triggers) a.insert(a.end(), {"--trigger", t});
    out.push_back(std::move(a));
  }
  if (c.jsonl) {
    std::vector<std::string> a{"stream", "--json", "--events", "drop,reset"};
    a.insert(a.end(), c.jsonl_args.begin(), c.jsonl_args.end());
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace netdrop
