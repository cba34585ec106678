// Drop and reset reason names of a kernel, and whether its drops carry a
// reason at all.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace netdrop {

struct Reason {
  uint32_t value;
  std::string name;
};

using ReasonNames = std::unordered_map<uint32_t, std::string>;

ReasonNames reason_map(const std::vector<Reason>& reasons);

// kfree_skb passes a drop reason from Linux 5.17 on (3 arguments, names
// readable from 5.18); the tracepoint of 5.10 has 2 arguments and none.
enum class DropReasons { available, absent };

DropReasons drop_reasons_of(const netdrop_info& info);

// Why a reason filter or grouping cannot work here (for UsageError).
inline constexpr std::string_view no_drop_reasons = "this kernel has no drop reasons (kfree_skb has 2 arguments)";

// What 'netdropctl reasons' prints: a line per reason (text or JSON), or
// one line saying that the kernel has none.
std::string drop_reasons_listing(const std::vector<Reason>& reasons, DropReasons support, bool json);
std::string reset_reasons_listing(const std::vector<Reason>& reasons, bool json);

}  // namespace netdrop
