// The parts of an explain window that netdrop's records do not carry
// (counters, sysctls, nft rules, sockets, the hook inventory), read at the
// window's edges in the namespace asked for.  explain reads them live;
// record stores them for `explain FILE`.
#pragma once

#include <map>
#include <string>

#include "common.hpp"
#include "explain.hpp"

namespace netdrop::cli {

struct ExplainWindow {
  ExplainInput in;
  std::map<std::string, std::string> taints;  // module -> taint letters
  std::string nft_error;                      // why the ruleset could not be read
  uint32_t netns = 0;
  Clock::time_point start;

  // Enters --netns (after the session is open: entering it changes nothing
  // the session sees) and reads the window's start.
  void begin(Live& live, const std::string& netns_spec);
  // Reads the window's end and netdrop's own accounting of it.
  void end(Live& live);
};

// A firewall finding says when the nft rules could not be read.
void note_nft_error(std::vector<Finding>& findings, const std::string& nft_error);

}  // namespace netdrop::cli
