// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel aggregation: drops counted per key in per-CPU tables, for
 * sessions with NETDROP_OPT_AGGREGATE (summary, the exporter).  Nothing
 * is decoded for a key: location, reason, netns, ifindex and the hook
 * that dropped are known before the packet is looked at.
 *
 * Each possible CPU has a table of a fixed number of slots (a power of
 * two), allocated with the session's first aggregating filter and freed
 * with the session.  A slot is FREE, BUSY (being filled) or READY; it
 * never goes back, so a key's slot stays its slot.
 *
 * Protocol (writers: the probe on the table's own CPU, preemption off;
 * an interrupt can nest another writer on that CPU at any point):
 * - A key is hashed (five multiply-xor rounds over its 64-bit words, a
 *   random seed per table: cheap, and a key that collides only overflows,
 *   counted) and looked for in ND_AGG_PROBE consecutive slots from its
 *   hash.  Each CPU remembers the slot its last drop went to and tries it
 *   first (drops come in runs of one key); the hint is a plain u32 that a
 *   nested writer may change under us, which only costs a lookup.
 * - A READY slot with the key's hash and key takes the drop:
 *   local64_inc() of its count and local64_add() of its bytes, which are
 *   atomic against nested writers on the CPU.
 * - A FREE slot is claimed by cmpxchg_local() from FREE to BUSY (atomic
 *   against a nested writer), filled with hash, key and device name, and
 *   published with smp_store_release() of READY.  Pairs with the
 *   smp_load_acquire() of the state in nd_agg_read() on any CPU, so a
 *   reader that sees READY sees the whole key.  A nested writer on the
 *   same CPU sees the key in program order.
 * - A BUSY slot is one an interrupted writer of this CPU is filling: it is
 *   passed over.  The nested writer's key may then take a second slot; a
 *   key can have two slots on one CPU (and one on each CPU), and readers
 *   add up entries with equal keys.
 * - A new slot is counted (1 drop) before it is published: a reader
 *   never sees a key with no drop.
 * - A key that finds neither its slot nor a free one is counted in the
 *   CPU's overflow (and, by the caller, in the ring's lost, taking a
 *   sequence number as a lost record does): never silently.
 * - Readers take counts with local64_read(): a drop counted while they
 *   read is in this read or the next.
 */
#include <linux/atomic.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/uaccess.h>
#include <asm/local64.h>
#include "nd_compat.h"
#include "nd_agg.h"
#include "nd_netdev.h"
#include "nd_ring.h"

#define ND_AGG_PROBE 16
#define ND_AGG_BATCH 32		/* entries copied to user space at a time */

enum { ND_AGG_FREE, ND_AGG_BUSY, ND_AGG_READY };

struct nd_agg_slot {
	u32 state;
	u32 hash;
	struct nd_agg_key key;
	local64_t count;
	local64_t bytes;
	char ifname[NETDROP_IFNAMSIZ];
};

struct nd_agg {
	u32 nr_slots;
	u64 seed;
	struct nd_agg_slot **cpus;	/* [nr_cpu_ids], possible CPUs only */
	local64_t __percpu *overflow;
	u32 __percpu *last;		/* the slot of the CPU's last drop */
};

/* Sizes the caller chose may fail to allocate: no warning for those. */
#define ND_AGG_GFP (GFP_KERNEL_ACCOUNT | __GFP_NOWARN)

struct nd_agg *nd_agg_alloc(u32 slots)
{
	size_t size = array_size(slots, sizeof(struct nd_agg_slot));
	struct nd_agg *agg;
	int cpu;

	if (slots < NETDROP_AGG_MIN_SLOTS || slots > NETDROP_AGG_MAX_SLOTS ||
	    !is_power_of_2(slots))
		return ERR_PTR(-EINVAL);
	agg = kzalloc_obj(*agg, GFP_KERNEL_ACCOUNT);
	if (!agg)
		return ERR_PTR(-ENOMEM);
	agg->nr_slots = slots;
	agg->seed = get_random_u64();
	agg->cpus = kvcalloc(nr_cpu_ids, sizeof(*agg->cpus), ND_AGG_GFP);
	agg->overflow = alloc_percpu_gfp(local64_t, GFP_KERNEL_ACCOUNT);
	agg->last = alloc_percpu_gfp(u32, GFP_KERNEL_ACCOUNT);
	if (!agg->cpus || !agg->overflow || !agg->last)
		goto nomem;
	for_each_possible_cpu(cpu) {
		agg->cpus[cpu] = kvzalloc_node(size, ND_AGG_GFP,
					       cpu_to_node(cpu));
		if (!agg->cpus[cpu])
			goto nomem;
	}
	return agg;
nomem:
	nd_agg_free(agg);
	return ERR_PTR(-ENOMEM);
}

void nd_agg_free(struct nd_agg *agg)
{
	int cpu;

	if (!agg)
		return;
	if (agg->cpus) {
		for_each_possible_cpu(cpu)
			kvfree(agg->cpus[cpu]);
	}
	kvfree(agg->cpus);
	free_percpu(agg->overflow);
	free_percpu(agg->last);
	kfree(agg);
}

/* The key as five words (no padding: see the BUILD_BUG_ON below). */
#define ND_AGG_WORDS (sizeof(struct nd_agg_key) / sizeof(u64))

static u32 nd_agg_hash(const struct nd_agg *agg, const struct nd_agg_key *key)
{
	const u64 *w = (const u64 *)key;
	u64 h = agg->seed;
	unsigned int i;

	for (i = 0; i < ND_AGG_WORDS; i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL;
	return (u32)(h >> 32) ^ (u32)h;
}

/* Word by word: the kernel's memcmp() goes byte by byte. */
static bool nd_agg_same(const struct nd_agg_slot *slot, u32 hash,
			const struct nd_agg_key *key)
{
	const u64 *a = (const u64 *)&slot->key, *b = (const u64 *)key;
	unsigned int i;

	if (slot->hash != hash)
		return false;
	for (i = 0; i < ND_AGG_WORDS; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static void nd_agg_add(struct nd_agg_slot *slot, u32 len)
{
	local64_inc(&slot->count);
	local64_add(len, &slot->bytes);
}

bool nd_agg_count(struct nd_agg *agg, const struct nd_agg_key *key, u32 len,
		  const char *ifname)
{
	struct nd_agg_slot *slots = agg->cpus[smp_processor_id()];
	struct nd_agg_slot *last;
	u32 mask = agg->nr_slots - 1;
	u32 hash, i;

	nd_assert_nopreempt();
	BUILD_BUG_ON(sizeof(*key) % sizeof(u64));
	BUILD_BUG_ON(__alignof__(struct nd_agg_key) < __alignof__(u64));
	hash = nd_agg_hash(agg, key);
	/* The last drop's slot first: a plain hint (see the top). */
	last = &slots[READ_ONCE(*this_cpu_ptr(agg->last)) & mask];
	/* Acquire: the key is read after the state that published it. */
	if (smp_load_acquire(&last->state) == ND_AGG_READY &&
	    nd_agg_same(last, hash, key)) {
		nd_agg_add(last, len);
		return true;
	}
	for (i = 0; i < ND_AGG_PROBE; i++) {
		struct nd_agg_slot *slot = &slots[(hash + i) & mask];
		u32 state = READ_ONCE(slot->state);

		if (state == ND_AGG_FREE &&
		    cmpxchg_local(&slot->state, ND_AGG_FREE, ND_AGG_BUSY) ==
		    ND_AGG_FREE) {
			slot->hash = hash;
			slot->key = *key;
			/* Every byte: the name is copied to user space. */
			memset(slot->ifname, 0, sizeof(slot->ifname));
			strscpy(slot->ifname, ifname, sizeof(slot->ifname));
			if (!slot->ifname[0] && key->ifindex)
				nd_netdev_name(key->netns, key->ifindex,
					       slot->ifname);
			slot->ifname[sizeof(slot->ifname) - 1] = '\0';
			/* Counted before it is READY: no reader sees 0. */
			local64_set(&slot->count, 1);
			local64_set(&slot->bytes, len);
			/* Pairs with smp_load_acquire() in nd_agg_read(). */
			smp_store_release(&slot->state, ND_AGG_READY);
			WRITE_ONCE(*this_cpu_ptr(agg->last), (hash + i) & mask);
			return true;
		}
		/* READY, or made READY by a nested writer since the read. */
		if (smp_load_acquire(&slot->state) == ND_AGG_READY &&
		    nd_agg_same(slot, hash, key)) {
			nd_agg_add(slot, len);
			WRITE_ONCE(*this_cpu_ptr(agg->last), (hash + i) & mask);
			return true;
		}
	}
	local64_inc(this_cpu_ptr(agg->overflow));
	return false;
}

static void nd_agg_entry(struct netdrop_agg_entry *e,
			 const struct nd_agg_slot *slot, int cpu,
			 bool show_addrs)
{
	const struct nd_agg_key *k = &slot->key;

	memset(e, 0, sizeof(*e));
	e->location = show_addrs ? k->location : 0;
	e->count = local64_read(&slot->count);
	e->bytes = local64_read(&slot->bytes);
	e->reason = k->reason;
	e->netns = k->netns;
	e->ifindex = k->ifindex;
	e->cpu = cpu;
	if (k->has_hook) {
		e->flags |= NETDROP_AF_HOOK;
		e->hook.func = show_addrs ? k->hook_func : 0;
		e->hook.priority = k->hook_priority;
		e->hook.pf = k->hook_pf;
		e->hook.hooknum = k->hook_hooknum;
		e->hook.ops_type = k->hook_ops_type;
	}
	memcpy(e->ifname, slot->ifname, sizeof(e->ifname));
}

/*
 * Runs in process context without the session lock (no lock is held
 * across user copies): the tables live until the session is freed, which
 * is after its last ioctl.
 */
int nd_agg_read(struct nd_agg *agg, struct netdrop_agg_req *req,
		bool show_addrs)
{
	struct netdrop_agg_entry __user *ubuf = u64_to_user_ptr(req->buf);
	struct netdrop_agg_entry *batch;
	u32 cap = req->count, n = 0, written = 0, total = 0, i;
	u64 counted = 0, overflow = 0;
	int cpu, err = 0;

	if (req->flags)
		return -EINVAL;
	batch = kmalloc_array(ND_AGG_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		const struct nd_agg_slot *slots = agg->cpus[cpu];

		overflow += local64_read(per_cpu_ptr(agg->overflow, cpu));
		for (i = 0; i < agg->nr_slots; i++) {
			const struct nd_agg_slot *slot = &slots[i];

			if (!(i & 1023)) {
				if (fatal_signal_pending(current)) {
					err = -EINTR;
					goto out;
				}
				cond_resched();
			}
			/* Pairs with smp_store_release() in nd_agg_count(). */
			if (smp_load_acquire(&slot->state) != ND_AGG_READY)
				continue;
			total++;
			if (written + n >= cap) {
				counted += local64_read(&slot->count);
				continue;
			}
			nd_agg_entry(&batch[n], slot, cpu, show_addrs);
			/* The count the entry holds: the two agree. */
			counted += batch[n++].count;
			if (n < ND_AGG_BATCH)
				continue;
			if (copy_to_user(ubuf + written, batch,
					 n * sizeof(*batch))) {
				err = -EFAULT;
				goto out;
			}
			written += n;
			n = 0;
		}
	}
	if (n && copy_to_user(ubuf + written, batch, n * sizeof(*batch))) {
		err = -EFAULT;
		goto out;
	}
	written += n;
	req->count = written;
	req->total = total;
	req->counted = counted;
	req->overflow = overflow;
	req->slots = agg->nr_slots;
out:
	kfree(batch);
	return err;
}
