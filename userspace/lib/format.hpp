// Text and JSON views of records.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <string>
#include <vector>

#include "reasons.hpp"
#include "record.hpp"
#include "symbols.hpp"

namespace netdrop {

// What a view needs beyond the record: names for addresses and reasons and
// the clock offset.
struct ViewContext {
  Symbolizer* symbols = nullptr;
  DropReasons drop_reasons = DropReasons::available;
  ReasonNames reason_names;
  ReasonNames reset_reason_names;
  int64_t realtime_offset_ns = 0;  // wall = ts_ns + offset
  bool utc = false;                // text view: UTC instead of local time

  // Empty where the kernel has no drop reasons.
  [[nodiscard]] std::string reason_name(uint32_t value) const;
  [[nodiscard]] std::string reset_reason_name(uint32_t value) const;
};

// The view of the records of the kernel info describes, live or recorded.
ViewContext view_context(const netdrop_info& info, const std::vector<Reason>& reasons,
                         const std::vector<Reason>& reset_reasons, Symbolizer& symbols);

// "HH:MM:SS.nnnnnnnnn" (text) and RFC 3339 with ns, UTC (JSON).
std::string format_clock(int64_t wall_ns, bool utc);
std::string format_rfc3339(int64_t wall_ns);

// One line (no newline) plus, with a stack, indented frame lines.
std::string format_text(const Drop& d, ViewContext& ctx);
// One JSON object (no newline).
std::string format_json(const Drop& d, ViewContext& ctx);

// A reset: one line / one JSON object.
std::string format_reset_text(const Reset& r, ViewContext& ctx);
std::string format_reset_json(const Reset& r, ViewContext& ctx);
std::string_view reset_kind_name(uint8_t kind);

// "proto src:sport > dst:dport" or what is known of it.
std::string format_flow(const Drop& d);

void append_json_string(std::string& out, std::string_view s);

}  // namespace netdrop
