// SPDX-License-Identifier: GPL-2.0
/*
 * netdrop: every dropped packet as a decoded record in per-CPU rings that
 * user space maps from /dev/netdrop.
 *
 * This file is the device: open/release (a session each, nd_session.c),
 * the ioctls (arguments copied in, validated by the function they are
 * for, copied out), poll and mmap of the rings (nd_ring.c).  The probe
 * that fills the rings is nd_probe.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "nd_compat.h"
#include "nd_ct.h"
#include "nd_ring.h"
#include "nd_reasons.h"
#include "nd_hooks.h"
#include "nd_netdev.h"
#include "nd_session.h"
#include "nd_vcount.h"

static int nd_open(struct inode *inode, struct file *file)
{
	struct nd_session *s = nd_session_open();

	if (IS_ERR(s))
		return PTR_ERR(s);
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int nd_release(struct inode *inode, struct file *file)
{
	nd_session_release(file->private_data);
	return 0;
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
		struct netdrop_verdicts_req verdicts;
		struct netdrop_agg_req agg;
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
	case NETDROP_IOC_GET_VERDICTS:
	case NETDROP_IOC_SET_RING:
	case NETDROP_IOC_SET_WATERMARK:
	case NETDROP_IOC_SET_AGG_SLOTS:
	case NETDROP_IOC_GET_AGG:
		break;
	default:
		return -ENOTTY;
	}

	u = kzalloc_obj(*u, GFP_KERNEL);
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
	case NETDROP_IOC_SET_AGG_SLOTS:
		err = nd_set_agg_slots(s, u->u32);
		break;
	case NETDROP_IOC_GET_AGG:
		err = nd_read_agg(s, &u->agg);
		break;
	case NETDROP_IOC_GET_HOOKS:
		err = nd_hooks_ioctl(&u->hooks, s->show_addrs, s->scope);
		break;
	case NETDROP_IOC_GET_SESSIONS:
		err = nd_list_sessions(s, &u->sessions);
		break;
	case NETDROP_IOC_GET_VERDICTS:
		err = nd_verdicts_ioctl(&u->verdicts, s->show_addrs, s->scope);
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
	/* A producer may wake us again (nd_record_finish()). */
	WRITE_ONCE(s->wake_pending, false);
	/*
	 * Orders our wait queue entry and the wake_pending store before
	 * reading producer_pos; pairs with the smp_mb() in wq_has_sleeper()
	 * after the producer's commit (nd_record_finish()), as
	 * sock_poll_wait() documents.
	 */
	smp_mb();
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
	int err;

#ifndef ND_HAVE_CT
	if (nd_conntrack) {
		pr_err("conntrack=1: this build has no conntrack support (its compile probe failed)\n");
		return -EINVAL;
	}
#endif
	err = nd_vcount_init();
	if (err)
		return err;
	err = nd_netdev_init();
	if (err)
		goto fail_vcount;
	err = misc_register(&nd_misc);
	if (err)
		goto fail_netdev;
	pr_info("version %s loaded (kfree_skb with %d arguments, %u drop reasons)\n",
		ND_VERSION, ND_TP_NARGS, nd_reasons_count());
	return 0;
fail_netdev:
	nd_netdev_exit();
fail_vcount:
	nd_vcount_exit();
	return err;
}

static void __exit nd_exit(void)
{
	misc_deregister(&nd_misc);
	nd_netdev_exit();
	nd_vcount_exit();
}

module_init(nd_init);
module_exit(nd_exit);
/*
 * Whether drop records carry conntrack entries (nd_ct.c): on where the
 * build's compile probe found conntrack, unless loaded with conntrack=0;
 * read-only once loaded.
 */
#ifdef ND_HAVE_CT
bool nd_conntrack = true;
#else
bool nd_conntrack;
#endif
module_param_named(conntrack, nd_conntrack, bool, 0444);
MODULE_PARM_DESC(conntrack, "drop records carry the packet's conntrack entry (default: on where the build found conntrack)");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netdrop: where and why the kernel drops packets");
MODULE_VERSION(ND_VERSION);
MODULE_INFO(tp_nargs, __stringify(ND_TP_NARGS));
#ifdef ND_HAVE_TCP_ORPHAN_COUNT
MODULE_INFO(orphan_count, "yes");
#else
MODULE_INFO(orphan_count, "no");
#endif
#ifdef ND_HAVE_NF_HOOK_OP_BPF
MODULE_INFO(bpf_hooks, "yes");
#else
MODULE_INFO(bpf_hooks, "no");
#endif
