/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_VCOUNT_H
#define _ND_VCOUNT_H

#include <linux/types.h>
#include <netdrop/netdrop.h>

struct net;

/* What a hook call returned, as counted. */
enum nd_vc_kind {
	ND_VC_ACCEPT,
	ND_VC_DROP,
	ND_VC_STOLEN,
	ND_VC_QUEUE,
	ND_VC_KINDS,
};

/* One hook in one namespace (and on one device, for netdev hooks). */
struct nd_vc_key {
	unsigned long func;
	const void *priv;
	const struct net *net;	/* compared, never dereferenced */
	u32 ifindex;		/* netdev hooks; 0 otherwise */
	u8 pf;
	u8 hooknum;
};

int nd_vcount_init(void);
void nd_vcount_exit(void);
/* Forgets every count; only while no verdict probe is registered. */
void nd_vcount_reset(void);
/* The slot counting @k (claimed if new), or -1 (counted as missed). */
int nd_vcount_slot(const struct nd_vc_key *k);
void nd_vcount_add(int slot, enum nd_vc_kind kind);
/* The counts of @k so far (zeros when it has no slot). */
void nd_vcount_read(const struct nd_vc_key *k, struct netdrop_hook_verdicts *v);
u64 nd_vcount_missed(void);

int nd_verdicts_ioctl(struct netdrop_verdicts_req *req, bool addrs,
		      const struct net *scope);

#endif
