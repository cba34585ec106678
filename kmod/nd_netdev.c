// SPDX-License-Identifier: GPL-2.0
/*
 * The devices netdrop knows, so that the probe never dereferences skb->dev.
 *
 * skb->dev is not what its name says on every skb the kernel frees: UDP
 * stores its dev_scratch word there once a datagram is queued, fragments
 * and out-of-order TCP segments keep an rb_node there (the field is
 * rb_left), and a device may be gone by the time a queue is purged.  The
 * probe therefore treats the value as a number: it looks it up in this
 * table of registered devices and uses what the table says (ifindex,
 * netns, name), never the device itself.  A value that is not a device
 * netdrop saw registered matches nothing.
 *
 * The table follows the netdevice notifier: register_netdevice_notifier()
 * replays NETDEV_REGISTER for every existing device of every namespace,
 * moving a device to another namespace is UNREGISTER then REGISTER, and
 * unregistering the notifier replays UNREGISTER for every device.  Writers
 * run under RTNL (and nd_netdev_lock); readers (the probe, any context)
 * walk the RCU hash lists.  Entries are immutable: a rename replaces one.
 */
#include <linux/hash.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include "nd_compat.h"
#include "nd_netdev.h"
#include "nd_ring.h"

#define ND_NETDEV_BITS 8

struct nd_netdev {
	struct hlist_node by_ptr;
	struct hlist_node by_index;
	unsigned long dev;		/* the net_device, as a number */
	struct nd_netdev_info info;
	struct rcu_head rcu;
};

static struct hlist_head nd_by_ptr[1 << ND_NETDEV_BITS];
static struct hlist_head nd_by_index[1 << ND_NETDEV_BITS];
static DEFINE_SPINLOCK(nd_netdev_lock);

static unsigned int nd_index_hash(u32 netns, int ifindex)
{
	return hash_32(netns ^ (u32)ifindex * 0x9e3779b9U, ND_NETDEV_BITS);
}

static struct nd_netdev *nd_netdev_find(unsigned long dev)
{
	struct nd_netdev *e;

	hlist_for_each_entry_rcu(e, &nd_by_ptr[hash_long(dev, ND_NETDEV_BITS)],
				 by_ptr, lockdep_is_held(&nd_netdev_lock) ||
				 rcu_read_lock_sched_held())
		if (e->dev == dev)
			return e;
	return NULL;
}

/*
 * The readers run with preemption disabled (the probe, the reset kprobes):
 * that is their RCU read side, which the hlist walks check under lockdep.
 */
bool nd_netdev_lookup(unsigned long dev, struct nd_netdev_info *out)
{
	const struct nd_netdev *e;

	if (!dev)
		return false;
	nd_assert_nopreempt();
	e = nd_netdev_find(dev);
	if (e)
		*out = e->info;
	return e;
}

bool nd_netdev_name(u32 netns, int ifindex, char *name)
{
	const struct nd_netdev *e;
	bool found = false;

	if (!netns || ifindex <= 0)
		return false;
	nd_assert_nopreempt();
	hlist_for_each_entry_rcu(e, &nd_by_index[nd_index_hash(netns, ifindex)],
				 by_index) {
		if (e->info.netns == netns && e->info.ifindex == ifindex) {
			memcpy(name, e->info.name, IFNAMSIZ);
			found = true;
			break;
		}
	}
	return found;
}

static void nd_netdev_del(unsigned long dev)
{
	struct nd_netdev *e;

	lockdep_assert_held(&nd_netdev_lock);
	e = nd_netdev_find(dev);
	if (!e)
		return;
	hlist_del_rcu(&e->by_ptr);
	hlist_del_rcu(&e->by_index);
	kfree_rcu(e, rcu);
}

/* (Re)describes @dev: called for REGISTER and CHANGENAME, under RTNL. */
static void nd_netdev_set(struct net_device *dev)
{
	struct nd_netdev *e = kzalloc_obj(*e, GFP_KERNEL);

	spin_lock_bh(&nd_netdev_lock);
	nd_netdev_del((unsigned long)dev);
	if (e) {
		e->dev = (unsigned long)dev;
		e->info.ifindex = dev->ifindex;
		e->info.netns = dev_net(dev)->ns.inum;
		memcpy(e->info.name, dev->name, IFNAMSIZ);
		e->info.name[IFNAMSIZ - 1] = '\0';
		hlist_add_head_rcu(&e->by_ptr,
				   &nd_by_ptr[hash_long(e->dev, ND_NETDEV_BITS)]);
		hlist_add_head_rcu(&e->by_index,
				   &nd_by_index[nd_index_hash(e->info.netns,
							      e->info.ifindex)]);
	}
	/* Without memory the device is unknown: ifindex from skb_iif. */
	spin_unlock_bh(&nd_netdev_lock);
}

static int nd_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
		nd_netdev_set(dev);
		break;
	case NETDEV_UNREGISTER:
		spin_lock_bh(&nd_netdev_lock);
		nd_netdev_del((unsigned long)dev);
		spin_unlock_bh(&nd_netdev_lock);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nd_netdev_nb = {
	.notifier_call = nd_netdev_event,
};

int nd_netdev_init(void)
{
	return register_netdevice_notifier(&nd_netdev_nb);
}

void nd_netdev_exit(void)
{
	unsigned int i;
	struct nd_netdev *e;
	struct hlist_node *tmp;

	unregister_netdevice_notifier(&nd_netdev_nb);
	/*
	 * The replayed UNREGISTERs emptied the table; be sure.  kfree_rcu()
	 * callbacks run no module code: no rcu_barrier() is needed.
	 */
	spin_lock_bh(&nd_netdev_lock);
	for (i = 0; i < ARRAY_SIZE(nd_by_ptr); i++)
		hlist_for_each_entry_safe(e, tmp, &nd_by_ptr[i], by_ptr)
			nd_netdev_del(e->dev);
	spin_unlock_bh(&nd_netdev_lock);
}
