// libFuzzer target: the report file reader.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "filter.hpp"
#include "recfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::byte> bytes(size);
  if (size > 0) std::memcpy(bytes.data(), data, size);
  try {
    netdrop::Recording r = netdrop::parse_recording(bytes, "fuzz");
    (void)r;
  } catch (const netdrop::UsageError&) {
  }
  return 0;
}
