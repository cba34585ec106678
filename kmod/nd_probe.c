// SPDX-License-Identifier: GPL-2.0
/*
 * The kfree_skb probe: probe -> origin -> decode -> filter -> ring.
 *
 * It runs on every skb the kernel frees, in every context (task, softirq,
 * hardirq, nested), on packets and on skbs that never were packets (unix,
 * netlink), and on skbs whose owner is going away.  It takes no lock and
 * writes only to the ring of the CPU it runs on.
 *
 * What it reads of the skb, and why each read is safe:
 *
 * - skb->len, data_len, protocol, mark, skb_iif: plain numbers; a wrong
 *   one gives a wrong field in the record, never a fault.  (mark shares
 *   its word with reserved_tailroom.)
 * - head, data, tail/end and the network/MAC header offsets, through
 *   nd_decode.c only: every read is bounded to the linear buffer or goes
 *   through skb_header_pointer(), so an offset that was never set reads
 *   bytes of the skb's own buffer or nothing.  The frags and frag_list
 *   belong to the skb until it is freed, which is after the tracepoint.
 * - skb->dev: never dereferenced.  UDP keeps dev_scratch (truesize, len,
 *   flags) there once a datagram is queued, fragments and TCP's
 *   out-of-order queue keep an rb_node there, and a device may be gone.
 *   The value is looked up as a number in nd_netdev.c's table of
 *   registered devices: ifindex, netns and name come from that table.
 * - skb->sk: before 6.9 (and in kernels without that fix backported) IP
 *   reassembly stored ip_defrag_offset in the same word, a number below
 *   65536.  Used only when it is a direct-map address (virt_addr_valid),
 *   as every socket is.  A socket referenced by an skb outlives the skb
 *   (wmem, rmem or a reference; it is freed after its queues are purged).
 *   sk_family and the netns pointer are in sock_common, valid for request
 *   and TIME_WAIT sockets too.  Its netns is read only when the socket
 *   holds a reference on it (sk_net_refcnt) or is a request or TIME_WAIT
 *   socket (purged before their netns goes): a kernel socket's netns (a
 *   tunnel's) can be gone while one of its skbs waits in another netns.
 * - skb->_nfct: the skb's own reference on its conntrack entry, read
 *   through nd_ct.c only (see there).
 * - rx_sk (4-argument tracepoint): the socket the drop was for, as the
 *   caller passed it; the same rules.  (A TIME_WAIT socket just put can
 *   be recycled: its slab is SLAB_TYPESAFE_BY_RCU, so the read is of a
 *   socket, at worst another one's netns.)
 *
 * The device, when skb->dev is one, gives ifindex and netns; else ifindex
 * is skb_iif (the input device, like drop_monitor reports), the netns the
 * socket's, and the name is looked up in that netns.
 *
 * Preemption is disabled for the whole probe: tracepoints on 7.x call
 * probes under SRCU, preemptible, and the rings are per CPU.  That section
 * is also the probe's RCU read side (no rcu_read_lock(), two calls fewer
 * per drop): since the RCU flavours were consolidated (4.20),
 * synchronize_rcu(), call_rcu() and kfree_rcu() wait for preempt-disabled
 * code as for rcu_read_lock(), on PREEMPT_RCU and PREEMPT_RT too.  What
 * the probe reads under RCU (the session list and filters, the device
 * table, the hook cache) is therefore read with the _sched or _check
 * flavour of rcu_dereference(), so that lockdep knows.
 */
#include <linux/mm.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/pid_namespace.h>
#include <linux/stacktrace.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <net/sock.h>
#include <net/net_namespace.h>
#include <trace/events/skb.h>

#include "nd_agg.h"
#include "nd_compat.h"
#include "nd_ct.h"
#include "nd_ring.h"
#include "nd_decode.h"
#include "nd_filter.h"
#include "nd_netdev.h"
#include "nd_verdict.h"
#include "nd_reset.h"
#include "nd_session.h"

/* What every session sees of one drop, decoded at most once. */
struct nd_event {
	const struct sk_buff *skb;
	u64 location;
	u32 reason;
	u32 ifindex;
	u32 netns;
	int nhoff;		/* network header offset, INT_MIN if none */
	bool not_ip;		/* a unix or netlink socket's skb */
	bool decoded;		/* rec's headers: what a filter looks at */
	bool filled;		/* the rest of rec: time, task, names */
	bool has_hook;
	char ifname[NETDROP_IFNAMSIZ];	/* from the device table, or "" */
	struct nd_hook_hit hook;	/* names under RCU, with has_hook */
	struct netdrop_drop rec;
};

/* skb->sk when it is a socket (see the top of this file). */
static const struct sock *nd_skb_sk(const struct sk_buff *skb)
{
	const struct sock *sk = READ_ONCE(skb->sk);

	if (!sk || !virt_addr_valid(sk))
		return NULL;
	return sk;
}

/* The netns of @sk when it is sure to be alive (see the top). */
static u32 nd_sock_netns(const struct sock *sk)
{
	/* Set at creation, never changed: a plain read (a bit-field). */
	if (sk_fullsock(sk) && !sk->sk_net_refcnt)
		return 0;
	return sock_net(sk)->ns.inum;
}

/* Device, namespace and kind of the drop, from trusted fields only. */
static void nd_event_origin(struct nd_event *ev, const struct sock *rx_sk)
{
	const struct sk_buff *skb = ev->skb;
	const struct sock *sk = rx_sk ? rx_sk : nd_skb_sk(skb);
	struct nd_netdev_info dev __uninitialized;	/* read if found */
	unsigned long dev_addr;

	ev->ifindex = READ_ONCE(skb->skb_iif);
	ev->netns = 0;
	ev->not_ip = false;
	/* Every byte: the name is copied to user space whole. */
	memset(ev->ifname, 0, sizeof(ev->ifname));
	if (sk) {
		u16 family = READ_ONCE(sk->sk_family);

		ev->not_ip = family == AF_UNIX || family == AF_NETLINK;
	}
	dev_addr = (unsigned long)READ_ONCE(skb->dev);
	if (dev_addr && nd_netdev_lookup(dev_addr, &dev)) {
		ev->ifindex = dev.ifindex;
		ev->netns = dev.netns;
		BUILD_BUG_ON(sizeof(ev->ifname) != sizeof(dev.name));
		memcpy(ev->ifname, dev.name, sizeof(dev.name));
		return;
	}
	if (sk)
		ev->netns = nd_sock_netns(sk);
}

/*
 * The headers, all a filter's address and port fields need: a filter that
 * rejects costs no clock read, name lookup or task copy.
 */
static void nd_event_decode(struct nd_event *ev)
{
	struct netdrop_drop *rec = &ev->rec;

	ev->decoded = true;
	/* What nd_decode() may leave unwritten: the flags and headers. */
	rec->hdr.flags = 0;
	memset((u8 *)rec + offsetof(struct netdrop_drop, family), 0,
	       offsetof(struct netdrop_drop, ctx) -
	       offsetof(struct netdrop_drop, family));
	ev->nhoff = ev->not_ip ? INT_MIN : nd_decode(ev->skb, rec);
}

/*
 * nd_event_decode() and nd_event_fill() write every byte of the record
 * between them, each zeroing only the fields it may leave unwritten, so
 * that a filter that rejects zeroes 42 bytes, not 176.  The layout they
 * assume: the decoded headers end where ctx begins, the offsets follow
 * ctx, and the fixed part ends with the hook (a field added to the ABI
 * must be placed, and zeroed, here).
 */
static void nd_event_layout_check(void)
{
	BUILD_BUG_ON(offsetof(struct netdrop_drop, family) !=
		     offsetofend(struct netdrop_drop, protocol));
	BUILD_BUG_ON(offsetof(struct netdrop_drop, nr_stack) !=
		     offsetofend(struct netdrop_drop, ctx));
	BUILD_BUG_ON(offsetof(struct netdrop_drop, pid) !=
		     offsetofend(struct netdrop_drop, mark));
	BUILD_BUG_ON(offsetof(struct netdrop_drop, ts_ns) !=
		     sizeof(struct netdrop_rec_hdr));
	BUILD_BUG_ON(sizeof(struct netdrop_drop) !=
		     offsetofend(struct netdrop_drop, hook));
}

/* The rest of a record, once a session takes the drop. */
static void nd_event_fill(struct nd_event *ev)
{
	const struct sk_buff *skb = ev->skb;
	struct netdrop_drop *rec = &ev->rec;

	if (!ev->decoded)
		nd_event_decode(ev);
	ev->filled = true;
	nd_event_layout_check();
	/*
	 * From the offsets to the end (the names, the hole before the hook,
	 * the hook): the rest is written field by field below, hdr.size and
	 * seq by each session.
	 */
	memset((u8 *)rec + offsetof(struct netdrop_drop, nr_stack), 0,
	       sizeof(*rec) - offsetof(struct netdrop_drop, nr_stack));
	/* By index only for a record: the filters need no name. */
	memcpy(rec->ifname, ev->ifname, sizeof(rec->ifname));
	if (!rec->ifname[0])
		nd_netdev_name(ev->netns, ev->ifindex, rec->ifname);
	rec->hdr.type = NETDROP_REC_DROP;
	rec->ts_ns = ktime_get_mono_fast_ns();
	rec->location = ev->location;
	rec->skb = (unsigned long)skb;
	rec->reason = ev->reason;
	rec->cpu = smp_processor_id();
	rec->netns = ev->netns;
	rec->ifindex = ev->ifindex;
	rec->len = READ_ONCE(skb->len);
	rec->mark = READ_ONCE(skb->mark);
	rec->protocol = ntohs(READ_ONCE(skb->protocol));
	rec->ctx = nd_context();
	rec->pid = current->tgid;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	if (ev->has_hook)
		rec->hook = ev->hook.info;
}

/*
 * A session scoped to a container sees the tasks of its pid namespace
 * only: any other task current at the drop (the host's, in task or
 * interrupt context) is pid 0 with no command.
 */
static void nd_scope_task(const struct nd_session *s, u32 *pid, char *comm)
{
	if (likely(!s->scope_pidns))
		return;
	*pid = task_tgid_nr_ns(current, s->scope_pidns);
	if (!*pid)
		memset(comm, 0, NETDROP_COMMLEN);
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
 * end when @stack (its depth into *@nr_stack, a field of the record),
 * gives back what the stack did not use (if nobody reserved after us),
 * publishes, and wakes a sleeping reader at the watermark.  Every byte of
 * the record is written before nd_ring_commit() publishes it.
 */
static void nd_record_finish(struct nd_session *s, struct nd_ring *ring,
			     struct netdrop_rec_hdr *hdr, __u16 *nr_stack,
			     unsigned long pos, u32 used, u32 len, bool stack,
			     unsigned long first)
{
	*nr_stack = 0;
	if (stack) {
		*nr_stack = nd_capture_stack((unsigned long *)((u8 *)hdr + used),
					     first);
		hdr->flags |= NETDROP_RF_STACK;
	}
	hdr->size = used + *nr_stack * sizeof(u64);
	if (hdr->size < len && !nd_ring_shrink(ring, pos, len, hdr->size)) {
		memset((u8 *)hdr + hdr->size, 0, len - hdr->size);
		hdr->size = len;
	}
	nd_ring_commit(ring);
	/*
	 * One wakeup per sleep, not one per record: until the woken reader
	 * polls again, it is awake (or about to be), and another irq_work
	 * would be another self-IPI and another wake_up() for nothing (with
	 * the reader on this CPU, that was a tenth of a record's cost).
	 * wq_has_sleeper() orders the producer_pos store of the commit
	 * before reading the wait queue and wake_pending (smp_mb); pairs
	 * with the smp_mb() in nd_poll() after poll_wait() and its clearing
	 * of wake_pending, so either the poller sees the data or we see the
	 * poller with no wakeup pending.
	 */
	if (nd_ring_avail(ring) >= READ_ONCE(s->watermark) &&
	    wq_has_sleeper(&s->wq) &&
	    !READ_ONCE(s->wake_pending)) {
		WRITE_ONCE(s->wake_pending, true);
		irq_work_queue(&s->wakeup);
	}
}

static void nd_put_names(struct netdrop_drop *rec, u32 off,
			 const struct nd_hook_hit *h)
{
	struct netdrop_hook_names *n = (void *)((u8 *)rec + off);

	rec->names_off = off;
	rec->hdr.flags |= NETDROP_RF_HOOK;
	if (h->desc)
		memcpy(n, &h->desc->names, sizeof(*n));
	else
		memset(n, 0, sizeof(*n));
	/* Records are 8-aligned, and so is the fixed part: n->rule is. */
	n->rule = h->rule;
	if (h->rule)
		rec->hdr.flags |= NETDROP_RF_RULE;
}

/*
 * An aggregating session: the drop is counted under its key, decoded only
 * when the filter has address or port fields.
 */
static void nd_session_count(struct nd_ring *ring, const struct nd_filter *nf,
			     struct nd_event *ev, bool hook)
{
	struct nd_agg_key key __uninitialized;	/* memset below */

	if (nf->post_fields) {
		if (!ev->decoded)
			nd_event_decode(ev);
		if (!nd_filter_match_post(nf, &ev->rec)) {
			local64_inc(&nd_ctrs(ring)->filtered);
			return;
		}
	}
	memset(&key, 0, sizeof(key));
	key.location = ev->location;
	key.reason = ev->reason;
	key.netns = ev->netns;
	key.ifindex = ev->ifindex;
	if (hook) {
		key.has_hook = 1;
		key.hook_func = ev->hook.info.func;
		key.hook_priority = ev->hook.info.priority;
		key.hook_pf = ev->hook.info.pf;
		key.hook_hooknum = ev->hook.info.hooknum;
		key.hook_ops_type = ev->hook.info.ops_type;
	}
	if (nd_agg_count(nf->agg, &key, READ_ONCE(ev->skb->len), ev->ifname)) {
		local64_inc(&nd_ctrs(ring)->recorded);
	} else {
		/* Like a lost record: counted, and its sequence number taken. */
		nd_ring_next_seq(ring);
		local64_inc(&nd_ctrs(ring)->lost);
	}
}

/*
 * Record layout: fixed part, hook names, conntrack entry, packet bytes,
 * then the stack, last because only its size is unknown until captured.
 */
static void nd_session_drop(struct nd_session *s, struct nd_event *ev)
{
	struct nd_ring *ring = s->rings[smp_processor_id()];
	const struct nd_filter *nf = rcu_dereference_sched(s->filter);
	const struct netdrop_filter *f = &nf->f;
	bool hook = ev->has_hook && (f->options & NETDROP_OPT_HOOKS);
	bool stack = f->options & NETDROP_OPT_STACK;
	bool ct;
	struct netdrop_drop *rec;
	u32 off, len, snap = 0, used;
	unsigned long pos;

	nd_assert_nopreempt();
	if (f->events && !(f->events & NETDROP_EV_DROP))
		return;
	local64_inc(&nd_ctrs(ring)->seen);
	if (!nd_filter_match_pre(nf, ev->location, ev->reason, ev->ifindex,
				 ev->netns))
		goto filtered;
	if (f->options & NETDROP_OPT_AGGREGATE) {
		nd_session_count(ring, nf, ev, hook);
		return;
	}
	if (nf->post_fields) {
		if (!ev->decoded)
			nd_event_decode(ev);
		if (!nd_filter_match_post(nf, &ev->rec))
			goto filtered;
	}
	if (!ev->filled)
		nd_event_fill(ev);

	if (f->snaplen && ev->nhoff != INT_MIN)
		snap = nd_packet_avail(ev->skb, ev->nhoff, f->snaplen);
	len = sizeof(*rec);
	if (hook)
		len += sizeof(struct netdrop_hook_names);
	ct = !ev->not_ip && nd_ct_present(ev->skb);
	if (ct)
		len += sizeof(struct netdrop_ct);
	len = ALIGN(len + snap, 8);
	if (stack)
		len += NETDROP_MAX_STACK * sizeof(u64);

	rec = nd_ring_reserve(ring, len, &pos);
	if (!rec)
		return;
	memcpy(rec, &ev->rec, sizeof(*rec));
	rec->seq = nd_ring_next_seq(ring);
	nd_scope_task(s, &rec->pid, rec->comm);
	if (unlikely(!s->show_addrs)) {
		/* Only who can read /proc/kallsyms gets kernel addresses. */
		rec->location = 0;
		rec->skb = 0;
		rec->hook.func = 0;
	}
	off = sizeof(*rec);
	if (hook) {
		nd_put_names(rec, off, &ev->hook);
		off += sizeof(struct netdrop_hook_names);
	} else {
		memset(&rec->hook, 0, sizeof(rec->hook));
	}
	if (ct) {
		nd_ct_describe(ev->skb, (void *)((u8 *)rec + off));
		rec->ct_off = off;
		rec->hdr.flags |= NETDROP_RF_CT;
		off += sizeof(struct netdrop_ct);
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
	nd_record_finish(s, ring, &rec->hdr, &rec->nr_stack, pos, used, len,
			 stack, ev->location);
	return;
filtered:
	local64_inc(&nd_ctrs(ring)->filtered);
}

static __always_inline void nd_probe_common(const struct sk_buff *skb,
					    void *location, u32 reason,
					    const struct sock *rx_sk)
{
	/*
	 * Not zeroed on entry (CONFIG_INIT_STACK_ALL_ZERO would clear its
	 * 300-odd bytes on every drop, the probe's largest cost in a count):
	 * every field is written before it is read (origin, decode, fill).
	 */
	struct nd_event ev __uninitialized;
	struct nd_session *s;

	ev.skb = skb;
	ev.location = (unsigned long)location;
	ev.reason = reason;
	ev.decoded = false;
	ev.filled = false;
	/* One CPU's rings from reserve to commit (see the top). */
	preempt_disable_notrace();
	nd_event_origin(&ev, rx_sk);
	ev.has_hook = nd_verdict_find((unsigned long)skb, ev.location, &ev.hook);
	list_for_each_entry_rcu(s, &nd_active, active, rcu_read_lock_sched_held())
		nd_session_drop(s, &ev);
	preempt_enable_notrace();
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

	/* Kprobe handlers run with preemption disabled. */
	nd_assert_nopreempt();
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
		rec->seq = nd_ring_next_seq(ring);
		nd_scope_task(s, &rec->pid, rec->comm);
		if (unlikely(!s->show_addrs)) {
			rec->location = 0;
			rec->skb = 0;
		}
		if (stack)
			rec->stack_off = used;
		nd_record_finish(s, ring, &rec->hdr, &rec->nr_stack, pos, used,
				 len, stack, 0);
	}
	rcu_read_unlock();
}

#if ND_TP_NARGS == 4
#ifdef ND_TP_RX_SK_CONST
#define ND_RX_SK_QUAL const
#else
#define ND_RX_SK_QUAL
#endif
static void nd_probe(void *data, struct sk_buff *skb, void *location,
		     enum skb_drop_reason reason, ND_RX_SK_QUAL struct sock *rx_sk)
{
	nd_probe_common(skb, location, reason, rx_sk);
}
#elif ND_TP_NARGS == 3
static void nd_probe(void *data, struct sk_buff *skb, void *location,
		     enum skb_drop_reason reason)
{
	nd_probe_common(skb, location, reason, NULL);
}
#else
static void nd_probe(void *data, struct sk_buff *skb, void *location)
{
	nd_probe_common(skb, location, 0, NULL);
}
#endif

int nd_probe_register(void)
{
	return register_trace_kfree_skb(nd_probe, NULL);
}

/* Probes may still run until tracepoint_synchronize_unregister(). */
void nd_probe_unregister(void)
{
	unregister_trace_kfree_skb(nd_probe, NULL);
}
