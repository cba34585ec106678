// SPDX-License-Identifier: GPL-2.0
/*
 * Drop reason names of the running kernel.  The enum skb_drop_reason moves
 * between versions, so user space never hard-codes it: it asks us, and we
 * read the kernel's own table: drop_reasons[] (5.18..6.3) or
 * drop_reasons_by_subsys[] (6.4+, where subsystems such as mac80211 or
 * openvswitch register their own ranges under RCU).
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/skbuff.h>
#if defined(ND_HAVE_DROP_REASONS) || defined(ND_HAVE_DROP_REASONS_BY_SUBSYS)
#include <net/dropreason.h>
#endif
#include "nd_reasons.h"
#include "nd_reset.h"

#if defined(ND_HAVE_DROP_REASONS) || defined(ND_HAVE_DROP_REASONS_BY_SUBSYS)
static void nd_reason_set(struct netdrop_reason *r, u32 value,
			  const char *name)
{
	memset(r, 0, sizeof(*r));
	r->value = value;
	strscpy(r->name, name, sizeof(r->name));
}
#endif

#if defined(ND_HAVE_DROP_REASONS_BY_SUBSYS)
u32 nd_reasons_fill(struct netdrop_reason *out, u32 max)
{
	u32 n = 0, subsys, i;

	rcu_read_lock();
	for (subsys = 0; subsys < SKB_DROP_REASON_SUBSYS_NUM; subsys++) {
		const struct drop_reason_list *list;

		list = rcu_dereference(drop_reasons_by_subsys[subsys]);
		if (!list)
			continue;
		for (i = 0; i < list->n_reasons; i++) {
			if (!list->reasons[i])
				continue;
			if (n < max)
				nd_reason_set(&out[n], subsys <<
					      SKB_DROP_REASON_SUBSYS_SHIFT | i,
					      list->reasons[i]);
			n++;
		}
	}
	rcu_read_unlock();
	return n;
}
#elif defined(ND_HAVE_DROP_REASONS)
u32 nd_reasons_fill(struct netdrop_reason *out, u32 max)
{
	u32 n = 0, i;

	for (i = 0; i < SKB_DROP_REASON_MAX; i++) {
		if (!drop_reasons[i])
			continue;
		if (n < max)
			nd_reason_set(&out[n], i, drop_reasons[i]);
		n++;
	}
	return n;
}
#else
u32 nd_reasons_fill(struct netdrop_reason *out, u32 max)
{
	return 0;
}
#endif

u32 nd_reasons_count(void)
{
	return nd_reasons_fill(NULL, 0);
}

int nd_reasons_copy_to_user(struct netdrop_reason __user *buf, u32 *count,
			    u32 kind)
{
	u32 want = *count, have;
	struct netdrop_reason *tmp;
	int err = 0;

	if (want > 65536)
		return -EINVAL;
	tmp = want ? kvcalloc(want, sizeof(*tmp), GFP_KERNEL) : NULL;
	if (want && !tmp)
		return -ENOMEM;
	if (kind == NETDROP_REASONS_RESET)
		have = nd_rst_reasons_fill(tmp, want);
	else
		have = nd_reasons_fill(tmp, want);
	if (want && copy_to_user(buf, tmp, min(want, have) * sizeof(*tmp)))
		err = -EFAULT;
	kvfree(tmp);
	*count = have;
	return err;
}
