#include "netns.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "filter.hpp"

namespace netdrop {

std::string netns_path(const std::string& spec) {
  if (spec.empty()) throw UsageError("bad --netns ''");
  if (std::all_of(spec.begin(), spec.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return fmt::format("/proc/{}/ns/net", spec);
  if (spec.find('/') != std::string::npos) return spec;
  return fmt::format("/run/netns/{}", spec);
}

uint32_t netns_inode(const std::string& spec) {
  std::string path = netns_path(spec);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw UsageError(fmt::format("bad --netns '{}': {} does not exist", spec, path));
  return static_cast<uint32_t>(st.st_ino);
}

}  // namespace netdrop
