// SPDX-License-Identifier: GPL-2.0
/*
 * Which netfilter hook dropped this packet?
 *
 * Mechanism: a kretprobe on every distinct hook function registered in any
 * network namespace.  We chose kretprobes over sentinel hooks because
 * sentinels sit between priorities and cannot tell apart two hooks at the
 * same priority (a case we must get right), and they would change the
 * hook lists of the machine under investigation.
 *
 * - The entry handler records (skb, hook function, priv, net, family,
 *   hook point) in a small table keyed by the skb, as "in flight".
 * - The return handler forgets the entry unless the hook returned NF_DROP;
 *   then nf_hook_slow() frees the skb right after, and the kfree_skb probe
 *   finds the entry.
 * - A hook that frees the skb itself (nf_tables on 6.12 frees with a drop
 *   reason and returns NF_STOLEN) drops it while its entry is in flight:
 *   the kfree_skb probe finds it the same way.
 * - Entries are keyed per skb, never per CPU: the output path runs hooks
 *   in preemptible process context and can migrate.  Each entry carries a
 *   generation number so a return handler never clears an entry that a
 *   reused skb address has since claimed.
 *
 * The probes exist only while a session asks for hook attribution.  A
 * rescan every second (and on every module load) adds probes for hook
 * functions registered since, and removes those no longer registered.
 */
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include "nd_hooks.h"
#include "nd_verdict.h"

#define ND_PEND_BITS 10
#define ND_PEND_SLOTS BIT(ND_PEND_BITS)
#define ND_PEND_WINDOW 8
#define ND_MAX_PROBES 512

struct nd_pend {
	unsigned long skb;	/* 0: free; claimed with cmpxchg */
	u64 gen;		/* 0 while being filled */
	unsigned long func;
	const void *priv;
	const struct net *net;
	u8 pf;
	u8 hooknum;
};

static struct nd_pend nd_pend[ND_PEND_SLOTS];
static atomic64_t nd_gen = ATOMIC64_INIT(0);

/* Probe instance data: what the return handler needs. */
struct nd_kdata {
	unsigned long skb;
	u64 gen;
	int slot;
};

struct nd_vprobe {
	struct list_head node;
	struct kretprobe krp;
	unsigned long func;
	bool seen;		/* still registered as a hook at last scan */
};

static DEFINE_MUTEX(nd_verdict_lock);	/* probes list, users */
static LIST_HEAD(nd_vprobes);
static unsigned int nd_verdict_users;
static unsigned int nd_nr_vprobes;
static atomic_t nd_verdict_misses = ATOMIC_INIT(0);
static void nd_verdict_scan_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(nd_verdict_work, nd_verdict_scan_work);

/* ---- pending table ---- */

static unsigned int nd_pend_hash(unsigned long skb)
{
	return hash_long(skb, ND_PEND_BITS);
}

int nd_pend_insert(unsigned long skb, unsigned long func, const void *priv,
		   const struct net *net, u8 pf, u8 hooknum, u64 *gen)
{
	unsigned int h = nd_pend_hash(skb), i;

	for (i = 0; i < ND_PEND_WINDOW; i++) {
		struct nd_pend *p = &nd_pend[(h + i) & (ND_PEND_SLOTS - 1)];

		if (READ_ONCE(p->skb) || cmpxchg(&p->skb, 0, skb))
			continue;
		p->func = func;
		p->priv = priv;
		p->net = net;
		p->pf = pf;
		p->hooknum = hooknum;
		*gen = atomic64_inc_return(&nd_gen);
		/* Fields before gen: a reader that sees gen sees them. */
		smp_store_release(&p->gen, *gen);
		return (h + i) & (ND_PEND_SLOTS - 1);
	}
	atomic_inc(&nd_verdict_misses);
	return -1;
}

void nd_pend_remove(int slot, unsigned long skb, u64 gen)
{
	struct nd_pend *p;

	if (slot < 0)
		return;
	p = &nd_pend[slot];
	if (READ_ONCE(p->skb) != skb || READ_ONCE(p->gen) != gen)
		return;
	if (cmpxchg(&p->gen, gen, 0) != gen)
		return;
	/* The slot is free only after its fields are dead. */
	smp_store_release(&p->skb, 0);
}

/* Takes the newest entry for @skb out of the table. */
bool nd_pend_take(unsigned long skb, struct nd_pend_info *out)
{
	unsigned int h = nd_pend_hash(skb), i;
	struct nd_pend *best = NULL;
	u64 best_gen = 0;

	for (i = 0; i < ND_PEND_WINDOW; i++) {
		struct nd_pend *p = &nd_pend[(h + i) & (ND_PEND_SLOTS - 1)];
		u64 gen;

		if (READ_ONCE(p->skb) != skb)
			continue;
		/* Pairs with the insert: fields are valid once gen is. */
		gen = smp_load_acquire(&p->gen);
		if (gen > best_gen) {
			best = p;
			best_gen = gen;
		}
	}
	if (!best)
		return false;
	out->func = best->func;
	out->priv = best->priv;
	out->net = best->net;
	out->pf = best->pf;
	out->hooknum = best->hooknum;
	if (cmpxchg(&best->gen, best_gen, 0) != best_gen)
		return false;
	/* The slot is free only after we copied its fields. */
	smp_store_release(&best->skb, 0);
	return true;
}

void nd_pend_clear(void)
{
	memset(nd_pend, 0, sizeof(nd_pend));
}

/* ---- probes ---- */

static int nd_hook_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nd_kdata *d = (struct nd_kdata *)ri->data;
	struct kretprobe *krp = get_kretprobe(ri);
	const void *priv = (const void *)regs_get_kernel_argument(regs, 0);
	unsigned long skb = regs_get_kernel_argument(regs, 1);
	const struct nf_hook_state *state =
		(const struct nf_hook_state *)regs_get_kernel_argument(regs, 2);
	struct nd_vprobe *vp;

	if (!krp || !skb || !state)
		return 1;	/* no return handler for this call */
	vp = container_of(krp, struct nd_vprobe, krp);
	d->skb = skb;
	d->slot = nd_pend_insert(skb, vp->func, priv, state->net, state->pf,
				 state->hook, &d->gen);
	return d->slot < 0;
}

NOKPROBE_SYMBOL(nd_hook_entry);

static int nd_hook_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nd_kdata *d = (struct nd_kdata *)ri->data;
	unsigned int verdict = regs_return_value(regs) & NF_VERDICT_MASK;

	/* Keep the entry for the kfree_skb that nf_hook_slow() does next. */
	if (verdict != NF_DROP)
		nd_pend_remove(d->slot, d->skb, d->gen);
	return 0;
}

NOKPROBE_SYMBOL(nd_hook_return);

static struct nd_vprobe *nd_vprobe_find(unsigned long func)
{
	struct nd_vprobe *vp;

	list_for_each_entry(vp, &nd_vprobes, node)
		if (vp->func == func)
			return vp;
	return NULL;
}

static void nd_vprobe_add(unsigned long func)
{
	struct nd_vprobe *vp;

	if (nd_nr_vprobes >= ND_MAX_PROBES)
		return;
	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return;
	vp->func = func;
	vp->seen = true;
	vp->krp.kp.addr = (kprobe_opcode_t *)func;
	vp->krp.entry_handler = nd_hook_entry;
	vp->krp.handler = nd_hook_return;
	vp->krp.data_size = sizeof(struct nd_kdata);
	vp->krp.maxactive = max_t(int, 64, 16 * num_possible_cpus());
	if (register_kretprobe(&vp->krp)) {
		/* Not probeable (blacklisted, placeholder): remember anyway. */
		vp->krp.kp.addr = NULL;
	}
	list_add(&vp->node, &nd_vprobes);
	nd_nr_vprobes++;
}

static void nd_vprobe_del(struct nd_vprobe *vp)
{
	if (vp->krp.kp.addr)
		unregister_kretprobe(&vp->krp);
	list_del(&vp->node);
	nd_nr_vprobes--;
	kfree(vp);
}

/* Collects the distinct hook functions of every namespace. */
static unsigned int nd_collect_funcs(unsigned long *funcs, unsigned int max)
{
	struct netdrop_hook_entry *tmp;
	unsigned int n = 0, i, j, got;
	struct net *net;

	tmp = kvcalloc(256, sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return 0;
	down_read(&net_rwsem);
	for_each_net(net) {
		rcu_read_lock();
		got = min_t(u32, nd_hooks_collect(net, tmp, 256, true), 256);
		rcu_read_unlock();
		for (i = 0; i < got; i++) {
			if (tmp[i].flags & NETDROP_HF_PLACEHOLDER)
				continue;
			for (j = 0; j < n; j++)
				if (funcs[j] == tmp[i].func)
					break;
			if (j == n && n < max)
				funcs[n++] = tmp[i].func;
		}
	}
	up_read(&net_rwsem);
	kvfree(tmp);
	return n;
}

static void nd_verdict_rescan(void)
{
	unsigned long *funcs;
	struct nd_vprobe *vp, *tmp;
	unsigned int n, i;

	lockdep_assert_held(&nd_verdict_lock);
	funcs = kvcalloc(ND_MAX_PROBES, sizeof(*funcs), GFP_KERNEL);
	if (!funcs)
		return;
	n = nd_collect_funcs(funcs, ND_MAX_PROBES);
	list_for_each_entry(vp, &nd_vprobes, node)
		vp->seen = false;
	for (i = 0; i < n; i++) {
		vp = nd_vprobe_find(funcs[i]);
		/*
		 * A module unloaded and loaded again can put its hook at the
		 * same address: the old kprobe was disarmed ("gone") when the
		 * module went away, so probe the new code afresh.
		 */
		if (vp && vp->krp.kp.addr && kprobe_gone(&vp->krp.kp)) {
			nd_vprobe_del(vp);
			vp = NULL;
		}
		if (vp)
			vp->seen = true;
		else
			nd_vprobe_add(funcs[i]);
	}
	list_for_each_entry_safe(vp, tmp, &nd_vprobes, node)
		if (!vp->seen)
			nd_vprobe_del(vp);
	kvfree(funcs);
}

static void nd_verdict_scan_work(struct work_struct *work)
{
	mutex_lock(&nd_verdict_lock);
	if (nd_verdict_users) {
		nd_verdict_rescan();
		schedule_delayed_work(&nd_verdict_work, HZ);
	}
	mutex_unlock(&nd_verdict_lock);
}

static int nd_module_event(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	/* New hooks usually come with a module: look soon. */
	if (action == MODULE_STATE_LIVE)
		mod_delayed_work(system_wq, &nd_verdict_work, HZ / 10);
	return NOTIFY_DONE;
}

static struct notifier_block nd_module_nb = {
	.notifier_call = nd_module_event,
};

/* Callers serialise get and put (netdrop's nd_lock). */
int nd_verdict_get(void)
{
	int err = 0;

	mutex_lock(&nd_verdict_lock);
	if (!nd_verdict_users++) {
		nd_pend_clear();
		err = register_module_notifier(&nd_module_nb);
		if (err) {
			nd_verdict_users--;
			goto out;
		}
		nd_verdict_rescan();
		schedule_delayed_work(&nd_verdict_work, HZ);
	}
out:
	mutex_unlock(&nd_verdict_lock);
	return err;
}

void nd_verdict_put(void)
{
	struct nd_vprobe *vp, *tmp;
	bool last;

	mutex_lock(&nd_verdict_lock);
	last = !--nd_verdict_users;
	if (last) {
		list_for_each_entry_safe(vp, tmp, &nd_vprobes, node)
			nd_vprobe_del(vp);
	}
	mutex_unlock(&nd_verdict_lock);
	if (last) {
		/* The notifier queues the work; the work re-checks users. */
		unregister_module_notifier(&nd_module_nb);
		cancel_delayed_work_sync(&nd_verdict_work);
	}
}

unsigned int nd_verdict_nr_probes(void)
{
	return READ_ONCE(nd_nr_vprobes);
}

/*
 * Describes the hook of @pi: finds its ops in the hook list of @net (the
 * packet's namespace) for priority, type and table/chain names.  Called
 * from the kfree_skb probe, under RCU.
 */
bool nd_verdict_describe(const struct nd_pend_info *pi, const struct net *net,
			 struct netdrop_hook_entry *e)
{
	const struct nf_hook_entries *hooks = NULL;
	struct nf_hook_ops **ops;
	unsigned int i;

	if (!net)
		net = pi->net;
	memset(e, 0, sizeof(*e));
	e->func = pi->func;
	e->pf = pi->pf;
	e->hooknum = pi->hooknum;
	switch (pi->pf) {
	case NFPROTO_IPV4:
		if (pi->hooknum < ARRAY_SIZE(net->nf.hooks_ipv4))
			hooks = rcu_dereference(net->nf.hooks_ipv4[pi->hooknum]);
		break;
	case NFPROTO_IPV6:
		if (pi->hooknum < ARRAY_SIZE(net->nf.hooks_ipv6))
			hooks = rcu_dereference(net->nf.hooks_ipv6[pi->hooknum]);
		break;
#if IS_ENABLED(CONFIG_NETFILTER_FAMILY_BRIDGE)
	case NFPROTO_BRIDGE:
		if (pi->hooknum < ARRAY_SIZE(net->nf.hooks_bridge))
			hooks = rcu_dereference(net->nf.hooks_bridge[pi->hooknum]);
		break;
#endif
	default:
		break;
	}
	if (hooks) {
		ops = nf_hook_entries_get_hook_ops(hooks);
		for (i = 0; i < hooks->num_hook_entries; i++) {
			if ((unsigned long)hooks->hooks[i].hook != pi->func ||
			    ops[i]->priv != pi->priv)
				continue;
			e->index = i;
			nd_hook_describe(ops[i], hooks->hooks[i].hook, e);
			return true;
		}
	}
	/* Gone already, or a per-device list: name the function at least. */
	nd_hook_describe(&(struct nf_hook_ops){ .priority = 0 },
			 (nf_hookfn *)pi->func, e);
	return true;
}
