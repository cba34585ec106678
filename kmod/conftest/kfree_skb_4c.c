// SPDX-License-Identifier: GPL-2.0
/* kfree_skb tracepoint with (skb, location, reason, const rx_sk): 7.x */
#include <linux/skbuff.h>
#include <trace/events/skb.h>

static void probe(void *data, struct sk_buff *skb, void *location,
		  enum skb_drop_reason reason, const struct sock *rx_sk)
{
}

int nd_conftest(void);
int nd_conftest(void)
{
	return register_trace_kfree_skb(probe, NULL);
}
