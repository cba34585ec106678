// Kernel counters that explain drops: /proc/net/snmp, snmp6, netstat,
// softnet_stat, per-device statistics, the drivers' own (ethtool -S) and
// the qdiscs' (tc -s qdisc).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace netdrop {

// "IpInDiscards" -> value, "softnet.cpu0.dropped" -> value,
// "dev.eth0.rx_dropped" -> value, "ethtool.eth0.rx_queue_0_drops" -> value
// (the driver's own, ethtool.hpp), "qdisc.eth0.drops" -> value (the root
// qdisc's, qdisc.hpp).
using Counters = std::map<std::string, uint64_t>;

// Parses the two-line "Proto: names" / "Proto: values" format of
// /proc/net/snmp and /proc/net/netstat into "ProtoName" keys.
void parse_proc_pairs(std::string_view text, Counters& out);
// /proc/net/snmp6: "Name value" lines.
void parse_proc_lines(std::string_view text, Counters& out);
// /proc/net/softnet_stat: hex columns per CPU.
void parse_softnet(std::string_view text, Counters& out);

// Reads everything under root ("" for the live system; tests pass a tree).
Counters read_counters(const std::string& root = "");

// Whether a counter counts drops, discards or errors.
bool is_drop_counter(std::string_view name);

}  // namespace netdrop
