/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_AGG_H
#define _ND_AGG_H

#include <linux/types.h>
#include <netdrop/netdrop.h>

struct nd_agg;

/* What a drop is counted under (see the top of nd_agg.c). */
struct nd_agg_key {
	u64 location;
	u64 hook_func;
	u32 reason;
	u32 netns;
	u32 ifindex;
	s32 hook_priority;
	u8 hook_pf;
	u8 hook_hooknum;
	u8 hook_ops_type;
	u8 has_hook;
	u32 pad;
} __aligned(8);

struct nd_agg *nd_agg_alloc(u32 slots);
void nd_agg_free(struct nd_agg *agg);

/*
 * Probe side, preemption disabled: counts one drop of @len bytes under
 * @key (every byte of it set, padding zero).  @ifname (NETDROP_IFNAMSIZ,
 * may be "") is kept with a new key.  Returns false when the key found
 * no slot: the caller counts the drop as lost.
 */
bool nd_agg_count(struct nd_agg *agg, const struct nd_agg_key *key, u32 len,
		  const char *ifname);

/* NETDROP_IOC_GET_AGG: copies the slots in use to user space. */
int nd_agg_read(struct nd_agg *agg, struct netdrop_agg_req *req,
		bool show_addrs);

#endif
