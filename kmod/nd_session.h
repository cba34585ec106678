/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_SESSION_H
#define _ND_SESSION_H

#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <netdrop/netdrop.h>

struct nd_filter;
struct nd_ring;
struct net;
struct pid;
struct pid_namespace;

/*
 * One open() of /dev/netdrop.
 *
 * Locking: nd_lock (mutex, nd_session.c) serialises enable/disable, the
 * probe registrations and the session lists.  session->lock (mutex)
 * serialises one session's configuration; it is never held across
 * user-space copies, so taking it in ->mmap (under mmap_lock) cannot
 * invert with a page fault.  The probe takes no lock: it reads the active
 * list and each session's filter under RCU and writes only to the ring
 * of the CPU it runs on.
 */
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
	/*
	 * Aggregation tables: made, under lock, with the first filter that
	 * aggregates, before that filter is published (the probe finds them
	 * through the filter); freed with the session.
	 */
	struct nd_agg *agg;
	u32 agg_slots;
	bool enabled;
	bool hooks;			/* holds a hook attribution reference */
	bool resets;			/* holds a reset probes reference */
	bool show_addrs;		/* opener may read kernel addresses */
	/*
	 * Opened with CAP_NET_ADMIN only over its own network namespace (a
	 * container): it sees that namespace's drops and resets only, and
	 * tasks of its own pid namespace only.  The references keep the
	 * inode number from being reused and the pid namespace alive.
	 */
	struct net *scope;
	u32 scope_netns;		/* its inode, 0: every namespace */
	struct pid_namespace *scope_pidns;
	wait_queue_head_t wq;
	struct irq_work wakeup;
	/* A wakeup queued since the reader last polled (nd_poll()). */
	bool wake_pending;
};

/* The sessions the probes write to: RCU list, nd_lock for writers. */
extern struct list_head nd_active;

struct nd_session *nd_session_open(void);
void nd_session_release(struct nd_session *s);
int nd_session_enable(struct nd_session *s);
void nd_session_disable(struct nd_session *s);
int nd_session_alloc_rings(struct nd_session *s);
int nd_set_filter(struct nd_session *s, const struct netdrop_filter *f);
int nd_set_ring(struct nd_session *s, u32 size);
int nd_set_watermark(struct nd_session *s, u32 bytes);
int nd_set_agg_slots(struct nd_session *s, u32 slots);
int nd_read_agg(struct nd_session *s, struct netdrop_agg_req *req);
void nd_fill_info(struct nd_session *s, struct netdrop_info *info);
void nd_fill_stats(struct nd_session *s, struct netdrop_stats *st);
int nd_list_sessions(struct nd_session *self, struct netdrop_sessions_req *req);

/* nd_probe.c: the kfree_skb tracepoint probe. */
int nd_probe_register(void);
void nd_probe_unregister(void);

/* Test-only fault injection (module parameter fault_inject). */
#define ND_FAULT_RESETS	BIT(0)	/* the three reset kprobes fail */
#define ND_FAULT_HOOKS	BIT(1)	/* hook attribution cannot start */
extern unsigned int nd_fault_inject;

#endif
