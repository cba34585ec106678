#include "summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "filter.hpp"
#include "hooks.hpp"

namespace netdrop {

SummaryKey parse_summary_key(std::string_view text) {
  if (text == "location") return SummaryKey::location;
  if (text == "reason") return SummaryKey::reason;
  if (text == "src") return SummaryKey::src;
  if (text == "dst") return SummaryKey::dst;
  if (text == "dev") return SummaryKey::dev;
  if (text == "func") return SummaryKey::func;
  if (text == "state") return SummaryKey::state;
  if (text == "hook") return SummaryKey::hook;
  throw UsageError(fmt::format("bad --by '{}' (location, reason, src, dst, dev, func, hook or state)", text));
}

void check_summary_key(SummaryKey key, DropReasons support, uint32_t events) {
  bool drops = events == 0 || (events & NETDROP_EV_DROP) != 0;
  if (key == SummaryKey::reason && drops && support == DropReasons::absent)
    throw UsageError(fmt::format("--by reason: {}", no_drop_reasons));
}

bool kernel_counts_key(SummaryKey key) {
  return key != SummaryKey::src && key != SummaryKey::dst && key != SummaryKey::state;
}

namespace {

// "sym+0xoff [module] (REASON)", without the reason where there is none.
std::string location_key(const netdrop_drop& r, ViewContext& ctx) {
  Resolved loc = ctx.symbols->resolve(r.location);
  std::string s = format_location(loc, r.location);
  if (loc.sym != nullptr && !loc.sym->module.empty()) s += fmt::format(" [{}]", loc.sym->module);
  std::string reason = ctx.reason_name(r.reason);
  return reason.empty() ? s : fmt::format("{} ({})", s, reason);
}

}  // namespace

std::string Summary::key_of(const Drop& d, ViewContext& ctx) const {
  const netdrop_drop& r = d.raw;
  switch (key_) {
    case SummaryKey::location: return location_key(r, ctx);
    case SummaryKey::reason: {
      std::string reason = ctx.reason_name(r.reason);
      return reason.empty() ? "-" : reason;
    }
    case SummaryKey::src: return d.has(NETDROP_RF_DECODED) ? format_addr(r.family, r.saddr) : "-";
    case SummaryKey::dst: return d.has(NETDROP_RF_DECODED) ? format_addr(r.family, r.daddr) : "-";
    case SummaryKey::dev: return d.ifname().empty() ? "-" : std::string(d.ifname());
    case SummaryKey::func: {
      Resolved loc = ctx.symbols->resolve(r.location);
      return loc.sym != nullptr ? loc.sym->name : format_location(loc, r.location);
    }
    case SummaryKey::hook:
      if (!d.hook_names) return "-";
      return d.hook_names->module[0] != '\0' ? fmt::format("{} [{}]", d.hook_names->func, d.hook_names->module)
                                             : std::string(d.hook_names->func);
    case SummaryKey::state: return "-";
  }
  return {};
}

std::string Summary::key_of(const Reset& x, ViewContext& ctx) const {
  const netdrop_reset& r = x.raw;
  switch (key_) {
    case SummaryKey::reason: {
      std::string reason = ctx.reset_reason_name(r.reason);
      std::string facts = reset_facts(r.facts);
      if (reason.empty()) reason = facts.empty() ? "-" : facts;
      return fmt::format("{} {}", reset_kind_name(r.kind), reason);
    }
    case SummaryKey::state: return std::string(tcp_state_name(r.state));
    case SummaryKey::src: return format_addr(r.family, r.saddr);
    case SummaryKey::dst: return format_addr(r.family, r.daddr);
    case SummaryKey::location:
    case SummaryKey::func: return ctx.symbols->location(r.location);
    case SummaryKey::dev:
    case SummaryKey::hook: return "-";
  }
  return {};
}

std::string agg_hook_name(const AggKey& k, ViewContext& ctx) {
  if (!k.has_hook) return "";
  if (k.hook_func != 0) {
    Resolved loc = ctx.symbols->resolve(k.hook_func);
    if (loc.sym != nullptr)
      return loc.sym->module.empty() ? loc.sym->name : fmt::format("{} [{}]", loc.sym->name, loc.sym->module);
  }
  return fmt::format("{} {} priority {}", pf_name(k.hook_pf), hook_name(k.hook_pf, k.hook_hooknum), k.hook_priority);
}

std::string Summary::key_of(const AggRow& row, ViewContext& ctx) const {
  Drop d;
  d.raw.location = row.key.location;
  d.raw.reason = row.key.reason;
  switch (key_) {
    case SummaryKey::dev: return row.ifname.empty() ? "-" : row.ifname;
    case SummaryKey::hook: {
      std::string h = agg_hook_name(row.key, ctx);
      return h.empty() ? "-" : h;
    }
    case SummaryKey::src:
    case SummaryKey::dst:
    case SummaryKey::state: return "-";
    default: return key_of(d, ctx);
  }
}

void Summary::add(const AggRow& row, ViewContext& ctx) {
  counts_[key_of(row, ctx)] += row.count;
  total_ += row.count;
}

void Summary::add(const Reset& r, ViewContext& ctx) {
  counts_[key_of(r, ctx)]++;
  total_++;
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
