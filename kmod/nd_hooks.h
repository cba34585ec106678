/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_HOOKS_H
#define _ND_HOOKS_H

#include <linux/netfilter.h>
#include <netdrop/netdrop.h>

struct net;
struct net_device;

/*
 * Fills up to @max entries describing every netfilter hook of @net, in
 * family, hook point and priority order; returns how many exist.  Called
 * under rcu_read_lock().  @addrs: whether kernel addresses may be shown.
 */
u32 nd_hooks_collect(struct net *net, struct netdrop_hook_entry *out, u32 max,
		     bool addrs);

/* The same with each hook's ops->priv in @privs (for nd_verdict.c). */
u32 nd_hooks_collect_priv(struct net *net, struct netdrop_hook_entry *out,
			  const void **privs, u32 max);

/*
 * A digest of @net's hook lists (functions, privs, priorities), adding
 * their number to *@nr_hooks.  Under rcu_read_lock().
 */
u64 nd_hooks_fingerprint(struct net *net, unsigned int *nr_hooks);

/*
 * Is (@func, @priv) in @net's hook list at (@pf, @hooknum), @dev's for
 * NFPROTO_NETDEV, now?  Under rcu_read_lock(): while it holds, the hook's
 * priv (an nf_tables chain) is not freed, see nd_nftrule.c.
 */
bool nd_hook_registered(const struct net *net, u8 pf, u8 hooknum,
			const struct net_device *dev, unsigned long func,
			const void *priv);

/* Describes one registered hook (classification, names). */
void nd_hook_describe(const struct nf_hook_ops *ops, nf_hookfn *fn,
		      struct netdrop_hook_entry *e);

/*
 * The namespace open at @netns_fd (-1: the caller's), referenced; -EPERM
 * outside a session's @scope (NULL: any).
 */
struct net *nd_hooks_net(s32 netns_fd, const struct net *scope);

int nd_hooks_ioctl(struct netdrop_hooks_req *req, bool addrs,
		   const struct net *scope);

#endif
