// SPDX-License-Identifier: GPL-2.0
/* One drop reason name table: 5.18..6.3 */
#include <linux/skbuff.h>
#include <net/dropreason.h>

const char *nd_conftest(void);
const char *nd_conftest(void)
{
	return drop_reasons[SKB_DROP_REASON_NOT_SPECIFIED];
}
