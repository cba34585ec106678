// The conntrack entry a drop record carries (NETDROP_RF_CT): its text and
// JSON forms.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace netdrop {

std::string_view ctinfo_name(uint8_t ctinfo);
std::string_view ct_tcp_state_name(uint8_t state);
std::string ct_status_names(uint32_t status);        // "confirmed,dst-nat,..."
std::string_view ct_nat_kind(const netdrop_ct& ct);  // "snat", "dnat", "snat+dnat" or ""
std::string ct_tuple_text(uint8_t family, const netdrop_ct_tuple& t);

// " ct new zone 7 mark 0x2a orig ... reply ... dnat"
std::string ct_text(const netdrop_ct& ct);
// {"ctinfo": ..., "orig": {...}, "reply": {...}, ...}
std::string ct_json(const netdrop_ct& ct);

}  // namespace netdrop
