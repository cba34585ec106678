// A driver's own statistics (what `ethtool -S DEV` prints), through the
// SIOCETHTOOL ioctl: ETHTOOL_GDRVINFO for their number, ETHTOOL_GSTRINGS
// for their names, ETHTOOL_GSTATS for their values.
#pragma once

#include <string>
#include <vector>

#include "counters.hpp"

namespace netdrop {

// Adds "ethtool.DEV.NAME" for each statistic of each device of the current
// network namespace whose driver has them; a device without them (lo,
// dummy) adds nothing.
void read_ethtool_stats(const std::vector<std::string>& devs, Counters& out);

}  // namespace netdrop
