// libFuzzer target: the filter argument parsers (CIDR, ports, protocols).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "filter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    netdrop::Cidr c = netdrop::parse_cidr(text);
    uint8_t probe[16] = {};
    (void)c.contains(c.family, probe);
  } catch (const netdrop::UsageError&) {
  }
  try {
    netdrop::PortRange r = netdrop::parse_port_range(text);
    if (r.lo > r.hi) __builtin_trap();
  } catch (const netdrop::UsageError&) {
  }
  try {
    (void)netdrop::parse_protocol(text);
  } catch (const netdrop::UsageError&) {
  }
  return 0;
}
