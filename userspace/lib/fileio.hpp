// Small file helpers shared by the readers of /proc and /sys.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace netdrop {

// The whole file, or "" when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace netdrop
