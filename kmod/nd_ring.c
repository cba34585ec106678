// SPDX-License-Identifier: GPL-2.0
/*
 * netdrop per-CPU record rings.
 *
 * Layout and protocol are documented in include/netdrop/netdrop.h.  Design,
 * after kernel/bpf/ringbuf.c and the perf mmap ring:
 *
 * - One ring per session per possible CPU.  The tracepoint runs with
 *   preemption disabled, so only the owning CPU produces into a ring and no
 *   lock is shared across CPUs.
 * - Producers on one CPU can nest (task, softirq, hardirq, NMI).  Space is
 *   reserved with local_cmpxchg() on ->head, which is atomic against
 *   interrupts on the same CPU.  ->nest counts the producers inside
 *   reserve...commit; only the outermost one publishes producer_pos, so the
 *   reader never sees a position past a record still being written by an
 *   interrupted producer.  This is perf_output_put_handle()'s scheme.
 * - Data pages are vmapped twice back to back, as the BPF ring buffer does,
 *   so a record at any offset is contiguous for the producer and for the
 *   reader, which maps the same double view.
 * - consumer_pos is written by user space and never trusted: it is read
 *   once per reservation and only used in "head - tail" arithmetic on
 *   unsigned 64-bit values.  Any value that does not describe between 0
 *   and size bytes of unread data makes the ring look full, so a lying
 *   reader can only lose its own records.  Write offsets derive from
 *   ->head alone, which user space cannot touch.
 * - A reservation that does not fit is dropped and counted in ctrl->lost;
 *   unread data is never overwritten.  It still consumes a sequence
 *   number (ring->seq), so the numbers missing from what a reader sees
 *   are exactly the records lost.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/topology.h>
#include "nd_ring.h"
#include "nd_compat.h"

struct nd_ring *nd_ring_alloc(int cpu, u64 size)
{
	unsigned int nr_data = size >> PAGE_SHIFT;
	unsigned int i;
	struct nd_ring *ring;
	int node = cpu_to_node(cpu);

	if (!is_power_of_2(size) || size < PAGE_SIZE)
		return NULL;
	/* Charged to the opener's memory cgroup, like a socket's buffers. */
	ring = kzalloc_node(sizeof(*ring), GFP_KERNEL_ACCOUNT, node);
	if (!ring)
		return NULL;
	ring->nr_pages = 2 + nr_data;
	ring->nr_area_pages = 2 + 2 * nr_data;
	ring->pages = kvcalloc(ring->nr_area_pages, sizeof(*ring->pages),
			       GFP_KERNEL_ACCOUNT);
	if (!ring->pages)
		goto err;
	for (i = 0; i < ring->nr_pages; i++) {
		ring->pages[i] = alloc_pages_node(node, GFP_KERNEL_ACCOUNT |
						  __GFP_ZERO | __GFP_NOWARN, 0);
		if (!ring->pages[i])
			goto err;
	}
	for (i = 0; i < nr_data; i++)
		ring->pages[2 + nr_data + i] = ring->pages[2 + i];
	ring->area = vmap(ring->pages, ring->nr_area_pages, VM_MAP | VM_USERMAP,
			  PAGE_KERNEL);
	if (!ring->area)
		goto err;
	ring->cons = ring->area;
	ring->ctrl = ring->area + PAGE_SIZE;
	ring->data = ring->area + 2 * PAGE_SIZE;
	ring->size = size;
	ring->mask = size - 1;
	ring->ctrl->data_size = size;
	ring->ctrl->cpu = cpu;
	local_set(&ring->head, 0);
	local64_set(&ring->seq, 0);
	return ring;
err:
	nd_ring_free(ring);
	return NULL;
}

void nd_ring_free(struct nd_ring *ring)
{
	unsigned int i;

	if (!ring)
		return;
	if (ring->area)
		vunmap(ring->area);
	if (ring->pages) {
		for (i = 0; i < ring->nr_pages; i++)
			if (ring->pages[i])
				__free_page(ring->pages[i]);
		kvfree(ring->pages);
	}
	kfree(ring);
}

static void nd_ring_publish(struct nd_ring *ring)
{
	unsigned long head;
	unsigned int nest = READ_ONCE(ring->nest);

	if (nest > 1) {
		/* An outer producer on this CPU publishes for us. */
		WRITE_ONCE(ring->nest, nest - 1);
		return;
	}
again:
	head = local_read(&ring->head);
	/* Order the record bytes before the position (pairs with reader). */
	smp_store_release(&ring->ctrl->producer_pos, (u64)head);
	barrier();
	WRITE_ONCE(ring->nest, 0);
	barrier();
	/* An interrupt reserved after we read head but saw nest > 0. */
	if (unlikely(head != local_read(&ring->head))) {
		WRITE_ONCE(ring->nest, 1);
		goto again;
	}
}

/*
 * Reserves @len bytes (a multiple of 8) and returns where to write them,
 * with the record's ring position in @pos; or counts a lost record and
 * returns NULL.  Each successful reserve must be followed by one commit.
 */
void *nd_ring_reserve(struct nd_ring *ring, u32 len, unsigned long *pos)
{
	unsigned long head, tail;

	nd_assert_nopreempt();
	WRITE_ONCE(ring->nest, READ_ONCE(ring->nest) + 1);
	/* Count ourselves in before reading head (pairs with publish). */
	barrier();
	do {
		/* Pairs with the reader's release store of consumer_pos. */
		tail = smp_load_acquire(&ring->cons->consumer_pos);
		head = local_read(&ring->head);
		if (unlikely(len > ring->size ||
			     (u64)(head - tail) > ring->size - len)) {
			/* A lost record takes its number: gaps are losses. */
			local64_inc(&ring->seq);
			local64_inc(&nd_ctrs(ring)->lost);
			nd_ring_publish(ring);
			return NULL;
		}
	} while (local_cmpxchg(&ring->head, head, head + len) != head);
	*pos = head;
	return ring->data + (head & ring->mask);
}

/*
 * Gives back the end of the last reservation when it needed less than it
 * reserved.  Fails when a nested producer reserved after it.
 */
bool nd_ring_shrink(struct nd_ring *ring, unsigned long pos, u32 len,
		    u32 new_len)
{
	return local_cmpxchg(&ring->head, pos + len, pos + new_len) == pos + len;
}

void nd_ring_commit(struct nd_ring *ring)
{
	local64_inc(&nd_ctrs(ring)->recorded);
	nd_ring_publish(ring);
}

u64 nd_ring_avail(const struct nd_ring *ring)
{
	/* Acquire: a poller that sees data also sees the record bytes. */
	u64 head = smp_load_acquire(&ring->ctrl->producer_pos);
	u64 tail = READ_ONCE(ring->cons->consumer_pos);

	/* A bogus consumer position reads as "something to read". */
	return head - tail;
}

/*
 * Maps part of the ring.  offset is relative to the CPU's base: the
 * consumer page (offset 0, exactly one page) may be writable; everything
 * from the control page on is read-only, and VM_MAYWRITE is cleared so
 * mprotect() cannot make it writable later.
 */
int nd_ring_mmap(struct nd_ring *ring, struct vm_area_struct *vma,
		 unsigned long offset)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long area_len = (unsigned long)ring->nr_area_pages << PAGE_SHIFT;

	if (offset & ~PAGE_MASK || offset >= area_len || len > area_len - offset)
		return -EINVAL;
	if (offset == 0 && len == PAGE_SIZE) {
		if (!(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE))
			return -EINVAL;
	} else {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		nd_vm_flags_clear(vma, VM_MAYWRITE);
	}
	nd_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return remap_vmalloc_range(vma, ring->area, offset >> PAGE_SHIFT);
}
