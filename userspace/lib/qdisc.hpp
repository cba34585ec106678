// The qdiscs' own drop counts (what `tc -s qdisc` prints as "dropped"),
// through rtnetlink with libmnl: an RTM_GETQDISC dump of the current
// network namespace.
#pragma once

#include "counters.hpp"

namespace netdrop {

// Adds "qdisc.DEV.drops": the drops of DEV's root qdisc (a classful root
// counts its classes' drops too), and "qdisc.DEV.ingress.drops" for its
// ingress qdisc.  No rtnetlink (a restricted sandbox): adds nothing.
void read_qdisc_stats(Counters& out);

}  // namespace netdrop
