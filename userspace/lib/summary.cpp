#include "summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "filter.hpp"

namespace netdrop {

SummaryKey parse_summary_key(std::string_view text) {
  if (text == "location") return SummaryKey::location;
  if (text == "reason") return SummaryKey::reason;
  if (text == "src") return SummaryKey::src;
  if (text == "dst") return SummaryKey::dst;
  if (text == "dev") return SummaryKey::dev;
  if (text == "func") return SummaryKey::func;
  throw UsageError(fmt::format("bad --by '{}' (location, reason, src, dst, dev or func)", text));
}

std::string Summary::key_of(const Drop& d, ViewContext& ctx) const {
  const netdrop_drop& r = d.raw;
  switch (key_) {
    case SummaryKey::location: {
      Resolved loc = ctx.symbols->resolve(r.location);
      std::string s = format_location(loc, r.location);
      if (loc.sym != nullptr && !loc.sym->module.empty()) s += fmt::format(" [{}]", loc.sym->module);
      return fmt::format("{} ({})", s, ctx.reason_name(r.reason));
    }
    case SummaryKey::reason: return ctx.reason_name(r.reason);
    case SummaryKey::src: return d.has(NETDROP_RF_DECODED) ? format_addr(r.family, r.saddr) : "-";
    case SummaryKey::dst: return d.has(NETDROP_RF_DECODED) ? format_addr(r.family, r.daddr) : "-";
    case SummaryKey::dev: return d.ifname().empty() ? "-" : std::string(d.ifname());
    case SummaryKey::func: {
      Resolved loc = ctx.symbols->resolve(r.location);
      return loc.sym != nullptr ? loc.sym->name : format_location(loc, r.location);
    }
  }
  return {};
}

void Summary::add(const Drop& d, ViewContext& ctx) {
  counts_[key_of(d, ctx)]++;
  total_++;
}

std::vector<SummaryRow> Summary::rows(size_t top) const {
  std::vector<SummaryRow> out;
  out.reserve(counts_.size());
  for (const auto& [k, n] : counts_) out.push_back({k, n});
  std::sort(out.begin(), out.end(), [](const SummaryRow& a, const SummaryRow& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (top > 0 && out.size() > top) out.resize(top);
  return out;
}

void Summary::clear() {
  counts_.clear();
  total_ = 0;
}

}  // namespace netdrop
