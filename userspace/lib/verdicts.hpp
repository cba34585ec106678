// What each netfilter hook returned over a window (dump-hooks --verdicts):
// the module's per-hook counts (NETDROP_IOC_GET_VERDICTS, ABI 1.2), read at
// both ends and subtracted.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hooks.hpp"

namespace netdrop {

struct HookVerdicts {
  Hook hook;
  netdrop_hook_verdicts counts{};
};

struct VerdictSnapshot {
  std::vector<HookVerdicts> hooks;
  uint32_t netns = 0;
  uint64_t since_ns = 0;  // CLOCK_BOOTTIME counting began; 0: not counting
  uint64_t missed = 0;    // hook calls the probes did not count
};

// The hooks of the namespace open at netns_fd (-1: ours) with their counts.
// Throws SystemError; a module before ABI 1.2 gets a message saying so.
VerdictSnapshot read_verdicts(int dev_fd, int netns_fd);

// after - before, hook by hook (by the module's id of its counter: its list
// position may move, and a chain made again is a new hook).  A hook
// registered within the window keeps all of its counts; one gone by its
// end is left out.  Throws SystemError when
// counting restarted in between (since_ns differs).
std::vector<HookVerdicts> verdict_delta(const VerdictSnapshot& before, const VerdictSnapshot& after);

std::string format_verdicts_text(const netdrop_hook_verdicts& v);
// The hook's JSON object with "accepted", "dropped", "stolen", "queued".
std::string format_verdicts_json(const HookVerdicts& hv);

}  // namespace netdrop
