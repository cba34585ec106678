// netdrop.conf: which of the exporter, the flight recorder and JSON lines
// netdrop.service runs, and how.  "key = value" lines, '#' comments; a key
// given twice adds a value (flight.trigger).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netdrop {

struct ServiceConf {
  bool exporter = true;
  std::string exporter_listen = "127.0.0.1:9597";
  std::string exporter_textfile;  // empty: none
  std::string exporter_top = "100";
  bool flight = false;
  std::string flight_ring = "30";
  std::string flight_dir = "/var/lib/netdrop/flight";
  std::vector<std::string> flight_triggers;
  std::string flight_snaplen = "0";
  bool flight_stack = false;
  bool jsonl = false;
  std::string jsonl_file;  // empty: standard output (the journal)
  size_t jsonl_rotate_mb = 100;
  size_t jsonl_keep = 5;
  std::vector<std::string> jsonl_args;  // extra stream options, split at spaces
};

// Parses the text of a netdrop.conf; throws UsageError "NAME:LINE: ...".
ServiceConf parse_service_conf(std::string_view text, std::string_view name);

// The netdropctl command lines the service runs, one per component on.
std::vector<std::vector<std::string>> service_commands(const ServiceConf& c);

}  // namespace netdrop
