// The sockets of the current network namespace, through sock_diag netlink
// (libmnl): UDP sockets, TCP listeners and TCP handshakes in progress, each
// with its receive-buffer use and its owner.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explain.hpp"

namespace netdrop {

// netns: the inode to stamp on each socket (the namespace read).  Throws
// SystemError when sock_diag cannot be asked.
std::vector<ExplainSocket> read_sockets(uint32_t netns);

// socket inode -> (pid, comm) for the sockets processes hold, from
// /proc/PID/fd (proc_root for tests).
void find_owners(std::vector<ExplainSocket>& sockets, const std::string& proc_root = "/proc");

}  // namespace netdrop
