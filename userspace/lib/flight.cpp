#include "flight.hpp"

namespace netdrop {

void FlightBuffer::push(double t, Bytes rec) {
  held_.push_back({t, std::vector<std::byte>(rec.begin(), rec.end())});
  bytes_ += rec.size();
  while (bytes_ > max_bytes_ && held_.size() > 1) {
    bytes_ -= held_.front().bytes.size();
    held_.pop_front();
    pushed_out_.push_back(t);
  }
}

void FlightBuffer::note_lost(double t, uint64_t lost_total) {
  if (lost_.empty() || lost_.back().second != lost_total) lost_.emplace_back(t, lost_total);
}

void FlightBuffer::expire(double now) {
  double edge = now - window_;
  while (!held_.empty() && held_.front().t < edge) {
    bytes_ -= held_.front().bytes.size();
    held_.pop_front();
  }
  while (!pushed_out_.empty() && pushed_out_.front() < edge) pushed_out_.pop_front();
  // Keep the last reading before the edge: the window's loss is counted
  // from it.
  while (lost_.size() > 1 && lost_[1].first <= edge) lost_.pop_front();
}

std::vector<std::byte> FlightBuffer::contents() const {
  std::vector<std::byte> out;
  out.reserve(bytes_);
  for (const Held& h : held_) out.insert(out.end(), h.bytes.begin(), h.bytes.end());
  return out;
}

uint64_t FlightBuffer::lost_in_window() const {
  uint64_t kernel = lost_.empty() ? 0 : lost_.back().second - lost_.front().second;
  return kernel + pushed_out_.size();
}

}  // namespace netdrop
