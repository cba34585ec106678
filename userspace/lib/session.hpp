// A capture session on /dev/netdrop: the fd, the per-CPU rings mapped from
// it, and the consumer loop.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reasons.hpp"
#include "record.hpp"

namespace netdrop {

// Environment problems (module missing, permissions, ABI): one-line
// message, exit 1.
class SystemError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_ = -1;
};

class Mapping {
 public:
  Mapping() = default;
  Mapping(void* addr, size_t len) : addr_(addr), len_(len) {}
  Mapping(Mapping&& o) noexcept : addr_(std::exchange(o.addr_, nullptr)), len_(o.len_) {}
  Mapping& operator=(Mapping&& o) noexcept;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping();
  [[nodiscard]] void* get() const { return addr_; }

 private:
  void* addr_ = nullptr;
  size_t len_ = 0;
};

// One mapped per-CPU ring.  The reader side of the protocol described in
// include/netdrop/netdrop.h.
struct Ring {
  unsigned cpu = 0;
  Mapping consumer_map;
  Mapping data_map;
  netdrop_ring_consumer* consumer = nullptr;
  const netdrop_ring_ctrl* ctrl = nullptr;
  const std::byte* data = nullptr;
  uint64_t size = 0;
};

std::vector<Reason> read_reasons(int fd, uint32_t kind = NETDROP_REASONS_DROP);

// One open session of the module (NETDROP_IOC_GET_SESSIONS, ABI 1.1) and
// the records it lost on each CPU (index = CPU number).
struct SessionListing {
  netdrop_session_entry entry{};
  std::vector<uint64_t> lost_per_cpu;
};

// Every open session; std::nullopt when the module predates the listing.
std::optional<std::vector<SessionListing>> list_sessions(int fd, uint32_t nr_cpu_ids);

using RecordFn = std::function<void(Bytes record)>;

// The consumer loop: hands every record available in rings (all CPUs,
// merged in timestamp order) to fn, then releases them.  Returns the count.
long drain_rings(const std::vector<Ring>& rings, const RecordFn& fn);

class Session {
 public:
  // Opens /dev/netdrop and checks the ABI.  Throws SystemError with the
  // message a user needs (how to load the module, permissions, versions).
  explicit Session(const std::string& path = NETDROP_DEVICE);

  [[nodiscard]] const netdrop_info& info() const { return info_; }
  [[nodiscard]] int fd() const { return fd_.get(); }
  void set_ring_size(uint32_t bytes);
  // Bytes in a CPU's ring that wake up a poller (1 .. ring size / 2).
  void set_watermark(uint32_t bytes);
  void set_filter(const netdrop_filter& f);
  // Like set_filter, but returns the errno instead of throwing (0: set).
  int try_set_filter(const netdrop_filter& f);
  void map_rings();
  void enable();
  void disable();
  [[nodiscard]] netdrop_stats stats() const;
  [[nodiscard]] std::vector<Reason> reasons() const { return read_reasons(fd_.get()); }
  [[nodiscard]] std::vector<Reason> reset_reasons() const { return read_reasons(fd_.get(), NETDROP_REASONS_RESET); }
  [[nodiscard]] const std::vector<Ring>& rings() const { return rings_; }

  // Waits up to timeout_ms for records, then hands every available record
  // (all CPUs, merged in timestamp order) to fn and releases them.  Returns
  // the number of records, or -1 if interrupted by a signal.
  using RecordFn = netdrop::RecordFn;
  long poll_once(int timeout_ms, const RecordFn& fn);
  // Hands records without waiting.
  long drain(const RecordFn& fn);

 private:
  Fd fd_;
  netdrop_info info_{};
  std::vector<Ring> rings_;
};

// Wall-clock time in ns for a record timestamp (CLOCK_MONOTONIC).
uint64_t to_realtime_ns(const netdrop_info& info, uint64_t mono_ns);

}  // namespace netdrop
