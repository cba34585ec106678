// SPDX-License-Identifier: GPL-2.0
/*
 * TCP resets as records: who sent that RST, and why.
 *
 * Kprobes on the three places TCP sends a reset:
 *   tcp_v4_send_reset(sk, skb[, reason])  passive: answers a segment for
 *   tcp_v6_send_reset(sk, skb[, reason])  which no (or the wrong) socket was
 *                                         found; sk may be NULL, a request or
 *                                         a TIME_WAIT socket
 *   tcp_send_active_reset(sk, gfp|reason) active: the local socket aborts
 * The tcp:tcp_send_reset tracepoint misses resets sent without a full
 * socket before 6.10, so we do not rely on it.  Whether the functions take
 * an enum sk_rst_reason (6.10+) is decided by a compile probe.
 *
 * Kprobe handlers run with preemption disabled, like the tracepoint
 * probe, so records go to the current CPU's ring the same way.
 */
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/ipv6.h>
#ifdef ND_HAVE_RST_REASON
#include <net/rstreason.h>
#endif
#include "nd_decode.h"
#include "nd_netdev.h"
#include "nd_ring.h"
#include "nd_reset.h"
#include "nd_session.h"

static void nd_reset_init(struct netdrop_reset *r, u8 kind, unsigned long fn)
{
	memset(r, 0, sizeof(*r));
	r->hdr.type = NETDROP_REC_RESET;
	r->ts_ns = ktime_get_mono_fast_ns();
	r->location = fn;
	r->cpu = smp_processor_id();
	r->pid = current->tgid;
	r->kind = kind;
	r->ctx = nd_context();
	r->state = NETDROP_TCP_STATE_NONE;
	memcpy(r->comm, current->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
}

static int nd_kp_passive(struct kprobe *kp, struct pt_regs *regs)
{
	const struct sock *sk = (const void *)regs_get_kernel_argument(regs, 0);
	const struct sk_buff *skb = (const void *)regs_get_kernel_argument(regs, 1);
	struct nd_netdev_info dev = { 0 };
	struct netdrop_drop seg;
	struct netdrop_reset r;

	if (!skb)
		return 0;
	nd_reset_init(&r, NETDROP_RST_PASSIVE, (unsigned long)kp->addr);
#ifdef ND_HAVE_RST_REASON
	r.reason = regs_get_kernel_argument(regs, 2);
#endif
	r.skb = (unsigned long)skb;
	/* The RST answers the segment: its tuple is the segment's, reversed. */
	memset(&seg, 0, sizeof(seg));
	nd_decode(skb, &seg);
	if (!(seg.hdr.flags & NETDROP_RF_DECODED))
		return 0;
	r.family = seg.family;
	memcpy(r.saddr, seg.daddr, sizeof(r.saddr));
	memcpy(r.daddr, seg.saddr, sizeof(r.daddr));
	r.sport = seg.dport;
	r.dport = seg.sport;
	/* skb->dev only as a number, as in nd_probe.c. */
	nd_netdev_lookup((unsigned long)READ_ONCE(skb->dev), &dev);
	if (!sk) {
		r.facts |= NETDROP_RSTF_NO_SOCKET;
		r.netns = dev.netns;
	} else {
		r.state = READ_ONCE(sk->sk_state);
		if (r.state == TCP_TIME_WAIT)
			r.facts |= NETDROP_RSTF_TIMEWAIT;
		else if (r.state == TCP_NEW_SYN_RECV)
			r.facts |= NETDROP_RSTF_REQSOCK;
		r.netns = sock_net(sk)->ns.inum;
	}
	nd_emit_reset(&r, dev.ifindex);
	return 0;
}

NOKPROBE_SYMBOL(nd_kp_passive);

/*
 * tcp_close() and tcp_disconnect() move the socket to TCP_CLOSE before
 * they send the reset.  A kprobe on tcp_set_state() remembers, per socket,
 * the state it left for TCP_CLOSE, so the record can say "ESTABLISHED".
 */
#define ND_CLOSED_SLOTS 256

struct nd_closed {
	unsigned long sk;
	u8 old_state;
};

static struct nd_closed nd_closed[ND_CLOSED_SLOTS];

static int nd_kp_set_state(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	int state = regs_get_kernel_argument(regs, 1);
	struct nd_closed *c;

	if (!sk || state != TCP_CLOSE)
		return 0;
	c = &nd_closed[hash_ptr(sk, ilog2(ND_CLOSED_SLOTS))];
	WRITE_ONCE(c->sk, 0);
	WRITE_ONCE(c->old_state, READ_ONCE(sk->sk_state));
	/* Publish the state before the key (pairs with nd_state_before_close). */
	smp_store_release(&c->sk, (unsigned long)sk);
	return 0;
}

NOKPROBE_SYMBOL(nd_kp_set_state);

static u8 nd_state_before_close(const struct sock *sk)
{
	struct nd_closed *c = &nd_closed[hash_ptr(sk, ilog2(ND_CLOSED_SLOTS))];
	/* Pairs with the release in nd_kp_set_state. */
	unsigned long key = smp_load_acquire(&c->sk);
	u8 state = READ_ONCE(c->old_state);

	return key == (unsigned long)sk ? state : TCP_CLOSE;
}

#ifdef ND_HAVE_TCP_ORPHAN_COUNT
static u32 nd_orphans(void)
{
	int cpu;
	u32 n = 0;

	for_each_possible_cpu(cpu)
		n += per_cpu(tcp_orphan_count, cpu);
	return (s32)n < 0 ? 0 : n;
}
#else
/* Not exported (7.x): say so rather than report zero orphans. */
static u32 nd_orphans(void)
{
	return NETDROP_ORPHANS_UNKNOWN;
}
#endif

static int nd_kp_active(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	const struct inet_sock *inet;
	const struct tcp_sock *tp;
	struct netdrop_reset r;
	u32 unread;

	if (!sk || sk->sk_protocol != IPPROTO_TCP)
		return 0;
	nd_reset_init(&r, NETDROP_RST_ACTIVE, (unsigned long)kp->addr);
#ifdef ND_HAVE_RST_REASON
	r.reason = regs_get_kernel_argument(regs, 1);
#endif
	inet = inet_sk(sk);
	tp = tcp_sk(sk);
	r.family = sk->sk_family;
	r.state = READ_ONCE(sk->sk_state);
	if (r.state == TCP_CLOSE)
		r.state = nd_state_before_close(sk);
	r.netns = sock_net(sk)->ns.inum;
	r.sport = ntohs(inet->inet_sport);
	r.dport = ntohs(inet->inet_dport);
#if IS_ENABLED(CONFIG_IPV6)
	/* A dual-stack socket talking IPv4 reports IPv4 addresses. */
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		memcpy(r.saddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(r.daddr, &sk->sk_v6_daddr, 16);
	} else {
		r.family = AF_INET;
		memcpy(r.saddr, &inet->inet_saddr, 4);
		memcpy(r.daddr, &inet->inet_daddr, 4);
	}
#else
	memcpy(r.saddr, &inet->inet_saddr, 4);
	memcpy(r.daddr, &inet->inet_daddr, 4);
#endif
	if (sock_flag(sk, SOCK_LINGER) && !READ_ONCE(sk->sk_lingertime))
		r.facts |= NETDROP_RSTF_LINGER0;
	unread = READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq);
	if (unread && unread < (1U << 31)) {
		r.unread = unread;
		r.facts |= NETDROP_RSTF_UNREAD;
	}
	if (tcp_under_memory_pressure(sk))
		r.facts |= NETDROP_RSTF_MEM_PRESSURE;
	r.orphans = nd_orphans();
	nd_emit_reset(&r, 0);
	return 0;
}

NOKPROBE_SYMBOL(nd_kp_active);

/* The first three send resets; tcp_set_state() only adds the state. */
#define ND_RESET_SENDERS 3
static const struct {
	const char *symbol;
	kprobe_pre_handler_t handler;
} nd_reset_sites[] = {
	{ "tcp_v4_send_reset", nd_kp_passive },
	{ "tcp_v6_send_reset", nd_kp_passive },
	{ "tcp_send_active_reset", nd_kp_active },
	{ "tcp_set_state", nd_kp_set_state },
};

static struct kprobe nd_reset_kps[ARRAY_SIZE(nd_reset_sites)];
static struct kprobe *nd_reset_live[ARRAY_SIZE(nd_reset_sites)];
static unsigned int nd_reset_nr_live;
static unsigned int nd_reset_users;	/* serialised by the caller */

static void nd_reset_unregister_all(void)
{
	unsigned int i;

	/* One synchronisation for all of them. */
	if (nd_reset_nr_live)
		unregister_kprobes(nd_reset_live, nd_reset_nr_live);
	for (i = 0; i < ARRAY_SIZE(nd_reset_live); i++)
		nd_reset_live[i] = NULL;
	WRITE_ONCE(nd_reset_nr_live, 0);
}

/*
 * Succeeds when at least one of the functions that send resets could be
 * probed: without them there would be no reset records at all.
 */
int nd_reset_get(void)
{
	unsigned int i, senders = 0;

	if (nd_reset_users++)
		return 0;
	memset(nd_closed, 0, sizeof(nd_closed));
	for (i = 0; i < ARRAY_SIZE(nd_reset_sites); i++) {
		struct kprobe *kp = &nd_reset_kps[i];

		if (i < ND_RESET_SENDERS && (nd_fault_inject & ND_FAULT_RESETS))
			continue;
		/* A kprobe can be registered again only from a clean state. */
		memset(kp, 0, sizeof(*kp));
		kp->symbol_name = nd_reset_sites[i].symbol;
		kp->pre_handler = nd_reset_sites[i].handler;
		if (register_kprobe(kp))
			continue;
		nd_reset_live[nd_reset_nr_live] = kp;
		WRITE_ONCE(nd_reset_nr_live, nd_reset_nr_live + 1);
		senders += i < ND_RESET_SENDERS;
	}
	if (!senders) {
		nd_reset_unregister_all();
		nd_reset_users--;
		return -ENOENT;
	}
	return 0;
}

void nd_reset_put(void)
{
	if (--nd_reset_users)
		return;
	nd_reset_unregister_all();
}

unsigned int nd_reset_nr_probes(void)
{
	return READ_ONCE(nd_reset_nr_live);
}

#ifdef ND_HAVE_RST_REASON
#define ND_RST_FN(r)	\
	[SK_RST_REASON_##r] = #r,
static const char * const nd_rst_names[] = {
	DEFINE_RST_REASON(ND_RST_FN, ND_RST_FN)
};

u32 nd_rst_reasons_fill(struct netdrop_reason *out, u32 max)
{
	u32 i, n = 0;

	for (i = 0; i < ARRAY_SIZE(nd_rst_names); i++) {
		if (!nd_rst_names[i])
			continue;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].value = i;
			strscpy(out[n].name, nd_rst_names[i], sizeof(out[n].name));
		}
		n++;
	}
	return n;
}
#else
u32 nd_rst_reasons_fill(struct netdrop_reason *out, u32 max)
{
	return 0;
}
#endif
