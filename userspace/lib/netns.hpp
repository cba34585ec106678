// Network namespaces named the ways users name them.
#pragma once

#include <cstdint>
#include <string>

namespace netdrop {

// NAME (/run/netns/NAME), PATH (/proc/PID/ns/net or a bind mount) or PID.
// Returns the path to open.  Throws UsageError naming the value.
std::string netns_path(const std::string& spec);
// The namespace's inode number, as the kernel records it.
uint32_t netns_inode(const std::string& spec);

}  // namespace netdrop
