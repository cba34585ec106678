// SPDX-License-Identifier: GPL-2.0
/*
 * netdrop: every dropped packet as a decoded record in per-CPU rings that
 * user space maps from /dev/netdrop.
 *
 * Sessions: each open() of /dev/netdrop is a session with its own per-CPU
 * rings, filter and counters.  Enabled sessions sit on nd_active, an RCU
 * list the tracepoint probe walks.  The kfree_skb probe is registered when
 * the first session is enabled and unregistered when the last one is
 * disabled, so nothing runs while nobody listens.
 *
 * Locking: nd_lock (mutex) serialises enable/disable and tracepoint
 * registration.  session->lock (mutex) serialises one session's
 * configuration; it is never held across user-space copies, so taking it
 * in ->mmap (under mmap_lock) cannot invert with a page fault.  The probe
 * takes no lock: it reads the session list and each session's filter
 * under RCU and writes only to its own CPU's ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/irq_work.h>
#include <linux/rculist.h>
#include <linux/stacktrace.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <net/sock.h>
#include <net/net_namespace.h>
#include <trace/events/skb.h>

#include "nd_ring.h"
#include "nd_decode.h"
#include "nd_filter.h"
#include "nd_reasons.h"
#include "nd_hooks.h"
#include "nd_verdict.h"
#include "nd_reset.h"

static unsigned int ring_kb = 1024;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "Default data size of each per-CPU ring in KiB (power of two, 8..262144)");

static unsigned int max_sessions = 16;
module_param(max_sessions, uint, 0444);
MODULE_PARM_DESC(max_sessions, "Maximum number of open sessions");

#define ND_MIN_RING (8U << 10)
#define ND_MAX_RING (256U << 20)

struct nd_session {
	struct list_head active;	/* on nd_active while enabled */
	struct list_head node;		/* on nd_sessions while open */
	u32 id;				/* for the session listing */
	struct pid *opener;		/* thread group that opened it */
	char comm[TASK_COMM_LEN];
	u64 opened_ns;			/* CLOCK_BOOTTIME */
	struct mutex lock;		/* configuration of this session */
	struct nd_filter __rcu *filter;
	struct nd_ring **rings;		/* [nr_cpu_ids], NULL until needed */
	u32 ring_size;
	u32 watermark;
	bool enabled;
	bool hooks;			/* holds a hook attribution reference */
	bool resets;			/* holds a reset probes reference */
	bool show_addrs;		/* opener may read kernel addresses */
	/*
	 * Opened with CAP_NET_ADMIN only over its own network namespace (a
	 * container): it sees that namespace's drops and resets only.  The
	 * reference keeps the inode number from being reused.
	 */
	struct net *scope;
	u32 scope_netns;		/* its inode, 0: every namespace */
	wait_queue_head_t wq;
	struct irq_work wakeup;
};

static DEFINE_MUTEX(nd_lock);
static LIST_HEAD(nd_active);
static LIST_HEAD(nd_sessions);		/* every open session, nd_lock */
static u32 nd_last_id;			/* nd_lock */
static unsigned int nd_nr_sessions;	/* under nd_lock */
static unsigned int nd_nr_enabled;	/* under nd_lock */
static unsigned int nd_nr_hook_sessions; /* enabled with OPT_HOOKS, nd_lock */

/* What every session sees of one drop, decoded at most once. */
struct nd_event {
	const struct sk_buff *skb;
	u64 location;
	u32 reason;
	u32 ifindex;
	u32 netns;
	int nhoff;		/* network header offset, INT_MIN if none */
	bool decoded;
	bool has_hook;
	struct netdrop_drop rec;
	struct netdrop_hook_entry hook;
};

static void nd_event_decode(struct nd_event *ev)
{
	const struct sk_buff *skb = ev->skb;
	struct netdrop_drop *rec = &ev->rec;
	struct net_device *dev = READ_ONCE(skb->dev);

	ev->decoded = true;
	memset(rec, 0, sizeof(*rec));
	rec->hdr.type = NETDROP_REC_DROP;
	rec->ts_ns = ktime_get_mono_fast_ns();
	rec->location = ev->location;
	rec->skb = (unsigned long)skb;
	rec->reason = ev->reason;
	rec->cpu = smp_processor_id();
	rec->netns = ev->netns;
	rec->ifindex = ev->ifindex;
	rec->len = skb->len;
	rec->mark = skb->mark;
	rec->protocol = ntohs(skb->protocol);
	rec->ctx = nd_context();
	rec->pid = current->tgid;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	if (dev) {
		memcpy(rec->ifname, dev->name, sizeof(rec->ifname));
		rec->ifname[sizeof(rec->ifname) - 1] = '\0';
	}
	ev->nhoff = nd_decode(skb, rec);
	if (ev->has_hook) {
		rec->hook.func = ev->hook.func;
		rec->hook.priority = ev->hook.priority;
		rec->hook.pf = ev->hook.pf;
		rec->hook.hooknum = ev->hook.hooknum;
		rec->hook.ops_type = ev->hook.ops_type;
	}
}

static void nd_put_names(struct netdrop_hook_names *n,
			 const struct netdrop_hook_entry *h)
{
	memset(n, 0, sizeof(*n));
	strscpy(n->func, h->func_name, sizeof(n->func));
	strscpy(n->module, h->module, sizeof(n->module));
	strscpy(n->table, h->table, sizeof(n->table));
	strscpy(n->chain, h->chain, sizeof(n->chain));
}

/*
 * Captures the kernel stack into @frames and drops the frames of netdrop
 * and of the tracing machinery above the interesting one: up to @first
 * (the drop location, a return address that is on the stack) when it is
 * found, else the frames inside this module.  Returns the depth.
 */
static u16 nd_capture_stack(unsigned long *frames, unsigned long first)
{
	unsigned int n = stack_trace_save(frames, NETDROP_MAX_STACK, 0);
	unsigned int i, skip = 0;

	for (i = 0; i < n && i < 16; i++) {
		if (first && frames[i] == first) {
			skip = i;
			break;
		}
		if (!skip && !within_module(frames[i], THIS_MODULE))
			skip = i;
	}
	memmove(frames, frames + skip, (n - skip) * sizeof(*frames));
	return n - skip;
}

/*
 * Finishes a record of @len reserved bytes at ring position @pos whose
 * fixed and optional parts take @used bytes: captures the stack at the
 * end when @stack, gives back what the stack did not use (if nobody
 * reserved after us), publishes, and wakes a sleeping reader at the
 * watermark.  Returns the stack depth.
 */
static u16 nd_record_finish(struct nd_session *s, struct nd_ring *ring,
			    struct netdrop_rec_hdr *hdr, unsigned long pos,
			    u32 used, u32 len, bool stack, unsigned long first)
{
	u16 nr_stack = 0;

	if (stack) {
		nr_stack = nd_capture_stack((unsigned long *)((u8 *)hdr + used),
					    first);
		hdr->flags |= NETDROP_RF_STACK;
	}
	hdr->size = used + nr_stack * sizeof(u64);
	if (hdr->size < len && !nd_ring_shrink(ring, pos, len, hdr->size)) {
		memset((u8 *)hdr + hdr->size, 0, len - hdr->size);
		hdr->size = len;
	}
	nd_ring_commit(ring);
	if (nd_ring_avail(ring) >= s->watermark && wq_has_sleeper(&s->wq))
		irq_work_queue(&s->wakeup);
	return nr_stack;
}

/*
 * Record layout: fixed part, hook names, packet bytes, then the stack,
 * last because only its size is unknown until it is captured.
 */
static void nd_session_drop(struct nd_session *s, struct nd_event *ev)
{
	struct nd_ring *ring = s->rings[smp_processor_id()];
	const struct nd_filter *nf = rcu_dereference(s->filter);
	const struct netdrop_filter *f = &nf->f;
	bool hook = ev->has_hook && (f->options & NETDROP_OPT_HOOKS);
	bool stack = f->options & NETDROP_OPT_STACK;
	struct netdrop_drop *rec;
	u32 off, len, snap = 0, used;
	unsigned long pos;

	if (f->events && !(f->events & NETDROP_EV_DROP))
		return;
	local64_inc(&nd_ctrs(ring)->seen);
	if (!nd_filter_match_pre(nf, ev->location, ev->reason, ev->ifindex,
				 ev->netns))
		goto filtered;
	if (!ev->decoded)
		nd_event_decode(ev);
	if (!nd_filter_match_post(nf, &ev->rec))
		goto filtered;

	if (f->snaplen && ev->nhoff != INT_MIN)
		snap = nd_packet_avail(ev->skb, ev->nhoff, f->snaplen);
	len = sizeof(*rec);
	if (hook)
		len += sizeof(struct netdrop_hook_names);
	len = ALIGN(len + snap, 8);
	if (stack)
		len += NETDROP_MAX_STACK * sizeof(u64);

	rec = nd_ring_reserve(ring, len, &pos);
	if (!rec)
		return;
	memcpy(rec, &ev->rec, sizeof(*rec));
	rec->seq = local64_inc_return(&ring->seq) - 1;
	if (unlikely(!s->show_addrs)) {
		/* Only who can read /proc/kallsyms gets kernel addresses. */
		rec->location = 0;
		rec->skb = 0;
		rec->hook.func = 0;
	}
	off = sizeof(*rec);
	if (hook) {
		rec->names_off = off;
		rec->hdr.flags |= NETDROP_RF_HOOK;
		nd_put_names((void *)rec + off, &ev->hook);
		off += sizeof(struct netdrop_hook_names);
	} else {
		memset(&rec->hook, 0, sizeof(rec->hook));
	}
	if (snap) {
		snap = nd_copy_packet(ev->skb, ev->nhoff, (u8 *)rec + off, snap);
		rec->data_len = snap;
		rec->data_off = off;
		if (snap)
			rec->hdr.flags |= NETDROP_RF_DATA;
		off += snap;
	}
	used = ALIGN(off, 8);
	memset((u8 *)rec + off, 0, used - off);
	if (stack)
		rec->stack_off = used;
	rec->nr_stack = nd_record_finish(s, ring, &rec->hdr, pos, used, len,
					 stack, ev->location);
	return;
filtered:
	local64_inc(&nd_ctrs(ring)->filtered);
}

static void nd_probe_common(const struct sk_buff *skb, void *location,
			    u32 reason)
{
	struct nd_event ev;
	struct nd_session *s;
	struct net_device *dev = READ_ONCE(skb->dev);
	const struct net *net = NULL;
	struct nd_pend_info pi;

	ev.skb = skb;
	ev.location = (unsigned long)location;
	ev.reason = reason;
	ev.decoded = false;
	ev.has_hook = false;
	ev.ifindex = dev ? dev->ifindex : skb->skb_iif;
	if (dev)
		net = dev_net(dev);
	else if (skb->sk)
		net = sock_net(skb->sk);
	ev.netns = net ? net->ns.inum : 0;

	rcu_read_lock();
	if (READ_ONCE(nd_nr_hook_sessions) &&
	    nd_pend_take((unsigned long)skb, &pi))
		ev.has_hook = nd_verdict_describe(&pi, net, &ev.hook);
	list_for_each_entry_rcu(s, &nd_active, active)
		nd_session_drop(s, &ev);
	rcu_read_unlock();
}

/* A reset looks like a TCP drop to the address and port filters. */
static bool nd_reset_match(const struct nd_filter *nf,
			   const struct netdrop_reset *r, u32 ifindex)
{
	struct netdrop_drop view;

	if ((nf->pre_fields & NETDROP_F_NETNS) && r->netns != nf->f.netns)
		return false;
	if ((nf->pre_fields & NETDROP_F_IFINDEX) && ifindex != nf->f.ifindex)
		return false;
	view.hdr.flags = NETDROP_RF_DECODED | NETDROP_RF_L4;
	view.family = r->family;
	view.l4proto = IPPROTO_TCP;
	memcpy(view.saddr, r->saddr, sizeof(view.saddr));
	memcpy(view.daddr, r->daddr, sizeof(view.daddr));
	view.sport = r->sport;
	view.dport = r->dport;
	return nd_filter_match_post(nf, &view);
}

void nd_emit_reset(const struct netdrop_reset *r, u32 ifindex)
{
	struct nd_session *s;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &nd_active, active) {
		struct nd_ring *ring = s->rings[smp_processor_id()];
		const struct nd_filter *nf = rcu_dereference(s->filter);
		bool stack = nf->f.options & NETDROP_OPT_STACK;
		struct netdrop_reset *rec;
		unsigned long pos;
		u32 len = sizeof(*rec), used = len;

		if (!(nf->f.events & NETDROP_EV_RESET))
			continue;
		local64_inc(&nd_ctrs(ring)->seen);
		if (!nd_reset_match(nf, r, ifindex)) {
			local64_inc(&nd_ctrs(ring)->filtered);
			continue;
		}
		if (stack)
			len += NETDROP_MAX_STACK * sizeof(u64);
		rec = nd_ring_reserve(ring, len, &pos);
		if (!rec)
			continue;
		memcpy(rec, r, sizeof(*rec));
		rec->seq = local64_inc_return(&ring->seq) - 1;
		if (unlikely(!s->show_addrs)) {
			rec->location = 0;
			rec->skb = 0;
		}
		if (stack)
			rec->stack_off = used;
		rec->nr_stack = nd_record_finish(s, ring, &rec->hdr, pos, used,
						 len, stack, 0);
	}
	rcu_read_unlock();
}

#if ND_TP_NARGS == 4
static void nd_probe(void *data, struct sk_buff *skb, void *location,
		     enum skb_drop_reason reason, struct sock *rx_sk)
{
	nd_probe_common(skb, location, reason);
}
#elif ND_TP_NARGS == 3
static void nd_probe(void *data, struct sk_buff *skb, void *location,
		     enum skb_drop_reason reason)
{
	nd_probe_common(skb, location, reason);
}
#else
static void nd_probe(void *data, struct sk_buff *skb, void *location)
{
	nd_probe_common(skb, location, 0);
}
#endif

static void nd_wakeup(struct irq_work *work)
{
	struct nd_session *s = container_of(work, struct nd_session, wakeup);

	wake_up_interruptible(&s->wq);
}

/*
 * The rings are published complete (release), once, and stay until the
 * session is released: poll and the session listing read them without
 * the session lock (acquire).
 */
static int nd_session_alloc_rings(struct nd_session *s)
{
	struct nd_ring **rings;
	int cpu;

	lockdep_assert_held(&s->lock);
	if (s->rings)
		return 0;
	rings = kcalloc(nr_cpu_ids, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		rings[cpu] = nd_ring_alloc(cpu, s->ring_size);
		if (!rings[cpu])
			goto nomem;
	}
	/* Pairs with the acquire in nd_poll() and nd_describe_session(). */
	smp_store_release(&s->rings, rings);
	return 0;
nomem:
	for_each_possible_cpu(cpu)
		nd_ring_free(rings[cpu]);
	kfree(rings);
	return -ENOMEM;
}

/*
 * Takes or gives back this session's references on hook attribution and
 * on the reset probes, so the kretprobes and kprobes exist exactly while
 * an enabled session asks for them.
 */
static int nd_session_sync_probes(struct nd_session *s)
{
	const struct nd_filter *nf;
	bool hooks, resets;
	int err = 0;

	lockdep_assert_held(&s->lock);
	nf = rcu_dereference_protected(s->filter, lockdep_is_held(&s->lock));
	hooks = s->enabled && (nf->f.options & NETDROP_OPT_HOOKS);
	resets = s->enabled && (nf->f.events & NETDROP_EV_RESET);
	mutex_lock(&nd_lock);
	if (hooks != s->hooks) {
		if (hooks) {
			err = nd_verdict_get();
			if (!err)
				WRITE_ONCE(nd_nr_hook_sessions, nd_nr_hook_sessions + 1);
		} else {
			WRITE_ONCE(nd_nr_hook_sessions, nd_nr_hook_sessions - 1);
			nd_verdict_put();
		}
		if (!err)
			s->hooks = hooks;
	}
	if (!err && resets != s->resets) {
		if (resets)
			err = nd_reset_get();
		else
			nd_reset_put();
		if (!err)
			s->resets = resets;
	}
	mutex_unlock(&nd_lock);
	return err;
}

static int nd_session_enable(struct nd_session *s)
{
	int err;

	lockdep_assert_held(&s->lock);
	if (s->enabled)
		return 0;
	err = nd_session_alloc_rings(s);
	if (err)
		return err;
	mutex_lock(&nd_lock);
	if (!nd_nr_enabled) {
		err = register_trace_kfree_skb(nd_probe, NULL);
		if (err) {
			mutex_unlock(&nd_lock);
			return err;
		}
	}
	nd_nr_enabled++;
	list_add_tail_rcu(&s->active, &nd_active);
	WRITE_ONCE(s->enabled, true);
	mutex_unlock(&nd_lock);
	return nd_session_sync_probes(s);
}

static void nd_session_disable(struct nd_session *s)
{
	bool last;

	lockdep_assert_held(&s->lock);
	if (!s->enabled)
		return;
	mutex_lock(&nd_lock);
	list_del_rcu(&s->active);
	WRITE_ONCE(s->enabled, false);
	last = --nd_nr_enabled == 0;
	if (last)
		unregister_trace_kfree_skb(nd_probe, NULL);
	mutex_unlock(&nd_lock);
	/* No probe may still write to this session's rings after we return. */
	if (last)
		tracepoint_synchronize_unregister();
	else
		synchronize_rcu();
	nd_session_sync_probes(s);
}

/* A scoped session's filter always selects its own namespace. */
static void nd_scope_filter(struct nd_session *s, struct netdrop_filter *f)
{
	if (!s->scope_netns)
		return;
	f->fields |= NETDROP_F_NETNS;
	f->netns = s->scope_netns;
}

static int nd_open(struct inode *inode, struct file *file)
{
	struct nd_session *s;
	struct nd_filter *nf;

	struct net *net = current->nsproxy->net_ns;
	bool global = capable(CAP_NET_ADMIN);

	/*
	 * CAP_NET_ADMIN in the initial user namespace: every drop.  Only over
	 * the caller's own network namespace (root in a container with its
	 * own user and network namespaces): that namespace's drops only.
	 */
	if (!global && !ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	nf = kzalloc(sizeof(*nf), GFP_KERNEL);
	if (!s || !nf)
		goto nomem;
	if (!global) {
		s->scope = get_net(net);
		s->scope_netns = net->ns.inum;
	}
	nf->f.size = sizeof(nf->f);
	nd_scope_filter(s, &nf->f);
	nd_filter_prepare(nf);
	RCU_INIT_POINTER(s->filter, nf);
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->active);
	init_waitqueue_head(&s->wq);
	init_irq_work(&s->wakeup, nd_wakeup);
	s->ring_size = roundup_pow_of_two(clamp_t(u64, (u64)ring_kb << 10,
						  ND_MIN_RING, ND_MAX_RING));
	s->watermark = 1;
	/*
	 * Like /proc/kallsyms (kallsyms_show_value()): real addresses only
	 * for CAP_SYSLOG.  Checked once, at open, against the opener.
	 */
	s->show_addrs = has_capability_noaudit(current, CAP_SYSLOG);
	get_task_comm(s->comm, current);
	s->opened_ns = ktime_get_boottime_ns();

	mutex_lock(&nd_lock);
	if (nd_nr_sessions >= max_sessions) {
		mutex_unlock(&nd_lock);
		if (s->scope)
			put_net(s->scope);
		kfree(s);
		kfree(nf);
		return -EBUSY;
	}
	nd_nr_sessions++;
	s->id = ++nd_last_id;
	s->opener = get_pid(task_tgid(current));
	list_add_tail(&s->node, &nd_sessions);
	mutex_unlock(&nd_lock);
	file->private_data = s;
	return nonseekable_open(inode, file);
nomem:
	kfree(s);
	kfree(nf);
	return -ENOMEM;
}

static int nd_release(struct inode *inode, struct file *file)
{
	struct nd_session *s = file->private_data;
	int cpu;

	mutex_lock(&s->lock);
	nd_session_disable(s);
	mutex_unlock(&s->lock);
	/* Off the listing before its rings go. */
	mutex_lock(&nd_lock);
	list_del(&s->node);
	nd_nr_sessions--;
	mutex_unlock(&nd_lock);
	put_pid(s->opener);
	if (s->scope)
		put_net(s->scope);
	irq_work_sync(&s->wakeup);
	if (s->rings) {
		for_each_possible_cpu(cpu)
			nd_ring_free(s->rings[cpu]);
		kfree(s->rings);
	}
	kfree(rcu_dereference_protected(s->filter, true));
	mutex_destroy(&s->lock);
	kfree(s);
	return 0;
}

static void nd_fill_info(struct nd_session *s, struct netdrop_info *info)
{
	int cpu;

	memset(info, 0, sizeof(*info));
	info->abi_major = NETDROP_ABI_MAJOR;
	info->abi_minor = NETDROP_ABI_MINOR;
	info->nr_cpu_ids = nr_cpu_ids;
	info->page_size = PAGE_SIZE;
	for_each_possible_cpu(cpu)
		if (cpu < 256)
			info->possible_cpus[cpu / 64] |= 1ULL << (cpu % 64);
	info->tp_nargs = ND_TP_NARGS;
	info->nr_reasons = nd_reasons_count();
	mutex_lock(&s->lock);
	info->ring_size = s->ring_size;
	info->watermark = s->watermark;
	mutex_unlock(&s->lock);
	mutex_lock(&nd_lock);
	info->nr_sessions = nd_nr_sessions;
	info->nr_enabled = nd_nr_enabled;
	mutex_unlock(&nd_lock);
	local_irq_disable();
	info->mono_ns = ktime_get_ns();
	info->real_ns = ktime_get_real_ns();
	info->boot_ns = ktime_get_boottime_ns();
	local_irq_enable();
	strscpy(info->version, ND_VERSION, sizeof(info->version));
}

static void nd_fill_stats(struct nd_session *s, struct netdrop_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	mutex_lock(&s->lock);
	if (s->rings) {
		for_each_possible_cpu(cpu) {
			struct nd_ring *r = s->rings[cpu];

			st->seen += local64_read(&nd_ctrs(r)->seen);
			st->filtered += local64_read(&nd_ctrs(r)->filtered);
			st->recorded += local64_read(&nd_ctrs(r)->recorded);
			st->lost += local64_read(&nd_ctrs(r)->lost);
		}
	}
	mutex_unlock(&s->lock);
}

static void nd_describe_session(struct nd_session *s, struct nd_session *self,
				struct netdrop_session_entry *e, u64 *lost,
				u32 nr_lost)
{
	const struct nd_filter *nf;
	struct nd_ring **rings;
	int cpu;

	/* Pairs with the release in nd_session_alloc_rings(). */
	rings = smp_load_acquire(&s->rings);
	BUILD_BUG_ON(sizeof(e->comm) != sizeof(s->comm));
	e->id = s->id;
	e->pid = pid_vnr(s->opener);
	e->opened_ns = s->opened_ns;
	e->ring_size = READ_ONCE(s->ring_size);
	memcpy(e->comm, s->comm, sizeof(e->comm));
	if (READ_ONCE(s->enabled))
		e->flags |= NETDROP_SF_ENABLED;
	if (s == self)
		e->flags |= NETDROP_SF_SELF;
	rcu_read_lock();
	nf = rcu_dereference(s->filter);
	e->fields = nf->f.fields;
	e->options = nf->f.options;
	e->events = nf->f.events;
	rcu_read_unlock();
	if (!rings)
		return;
	e->flags |= NETDROP_SF_RINGS;
	for_each_possible_cpu(cpu) {
		struct nd_counters *c = nd_ctrs(rings[cpu]);
		u64 l = local64_read(&c->lost);

		e->seen += local64_read(&c->seen);
		e->filtered += local64_read(&c->filtered);
		e->recorded += local64_read(&c->recorded);
		e->lost += l;
		if (cpu < nr_lost)
			lost[cpu] = l;
	}
}

/*
 * A snapshot taken under nd_lock (a listed session keeps its rings),
 * copied to user space after the lock is dropped.
 */
static int nd_list_sessions(struct nd_session *self,
			    struct netdrop_sessions_req *req)
{
	u32 nr_lost = 0, cap, n = 0, total, i;
	struct netdrop_session_entry *e;
	struct nd_session *s;
	u64 *lost = NULL;
	int err = 0;

	if (req->lost) {
		if (req->nr_cpus > NETDROP_MAX_SESSION_CPUS)
			return -EINVAL;
		nr_lost = min_t(u32, req->nr_cpus, nr_cpu_ids);
	}
	mutex_lock(&nd_lock);
	cap = min(req->count, nd_nr_sessions);
	e = kvcalloc(max(cap, 1U), sizeof(*e), GFP_KERNEL);
	if (e && nr_lost)
		lost = kvcalloc(max(cap, 1U), (size_t)nr_lost * sizeof(u64),
				GFP_KERNEL);
	if (!e || (nr_lost && !lost)) {
		mutex_unlock(&nd_lock);
		err = -ENOMEM;
		goto out;
	}
	/* A scoped caller sees (and counts) its namespace's sessions only. */
	total = 0;
	list_for_each_entry(s, &nd_sessions, node) {
		if (self->scope_netns && s->scope_netns != self->scope_netns)
			continue;
		total++;
		if (n == cap)
			continue;
		nd_describe_session(s, self, &e[n],
				    lost ? &lost[(size_t)n * nr_lost] : NULL,
				    nr_lost);
		n++;
	}
	req->count = total;
	mutex_unlock(&nd_lock);
	req->nr_cpus = nr_cpu_ids;
	if (n && copy_to_user(u64_to_user_ptr(req->buf), e, n * sizeof(*e)))
		err = -EFAULT;
	for (i = 0; !err && lost && i < n; i++) {
		void __user *row = u64_to_user_ptr(req->lost +
			(u64)i * req->nr_cpus * sizeof(u64));

		if (copy_to_user(row, &lost[(size_t)i * nr_lost],
				 nr_lost * sizeof(u64)))
			err = -EFAULT;
	}
out:
	kvfree(lost);
	kvfree(e);
	return err;
}

static int nd_set_filter(struct nd_session *s, const struct netdrop_filter *f)
{
	struct nd_filter *nf, *old;
	int err = nd_filter_validate(f);

	if (err)
		return err;
	/* Stacks and location ranges are kernel addresses. */
	if (!s->show_addrs && ((f->options & NETDROP_OPT_STACK) ||
			       (f->fields & NETDROP_F_LOCATION)))
		return -EPERM;
	if (s->scope_netns && (f->fields & NETDROP_F_NETNS) &&
	    f->netns != s->scope_netns)
		return -EPERM;
	nf = kzalloc(sizeof(*nf), GFP_KERNEL);
	if (!nf)
		return -ENOMEM;
	nf->f = *f;
	nd_scope_filter(s, &nf->f);
	nd_filter_prepare(nf);
	mutex_lock(&s->lock);
	old = rcu_replace_pointer(s->filter, nf, lockdep_is_held(&s->lock));
	err = nd_session_sync_probes(s);
	mutex_unlock(&s->lock);
	kfree_rcu(old, rcu);
	return 0;
}

static int nd_set_ring(struct nd_session *s, u32 size)
{
	int err = 0;

	if (size < ND_MIN_RING || size > ND_MAX_RING || !is_power_of_2(size))
		return -EINVAL;
	mutex_lock(&s->lock);
	if (s->rings)
		err = -EBUSY;
	else
		s->ring_size = size;
	if (!err && s->watermark > size / 2)
		s->watermark = size / 2;
	mutex_unlock(&s->lock);
	return err;
}

static int nd_set_watermark(struct nd_session *s, u32 bytes)
{
	int err = 0;

	mutex_lock(&s->lock);
	if (!bytes || bytes > s->ring_size / 2)
		err = -EINVAL;
	else
		s->watermark = bytes;
	mutex_unlock(&s->lock);
	return err;
}

static long nd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct nd_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct netdrop_info info;
		struct netdrop_stats stats;
		struct netdrop_filter filter;
		struct netdrop_reasons_req reasons;
		struct netdrop_hooks_req hooks;
		struct netdrop_sessions_req sessions;
		u32 u32;
	} *u;
	long err;

	switch (cmd) {
	case NETDROP_IOC_ENABLE:
		mutex_lock(&s->lock);
		err = nd_session_enable(s);
		mutex_unlock(&s->lock);
		return err;
	case NETDROP_IOC_DISABLE:
		mutex_lock(&s->lock);
		nd_session_disable(s);
		mutex_unlock(&s->lock);
		return 0;
	case NETDROP_IOC_GET_INFO:
	case NETDROP_IOC_GET_STATS:
	case NETDROP_IOC_SET_FILTER:
	case NETDROP_IOC_GET_REASONS:
	case NETDROP_IOC_GET_HOOKS:
	case NETDROP_IOC_GET_SESSIONS:
	case NETDROP_IOC_SET_RING:
	case NETDROP_IOC_SET_WATERMARK:
		break;
	default:
		return -ENOTTY;
	}

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	err = 0;
	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		if (copy_from_user(u, uarg, _IOC_SIZE(cmd))) {
			err = -EFAULT;
			goto out;
		}
	}
	switch (cmd) {
	case NETDROP_IOC_GET_INFO:
		nd_fill_info(s, &u->info);
		break;
	case NETDROP_IOC_GET_STATS:
		nd_fill_stats(s, &u->stats);
		break;
	case NETDROP_IOC_SET_FILTER:
		err = nd_set_filter(s, &u->filter);
		break;
	case NETDROP_IOC_SET_RING:
		err = nd_set_ring(s, u->u32);
		break;
	case NETDROP_IOC_SET_WATERMARK:
		err = nd_set_watermark(s, u->u32);
		break;
	case NETDROP_IOC_GET_HOOKS:
		err = nd_hooks_ioctl(&u->hooks, s->show_addrs, s->scope);
		break;
	case NETDROP_IOC_GET_SESSIONS:
		err = nd_list_sessions(s, &u->sessions);
		break;
	case NETDROP_IOC_GET_REASONS:
		if (u->reasons.kind > NETDROP_REASONS_RESET) {
			err = -EINVAL;
			break;
		}
		err = nd_reasons_copy_to_user(u64_to_user_ptr(u->reasons.buf),
					      &u->reasons.count,
					      u->reasons.kind);
		break;
	}
	if (!err && (_IOC_DIR(cmd) & _IOC_READ) &&
	    copy_to_user(uarg, u, _IOC_SIZE(cmd)))
		err = -EFAULT;
out:
	kfree(u);
	return err;
}

static __poll_t nd_poll(struct file *file, struct poll_table_struct *wait)
{
	struct nd_session *s = file->private_data;
	struct nd_ring **rings;
	int cpu;

	poll_wait(file, &s->wq, wait);
	/* Pairs with the release in nd_session_alloc_rings(). */
	rings = smp_load_acquire(&s->rings);
	if (!rings)
		return 0;
	for_each_possible_cpu(cpu)
		if (nd_ring_avail(rings[cpu]))
			return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static int nd_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct nd_session *s = file->private_data;
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 cpu = offset / NETDROP_MMAP_CPU_STRIDE;
	int err;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	mutex_lock(&s->lock);
	err = nd_session_alloc_rings(s);
	if (!err)
		err = nd_ring_mmap(s->rings[cpu], vma,
				   offset % NETDROP_MMAP_CPU_STRIDE);
	mutex_unlock(&s->lock);
	return err;
}

static const struct file_operations nd_fops = {
	.owner = THIS_MODULE,
	.open = nd_open,
	.release = nd_release,
	.unlocked_ioctl = nd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = nd_poll,
	.mmap = nd_mmap,
};

static struct miscdevice nd_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "netdrop",
	.fops = &nd_fops,
	.mode = 0600,
};

static int __init nd_init(void)
{
	int err = misc_register(&nd_misc);

	if (err)
		return err;
	pr_info("version %s loaded (kfree_skb with %d arguments, %u drop reasons)\n",
		ND_VERSION, ND_TP_NARGS, nd_reasons_count());
	return 0;
}

static void __exit nd_exit(void)
{
	misc_deregister(&nd_misc);
}

module_init(nd_init);
module_exit(nd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netdrop: where and why the kernel drops packets");
MODULE_VERSION(ND_VERSION);
MODULE_INFO(tp_nargs, __stringify(ND_TP_NARGS));
