// In-kernel aggregation (NETDROP_OPT_AGGREGATE, ABI 1.4): the per-CPU
// tables the module counts drops in, read and merged by key.
#pragma once

#include <netdrop/netdrop.h>

#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace netdrop {

// Ring bytes per CPU for a session that writes no record (the module's
// minimum).
inline constexpr uint32_t kMinRingBytes = 8 * 1024;

// What the kernel counts a drop under.
struct AggKey {
  uint64_t location = 0;
  uint32_t reason = 0;
  uint32_t netns = 0;
  uint32_t ifindex = 0;
  bool has_hook = false;
  uint64_t hook_func = 0;
  int32_t hook_priority = 0;
  uint8_t hook_pf = 0;
  uint8_t hook_hooknum = 0;
  uint8_t hook_ops_type = 0;

  auto operator<=>(const AggKey&) const = default;
};

struct AggRow {
  AggKey key;
  std::string ifname;
  uint64_t count = 0;
  uint64_t bytes = 0;
};

// Every key's counts, summed over the CPUs (and over the rare second slot
// of a key on one CPU).
struct AggSnapshot {
  std::map<AggKey, AggRow> rows;
  uint64_t counted = 0;   // drops counted, every CPU
  uint64_t overflow = 0;  // drops not counted: no free slot
  uint32_t slots = 0;     // per CPU; 0 when the session does not aggregate
};

AggKey agg_key_of(const netdrop_agg_entry& e);
// Adds one kernel entry to a snapshot.
void agg_add(AggSnapshot& snap, const netdrop_agg_entry& e);
// Reads the session's tables (NETDROP_IOC_GET_AGG); throws SystemError.
AggSnapshot read_agg(int fd);
// What moved between two snapshots of one session (counts only grow).
AggSnapshot agg_delta(const AggSnapshot& before, const AggSnapshot& after);
// Whether the module counts in the kernel (ABI 1.4).
bool module_aggregates(const netdrop_info& info);

}  // namespace netdrop
