// The flight recorder's memory: the last S seconds of raw records, within
// a byte budget, and what was lost inside that window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "record.hpp"

namespace netdrop {

class FlightBuffer {
 public:
  FlightBuffer(double window_s, size_t max_bytes) : window_(window_s), max_bytes_(max_bytes) {}
  // A record seen at time t (seconds, increasing).
  void push(double t, Bytes rec);
  // The kernel's lost count at time t (cumulative, the session's).
  void note_lost(double t, uint64_t lost_total);
  // Forgets what is older than now - window.
  void expire(double now);
  // The records held, back to back, oldest first.
  [[nodiscard]] std::vector<std::byte> contents() const;
  [[nodiscard]] size_t records() const { return held_.size(); }
  [[nodiscard]] size_t bytes() const { return bytes_; }
  // Records of the window lost: by the kernel (full ring) and here (the
  // byte budget pushed them out early).
  [[nodiscard]] uint64_t lost_in_window() const;

 private:
  struct Held {
    double t;
    std::vector<std::byte> bytes;
  };
  double window_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::deque<Held> held_;
  std::deque<double> pushed_out_;                 // when a record left for the budget
  std::deque<std::pair<double, uint64_t>> lost_;  // (t, the kernel's lost total)
};

}  // namespace netdrop
