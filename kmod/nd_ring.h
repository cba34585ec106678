/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_RING_H
#define _ND_RING_H

#include <linux/types.h>
#include <asm/local.h>
#include <asm/local64.h>
#include <linux/bug.h>
#include <linux/preempt.h>
#include <netdrop/netdrop.h>
#include "nd_compat.h"

/*
 * Debug builds (make ... ND_DEBUG=1) check, on any kernel, that the per-CPU
 * rings are only used with preemption disabled: what DEBUG_PREEMPT checks
 * for smp_processor_id(), for kernels built without it (7.x calls
 * tracepoint probes preemptibly).
 */
static inline void nd_assert_nopreempt(void)
{
#ifdef ND_DEBUG
	WARN_ON_ONCE(preemptible());
#endif
}

/*
 * One per-CPU ring of one session.  Only the CPU that owns the ring writes
 * to it, with preemption disabled; interrupts may nest producers on that
 * CPU (task -> softirq -> hardirq -> NMI), which the nest counter handles
 * the way the perf ring buffer does (see nd_ring.c).
 */
struct nd_ring {
	local_t head;			/* reserved up to here */
	unsigned int nest;		/* producers active on this CPU */
	u64 size;			/* data bytes, power of two */
	u64 mask;
	local64_t seq;
	struct netdrop_ring_consumer *cons;	/* user-writable page */
	struct netdrop_ring_ctrl *ctrl;		/* read-only to user */
	u8 *data;			/* size bytes, mapped twice */
	void *area;			/* vmap of all pages */
	struct page **pages;
	unsigned int nr_pages;		/* distinct pages */
	unsigned int nr_area_pages;	/* pages in the vmap, data twice */
};

/*
 * The counters in the user-visible control page are updated by producers
 * that may nest on one CPU: the kernel accesses them as local64_t, which
 * has the layout of the __u64 fields user space reads.
 */
struct nd_counters {
	local64_t seen;
	local64_t filtered;
	local64_t recorded;
	local64_t lost;
};

static inline struct nd_counters *nd_ctrs(struct nd_ring *ring)
{
	BUILD_BUG_ON(sizeof(local64_t) != sizeof(__u64));
	BUILD_BUG_ON(offsetof(struct netdrop_ring_ctrl, lost) -
		     offsetof(struct netdrop_ring_ctrl, seen) !=
		     offsetof(struct nd_counters, lost));
	return (struct nd_counters *)&ring->ctrl->seen;
}

struct nd_ring *nd_ring_alloc(int cpu, u64 size);
void nd_ring_free(struct nd_ring *ring);

/* Producer side: preemption must be disabled around reserve...commit. */
void *nd_ring_reserve(struct nd_ring *ring, u32 len, unsigned long *pos);
bool nd_ring_shrink(struct nd_ring *ring, unsigned long pos, u32 len,
		    u32 new_len);
void nd_ring_commit(struct nd_ring *ring);

/* The sequence number of a record just reserved (lost ones take theirs). */
static inline u64 nd_ring_next_seq(struct nd_ring *ring)
{
	return local64_inc_return(&ring->seq) - 1;
}

/* Bytes available to the reader (for poll and wakeups). */
u64 nd_ring_avail(const struct nd_ring *ring);

int nd_ring_mmap(struct nd_ring *ring, struct vm_area_struct *vma,
		 unsigned long offset);

/* Where the producer runs, for the record (enum netdrop_ctx). */
static inline u8 nd_context(void)
{
	if (in_nmi())
		return NETDROP_CTX_NMI;
	if (in_hardirq())
		return NETDROP_CTX_HARDIRQ;
	if (in_serving_softirq())
		return NETDROP_CTX_SOFTIRQ;
	return NETDROP_CTX_TASK;
}

#endif
