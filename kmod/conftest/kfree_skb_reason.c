// SPDX-License-Identifier: GPL-2.0
/* kfree_skb_reason() and enum skb_drop_reason: 5.17+ */
#include <linux/skbuff.h>

void nd_conftest(struct sk_buff *skb);
void nd_conftest(struct sk_buff *skb)
{
	kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}
