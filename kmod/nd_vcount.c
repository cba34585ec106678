// SPDX-License-Identifier: GPL-2.0
/*
 * What each netfilter hook returned, counted per hook (dump-hooks
 * --verdicts).
 *
 * The verdict probes (nd_verdict.c) count every hook call they see: the
 * entry handler finds the hook's slot, the return handler adds the
 * verdict to it.  A hook is a key (function, priv, family, hook point,
 * namespace, device for netdev hooks); its slot is in a fixed table.
 *
 * Protocol:
 * - A slot is claimed once, by cmpxchg() of its tag from 0 to the key's
 *   keyed 64-bit hash (made odd, so never 0), at the first free slot of
 *   the key's probe sequence.  Slots are never freed while counting is
 *   on, so a search may stop at the first free slot.  Writers and readers
 *   find a key by its tag alone: no key field is stored, so nothing needs
 *   publishing after the claim.  Two keys with one tag would share a slot
 *   (a chance of 2^-64 per pair of hooks).
 * - Counts are per CPU and only grow.  this_cpu_inc() is safe where the
 *   probes may be preempted (7.x tracepoints, PREEMPT_RT).  A reader sums
 *   the possible CPUs; an increment racing with it is seen or not.
 * - nd_vcount_reset() clears everything, only while no verdict probe is
 *   registered (under nd_verdict.c's lock, before the first probe).
 * - A key that finds neither its tag nor a free slot within ND_VC_PROBE
 *   slots is not counted; nd_vcount_missed() says how many calls that was.
 */
#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include "nd_hooks.h"
#include "nd_vcount.h"
#include "nd_verdict.h"

#define ND_VC_BITS 9
#define ND_VC_SLOTS BIT(ND_VC_BITS)	/* counts: 16 KiB per CPU */
#define ND_VC_PROBE 32

struct nd_vc_counts {
	u64 v[ND_VC_KINDS];
};

static u64 nd_vc_tag[ND_VC_SLOTS];
static struct nd_vc_counts __percpu *nd_vc_counts;
static atomic64_t nd_vc_missed = ATOMIC64_INIT(0);
static siphash_key_t nd_vc_secret;

int nd_vcount_init(void)
{
	nd_vc_counts = __alloc_percpu(sizeof(struct nd_vc_counts) * ND_VC_SLOTS,
				      __alignof__(struct nd_vc_counts));
	if (!nd_vc_counts)
		return -ENOMEM;
	get_random_bytes(&nd_vc_secret, sizeof(nd_vc_secret));
	return 0;
}

void nd_vcount_exit(void)
{
	free_percpu(nd_vc_counts);
	nd_vc_counts = NULL;
}

void nd_vcount_reset(void)
{
	int cpu;

	memset(nd_vc_tag, 0, sizeof(nd_vc_tag));
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(nd_vc_counts, cpu), 0,
		       sizeof(struct nd_vc_counts) * ND_VC_SLOTS);
	atomic64_set(&nd_vc_missed, 0);
}

static u64 nd_vc_tag_of(const struct nd_vc_key *k)
{
	return siphash_4u64(k->func, (unsigned long)k->priv,
			    (unsigned long)k->net,
			    (u64)k->ifindex << 16 | (u64)k->pf << 8 | k->hooknum,
			    &nd_vc_secret) | 1;
}

/* The slot of @tag; with @claim, a free one is claimed for it. */
static int nd_vc_find(u64 tag, bool claim)
{
	unsigned int i;

	for (i = 0; i < ND_VC_PROBE; i++) {
		unsigned int s = (unsigned int)(tag >> 1) + i;
		u64 t;

		s &= ND_VC_SLOTS - 1;
		t = READ_ONCE(nd_vc_tag[s]);
		if (t == tag)
			return s;
		if (t)
			continue;
		if (!claim)
			return -1;
		t = cmpxchg(&nd_vc_tag[s], 0, tag);
		if (!t || t == tag)
			return s;
	}
	return -1;
}

int nd_vcount_slot(const struct nd_vc_key *k)
{
	int slot = nd_vc_find(nd_vc_tag_of(k), true);

	if (slot < 0)
		atomic64_inc(&nd_vc_missed);
	return slot;
}

void nd_vcount_add(int slot, enum nd_vc_kind kind)
{
	if (slot >= 0 && slot < ND_VC_SLOTS && kind < ND_VC_KINDS)
		this_cpu_inc(nd_vc_counts[slot].v[kind]);
}

void nd_vcount_read(const struct nd_vc_key *k, struct netdrop_hook_verdicts *v)
{
	u64 sum[ND_VC_KINDS] = {}, tag = nd_vc_tag_of(k);
	int slot = nd_vc_find(tag, false);
	unsigned int i;
	int cpu;

	if (slot >= 0)
		for_each_possible_cpu(cpu)
			for (i = 0; i < ND_VC_KINDS; i++)
				sum[i] += per_cpu_ptr(nd_vc_counts, cpu)[slot].v[i];
	/* The keyed hash: names the hook without showing an address. */
	v->id = tag;
	v->accepted = sum[ND_VC_ACCEPT];
	v->dropped = sum[ND_VC_DROP];
	v->stolen = sum[ND_VC_STOLEN];
	v->queued = sum[ND_VC_QUEUE];
}

u64 nd_vcount_missed(void)
{
	return atomic64_read(&nd_vc_missed);
}

/* The key of a listed hook of @net, as the probes make it. */
static void nd_vc_key_of(struct nd_vc_key *k, const struct net *net,
			 const struct netdrop_hook_entry *e, const void *priv)
{
	memset(k, 0, sizeof(*k));
	k->func = e->func;
	k->priv = priv;
	k->net = net;
	k->ifindex = (e->flags & NETDROP_HF_NETDEV) ? e->ifindex : 0;
	k->pf = e->pf;
	k->hooknum = e->hooknum;
}

int nd_verdicts_ioctl(struct netdrop_verdicts_req *req, bool addrs,
		      const struct net *scope)
{
	struct netdrop_hook_verdicts *v = NULL;
	struct netdrop_hook_entry *tmp = NULL;
	const void **privs = NULL;
	u32 want = req->count, have, i;
	struct nd_vc_key k;
	struct net *net;
	int err = 0;

	if (req->flags || want > 65536)
		return -EINVAL;
	net = nd_hooks_net(req->netns_fd, scope);
	if (IS_ERR(net))
		return PTR_ERR(net);
	if (want) {
		tmp = kvcalloc(want, sizeof(*tmp), GFP_KERNEL_ACCOUNT);
		privs = kvcalloc(want, sizeof(*privs), GFP_KERNEL_ACCOUNT);
		v = kvcalloc(want, sizeof(*v), GFP_KERNEL_ACCOUNT);
		if (!tmp || !privs || !v) {
			err = -ENOMEM;
			goto out;
		}
	}
	/* When counting began, read before the counts: see the ABI header. */
	nd_verdict_counting(&req->since_ns, &req->missed);
	req->missed += nd_vcount_missed();
	rcu_read_lock();
	have = nd_hooks_collect_priv(net, tmp, privs, want);
	rcu_read_unlock();
	for (i = 0; i < min(want, have); i++) {
		nd_vc_key_of(&k, net, &tmp[i], privs[i]);
		nd_vcount_read(&k, &v[i]);
		if (!req->since_ns) {	/* the last counting's leftovers */
			u64 id = v[i].id;

			memset(&v[i], 0, sizeof(v[i]));
			v[i].id = id;
		}
		if (!addrs)
			tmp[i].func = 0;
	}
	req->netns = net->ns.inum;
	req->count = have;
	if (want && (copy_to_user(u64_to_user_ptr(req->hooks), tmp,
				  min(want, have) * sizeof(*tmp)) ||
		     copy_to_user(u64_to_user_ptr(req->verdicts), v,
				  min(want, have) * sizeof(*v))))
		err = -EFAULT;
out:
	kvfree(v);
	kvfree(privs);
	kvfree(tmp);
	put_net(net);
	return err;
}
