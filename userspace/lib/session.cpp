#include "session.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace netdrop {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

Mapping& Mapping::operator=(Mapping&& o) noexcept {
  if (this != &o) {
    if (addr_ != nullptr) munmap(addr_, len_);
    addr_ = std::exchange(o.addr_, nullptr);
    len_ = o.len_;
  }
  return *this;
}

Mapping::~Mapping() {
  if (addr_ != nullptr) munmap(addr_, len_);
}

namespace {

[[noreturn]] void fail_ioctl(const char* what) {
  throw SystemError(fmt::format("netdrop: {} failed: {}", what, std::strerror(errno)));
}

void checked_ioctl(int fd, unsigned long cmd, void* arg, const char* what) {
  if (ioctl(fd, cmd, arg) != 0) fail_ioctl(what);
}

std::string open_error(const std::string& path, int err) {
  switch (err) {
    case ENOENT:
    case ENXIO:
    case ENODEV:
      return fmt::format(
          "{} not found: the netdrop module is not loaded (sudo modprobe netdrop, or sudo insmod "
          "kmod/netdrop.ko)",
          path);
    case EACCES:
    case EPERM: return fmt::format("cannot open {}: netdrop needs root or CAP_NET_ADMIN", path);
    case EBUSY: return fmt::format("cannot open {}: too many netdrop sessions are open", path);
    default: return fmt::format("cannot open {}: {}", path, std::strerror(err));
  }
}

uint64_t load_acquire(const __u64* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

void store_release(__u64* p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

struct Pending {
  uint64_t ts;
  Bytes rec;
};

}  // namespace

std::vector<Reason> read_reasons(int fd, uint32_t kind) {
  netdrop_reasons_req req{};
  req.kind = kind;
  checked_ioctl(fd, NETDROP_IOC_GET_REASONS, &req, "reading drop reasons");
  std::vector<netdrop_reason> buf(req.count);
  req.buf = reinterpret_cast<uintptr_t>(buf.data());
  checked_ioctl(fd, NETDROP_IOC_GET_REASONS, &req, "reading drop reasons");
  buf.resize(std::min<size_t>(buf.size(), req.count));
  std::vector<Reason> out;
  out.reserve(buf.size());
  for (const auto& r : buf) out.push_back({r.value, std::string(r.name, strnlen(r.name, sizeof(r.name)))});
  return out;
}

std::optional<std::vector<SessionListing>> list_sessions(int fd, uint32_t nr_cpu_ids) {
  // Sessions may open between the two calls: ask again until it fits.
  std::vector<netdrop_session_entry> entries(8);
  std::vector<uint64_t> lost;
  netdrop_sessions_req req{};
  for (;;) {
    lost.assign(entries.size() * nr_cpu_ids, 0);
    req.buf = reinterpret_cast<uintptr_t>(entries.data());
    req.lost = reinterpret_cast<uintptr_t>(lost.data());
    req.count = static_cast<uint32_t>(entries.size());
    req.nr_cpus = nr_cpu_ids;
    if (ioctl(fd, NETDROP_IOC_GET_SESSIONS, &req) != 0) {
      if (errno == ENOTTY) return std::nullopt;
      fail_ioctl("listing sessions");
    }
    if (req.count <= entries.size()) break;
    entries.resize(req.count + 4);
  }
  std::vector<SessionListing> out(req.count);
  for (size_t i = 0; i < out.size(); i++) {
    out[i].entry = entries[i];
    auto row = lost.begin() + static_cast<ptrdiff_t>(i * nr_cpu_ids);
    out[i].lost_per_cpu.assign(row, row + std::min(nr_cpu_ids, req.nr_cpus));
  }
  return out;
}

Session::Session(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw SystemError(open_error(path, errno));
  fd_ = Fd(fd);
  checked_ioctl(fd, NETDROP_IOC_GET_INFO, &info_, "reading module info");
  if (info_.abi_major != NETDROP_ABI_MAJOR)
    throw SystemError(fmt::format("netdrop ABI mismatch: module {}.{} ({}), netdropctl {}.{} ({})", info_.abi_major,
                                  info_.abi_minor, info_.version, NETDROP_ABI_MAJOR, NETDROP_ABI_MINOR,
                                  NETDROP_VERSION));
}

void Session::set_watermark(uint32_t bytes) {
  checked_ioctl(fd_.get(), NETDROP_IOC_SET_WATERMARK, &bytes, "setting the wakeup watermark");
  info_.watermark = bytes;
}

void Session::set_ring_size(uint32_t bytes) {
  if (ioctl(fd_.get(), NETDROP_IOC_SET_RING, &bytes) != 0) {
    if (errno == EINVAL)
      throw SystemError(fmt::format("bad ring size {}: a power of two from 8 KiB to 256 MiB", bytes));
    fail_ioctl("setting the ring size");
  }
  info_.ring_size = bytes;
}

int Session::try_set_filter(const netdrop_filter& f) {
  netdrop_filter copy = f;
  return ioctl(fd_.get(), NETDROP_IOC_SET_FILTER, &copy) == 0 ? 0 : errno;
}

void Session::set_filter(const netdrop_filter& f) {
  int err = try_set_filter(f);
  if (err == 0) return;
  if (err == EPERM && (f.events & NETDROP_EV_RESET) != 0)
    throw SystemError(
        "netdrop: setting the filter failed: resets and hook attribution need probes for the whole host, "
        "which a container's session may not install (module parameter scoped_probes)");
  errno = err;
  fail_ioctl("setting the filter");
}

void Session::map_rings() {
  checked_ioctl(fd_.get(), NETDROP_IOC_GET_INFO, &info_, "reading module info");
  const size_t page = info_.page_size;
  for (unsigned cpu = 0; cpu < info_.nr_cpu_ids && cpu < 256; cpu++) {
    if ((info_.possible_cpus[cpu / 64] & (1ULL << (cpu % 64))) == 0) continue;
    off_t base = static_cast<off_t>(cpu * NETDROP_MMAP_CPU_STRIDE);
    void* c = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), base);
    if (c == MAP_FAILED) fail_ioctl("mapping a ring");
    Ring r;
    r.cpu = cpu;
    r.consumer_map = Mapping(c, page);
    size_t len = page + 2 * size_t{info_.ring_size};
    void* d = mmap(nullptr, len, PROT_READ, MAP_SHARED, fd_.get(), base + static_cast<off_t>(page));
    if (d == MAP_FAILED) fail_ioctl("mapping a ring");
    r.data_map = Mapping(d, len);
    r.consumer = static_cast<netdrop_ring_consumer*>(c);
    r.ctrl = static_cast<const netdrop_ring_ctrl*>(d);
    r.data = static_cast<const std::byte*>(d) + page;
    r.size = r.ctrl->data_size;
    rings_.push_back(std::move(r));
  }
}

void Session::enable() {
  if (ioctl(fd_.get(), NETDROP_IOC_ENABLE, nullptr) == 0) return;
  if (errno == ENOENT)
    throw SystemError(
        "netdrop: enabling capture failed: none of the kernel functions that send TCP resets "
        "(tcp_v4_send_reset, tcp_v6_send_reset, tcp_send_active_reset) could be probed");
  if (errno == EIO) throw SystemError("netdrop: enabling capture failed: netfilter hook attribution could not start");
  fail_ioctl("enabling capture");
}

void Session::disable() { checked_ioctl(fd_.get(), NETDROP_IOC_DISABLE, nullptr, "disabling capture"); }

netdrop_stats Session::stats() const {
  netdrop_stats s{};
  checked_ioctl(fd_.get(), NETDROP_IOC_GET_STATS, &s, "reading statistics");
  return s;
}

long Session::drain(const RecordFn& fn) { return drain_rings(rings_, fn); }

long drain_rings(const std::vector<Ring>& rings, const RecordFn& fn) {
  std::vector<Pending> batch;
  std::vector<uint64_t> ends(rings.size());
  for (size_t i = 0; i < rings.size(); i++) {
    const Ring& r = rings[i];
    uint64_t head = load_acquire(&r.ctrl->producer_pos);
    uint64_t pos = r.consumer->consumer_pos;
    while (pos < head) {
      // The data is mapped twice: a record at any offset is contiguous.
      Bytes rest(r.data + (pos & (r.size - 1)), std::min<uint64_t>(head - pos, r.size));
      netdrop_rec_hdr hdr{};
      std::memcpy(&hdr, rest.data(), sizeof(hdr));
      if (hdr.size < sizeof(hdr) || hdr.size > rest.size() || hdr.size % 8 != 0) {
        pos = head;  // cannot happen with a sane kernel; resynchronise
        break;
      }
      // Every record type has its timestamp right after the header.
      uint64_t ts = 0;
      static_assert(offsetof(netdrop_drop, ts_ns) == 8 && offsetof(netdrop_reset, ts_ns) == 8);
      if (hdr.size >= 16) std::memcpy(&ts, rest.data() + 8, 8);
      batch.push_back({ts, rest.first(hdr.size)});
      pos += hdr.size;
    }
    ends[i] = pos;
  }
  std::stable_sort(batch.begin(), batch.end(), [](const Pending& a, const Pending& b) { return a.ts < b.ts; });
  for (const Pending& p : batch) fn(p.rec);
  for (size_t i = 0; i < rings.size(); i++) store_release(&rings[i].consumer->consumer_pos, ends[i]);
  return static_cast<long>(batch.size());
}

long Session::poll_once(int timeout_ms, const RecordFn& fn) {
  pollfd p{fd_.get(), POLLIN, 0};
  int n = poll(&p, 1, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return -1;
    fail_ioctl("poll");
  }
  return drain(fn);
}

uint64_t to_realtime_ns(const netdrop_info& info, uint64_t mono_ns) { return mono_ns - info.mono_ns + info.real_ns; }

}  // namespace netdrop
