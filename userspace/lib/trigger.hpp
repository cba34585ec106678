// The flight recorder's triggers (record --ring S --trigger EXPR): what
// makes it write out the records it holds.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "filter.hpp"
#include "reasons.hpp"
#include "record.hpp"

namespace netdrop {

struct Trigger {
  enum class Kind { reason, hook, match, counter, reset };
  Kind kind = Kind::reason;
  std::string text;               // as the user wrote it
  std::vector<uint32_t> reasons;  // reason=NAME[,NAME]
  std::string hook;               // hook[=NAME]: function, module, table or chain; empty: any
  FilterSpec match;               // src=, dst=, host=, sport=, dport=, port=, proto=, joined by '&'
  std::string counter;            // counter=NAME+N/T
  uint64_t jump = 0;
  double within_s = 0;
};

// Parses one trigger; throws UsageError naming the bad part.
Trigger parse_trigger(std::string_view text, const std::vector<Reason>& reasons, DropReasons support);
// Whether a drop or reset fires the trigger (counter triggers never do).
bool fires(const Trigger& t, const Event& ev);

// One counter's recent readings: has it risen by `jump` within `within_s`?
class CounterWatch {
 public:
  CounterWatch(uint64_t jump, double within_s) : jump_(jump), within_(within_s) {}
  // A reading at time t (seconds, increasing); true when the counter rose
  // by at least jump since a reading at most within_s old.
  bool add(double t, uint64_t value);
  // After firing: the next jump is counted from the next reading on.
  void clear() { readings_.clear(); }

 private:
  uint64_t jump_;
  double within_;
  std::deque<std::pair<double, uint64_t>> readings_;
};

}  // namespace netdrop
