/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_FILTER_H
#define _ND_FILTER_H

#include <linux/types.h>
#include <linux/rcupdate.h>
#include <netdrop/netdrop.h>

struct nd_agg;

/* A validated filter as the probe uses it. */
struct nd_filter {
	struct rcu_head rcu;
	struct netdrop_filter f;
	/* Cheap fields, checked before decoding the packet. */
	u32 pre_fields;
	/* Fields that need the decoded headers. */
	u32 post_fields;
	/* NETDROP_OPT_AGGREGATE: the session's tables (nd_agg.c). */
	struct nd_agg *agg;
};

int nd_filter_validate(const struct netdrop_filter *f);
void nd_filter_prepare(struct nd_filter *nf);

/* Checks the fields that need no packet decoding. */
bool nd_filter_match_pre_fields(const struct nd_filter *nf, u64 location,
				u32 reason, u32 ifindex, u32 netns);
/* Inline: most filters have no cheap field, and need no call. */
static inline bool nd_filter_match_pre(const struct nd_filter *nf,
				       u64 location, u32 reason, u32 ifindex,
				       u32 netns)
{
	return !nf->pre_fields ||
	       nd_filter_match_pre_fields(nf, location, reason, ifindex, netns);
}

/* Checks the fields that need the decoded record. */
bool nd_filter_match_post(const struct nd_filter *nf,
			  const struct netdrop_drop *rec);

bool nd_cidr_match(const struct netdrop_cidr *c, u8 family, const u8 *addr);

#endif
