// SPDX-License-Identifier: GPL-2.0
/* kfree_skb tracepoint with (skb, location): before drop reasons (5.10) */
#include <linux/skbuff.h>
#include <trace/events/skb.h>

static void probe(void *data, struct sk_buff *skb, void *location)
{
}

int nd_conftest(void);
int nd_conftest(void)
{
	return register_trace_kfree_skb(probe, NULL);
}
