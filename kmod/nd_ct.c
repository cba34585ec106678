// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack entry of a dropped packet, for its record: state, zone,
 * mark and both tuples (the reply tuple shows a NAT's rewrite).
 *
 * Why reading it from the kfree_skb probe is safe: skb->_nfct is the skb's
 * own reference on the entry (nf_conntrack_get() when it was set, put in
 * skb_release_head_state(), after the tracepoint), in no union with
 * another field, and 0 in every skb that never met conntrack (unix,
 * netlink, ...: alloc_skb() zeroes it).  The entry cannot be freed while
 * the reference is held, and a template's is a reference too.  Only
 * fields and inlines of the headers are used, never a function or
 * variable of nf_conntrack.ko: netdrop does not load it.
 *
 * The fields are read without the entry's lock: status and the TCP state
 * can change under us (a wrong state in the record, never a fault), the
 * tuples are fixed once NAT set them up, before any drop that follows.
 */
#include <linux/in.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/netfilter/nf_conntrack.h>
#include "nd_ct.h"

static void nd_ct_tuple(const struct nf_conntrack_tuple *t,
			struct netdrop_ct_tuple *out)
{
	size_t alen = t->src.l3num == NFPROTO_IPV6 ? 16 : 4;

	memcpy(out->saddr, &t->src.u3, alen);
	memcpy(out->daddr, &t->dst.u3, alen);
	out->l4proto = t->dst.protonum;
	switch (t->dst.protonum) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		out->sport = ntohs(t->src.u.icmp.id);
		out->dport = t->dst.u.icmp.type << 8 | t->dst.u.icmp.code;
		break;
	default:
		out->sport = ntohs(t->src.u.all);
		out->dport = ntohs(t->dst.u.all);
	}
}

void nd_ct_describe(const struct sk_buff *skb, struct netdrop_ct *out)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	const struct nf_conntrack_tuple *orig;

	BUILD_BUG_ON(IP_CT_UNTRACKED != NETDROP_CTINFO_UNTRACKED);
	memset(out, 0, sizeof(*out));
	out->ctinfo = ctinfo;
	if (!ct || ctinfo == IP_CT_UNTRACKED) {
		out->flags |= NETDROP_CTF_UNTRACKED;
		return;
	}
	out->status = READ_ONCE(ct->status);
#ifdef CONFIG_NF_CONNTRACK_ZONES
	out->flags |= NETDROP_CTF_ZONES;
	out->zone = ct->zone.id;
	out->zone_dir = ct->zone.dir == NF_CT_DEFAULT_ZONE_DIR ? 0 :
			ct->zone.dir;
#endif
#ifdef CONFIG_NF_CONNTRACK_MARK
	out->flags |= NETDROP_CTF_MARK;
	out->mark = READ_ONCE(ct->mark);
#endif
	if (out->status & IPS_TEMPLATE) {
		out->flags |= NETDROP_CTF_TEMPLATE;
		return;
	}
	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (orig->src.l3num != NFPROTO_IPV4 && orig->src.l3num != NFPROTO_IPV6)
		return;
	out->family = orig->src.l3num == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	nd_ct_tuple(orig, &out->orig);
	nd_ct_tuple(&ct->tuplehash[IP_CT_DIR_REPLY].tuple, &out->reply);
	if (orig->dst.protonum == IPPROTO_TCP)
		out->tcp_state = READ_ONCE(ct->proto.tcp.state);
}
