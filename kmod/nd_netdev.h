/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_NETDEV_H
#define _ND_NETDEV_H

#include <linux/if.h>
#include <linux/types.h>

/* What netdrop copied of a registered device (see nd_netdev.c). */
struct nd_netdev_info {
	int ifindex;
	u32 netns;		/* inode of its network namespace */
	char name[IFNAMSIZ];
};

int nd_netdev_init(void);
void nd_netdev_exit(void);

/*
 * Is @dev (a value found in skb->dev, never dereferenced) a device that
 * is registered now?  Then *out describes it.  Any context, with
 * preemption disabled (the caller's RCU read side).
 */
bool nd_netdev_lookup(unsigned long dev, struct nd_netdev_info *out);

/*
 * The name of device @ifindex of namespace @netns, if registered.  With
 * preemption disabled, as nd_netdev_lookup().
 */
bool nd_netdev_name(u32 netns, int ifindex, char *name);

#endif
