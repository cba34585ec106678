// What the user asked to see: parsing of filter arguments, conversion to the
// kernel's struct netdrop_filter, and matching in user space (for report
// files and for what the kernel cannot filter).
#pragma once

#include <netdrop/netdrop.h>

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reasons.hpp"
#include "record.hpp"

namespace netdrop {

// A user mistake: the message names the bad value.  The CLI exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Cidr {
  uint8_t family = 0;
  uint8_t prefix = 0;
  std::array<uint8_t, 16> addr{};

  bool contains(uint8_t fam, const uint8_t* a) const;
};

struct PortRange {
  uint16_t lo = 0;
  uint16_t hi = 0;
  bool contains(uint16_t p) const { return p >= lo && p <= hi; }
};

struct AddrRange {
  uint64_t start = 0;
  uint64_t end = 0;  // exclusive
};

Cidr parse_cidr(std::string_view text);
PortRange parse_port_range(std::string_view text);
uint8_t parse_protocol(std::string_view text);
// The values of a --reason list, NAME[,NAME...] (any case, with or without
// SKB_DROP_REASON_), among the kernel's reasons.
std::vector<uint32_t> parse_reason_list(std::string_view text, const std::vector<Reason>& reasons, DropReasons support);

struct FilterSpec {
  std::optional<uint8_t> family;
  std::optional<Cidr> src, dst, host;
  std::optional<uint8_t> proto;
  std::optional<PortRange> sport, dport, port;
  std::optional<std::string> dev;  // matched by name, in user space
  std::optional<uint32_t> netns;
  std::vector<uint32_t> reasons;
  std::vector<AddrRange> locations;
  bool stack = false;
  bool hooks = false;      // name the netfilter hook that dropped
  bool aggregate = false;  // count drops in the kernel (NETDROP_OPT_AGGREGATE)
  uint32_t snaplen = 0;

  // The kernel filter for this spec (every field except dev).
  [[nodiscard]] netdrop_filter to_kernel() const;
  // Full match in user space.
  [[nodiscard]] bool matches(const Drop& d) const;
  // Resets: addresses, ports, protocol (tcp), netns.
  [[nodiscard]] bool matches(const Reset& r) const;
  // An event of a kind asked for (events) that matches.
  [[nodiscard]] bool wants(const Event& ev) const;
  uint32_t events = 0;  // NETDROP_EV_*; 0 means drops
};

}  // namespace netdrop
