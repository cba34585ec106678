// What explain needs besides drop and reset records, as a recording stores
// it (recfile.hpp, section "explain_context"): the window's length, the
// counters at its edges, the sysctls, the nft rules at its edges, the
// sockets at its end, the hook inventory and the taints of the modules
// that own hooks.
//
// Text, one fact a line, fields separated by tabs (a tab or newline inside
// a field is written as a space):
//   window   SECONDS RING_KB
//   sysctl   NAME VALUE
//   before   NAME VALUE            (after: the same at the window's end)
//   rule     before|after FAMILY TABLE CHAIN HANDLE DROPS COUNTER PACKETS TEXT
//   socket   PROTO STATE ADDR PORT NETNS RCVBUF QUEUED DROPS INODE PID OWNER
//   hook     FUNCTION MODULE FAMILY HOOK TYPE TABLE CHAIN PRIORITY XTABLES
//            THIRD_PARTY NETNS TAINT
//   taint    MODULE LETTERS
// A line of an unknown kind is skipped, so that newer recordings still
// read; a known line with the wrong fields is an error.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "explain.hpp"

namespace netdrop {

std::string format_explain_context(const ExplainInput& in, const std::map<std::string, std::string>& taints);

// Fills everything but drops, resets, recorded and lost.  Throws
// std::invalid_argument naming the line that is wrong.
void parse_explain_context(std::string_view text, ExplainInput& in, std::map<std::string, std::string>& taints);

}  // namespace netdrop
