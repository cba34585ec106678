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
 * - The entry handler records (skb, hook function, priv, family, hook
 *   point, the hook's code range, the time) in a small table keyed by the
 *   skb, as "in flight".
 * - The return handler forgets the entry unless the hook returned NF_DROP;
 *   then it marks it "dropped": nf_hook_slow() frees the skb right after,
 *   and the kfree_skb probe takes the entry.
 * - A hook that frees the skb itself (nf_tables on 6.12 frees with a drop
 *   reason and returns NF_STOLEN) drops it while its entry is in flight.
 *   An in flight entry is taken only when the kfree_skb location lies in
 *   the hook's own code: the function itself, or for a hook in a module
 *   anywhere in that module (modules export no lookup of their text, so
 *   a location's module is found by name with sprint_symbol(), once per
 *   location, and cached).  br_netfilter, flowtable offload and IPVS
 *   run the rest of the stack inline from their hooks: a NO_SOCKET or
 *   qdisc drop further on is not theirs, and is not blamed on them.
 * - Entries are keyed per skb, never per CPU: the output path runs hooks
 *   in preemptible process context and can migrate.  Each entry carries a
 *   generation number so a return handler never touches an entry that a
 *   reused skb address has since claimed.
 * - Entries expire: a dropped one after ND_DROP_LIFE (the free follows the
 *   return at once; it does not come when the skb was shared, and the
 *   tracepoint then never fires), an in flight one after ND_PEND_LIFE (its
 *   kretprobe may be unregistered before the hook returns).  A hook entered
 *   again for an skb address ends older dropped entries of that address:
 *   a dropped skb is never seen by another hook.  Unregistering a probe
 *   clears its function's entries.
 *
 * Names: the hook lists of every namespace are described (function and
 * module names, priority, nf_tables table and chain, x_tables or ebtables
 * table) when they change, in process context, into an RCU-published
 * cache that the kfree_skb probe looks up by (function, priv, family, hook
 * point): no symbol lookup and no list walk per packet.  The probes exist
 * only while a session asks for hook attribution.  A rescan every second
 * (and soon after every module load) notices changed lists by a
 * fingerprint of their entries, then re-describes them and adds or
 * removes probes.  A hook registered since the last scan is not probed
 * yet; a new priv of a known function (a new nf_tables chain) is named by
 * its function until the next scan.
 */
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include "nd_compat.h"
#include "nd_hooks.h"
#include "nd_nftrule.h"
#include "nd_session.h"
#include "nd_vcount.h"
#include "nd_verdict.h"

#define ND_PEND_BITS 10
#define ND_PEND_SLOTS BIT(ND_PEND_BITS)
#define ND_PEND_WINDOW 8
#define ND_MAX_PROBES 512
#define ND_MAX_DESCS 4096
#define ND_PEND_LIFE HZ
#define ND_DROP_LIFE max(HZ / 10, 1)
#define ND_PEND_DROPPED 1ULL	/* low bit of gen: returned NF_DROP */
#define ND_RESCAN_FORCE 30	/* re-describe at least every 30 scans */

struct nd_pend {
	unsigned long skb;	/* 0: free; claimed with cmpxchg */
	u64 gen;		/* 0 while filled or freed; odd: dropped */
	unsigned long func;
	const void *priv;
	struct nd_code_range code;
	unsigned long born;	/* jiffies at the hook's entry */
	unsigned long dropped_at;
	u64 rule;		/* nd_rule_tag(): nd_nftrule.c's handle */
	u8 pf;
	u8 hooknum;
};

static struct nd_pend nd_pend[ND_PEND_SLOTS];
/*
 * A byte of each slot's skb hash, ND_PEND_WINDOW bytes past the end
 * repeating the first ones: a window's tags are one 64-bit load, so the
 * kfree_skb probe, which looks up every freed skb and almost never finds
 * one, makes one 8-byte load instead of reading eight 80-byte slots.  A tag is only
 * a hint: a slot whose tag matches is then checked by its skb.  A slot's
 * tag is written when the slot is claimed, before its generation is
 * published, and never cleared: an occupied slot's tag is its skb's.
 */
static u8 nd_pend_tags[ND_PEND_SLOTS + ND_PEND_WINDOW];
static atomic64_t nd_gen = ATOMIC64_INIT(0);

/* Probe instance data: what the return handler needs. */
struct nd_kdata {
	unsigned long skb;
	u64 gen;
	int slot;
	int vslot;		/* nd_vcount.c's slot for the hook, or -1 */
};

struct nd_vprobe {
	struct list_head node;
	struct kretprobe krp;
	unsigned long func;
	struct nd_code_range code;
	bool registered;
	bool seen;		/* still registered as a hook at last scan */
};

struct nd_hook_cache {
	struct rcu_head rcu;
	unsigned int mask;	/* slots - 1, slots a power of two */
	struct nd_hook_desc desc[];	/* func 0: empty slot */
};

/* Key of a function's entry when its priv is not known (yet). */
#define ND_ANY_PRIV ((const void *)1UL)

static DEFINE_MUTEX(nd_verdict_lock);	/* probes list, users, cache writers */
static LIST_HEAD(nd_vprobes);
static unsigned int nd_verdict_users;
bool nd_verdict_on;		/* probe side: nd_verdict_find() */
static unsigned int nd_nr_vprobes;
static u64 nd_last_fp;
static unsigned int nd_scans;
static bool nd_force_scan;
static struct nd_hook_cache __rcu *nd_hook_cache;
static atomic_t nd_verdict_misses = ATOMIC_INIT(0);
static u64 nd_counting_since;		/* nd_verdict_lock; 0: not counting */
static u64 nd_gone_nmissed;		/* nmissed of probes since removed */
static void nd_verdict_scan_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(nd_verdict_work, nd_verdict_scan_work);

/* ---- pending table ---- */

static unsigned int nd_pend_hash(unsigned long skb)
{
	return hash_long(skb, ND_PEND_BITS);
}

static struct nd_pend *nd_pend_slot(unsigned long skb, unsigned int i)
{
	return &nd_pend[(nd_pend_hash(skb) + i) & (ND_PEND_SLOTS - 1)];
}

/* The next 8 bits of the hash after the slot's: independent of the slot. */
static u8 nd_pend_tag(unsigned long skb)
{
	return hash_long(skb, ND_PEND_BITS + 8) & 0xff;
}

static void nd_pend_set_tag(unsigned int slot, u8 tag)
{
	WRITE_ONCE(nd_pend_tags[slot], tag);
	if (slot < ND_PEND_WINDOW)
		WRITE_ONCE(nd_pend_tags[ND_PEND_SLOTS + slot], tag);
}

/*
 * Bit i set: slot i of @skb's window may be @skb's (its tag matches).
 * A byte-wise compare of the window's eight tags against @skb's (the
 * "has a zero byte" test on their xor, exact per byte).
 */
static unsigned int nd_pend_candidates(unsigned long skb)
{
	const u64 ones = 0x0101010101010101ULL;
	const u64 highs = 0x8080808080808080ULL;
	unsigned int i, bits = 0;
	__le64 raw;
	u64 x;

	BUILD_BUG_ON(sizeof(x) != ND_PEND_WINDOW);
	BUILD_BUG_ON(ND_PEND_SLOTS < ND_PEND_WINDOW);
	/*
	 * One unaligned load (the compiler turns the copy into it), little
	 * endian so that byte i of x is slot i on every machine.  Racy
	 * against tag writers by design: a tag is a hint.
	 */
	data_race(memcpy(&raw, &nd_pend_tags[nd_pend_hash(skb)], sizeof(raw)));
	x = le64_to_cpu(raw);
	x ^= ones * nd_pend_tag(skb);
	/* A byte's high bit set: that byte was zero (without borrows). */
	x = ~(((x & ~highs) + ~highs) | x | ~highs);
	for (i = 0; x; i++, x >>= 8)
		if (x & 0x80)
			bits |= BIT(i);
	return bits;
}

/* Frees @p if it still holds generation @gen. */
static bool nd_pend_release(struct nd_pend *p, u64 gen)
{
	if (!gen || cmpxchg(&p->gen, gen, 0) != gen)
		return false;
	/* The slot is free only after its fields are dead. */
	smp_store_release(&p->skb, 0);
	return true;
}

static bool nd_pend_expired(const struct nd_pend *p, u64 gen,
			    unsigned long now)
{
	if (gen & ND_PEND_DROPPED)
		return time_after(now, READ_ONCE(p->dropped_at) + ND_DROP_LIFE);
	return time_after(now, READ_ONCE(p->born) + ND_PEND_LIFE);
}

/*
 * An entry's rule handle carries the low bits of the entry's generation:
 * a handle written for a generation that has since ended (its slot taken
 * over) reads as none, never as the new owner's.  Handles are 42 bits.
 */
#define ND_RULE_TAG_BITS 22

static u64 nd_rule_tag(u64 handle, u64 gen)
{
	return handle << ND_RULE_TAG_BITS |
	       ((gen >> 1) & (BIT_ULL(ND_RULE_TAG_BITS) - 1));
}

static u64 nd_rule_untag(u64 tagged, u64 gen)
{
	if ((tagged ^ (gen >> 1)) & (BIT_ULL(ND_RULE_TAG_BITS) - 1))
		return 0;
	return tagged >> ND_RULE_TAG_BITS;
}

int nd_pend_insert(unsigned long skb, const struct nd_pend_info *pi,
		   const struct nd_code_range *code, unsigned long now,
		   u64 *gen)
{
	unsigned int i;

	/* Stale entries of this window first: see the top of the file. */
	for (i = 0; i < ND_PEND_WINDOW; i++) {
		struct nd_pend *p = nd_pend_slot(skb, i);
		unsigned long key = READ_ONCE(p->skb);
		/* Pairs with the release of gen in the insert below. */
		u64 g = key ? smp_load_acquire(&p->gen) : 0;

		/* g is key's only if the slot still holds key. */
		if (!g || READ_ONCE(p->skb) != key)
			continue;
		if ((key == skb && (g & ND_PEND_DROPPED)) ||
		    nd_pend_expired(p, g, now))
			nd_pend_release(p, g);
	}
	for (i = 0; i < ND_PEND_WINDOW; i++) {
		struct nd_pend *p = nd_pend_slot(skb, i);

		if (READ_ONCE(p->skb) || cmpxchg(&p->skb, 0, skb))
			continue;
		nd_pend_set_tag(p - nd_pend, nd_pend_tag(skb));
		p->func = pi->func;
		p->priv = pi->priv;
		p->pf = pi->pf;
		p->hooknum = pi->hooknum;
		p->code = *code;
		p->rule = 0;
		p->born = now;
		p->dropped_at = now;
		*gen = (u64)atomic64_inc_return(&nd_gen) << 1;
		/* Fields before gen: a reader that sees gen sees them. */
		smp_store_release(&p->gen, *gen);
		return p - nd_pend;
	}
	atomic_inc(&nd_verdict_misses);
	return -1;
}

bool nd_pend_remove(int slot, unsigned long skb, u64 gen)
{
	struct nd_pend *p;

	if (slot < 0)
		return false;
	p = &nd_pend[slot];
	return READ_ONCE(p->skb) == skb && nd_pend_release(p, gen);
}

void nd_pend_dropped(int slot, unsigned long skb, u64 gen, unsigned long now)
{
	struct nd_pend *p;

	if (slot < 0)
		return;
	p = &nd_pend[slot];
	if (READ_ONCE(p->skb) != skb || READ_ONCE(p->gen) != gen)
		return;
	/*
	 * Should the slot be taken over between the check and the cmpxchg,
	 * this stamp lands in an entry whose own owner stamps it (with the
	 * same clock) before marking it dropped.
	 */
	WRITE_ONCE(p->dropped_at, now);
	cmpxchg(&p->gen, gen, gen | ND_PEND_DROPPED);
}

/* Is @location in the code of a hook whose entry is in flight? */
static bool nd_in_hook_code(const struct nd_code_range *code,
			    unsigned long location, nd_module_of_t module_of,
			    u32 *loc_module)
{
	if ((location >= code->lo && location < code->hi) ||
	    (location >= code->lo2 && location < code->hi2))
		return true;
	if (!code->module)
		return false;
	if (!*loc_module)
		*loc_module = module_of(location) | 1;	/* 1: computed, none */
	return (*loc_module | 1) == (code->module | 1) && *loc_module != 1;
}

/*
 * Takes the newest entry for @skb that explains a free at @location: one
 * that returned NF_DROP, or one in flight whose code contains @location.
 */
bool nd_pend_take(unsigned long skb, unsigned long location,
		  unsigned long now, nd_module_of_t module_of,
		  struct nd_pend_info *out)
{
	struct nd_pend *best = NULL;
	struct nd_pend_info bi = {};
	u32 loc_module = 0;
	u64 best_gen = 0;
	unsigned int i, maybe = nd_pend_candidates(skb);

	for (i = 0; maybe; i++, maybe >>= 1) {
		struct nd_pend *p = nd_pend_slot(skb, i);
		struct nd_code_range code;
		u64 gen;

		if (!(maybe & 1) || READ_ONCE(p->skb) != skb)
			continue;
		/* Pairs with the insert: fields are valid once gen is. */
		gen = smp_load_acquire(&p->gen);
		/* Still this skb's: the slot may have been reused meanwhile. */
		if (!gen || READ_ONCE(p->skb) != skb || gen <= best_gen ||
		    nd_pend_expired(p, gen, now))
			continue;
		code = p->code;
		if (!(gen & ND_PEND_DROPPED) &&
		    !nd_in_hook_code(&code, location, module_of, &loc_module))
			continue;
		best = p;
		best_gen = gen;
		bi.func = p->func;
		bi.priv = p->priv;
		bi.pf = p->pf;
		bi.hooknum = p->hooknum;
		bi.rule = nd_rule_untag(READ_ONCE(p->rule), gen);
	}
	/* The copy is of generation best_gen only if the slot still has it. */
	if (!best || !nd_pend_release(best, best_gen))
		return false;
	*out = bi;
	return true;
}

/*
 * The newest entry in flight for @skb, of a hook that @is_nft says is an
 * nf_tables chain's: the hook running now for it (nd_nftrule.c).
 */
bool nd_pend_running(unsigned long skb, unsigned long now,
		     bool (*is_nft)(const struct nd_pend_info *pi),
		     struct nd_pend_info *out, int *slot, u64 *gen)
{
	u64 best_gen = 0;
	unsigned int i;

	for (i = 0; i < ND_PEND_WINDOW; i++) {
		struct nd_pend *p = nd_pend_slot(skb, i);
		struct nd_pend_info pi = {};
		u64 g;

		if (READ_ONCE(p->skb) != skb)
			continue;
		/* Pairs with the insert: fields are valid once gen is. */
		g = smp_load_acquire(&p->gen);
		if (!g || (g & ND_PEND_DROPPED) || g <= best_gen ||
		    nd_pend_expired(p, g, now))
			continue;
		pi.func = READ_ONCE(p->func);
		pi.priv = READ_ONCE(p->priv);
		pi.pf = READ_ONCE(p->pf);
		pi.hooknum = READ_ONCE(p->hooknum);
		/* Read before the slot could change hands: still g's? */
		smp_rmb();
		if (READ_ONCE(p->skb) != skb || READ_ONCE(p->gen) != g ||
		    !is_nft(&pi))
			continue;
		best_gen = g;
		*out = pi;
		*slot = p - nd_pend;
	}
	*gen = best_gen;
	return best_gen != 0;
}

NOKPROBE_SYMBOL(nd_pend_running);

/* Once per entry: a late writer for an older generation erases nothing. */
void nd_pend_set_rule(int slot, u64 gen, u64 handle)
{
	cmpxchg(&nd_pend[slot].rule, 0, nd_rule_tag(handle, gen));
}

NOKPROBE_SYMBOL(nd_pend_set_rule);

/* After @func's probe is gone: its entries can never be ended. */
void nd_pend_forget(unsigned long func)
{
	unsigned int i;

	for (i = 0; i < ND_PEND_SLOTS; i++) {
		struct nd_pend *p = &nd_pend[i];
		/* Pairs with the insert's release: func is gen's. */
		u64 gen = smp_load_acquire(&p->gen);

		if (gen && READ_ONCE(p->func) == func)
			nd_pend_release(p, gen);
	}
}

void nd_pend_clear(void)
{
	memset(nd_pend, 0, sizeof(nd_pend));
	memset(nd_pend_tags, 0, sizeof(nd_pend_tags));
}

/* ---- probes ---- */

static int nd_hook_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nd_kdata *d = (struct nd_kdata *)ri->data;
	struct kretprobe *krp = nd_kretprobe_of(ri);
	unsigned long skb = regs_get_kernel_argument(regs, 1);
	const struct nf_hook_state *state =
		(const struct nf_hook_state *)regs_get_kernel_argument(regs, 2);
	const struct net_device *dev = NULL;
	struct nd_pend_info pi;
	struct nd_vprobe *vp;
	struct nd_vc_key k;

	if (!krp || !skb || !state)
		return 1;	/* no return handler for this call */
	vp = container_of(krp, struct nd_vprobe, krp);
	pi.func = vp->func;
	pi.priv = (const void *)regs_get_kernel_argument(regs, 0);
	pi.pf = state->pf;
	pi.hooknum = state->hook;
	d->skb = skb;
	d->slot = nd_pend_insert(skb, &pi, &vp->code, jiffies, &d->gen);
	/* The hook's counts: the key nd_verdicts_ioctl() makes from the list. */
	memset(&k, 0, sizeof(k));
	k.func = pi.func;
	k.priv = pi.priv;
	k.net = state->net;
	if (state->pf == NFPROTO_NETDEV)
		dev = state->hook == NF_NETDEV_INGRESS ? state->in : state->out;
	k.ifindex = dev ? dev->ifindex : 0;
	k.pf = pi.pf;
	k.hooknum = pi.hooknum;
	d->vslot = nd_vcount_slot(&k);
	return 0;
}

NOKPROBE_SYMBOL(nd_hook_entry);

static int nd_hook_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nd_kdata *d = (struct nd_kdata *)ri->data;
	unsigned int verdict = regs_return_value(regs) & NF_VERDICT_MASK;
	enum nd_vc_kind kind = ND_VC_ACCEPT;

	/* Keep the entry for the kfree_skb that nf_hook_slow() does next. */
	if (verdict == NF_DROP) {
		nd_pend_dropped(d->slot, d->skb, d->gen, jiffies);
		kind = ND_VC_DROP;
	} else if (!nd_pend_remove(d->slot, d->skb, d->gen) &&
		   d->slot >= 0 && verdict == NF_STOLEN) {
		/*
		 * The kfree_skb probe took the entry while the hook ran: the
		 * hook freed the packet in its own code (NF_DROP_REASON())
		 * and said NF_STOLEN.  A drop, as attribution names it.
		 */
		kind = ND_VC_DROP;
	} else if (verdict == NF_STOLEN) {
		kind = ND_VC_STOLEN;
	} else if (verdict == NF_QUEUE) {
		kind = ND_VC_QUEUE;
	}
	nd_vcount_add(d->vslot, kind);
	return 0;
}

NOKPROBE_SYMBOL(nd_hook_return);

/* The hash of the module named in sprint_symbol()'s "[mod]", or 0. */
static u32 nd_symbol_module(const char *sym)
{
	const char *bra = strchr(sym, '[');
	const char *ket = bra ? strchr(bra, ']') : NULL;

	if (!ket || ket == bra + 1)
		return 0;
	return jhash(bra + 1, ket - bra - 1, 0) | 2;
}

/*
 * The module of a kfree_skb location: sprint_symbol() (its buffer in a
 * frame of its own, only on a miss), cached per location.  A
 * slot is written by whoever makes its sequence odd, and read when the
 * sequence is even and the same before and after.
 */
#define ND_LOC_SLOTS 512
static struct {
	unsigned int seq;
	unsigned int epoch;
	unsigned long addr;
	u32 module;
} nd_loc_cache[ND_LOC_SLOTS];
/* Modules come and go: an entry of an older epoch is a miss. */
static atomic_t nd_loc_epoch = ATOMIC_INIT(0);

/* A miss: the symbol lookup, in a frame of its own (its buffer is big). */
static noinline u32 nd_module_of_slow(unsigned long addr, unsigned int h,
				      unsigned int seq, unsigned int epoch)
{
	char sym[KSYM_SYMBOL_LEN];
	u32 module;

	sprint_symbol(sym, addr);
	module = nd_symbol_module(sym);
	if (!(seq & 1) && cmpxchg(&nd_loc_cache[h].seq, seq, seq + 1) == seq) {
		smp_wmb();	/* the odd sequence before the fields */
		WRITE_ONCE(nd_loc_cache[h].addr, addr);
		WRITE_ONCE(nd_loc_cache[h].epoch, epoch);
		WRITE_ONCE(nd_loc_cache[h].module, module);
		/* The fields before the even sequence. */
		smp_store_release(&nd_loc_cache[h].seq, seq + 2);
	}
	return module;
}

static u32 nd_module_of(unsigned long addr)
{
	unsigned int h = hash_long(addr, ilog2(ND_LOC_SLOTS));
	unsigned int epoch = atomic_read(&nd_loc_epoch), seq, e;
	unsigned long a;
	u32 module;

	/* Pairs with the release of the even sequence in the slow path. */
	seq = smp_load_acquire(&nd_loc_cache[h].seq);
	if (!(seq & 1)) {
		a = READ_ONCE(nd_loc_cache[h].addr);
		e = READ_ONCE(nd_loc_cache[h].epoch);
		module = READ_ONCE(nd_loc_cache[h].module);
		smp_rmb();	/* pairs with the slow path's smp_wmb() */
		if (a == addr && e == epoch &&
		    READ_ONCE(nd_loc_cache[h].seq) == seq)
			return module;
	}
	return nd_module_of_slow(addr, h, seq, epoch);
}

/* "name+0xoff/0xsize [mod]": the function containing @addr. */
static u32 nd_function_of(unsigned long addr, unsigned long *lo,
			  unsigned long *hi, char *sym)
{
	unsigned long off, size;
	const char *p;

	sprint_symbol(sym, addr);
	p = strchr(sym, '+');
	if (p && sscanf(p, "+%lx/%lx", &off, &size) == 2 && off <= addr) {
		*lo = addr - off;
		*hi = *lo + size;
	}
	return nd_symbol_module(sym);
}

/*
 * The hook function and its module.  nf_tables' hooks (nft_do_chain_ipv4
 * and friends) hand the packet to nft_do_chain(), which frees it itself
 * on 6.12 (and backports) and returns NF_STOLEN: that function is the
 * hook's own code too, also when nf_tables is built in.  Its address
 * comes from the export; only the numbers are kept.
 */
static void nd_code_range_of(unsigned long func, struct nd_code_range *r)
{
	char sym[KSYM_SYMBOL_LEN];
	void *chain;

	memset(r, 0, sizeof(*r));
	r->module = nd_function_of(func, &r->lo, &r->hi, sym);
	if (strncmp(sym, "nft_do_chain_", 13))
		return;
	chain = __symbol_get("nft_do_chain");
	if (!chain)
		return;
	nd_function_of((unsigned long)chain, &r->lo2, &r->hi2, sym);
	__symbol_put("nft_do_chain");
}

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
	vp = kzalloc_obj(*vp, GFP_KERNEL);
	if (!vp)
		return;
	vp->func = func;
	vp->seen = true;
	nd_code_range_of(func, &vp->code);
	vp->krp.kp.addr = (kprobe_opcode_t *)func;
	vp->krp.entry_handler = nd_hook_entry;
	vp->krp.handler = nd_hook_return;
	vp->krp.data_size = sizeof(struct nd_kdata);
	vp->krp.maxactive = max_t(int, 64, 16 * num_possible_cpus());
	/* Not probeable (blacklisted, placeholder): remember anyway. */
	vp->registered = !register_kretprobe(&vp->krp);
	list_add(&vp->node, &nd_vprobes);
	nd_nr_vprobes++;
}

/* Removes the unseen probes (@all: every probe), synchronising once. */
static void nd_vprobes_del(bool all)
{
	struct kretprobe **krps;
	struct nd_vprobe *vp, *tmp;
	unsigned int n = 0;

	krps = kvcalloc(max(nd_nr_vprobes, 1U), sizeof(*krps), GFP_KERNEL);
	list_for_each_entry(vp, &nd_vprobes, node) {
		if ((!all && vp->seen) || !vp->registered)
			continue;
		if (krps)
			krps[n++] = &vp->krp;
		else
			unregister_kretprobe(&vp->krp);
	}
	if (n)
		unregister_kretprobes(krps, n);
	kvfree(krps);
	list_for_each_entry_safe(vp, tmp, &nd_vprobes, node) {
		if (!all && vp->seen)
			continue;
		nd_gone_nmissed += vp->krp.nmissed + vp->krp.kp.nmissed;
		nd_pend_forget(vp->func);
		list_del(&vp->node);
		nd_nr_vprobes--;
		kfree(vp);
	}
}

/* ---- the description cache ---- */

static unsigned int nd_desc_hash(unsigned long func, const void *priv, u8 pf,
				 u8 hooknum)
{
	return hash_long(func ^ ((unsigned long)priv * 31) ^
			 ((unsigned long)pf << 8) ^ hooknum, 32);
}

static const struct nd_hook_desc *
nd_desc_find(const struct nd_hook_cache *c, unsigned long func,
	     const void *priv, u8 pf, u8 hooknum)
{
	unsigned int h = nd_desc_hash(func, priv, pf, hooknum), i;

	for (i = 0; i <= c->mask; i++) {
		const struct nd_hook_desc *d = &c->desc[(h + i) & c->mask];

		if (!d->func)
			return NULL;
		if (d->func == func && d->priv == priv && d->pf == pf &&
		    d->hooknum == hooknum)
			return d;
	}
	return NULL;
}

/* Adds unless present; the cache has room (at most half full). */
static void nd_desc_add(struct nd_hook_cache *c, const struct nd_hook_desc *n)
{
	unsigned int h = nd_desc_hash(n->func, n->priv, n->pf, n->hooknum), i;

	for (i = 0; i <= c->mask; i++) {
		struct nd_hook_desc *d = &c->desc[(h + i) & c->mask];

		if (d->func == n->func && d->priv == n->priv && d->pf == n->pf &&
		    d->hooknum == n->hooknum)
			return;
		if (!d->func) {
			*d = *n;
			return;
		}
	}
}

static void nd_desc_from_entry(struct nd_hook_desc *d,
			       const struct netdrop_hook_entry *e,
			       const void *priv)
{
	memset(d, 0, sizeof(*d));
	d->func = e->func;
	d->priv = priv;
	d->pf = e->pf;
	d->hooknum = e->hooknum;
	d->info.func = e->func;
	d->info.priority = e->priority;
	d->info.pf = e->pf;
	d->info.hooknum = e->hooknum;
	d->info.ops_type = e->ops_type;
	strscpy(d->names.func, e->func_name, sizeof(d->names.func));
	strscpy(d->names.module, e->module, sizeof(d->names.module));
	strscpy(d->names.table, e->table, sizeof(d->names.table));
	strscpy(d->names.chain, e->chain, sizeof(d->names.chain));
}

/*
 * Describes the hooks of every namespace (at most ND_MAX_DESCS) into a
 * new cache, with an entry per function under ND_ANY_PRIV, and collects
 * the distinct functions into @funcs (at most ND_MAX_PROBES).
 */
static struct nd_hook_cache *nd_describe_all(unsigned int nr_hooks,
					     unsigned long *funcs,
					     unsigned int *nr_funcs)
{
	unsigned int slots = roundup_pow_of_two(4 * min_t(u32, nr_hooks + 8,
							  ND_MAX_DESCS));
	struct netdrop_hook_entry *tmp;
	const void **privs;
	struct nd_hook_cache *c = NULL;
	struct nd_hook_desc *d;
	unsigned int got, i, j, n = 0;
	struct net *net;

	tmp = kvcalloc(256, sizeof(*tmp), GFP_KERNEL);
	privs = kvcalloc(256, sizeof(*privs), GFP_KERNEL);
	d = kzalloc_obj(*d, GFP_KERNEL);
	c = kvzalloc(struct_size(c, desc, slots), GFP_KERNEL);
	*nr_funcs = 0;
	if (!tmp || !privs || !d || !c)
		goto fail;
	c->mask = slots - 1;
	down_read(&net_rwsem);
	for_each_net(net) {
		rcu_read_lock();
		got = min_t(u32, nd_hooks_collect_priv(net, tmp, privs, 256), 256);
		rcu_read_unlock();
		/* Each hook adds at most two entries: stay half full. */
		for (i = 0; i < got && n + 2 <= slots / 2; i++) {
			if (tmp[i].flags & NETDROP_HF_PLACEHOLDER)
				continue;
			nd_desc_from_entry(d, &tmp[i], privs[i]);
			nd_desc_add(c, d);
			n += 2;
			for (j = 0; j < *nr_funcs; j++)
				if (funcs[j] == tmp[i].func)
					break;
			if (j < *nr_funcs || *nr_funcs == ND_MAX_PROBES)
				continue;
			funcs[(*nr_funcs)++] = tmp[i].func;
			/* The function's names alone, whatever its priv. */
			d->priv = ND_ANY_PRIV;
			d->pf = 0;
			d->hooknum = 0;
			d->info.priority = 0;
			d->names.table[0] = '\0';
			d->names.chain[0] = '\0';
			nd_desc_add(c, d);
		}
	}
	up_read(&net_rwsem);
	goto out;
fail:
	kvfree(c);
	c = NULL;
out:
	kfree(d);
	kvfree(privs);
	kvfree(tmp);
	return c;
}

/* A cheap digest of every hook list: has anything changed? */
static u64 nd_hooks_fingerprint_all(unsigned int *nr_hooks)
{
	struct net *net;
	u64 fp = 0;

	*nr_hooks = 0;
	down_read(&net_rwsem);
	for_each_net(net) {
		rcu_read_lock();
		fp = fp * 1099511628211ULL +
		     nd_hooks_fingerprint(net, nr_hooks) + (unsigned long)net;
		rcu_read_unlock();
	}
	up_read(&net_rwsem);
	return fp;
}

static void nd_verdict_rescan(void)
{
	struct nd_hook_cache *c, *old;
	struct nd_vprobe *vp;
	unsigned long *funcs;
	unsigned int n, i, nr_hooks;
	u64 fp;

	lockdep_assert_held(&nd_verdict_lock);
	fp = nd_hooks_fingerprint_all(&nr_hooks);
	if (!nd_force_scan && fp == nd_last_fp &&
	    ++nd_scans % ND_RESCAN_FORCE)
		return;
	/*
	 * nf_tables loading forces a scan (the module notifier), unloading
	 * changes the hook lists: here the rule probe follows it.
	 */
	nd_nftrule_sync(true);
	funcs = kvcalloc(ND_MAX_PROBES, sizeof(*funcs), GFP_KERNEL);
	if (!funcs)
		return;
	c = nd_describe_all(nr_hooks, funcs, &n);
	if (!c) {
		kvfree(funcs);
		return;
	}
	nd_force_scan = false;
	nd_last_fp = fp;
	old = rcu_replace_pointer(nd_hook_cache, c,
				  lockdep_is_held(&nd_verdict_lock));
	if (old)
		kvfree_rcu(old, rcu);
	list_for_each_entry(vp, &nd_vprobes, node)
		vp->seen = false;
	for (i = 0; i < n; i++) {
		vp = nd_vprobe_find(funcs[i]);
		/*
		 * A module unloaded and loaded again can put its hook at the
		 * same address: the old kprobe was disarmed ("gone") when the
		 * module went away, so probe the new code afresh.
		 */
		if (vp && vp->registered && kprobe_gone(&vp->krp.kp))
			vp->seen = false;
		else if (vp)
			vp->seen = true;
	}
	nd_vprobes_del(false);
	for (i = 0; i < n; i++)
		if (!nd_vprobe_find(funcs[i]))
			nd_vprobe_add(funcs[i]);
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
	/* Addresses may now be another module's. */
	if (action == MODULE_STATE_LIVE || action == MODULE_STATE_GOING)
		atomic_inc(&nd_loc_epoch);
	/* New hooks usually come with a module: look soon, and in full. */
	if (action == MODULE_STATE_LIVE) {
		WRITE_ONCE(nd_force_scan, true);
		mod_delayed_work(system_wq, &nd_verdict_work, HZ / 10);
	}
	return NOTIFY_DONE;
}

static struct notifier_block nd_module_nb = {
	.notifier_call = nd_module_event,
};

/* Callers serialise get and put (netdrop's nd_lock). */
int nd_verdict_get(void)
{
	int err = 0;

	if (nd_fault_inject & ND_FAULT_HOOKS)
		return -EIO;
	mutex_lock(&nd_verdict_lock);
	if (!nd_verdict_users++) {
		nd_pend_clear();
		/* No probe is registered: the counts start afresh. */
		nd_vcount_reset();
		nd_gone_nmissed = 0;
		nd_counting_since = ktime_get_boottime_ns();
		err = register_module_notifier(&nd_module_nb);
		if (err) {
			nd_verdict_users--;
			goto out;
		}
		nd_force_scan = true;
		nd_verdict_rescan();
		WRITE_ONCE(nd_verdict_on, true);
		schedule_delayed_work(&nd_verdict_work, HZ);
	}
out:
	mutex_unlock(&nd_verdict_lock);
	return err;
}

void nd_verdict_put(void)
{
	struct nd_hook_cache *old = NULL;
	bool last;

	mutex_lock(&nd_verdict_lock);
	last = !--nd_verdict_users;
	if (last) {
		WRITE_ONCE(nd_verdict_on, false);
		nd_nftrule_sync(false);
		nd_vprobes_del(true);
		nd_counting_since = 0;
		old = rcu_replace_pointer(nd_hook_cache, NULL,
					  lockdep_is_held(&nd_verdict_lock));
	}
	mutex_unlock(&nd_verdict_lock);
	if (last) {
		if (old)
			kvfree_rcu(old, rcu);
		/* The notifier queues the work; the work re-checks users. */
		unregister_module_notifier(&nd_module_nb);
		cancel_delayed_work_sync(&nd_verdict_work);
	}
}

void nd_verdict_counting(u64 *since, u64 *missed)
{
	struct nd_vprobe *vp;
	u64 sum;

	mutex_lock(&nd_verdict_lock);
	*since = nd_counting_since;
	sum = nd_gone_nmissed;
	list_for_each_entry(vp, &nd_vprobes, node)
		sum += vp->krp.nmissed + vp->krp.kp.nmissed;
	*missed = sum;
	mutex_unlock(&nd_verdict_lock);
}

bool nd_verdict_lookup(unsigned long skb, unsigned long location,
		       struct nd_hook_hit *hit)
{
	const struct nd_hook_cache *c;
	const struct nd_hook_desc *d = NULL;
	struct nd_pend_info pi;

	if (!nd_pend_take(skb, location, jiffies, nd_module_of, &pi))
		return false;
	/* The probe's read side is its preempt-disabled section. */
	c = rcu_dereference_check(nd_hook_cache, rcu_read_lock_sched_held());
	if (c) {
		d = nd_desc_find(c, pi.func, pi.priv, pi.pf, pi.hooknum);
		if (!d)
			d = nd_desc_find(c, pi.func, ND_ANY_PRIV, 0, 0);
	}
	hit->desc = d;
	memset(&hit->info, 0, sizeof(hit->info));
	if (d)
		hit->info = d->info;
	hit->info.func = pi.func;
	hit->info.pf = pi.pf;
	hit->info.hooknum = pi.hooknum;
	hit->rule = pi.rule;
	return true;
}

/* Is the hook of @pi an nf_tables chain's, as the last scan described it? */
bool nd_verdict_is_nft(const struct nd_pend_info *pi)
{
	const struct nd_hook_cache *c = rcu_dereference(nd_hook_cache);
	const struct nd_hook_desc *d;

	if (!c)
		return false;
	d = nd_desc_find(c, pi->func, pi->priv, pi->pf, pi->hooknum);
	return d && d->info.ops_type == NETDROP_HOOK_NFTABLES;
}

NOKPROBE_SYMBOL(nd_verdict_is_nft);
