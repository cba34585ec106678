/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_CT_H
#define _ND_CT_H

#include <linux/skbuff.h>
#include <netdrop/netdrop.h>

/* conntrack=: records carry conntrack entries (nd_main.c). */
extern bool nd_conntrack;

#ifdef ND_HAVE_CT
/* Does @skb hold a conntrack reference (or an untracked mark)? */
static inline bool nd_ct_present(const struct sk_buff *skb)
{
	return nd_conntrack && READ_ONCE(skb->_nfct) != 0;
}

/* Describes @skb's conntrack entry into *@out (every byte written). */
void nd_ct_describe(const struct sk_buff *skb, struct netdrop_ct *out);
#else
static inline bool nd_ct_present(const struct sk_buff *skb)
{
	return false;
}

static inline void nd_ct_describe(const struct sk_buff *skb,
				  struct netdrop_ct *out)
{
}
#endif

#endif
