/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_VERDICT_H
#define _ND_VERDICT_H

#include <linux/types.h>
#include <netdrop/netdrop.h>

struct net;

struct nd_pend_info {
	unsigned long func;
	const void *priv;
	const struct net *net;
	u8 pf;
	u8 hooknum;
};

/* Hook attribution is on while at least one session wants it. */
int nd_verdict_get(void);
void nd_verdict_put(void);
unsigned int nd_verdict_nr_probes(void);

/* The skb-keyed table of hooks in flight or that returned NF_DROP. */
int nd_pend_insert(unsigned long skb, unsigned long func, const void *priv,
		   const struct net *net, u8 pf, u8 hooknum, u64 *gen);
void nd_pend_remove(int slot, unsigned long skb, u64 gen);
bool nd_pend_take(unsigned long skb, struct nd_pend_info *out);
void nd_pend_clear(void);

bool nd_verdict_describe(const struct nd_pend_info *pi, const struct net *net,
			 struct netdrop_hook_entry *e);

#endif
