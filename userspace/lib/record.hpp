// Decoding of the records netdrop.ko writes (include/netdrop/netdrop.h).
#pragma once

#include <netdrop/netdrop.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace netdrop {

using Bytes = std::span<const std::byte>;

// A drop record: the fixed part copied out of the buffer, the variable
// parts as views into it (valid as long as the buffer is).
struct Drop {
  netdrop_drop raw{};
  Bytes stack_bytes;                             // nr_stack little-endian u64 frames
  Bytes data;                                    // packet bytes from the network header
  std::optional<netdrop_hook_names> hook_names;  // with NETDROP_RF_HOOK
  std::optional<netdrop_ct> ct;                  // with NETDROP_RF_CT (ABI 1.5)

  [[nodiscard]] size_t stack_size() const { return stack_bytes.size() / 8; }
  [[nodiscard]] uint64_t frame(size_t i) const;
  [[nodiscard]] bool has(uint16_t flag) const { return (raw.hdr.flags & flag) != 0; }
  [[nodiscard]] std::string_view ifname() const;
  [[nodiscard]] std::string_view comm() const;
};

// A reset record.
struct Reset {
  netdrop_reset raw{};
  Bytes stack_bytes;

  [[nodiscard]] size_t stack_size() const { return stack_bytes.size() / 8; }
  [[nodiscard]] uint64_t frame(size_t i) const;
  [[nodiscard]] std::string_view comm() const;
};

enum class DecodeStatus {
  ok,         // a record of a known type was decoded
  skipped,    // a well-formed record of a type this build does not know
  truncated,  // the buffer ends inside the record
  malformed,  // the header or offsets cannot be right
};

struct Decoded {
  DecodeStatus status;
  size_t size;  // bytes the record occupies (valid for ok and skipped)
};

// Decodes the drop record at the start of buf (other types: skipped).
// Never reads outside buf.
Decoded decode_record(Bytes buf, Drop& out);

// Any record this build knows: a drop or a reset.
struct Event {
  uint16_t type = 0;  // NETDROP_REC_DROP or NETDROP_REC_RESET
  Drop drop;
  Reset reset;

  [[nodiscard]] bool is_drop() const { return type == NETDROP_REC_DROP; }
  [[nodiscard]] bool is_reset() const { return type == NETDROP_REC_RESET; }
};
Decoded decode_event(Bytes buf, Event& out);

// The kernel addresses an event holds (location, stack), for a recording's
// symbols.
void append_addresses(const Event& ev, std::vector<uint64_t>& out);

// The distinct kernel addresses of a stream of events. Appended per event
// and sorted and deduplicated whenever the list doubles, so that a long
// recording of a few drop locations keeps a few addresses, not one per
// drop.
class AddressSet {
 public:
  void add(const Event& ev);
  // Every distinct address added, ascending.
  const std::vector<uint64_t>& addresses();

 private:
  void compact();
  std::vector<uint64_t> addrs_;
  size_t compact_at_ = 4096;
};

std::string_view tcp_state_name(uint8_t state);
std::string reset_facts(uint16_t facts);

std::string_view family_name(uint8_t family);
std::string_view l4_name(uint8_t proto);
std::string format_addr(uint8_t family, const uint8_t* addr);
std::string tcp_flags_string(uint8_t flags);
std::string_view context_name(uint8_t ctx);

}  // namespace netdrop
