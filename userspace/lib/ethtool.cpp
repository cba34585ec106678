#include "ethtool.hpp"

#include <fmt/format.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

#include "session.hpp"

namespace netdrop {

namespace {

bool ethtool(int fd, const std::string& dev, void* cmd) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, dev.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = static_cast<char*>(cmd);
  return ioctl(fd, SIOCETHTOOL, &ifr) == 0;
}

// The kernel writes as many values as the driver has at the time of the
// call, whatever the caller asked for: room for more than were announced.
constexpr size_t slack = 256;

void read_device(int fd, const std::string& dev, Counters& out) {
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  if (!ethtool(fd, dev, &info) || info.n_stats == 0 || info.n_stats > 4096) return;
  const size_t n = info.n_stats;
  std::vector<uint64_t> names_buf((sizeof(ethtool_gstrings) + (n + slack) * ETH_GSTRING_LEN) / 8 + 1);
  auto* names = reinterpret_cast<ethtool_gstrings*>(names_buf.data());
  names->cmd = ETHTOOL_GSTRINGS;
  names->string_set = ETH_SS_STATS;
  names->len = n;
  if (!ethtool(fd, dev, names)) return;
  std::vector<uint64_t> stats_buf(sizeof(ethtool_stats) / 8 + n + slack);
  auto* stats = reinterpret_cast<ethtool_stats*>(stats_buf.data());
  stats->cmd = ETHTOOL_GSTATS;
  stats->n_stats = n;
  if (!ethtool(fd, dev, stats)) return;
  // The driver's count changed between the calls: the names and values
  // may not line up.
  if (names->len != n || stats->n_stats != n) return;
  const auto* strings = reinterpret_cast<const char*>(names->data);
  for (size_t i = 0; i < n; i++) {
    std::string name(strings + i * ETH_GSTRING_LEN, strnlen(strings + i * ETH_GSTRING_LEN, ETH_GSTRING_LEN));
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (!name.empty()) out[fmt::format("ethtool.{}.{}", dev, name)] = stats->data[i];
  }
}

}  // namespace

void read_ethtool_stats(const std::vector<std::string>& devs, Counters& out) {
  Fd s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0) return;
  for (const std::string& dev : devs) read_device(s.get(), dev, out);
}

}  // namespace netdrop
