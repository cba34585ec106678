// SPDX-License-Identifier: GPL-2.0
/*
 * What nd_ct.c reads of a packet's conntrack entry: nf_ct_get() on the
 * skb, the tuples, status and TCP state (fields and inlines only: no call
 * into nf_conntrack.ko, so no dependency on it).
 */
#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>

#if !IS_ENABLED(CONFIG_NF_CONNTRACK)
#error "no conntrack in this kernel"
#endif

unsigned long nd_conftest(const struct sk_buff *skb);
unsigned long nd_conftest(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	const struct nf_conntrack_tuple *t =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	return ct->status + ctinfo + t->src.l3num + t->src.u3.all[0] +
	       t->src.u.all + t->dst.u3.all[0] + t->dst.u.all +
	       t->dst.protonum + t->src.u.icmp.id + t->dst.u.icmp.type +
	       ct->proto.tcp.state + IP_CT_UNTRACKED + IPS_TEMPLATE;
}
