#include "reasons.hpp"

#include <fmt/format.h>

#include "format.hpp"

namespace netdrop {

namespace {

std::string listing(const std::vector<Reason>& reasons, bool json) {
  std::string out;
  for (const Reason& r : reasons) {
    if (!json) {
      out += fmt::format("{:>8} {}\n", r.value, r.name);
      continue;
    }
    out += fmt::format("{{\"value\":{},\"name\":", r.value);
    append_json_string(out, r.name);
    out += "}\n";
  }
  return out;
}

// JSON for a kernel without the kind of reason asked for: the empty list
// and a flag saying so.
std::string none_json(std::string_view flag) { return fmt::format("{{\"{}\":false,\"reasons\":[]}}\n", flag); }

}  // namespace

ReasonNames reason_map(const std::vector<Reason>& reasons) {
  ReasonNames m;
  for (const Reason& r : reasons) m[r.value] = r.name;
  return m;
}

DropReasons drop_reasons_of(const netdrop_info& info) {
  return info.tp_nargs >= 3 ? DropReasons::available : DropReasons::absent;
}

std::string drop_reasons_listing(const std::vector<Reason>& reasons, DropReasons support, bool json) {
  if (support == DropReasons::available) return listing(reasons, json);
  if (json) return none_json("drop_reasons");
  return "this kernel has no drop reasons: its kfree_skb tracepoint has 2 arguments "
         "(drop reasons arrived in Linux 5.17, their names in 5.18)\n";
}

std::string reset_reasons_listing(const std::vector<Reason>& reasons, bool json) {
  if (!reasons.empty()) return listing(reasons, json);
  if (json) return none_json("reset_reasons");
  return "this kernel has no TCP reset reasons (enum sk_rst_reason arrived in Linux 6.10): "
         "resets are explained by their facts\n";
}

}  // namespace netdrop
