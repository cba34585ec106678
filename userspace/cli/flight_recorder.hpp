// record --ring S: the flight recorder.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common.hpp"

namespace netdrop::cli {

struct FlightArgs {
  double window_s = 0;                // --ring: seconds kept
  std::vector<std::string> triggers;  // --trigger, each
  size_t max_mb = 256;                // --ring-mb: memory for them
  double holdoff_s = -1;              // --holdoff: between two files (default: the window)
  std::string dir;                    // -o: where files go
};

// Throws UsageError naming the bad value.
void check_flight_args(const FlightArgs& fl);
int run_flight_recorder(const FilterArgs& fa, const CaptureArgs& ca, const FlightArgs& fl);

}  // namespace netdrop::cli
