// SPDX-License-Identifier: GPL-2.0
/*
 * Safe decoding of dropped packets.
 *
 * A dropped skb can be anything: non-linear, truncated, malformed, with
 * its network header never set (dropped before the IP layer parsed it, or
 * on the output path before it was built), or with skb->data already
 * pulled past the headers.  Every read goes through nd_read(), which
 * bounds it to the bytes the skb really has: the linear area from
 * skb->head to the tail for offsets before skb->data, skb_header_pointer()
 * (which copies from fragments when needed) from skb->data on.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/socket.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "nd_compat.h"
#include "nd_decode.h"

/*
 * IPv6 extension headers followed before giving up.  The kernel itself
 * has no limit below what fits in a packet; hostile senders chain dozens
 * (tests/e2e/43 sends 24) and the port behind them is what the user wants.
 * Each step is one bounded 8-byte read.
 */
#define ND_MAX_EXTHDRS 32

/*
 * Reads @len bytes at @off from skb->data (off may be negative).  Its
 * callers' bounce buffers are __uninitialized: it returns one only after
 * skb_header_pointer() filled it, and the probe decodes every drop
 * (CONFIG_INIT_STACK_ALL_ZERO would clear each of them every time).
 */
static const void *nd_read(const struct sk_buff *skb, int off, int len,
			   void *buf)
{
	if (off >= 0)
		return skb_header_pointer(skb, off, len, buf);
	/* Before skb->data: only the linear buffer from skb->head exists. */
	if (skb->data + off < skb->head)
		return NULL;
	if (off + len > (int)skb_headlen(skb))
		return NULL;
	return skb->data + off;
}

static bool nd_nethdr_plausible(const struct sk_buff *skb, int off)
{
	u8 first __uninitialized;
	const u8 *p = nd_read(skb, off, 1, &first);

	if (!p)
		return false;
	return (*p >> 4) == 4 || (*p >> 4) == 6;
}

/*
 * Where does the IP header start?  Trust the network header when the
 * kernel set it and it points at an IP version nibble; otherwise try
 * skb->data (output path before the header was recorded) and the byte
 * after an Ethernet header at the MAC header (input before ip_rcv).
 */
static int nd_network_offset(const struct sk_buff *skb, u16 *flags)
{
	int off = skb_network_offset(skb);

	if (skb->network_header && nd_nethdr_plausible(skb, off))
		return off;
	/*
	 * No protocol, no network and no MAC header: a message the kernel
	 * built (netlink broadcasts, ...), not a packet.  Its first byte may
	 * still look like an IP version.
	 */
	if (!skb->protocol && !skb->network_header &&
	    !skb_mac_header_was_set(skb))
		return INT_MIN;
	*flags |= NETDROP_RF_NO_NETHDR;
	if (nd_nethdr_plausible(skb, 0))
		return 0;
	if (skb_mac_header_was_set(skb)) {
		off = skb_mac_offset(skb) + ETH_HLEN;
		if (nd_nethdr_plausible(skb, off))
			return off;
	}
	return INT_MIN;
}

static void nd_decode_l4(const struct sk_buff *skb, int off, u8 proto,
			 struct netdrop_drop *rec)
{
	union {
		struct tcphdr tcp;
		struct udphdr udp;
		struct icmphdr icmp;
		u8 raw[16];
	} buf __uninitialized;
	const void *p;

	switch (proto) {
	case IPPROTO_TCP:
		p = nd_read(skb, off, 14, &buf);
		if (!p)
			break;
		rec->sport = ntohs(((const struct tcphdr *)p)->source);
		rec->dport = ntohs(((const struct tcphdr *)p)->dest);
		rec->tcp_flags = ((const u8 *)p)[13];
		rec->hdr.flags |= NETDROP_RF_L4;
		return;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		p = nd_read(skb, off, 4, &buf);
		if (!p)
			break;
		rec->sport = ntohs(((const __be16 *)p)[0]);
		rec->dport = ntohs(((const __be16 *)p)[1]);
		rec->hdr.flags |= NETDROP_RF_L4;
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		p = nd_read(skb, off, 2, &buf);
		if (!p)
			break;
		rec->icmp_type = ((const u8 *)p)[0];
		rec->icmp_code = ((const u8 *)p)[1];
		rec->hdr.flags |= NETDROP_RF_L4;
		return;
	default:
		return;
	}
	rec->hdr.flags |= NETDROP_RF_TRUNCATED;
}

static void nd_decode_ipv4(const struct sk_buff *skb, int off,
			   struct netdrop_drop *rec)
{
	struct iphdr buf __uninitialized;
	const struct iphdr *iph = nd_read(skb, off, sizeof(buf), &buf);

	if (!iph) {
		rec->hdr.flags |= NETDROP_RF_TRUNCATED;
		return;
	}
	rec->family = AF_INET;
	rec->l4proto = iph->protocol;
	memcpy(rec->saddr, &iph->saddr, 4);
	memcpy(rec->daddr, &iph->daddr, 4);
	rec->hdr.flags |= NETDROP_RF_DECODED;
	if (iph->ihl < 5) {
		rec->hdr.flags |= NETDROP_RF_MALFORMED;
		return;
	}
	if (iph->frag_off & htons(IP_OFFSET)) {
		rec->hdr.flags |= NETDROP_RF_FRAGMENT;
		return;
	}
	nd_decode_l4(skb, off + iph->ihl * 4, iph->protocol, rec);
}

static void nd_decode_ipv6(const struct sk_buff *skb, int off,
			   struct netdrop_drop *rec)
{
	struct ipv6hdr buf __uninitialized;
	const struct ipv6hdr *ip6 = nd_read(skb, off, sizeof(buf), &buf);
	u8 nexthdr;
	int i;

	if (!ip6) {
		rec->hdr.flags |= NETDROP_RF_TRUNCATED;
		return;
	}
	rec->family = AF_INET6;
	memcpy(rec->saddr, &ip6->saddr, 16);
	memcpy(rec->daddr, &ip6->daddr, 16);
	rec->hdr.flags |= NETDROP_RF_DECODED;
	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);

	for (i = 0; i < ND_MAX_EXTHDRS; i++) {
		u8 eh[8] __uninitialized;
		const u8 *p;

		switch (nexthdr) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
			p = nd_read(skb, off, 2, eh);
			if (!p)
				goto truncated;
			nexthdr = p[0];
			off += (p[1] + 1) * 8;
			continue;
		case NEXTHDR_AUTH:
			p = nd_read(skb, off, 2, eh);
			if (!p)
				goto truncated;
			nexthdr = p[0];
			off += (p[1] + 2) * 4;
			continue;
		case NEXTHDR_FRAGMENT:
			p = nd_read(skb, off, 8, eh);
			if (!p)
				goto truncated;
			nexthdr = p[0];
			off += 8;
			/* Only the first fragment carries the L4 header. */
			if ((p[2] << 8 | p[3]) & ~0x7) {
				rec->l4proto = nexthdr;
				rec->hdr.flags |= NETDROP_RF_FRAGMENT;
				return;
			}
			continue;
		default:
			rec->l4proto = nexthdr;
			nd_decode_l4(skb, off, nexthdr, rec);
			return;
		}
	}
	/* Too many extension headers to follow: report what we have. */
	rec->l4proto = nexthdr;
	rec->hdr.flags |= NETDROP_RF_MALFORMED;
	return;
truncated:
	rec->l4proto = nexthdr;
	rec->hdr.flags |= NETDROP_RF_TRUNCATED;
}

int nd_decode(const struct sk_buff *skb, struct netdrop_drop *rec)
{
	u16 flags = 0;
	int off = nd_network_offset(skb, &flags);
	u8 version;

	rec->hdr.flags |= flags;
	if (off == INT_MIN)
		return INT_MIN;
	version = *(const u8 *)nd_read(skb, off, 1, &version) >> 4;
	/*
	 * The kernel goes by the ethertype: a version nibble that disagrees
	 * with it is garbage, not a packet of the other family, and another
	 * ethertype is not IP at all.  Keep the bytes (snaplen), decode
	 * nothing.  Protocol 0 (not set yet, local output) trusts the nibble.
	 */
	if ((skb->protocol == htons(ETH_P_IP) && version != 4) ||
	    (skb->protocol == htons(ETH_P_IPV6) && version != 6)) {
		rec->hdr.flags |= NETDROP_RF_MALFORMED;
		return off;
	}
	if (skb->protocol && skb->protocol != htons(ETH_P_IP) &&
	    skb->protocol != htons(ETH_P_IPV6))
		return off;
	if (version == 4)
		nd_decode_ipv4(skb, off, rec);
	else
		nd_decode_ipv6(skb, off, rec);
	return off;
}

unsigned int nd_packet_avail(const struct sk_buff *skb, int off,
			     unsigned int len)
{
	int have;

	if (off >= 0)
		have = (int)skb->len - off;
	else
		have = (int)skb_headlen(skb) - off;
	if (have <= 0)
		return 0;
	return min_t(unsigned int, len, have);
}

unsigned int nd_copy_packet(const struct sk_buff *skb, int off, void *to,
			    unsigned int len)
{
	const void *p;

	len = nd_packet_avail(skb, off, len);
	if (!len)
		return 0;
	p = nd_read(skb, off, len, to);
	if (!p)
		return 0;
	if (p != to)
		memcpy(to, p, len);
	return len;
}
