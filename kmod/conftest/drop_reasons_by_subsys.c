// SPDX-License-Identifier: GPL-2.0
/* Per-subsystem drop reason tables: 6.4+ */
#include <linux/skbuff.h>
#include <net/dropreason.h>

const void *nd_conftest(void);
const void *nd_conftest(void)
{
	return &drop_reasons_by_subsys[SKB_DROP_REASON_SUBSYS_CORE];
}
