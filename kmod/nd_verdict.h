/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_VERDICT_H
#define _ND_VERDICT_H

#include <linux/types.h>
#include <netdrop/netdrop.h>

/*
 * A hook as the probe reports it, described when the hook lists were
 * scanned (process context), never per packet.
 */
struct nd_hook_desc {
	unsigned long func;
	const void *priv;
	u8 pf;
	u8 hooknum;
	struct netdrop_hook_info info;
	struct netdrop_hook_names names;
};

/* The hook that dropped a packet (nd_verdict_find()). */
struct nd_hook_hit {
	const struct nd_hook_desc *desc;	/* under RCU */
	struct netdrop_hook_info info;
	u64 rule;	/* nf_tables rule handle (nd_nftrule.c), 0: unknown */
};

/* Hook attribution is on while at least one session wants it. */
int nd_verdict_get(void);
void nd_verdict_put(void);

/*
 * Hook calls are counted (nd_vcount.c) while attribution is on: since
 * when (CLOCK_BOOTTIME ns, 0: off), and how many calls the probes missed.
 */
void nd_verdict_counting(u64 *since, u64 *missed);

/*
 * Which hook dropped @skb, freed at @location?  Called from the kfree_skb
 * probe with preemption disabled (its RCU read side); *hit is valid
 * until preemption is enabled again.
 */
bool nd_verdict_lookup(unsigned long skb, unsigned long location,
		       struct nd_hook_hit *hit);
extern bool nd_verdict_on;
/*
 * Inline, so that the probe makes no call while attribution is off (most
 * drops are looked at with it off).
 */
static inline bool nd_verdict_find(unsigned long skb, unsigned long location,
				   struct nd_hook_hit *hit)
{
	return READ_ONCE(nd_verdict_on) &&
	       nd_verdict_lookup(skb, location, hit);
}

/* The skb-keyed table of hooks in flight or that returned NF_DROP. */
struct nd_pend_info {
	unsigned long func;
	const void *priv;
	u64 rule;	/* out of nd_pend_take() */
	u8 pf;
	u8 hooknum;
};

/*
 * The code of a hook: the function itself, and the module it is in (a
 * hash of the module's name, 0 for the kernel image).
 */
struct nd_code_range {
	unsigned long lo;
	unsigned long hi;	/* exclusive */
	unsigned long lo2;	/* where it hands packets to, or 0 */
	unsigned long hi2;
	u32 module;
};

/* The module of a kernel text address, as nd_code_range.module. */
typedef u32 (*nd_module_of_t)(unsigned long addr);

int nd_pend_insert(unsigned long skb, const struct nd_pend_info *pi,
		   const struct nd_code_range *code, unsigned long now,
		   u64 *gen);
/* Ends the entry; false when it was no longer @gen's (taken, expired). */
bool nd_pend_remove(int slot, unsigned long skb, u64 gen);
void nd_pend_dropped(int slot, unsigned long skb, u64 gen, unsigned long now);
bool nd_pend_take(unsigned long skb, unsigned long location,
		  unsigned long now, nd_module_of_t module_of,
		  struct nd_pend_info *out);
void nd_pend_forget(unsigned long func);
/* nd_nftrule.c: the nf_tables hook running for @skb, and its rule. */
bool nd_pend_running(unsigned long skb, unsigned long now,
		     bool (*is_nft)(const struct nd_pend_info *pi),
		     struct nd_pend_info *out, int *slot, u64 *gen);
void nd_pend_set_rule(int slot, u64 gen, u64 handle);
/* Under RCU: was @pi's hook an nf_tables chain at the last scan? */
bool nd_verdict_is_nft(const struct nd_pend_info *pi);
void nd_pend_clear(void);

#endif
