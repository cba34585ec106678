#include "agg.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "session.hpp"

namespace netdrop {

AggKey agg_key_of(const netdrop_agg_entry& e) {
  AggKey k;
  k.location = e.location;
  k.reason = e.reason;
  k.netns = e.netns;
  k.ifindex = e.ifindex;
  k.has_hook = (e.flags & NETDROP_AF_HOOK) != 0;
  if (k.has_hook) {
    k.hook_func = e.hook.func;
    k.hook_priority = e.hook.priority;
    k.hook_pf = e.hook.pf;
    k.hook_hooknum = e.hook.hooknum;
    k.hook_ops_type = e.hook.ops_type;
  }
  return k;
}

void agg_add(AggSnapshot& snap, const netdrop_agg_entry& e) {
  AggKey k = agg_key_of(e);
  AggRow& row = snap.rows[k];
  row.key = k;
  if (row.ifname.empty()) row.ifname = std::string(std::string_view(e.ifname, strnlen(e.ifname, sizeof(e.ifname))));
  row.count += e.count;
  row.bytes += e.bytes;
}

AggSnapshot read_agg(int fd) {
  std::vector<netdrop_agg_entry> buf(256);
  for (int tries = 0; tries < 8; tries++) {
    netdrop_agg_req req{};
    req.buf = reinterpret_cast<uintptr_t>(buf.data());
    req.count = static_cast<uint32_t>(buf.size());
    if (ioctl(fd, NETDROP_IOC_GET_AGG, &req) != 0)
      throw SystemError(fmt::format("netdrop: reading the kernel's counts failed: {}", std::strerror(errno)));
    if (req.total > req.count) {
      // Slots were taken since: a larger buffer, and again.
      buf.resize(req.total + req.total / 4 + 64);
      continue;
    }
    AggSnapshot snap;
    snap.overflow = req.overflow;
    snap.slots = req.slots;
    for (uint32_t i = 0; i < req.count; i++) agg_add(snap, buf[i]);
    // The sum of what was copied, not req.counted: counts read a moment
    // apart would make the rows disagree with the total.
    for (const auto& [k, row] : snap.rows) snap.counted += row.count;
    return snap;
  }
  throw SystemError("netdrop: the kernel's counts kept growing while being read");
}

AggSnapshot agg_delta(const AggSnapshot& before, const AggSnapshot& after) {
  AggSnapshot d;
  d.slots = after.slots;
  d.overflow = after.overflow - before.overflow;
  for (const auto& [k, row] : after.rows) {
    AggRow r = row;
    if (auto it = before.rows.find(k); it != before.rows.end()) {
      r.count -= it->second.count;
      r.bytes -= it->second.bytes;
    }
    if (r.count == 0) continue;
    d.counted += r.count;
    d.rows.emplace(k, std::move(r));
  }
  return d;
}

bool module_aggregates(const netdrop_info& info) { return info.abi_major == 1 && info.abi_minor >= 4; }

}  // namespace netdrop
