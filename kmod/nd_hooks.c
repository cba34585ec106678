// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook lists, read the way nfnetlink_hook does, but on every
 * kernel (Debian's 6.1 has no nfnetlink_hook) and for every family, hook
 * point and device at once.
 *
 * The lists (struct nf_hook_entries) are replaced copy-on-write and freed
 * after an RCU grace period, so we walk them under rcu_read_lock().  While
 * a hook is being unregistered its slot briefly holds a placeholder
 * (accept_all with dummy_ops, priority INT_MIN): we flag it rather than
 * report a hook that does not exist.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_bridge/ebtables.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#if IS_ENABLED(CONFIG_NF_TABLES)
#include <net/netfilter/nf_tables.h>
#endif
#include "nd_hooks.h"

/* "func+0x0/0x40 [mod]" -> func_name "func", module "mod". */
static void nd_split_symbol(const char *sym, struct netdrop_hook_entry *e)
{
	const char *plus = strchr(sym, '+');
	const char *bra = strchr(sym, '[');
	size_t n = plus ? plus - sym : strcspn(sym, " ");

	strscpy(e->func_name, sym, min(n + 1, sizeof(e->func_name)));
	if (bra) {
		const char *ket = strchr(bra, ']');

		n = ket ? ket - bra - 1 : strlen(bra + 1);
		strscpy(e->module, bra + 1, min(n + 1, sizeof(e->module)));
	}
}

/* ebtables' hooks have a struct ebt_table as priv, not an xt_table. */
static bool nd_is_ebtables_hook(const struct netdrop_hook_entry *e)
{
	return !strncmp(e->func_name, "ebt_", 4) ||
	       !strncmp(e->module, "ebtable", 7);
}

static bool nd_is_xtables_hook(const char *name)
{
	size_t n = strlen(name);

	return (n > 9 && !strcmp(name + n - 9, "_do_table")) ||
	       !strncmp(name, "iptable_", 8) || !strncmp(name, "ip6table_", 9) ||
	       !strncmp(name, "arptable_", 9);
}

/* An x_tables or ebtables table's name, @len bytes at @name in its priv. */
static void nd_table_name(struct netdrop_hook_entry *e, const char *name,
			  size_t len)
{
	char buf[XT_TABLE_MAXNAMELEN];

	len = min(len, sizeof(buf));
	if (copy_from_kernel_nofault(buf, name, len))
		return;
	buf[len - 1] = '\0';
	strscpy(e->table, buf, sizeof(e->table));
	e->flags |= NETDROP_HF_XTABLES;
}

/*
 * Where x_tables and ebtables hooks have no priv (before 5.16: they look the
 * table up in the netns), the table is in the module's name
 * (iptable_filter, ip6table_mangle, arptable_filter, ebtable_broute) or,
 * for a table built into the kernel, in the hook's (iptable_filter_hook).
 */
static bool nd_table_after(struct netdrop_hook_entry *e, const char *name,
			   const char *suffix)
{
	static const char * const prefixes[] = {
		"iptable_", "ip6table_", "arptable_", "ebtable_",
	};
	size_t n, len, slen = strlen(suffix);
	const char *t;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		n = strlen(prefixes[i]);
		if (strncmp(name, prefixes[i], n))
			continue;
		t = name + n;
		len = strlen(t);
		if (len <= slen || strcmp(t + len - slen, suffix))
			return false;
		len -= slen;
		if (len >= sizeof(e->table))
			return false;
		memcpy(e->table, t, len);
		e->table[len] = '\0';
		e->flags |= NETDROP_HF_XTABLES;
		return true;
	}
	return false;
}

static void nd_xt_table_from_name(struct netdrop_hook_entry *e)
{
	if (!nd_table_after(e, e->module, ""))
		nd_table_after(e, e->func_name, "_hook");
}

/*
 * An nf_tables base chain: marked by its ops type where the kernel has one;
 * before that (5.10), recognised by nf_tables' own hook functions
 * (nft_do_chain_ipv4, nft_do_chain_inet, ..., and nf_route_table_hook4 and
 * friends for route chains), whose priv is the chain.  The name and the
 * priv can come from two different unregistrations (nf_remove_net_hook()
 * stores the hook and its ops separately), which is harmless: a removed
 * entry's ops are dummy_ops, whose priv is NULL.
 */
static bool nd_is_nft_hook(const struct nf_hook_ops *ops,
			   const struct netdrop_hook_entry *e)
{
#ifdef ND_HAVE_NF_HOOK_OPS_TYPE
	return ops->hook_ops_type == NF_HOOK_OP_NF_TABLES;
#else
	return (!strncmp(e->func_name, "nft_do_chain_", 13) ||
		!strncmp(e->func_name, "nf_route_table_", 15)) &&
	       (!e->module[0] || !strcmp(e->module, "nf_tables"));
#endif
}

void nd_hook_describe(const struct nf_hook_ops *ops, nf_hookfn *fn,
		      struct netdrop_hook_entry *e)
{
	char sym[KSYM_SYMBOL_LEN];

	e->priority = ops->priority;
	e->ops_type = NETDROP_HOOK_OTHER;
	sprint_symbol(sym, (unsigned long)fn);
	nd_split_symbol(sym, e);
	if (!strcmp(e->func_name, "accept_all") && ops->priority == INT_MIN)
		e->flags |= NETDROP_HF_PLACEHOLDER;

	if (nd_is_nft_hook(ops, e)) {
		e->ops_type = NETDROP_HOOK_NFTABLES;
#if IS_ENABLED(CONFIG_NF_TABLES)
		if (ops->priv) {
			const struct nft_chain *chain = ops->priv;

			strscpy(e->chain, chain->name, sizeof(e->chain));
			strscpy(e->table, chain->table->name, sizeof(e->table));
			e->table_family = chain->table->family;
		}
#endif
		return;
	}
#ifdef ND_HAVE_NF_HOOK_OP_BPF
	if (ops->hook_ops_type == NF_HOOK_OP_BPF) {
		e->ops_type = NETDROP_HOOK_BPF;
		return;
	}
#endif
	if (!ops->priv) {
		nd_xt_table_from_name(e);
		return;
	}
	if (e->pf == NFPROTO_BRIDGE && nd_is_ebtables_hook(e))
		nd_table_name(e, ((const struct ebt_table *)ops->priv)->name,
			      EBT_TABLE_MAXNAMELEN);
	else if (nd_is_xtables_hook(e->func_name))
		nd_table_name(e, ((const struct xt_table *)ops->priv)->name,
			      XT_TABLE_MAXNAMELEN);
}

struct nd_collect {
	struct netdrop_hook_entry *out;
	const void **privs;		/* NULL, or each hook's ops->priv */
	u32 max;
	u32 n;
	bool addrs;
};

static void nd_collect_list(struct nd_collect *c,
			    const struct nf_hook_entries *e, u8 pf, u8 hooknum,
			    const struct net_device *dev)
{
	struct nf_hook_ops **ops;
	unsigned int i;

	if (!e)
		return;
	ops = nf_hook_entries_get_hook_ops(e);
	for (i = 0; i < e->num_hook_entries; i++, c->n++) {
		struct netdrop_hook_entry *h;

		if (c->n >= c->max)
			continue;
		h = &c->out[c->n];
		memset(h, 0, sizeof(*h));
		h->pf = pf;
		h->hooknum = hooknum;
		h->index = i;
		if (c->addrs)
			h->func = (unsigned long)e->hooks[i].hook;
		if (dev) {
			h->flags |= NETDROP_HF_NETDEV;
			h->ifindex = dev->ifindex;
			strscpy(h->ifname, dev->name, sizeof(h->ifname));
		}
		nd_hook_describe(ops[i], e->hooks[i].hook, h);
		if (c->privs)
			c->privs[c->n] = ops[i]->priv;
	}
}

static void nd_collect_family(struct nd_collect *c,
			      struct nf_hook_entries __rcu *const *lists,
			      unsigned int nr, u8 pf)
{
	unsigned int h;

	for (h = 0; h < nr; h++)
		nd_collect_list(c, rcu_dereference(lists[h]), pf, h, NULL);
}

static u32 nd_collect_net(struct nd_collect *c, struct net *net)
{
	struct net_device *dev;

	nd_collect_family(c, net->nf.hooks_ipv4,
			  ARRAY_SIZE(net->nf.hooks_ipv4), NFPROTO_IPV4);
	nd_collect_family(c, net->nf.hooks_ipv6,
			  ARRAY_SIZE(net->nf.hooks_ipv6), NFPROTO_IPV6);
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_ARP)
	nd_collect_family(c, net->nf.hooks_arp,
			  ARRAY_SIZE(net->nf.hooks_arp), NFPROTO_ARP);
#endif
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_BRIDGE)
	nd_collect_family(c, net->nf.hooks_bridge,
			  ARRAY_SIZE(net->nf.hooks_bridge), NFPROTO_BRIDGE);
#endif
	for_each_netdev_rcu(net, dev) {
#ifdef CONFIG_NETFILTER_INGRESS
		nd_collect_list(c, rcu_dereference(dev->nf_hooks_ingress),
				NFPROTO_NETDEV, NF_NETDEV_INGRESS, dev);
#endif
#ifdef CONFIG_NETFILTER_EGRESS
		nd_collect_list(c, rcu_dereference(dev->nf_hooks_egress),
				NFPROTO_NETDEV, NF_NETDEV_EGRESS, dev);
#endif
	}
	return c->n;
}

u32 nd_hooks_collect(struct net *net, struct netdrop_hook_entry *out, u32 max,
		     bool addrs)
{
	struct nd_collect c = { .out = out, .max = max, .addrs = addrs };

	return nd_collect_net(&c, net);
}

u32 nd_hooks_collect_priv(struct net *net, struct netdrop_hook_entry *out,
			  const void **privs, u32 max)
{
	struct nd_collect c = {
		.out = out, .privs = privs, .max = max, .addrs = true,
	};

	return nd_collect_net(&c, net);
}

static u64 nd_fp_list(u64 fp, const struct nf_hook_entries *e, u8 pf, u8 hook,
		      unsigned int *nr)
{
	struct nf_hook_ops **ops;
	unsigned int i;

	if (!e)
		return fp;
	ops = nf_hook_entries_get_hook_ops(e);
	for (i = 0; i < e->num_hook_entries; i++, (*nr)++)
		fp = (fp ^ (unsigned long)e->hooks[i].hook ^
		      ((unsigned long)ops[i]->priv << 1) ^
		      ((u64)ops[i]->priority << 32) ^ (pf << 8 | hook)) *
		     1099511628211ULL;
	return fp;
}

static u64 nd_fp_family(u64 fp, struct nf_hook_entries __rcu *const *lists,
			unsigned int nr, u8 pf, unsigned int *count)
{
	unsigned int h;

	for (h = 0; h < nr; h++)
		fp = nd_fp_list(fp, rcu_dereference(lists[h]), pf, h, count);
	return fp;
}

u64 nd_hooks_fingerprint(struct net *net, unsigned int *nr_hooks)
{
	struct net_device *dev;
	u64 fp = 14695981039346656037ULL;

	fp = nd_fp_family(fp, net->nf.hooks_ipv4,
			  ARRAY_SIZE(net->nf.hooks_ipv4), NFPROTO_IPV4, nr_hooks);
	fp = nd_fp_family(fp, net->nf.hooks_ipv6,
			  ARRAY_SIZE(net->nf.hooks_ipv6), NFPROTO_IPV6, nr_hooks);
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_ARP)
	fp = nd_fp_family(fp, net->nf.hooks_arp,
			  ARRAY_SIZE(net->nf.hooks_arp), NFPROTO_ARP, nr_hooks);
#endif
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_BRIDGE)
	fp = nd_fp_family(fp, net->nf.hooks_bridge,
			  ARRAY_SIZE(net->nf.hooks_bridge), NFPROTO_BRIDGE,
			  nr_hooks);
#endif
	for_each_netdev_rcu(net, dev) {
#ifdef CONFIG_NETFILTER_INGRESS
		fp = nd_fp_list(fp, rcu_dereference(dev->nf_hooks_ingress),
				NFPROTO_NETDEV, NF_NETDEV_INGRESS, nr_hooks);
#endif
#ifdef CONFIG_NETFILTER_EGRESS
		fp = nd_fp_list(fp, rcu_dereference(dev->nf_hooks_egress),
				NFPROTO_NETDEV, NF_NETDEV_EGRESS, nr_hooks);
#endif
	}
	return fp;
}

static const struct nf_hook_entries *
nd_family_list(struct nf_hook_entries __rcu *const *lists, unsigned int nr,
	       u8 hooknum)
{
	return hooknum < nr ? rcu_dereference(lists[hooknum]) : NULL;
}

static const struct nf_hook_entries *
nd_hook_list(const struct net *net, u8 pf, u8 hooknum,
	     const struct net_device *dev)
{
	switch (pf) {
	case NFPROTO_IPV4:
		return nd_family_list(net->nf.hooks_ipv4,
				      ARRAY_SIZE(net->nf.hooks_ipv4), hooknum);
	case NFPROTO_IPV6:
		return nd_family_list(net->nf.hooks_ipv6,
				      ARRAY_SIZE(net->nf.hooks_ipv6), hooknum);
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_ARP)
	case NFPROTO_ARP:
		return nd_family_list(net->nf.hooks_arp,
				      ARRAY_SIZE(net->nf.hooks_arp), hooknum);
#endif
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_BRIDGE)
	case NFPROTO_BRIDGE:
		return nd_family_list(net->nf.hooks_bridge,
				      ARRAY_SIZE(net->nf.hooks_bridge),
				      hooknum);
#endif
	case NFPROTO_NETDEV:
		if (!dev)
			return NULL;
#ifdef CONFIG_NETFILTER_INGRESS
		if (hooknum == NF_NETDEV_INGRESS)
			return rcu_dereference(dev->nf_hooks_ingress);
#endif
#ifdef CONFIG_NETFILTER_EGRESS
		if (hooknum == NF_NETDEV_EGRESS)
			return rcu_dereference(dev->nf_hooks_egress);
#endif
		return NULL;
	}
	return NULL;
}

bool nd_hook_registered(const struct net *net, u8 pf, u8 hooknum,
			const struct net_device *dev, unsigned long func,
			const void *priv)
{
	const struct nf_hook_entries *e = nd_hook_list(net, pf, hooknum, dev);
	unsigned int i;

	/* nf_remove_net_hook() replaces a removed hook with WRITE_ONCE(). */
	for (i = 0; e && i < e->num_hook_entries; i++)
		if ((unsigned long)READ_ONCE(e->hooks[i].hook) == func &&
		    READ_ONCE(e->hooks[i].priv) == priv)
			return true;
	return false;
}

NOKPROBE_SYMBOL(nd_hook_registered);

struct net *nd_hooks_net(s32 netns_fd, const struct net *scope)
{
	struct net *net;

	if (netns_fd >= 0) {
		net = get_net_ns_by_fd(netns_fd);
		if (IS_ERR(net))
			return net;
	} else if (netns_fd == -1) {
		net = get_net(current->nsproxy->net_ns);
	} else {
		return ERR_PTR(-EINVAL);
	}
	/* A session scoped to one namespace lists that namespace only. */
	if (scope && !net_eq(net, scope)) {
		put_net(net);
		return ERR_PTR(-EPERM);
	}
	return net;
}

int nd_hooks_ioctl(struct netdrop_hooks_req *req, bool addrs,
		   const struct net *scope)
{
	struct netdrop_hook_entry *tmp = NULL;
	struct net *net;
	u32 want = req->count, have;
	int err = 0;

	if (req->pad || want > 65536)
		return -EINVAL;
	net = nd_hooks_net(req->netns_fd, scope);
	if (IS_ERR(net))
		return PTR_ERR(net);
	if (want) {
		tmp = kvcalloc(want, sizeof(*tmp), GFP_KERNEL_ACCOUNT);
		if (!tmp) {
			put_net(net);
			return -ENOMEM;
		}
	}
	rcu_read_lock();
	have = nd_hooks_collect(net, tmp, want, addrs);
	rcu_read_unlock();
	req->netns = net->ns.inum;
	put_net(net);
	if (want && copy_to_user(u64_to_user_ptr(req->buf), tmp,
				 min(want, have) * sizeof(*tmp)))
		err = -EFAULT;
	kvfree(tmp);
	req->count = have;
	return err;
}
