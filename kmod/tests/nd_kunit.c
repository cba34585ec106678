// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for netdrop's ring, filter, decoder and reason table.
 * Built only against a kernel with CONFIG_KUNIT (the test kernel); the
 * code under test is compiled into this module from the same sources.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/inet.h>
#include <net/ipv6.h>

#include "../nd_ring.c"
#include "../nd_agg.c"
#include "../nd_filter.c"
#include "../nd_decode.c"
#include "../nd_reasons.c"
#include "../nd_hooks.c"
#include "../nd_verdict.c"
#include "../nd_vcount.c"
#include "../nd_netdev.c"
#include "../nd_reset.c"
#ifdef ND_HAVE_NFT_RULE_PROBE
#include "../nd_nftrule.c"
#endif

/* nd_session.c is not part of the test module either. */
unsigned int nd_fault_inject;

/* nd_main.c is not part of the test module: resets go nowhere. */
void nd_emit_reset(const struct netdrop_reset *rec, u32 ifindex)
{
}

/*
 * ---- ring ----
 * Each test owns its ring and is its only producer, so the tests need not
 * disable preemption (and must not: a failed expectation allocates).
 */

static struct nd_ring *ring_new(struct kunit *test, u64 size)
{
	struct nd_ring *r = nd_ring_alloc(0, size);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

static void ring_reserve_commit(struct kunit *test)
{
	struct nd_ring *r = ring_new(test, PAGE_SIZE);
	unsigned long pos;
	u64 *p;

	p = nd_ring_reserve(r, 64, &pos);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, pos, 0UL);
	/* Not visible before commit. */
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, 0ULL);
	nd_ring_commit(r);
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, 64ULL);
	KUNIT_EXPECT_EQ(test, nd_ring_avail(r), 64ULL);
	KUNIT_EXPECT_EQ(test, r->ctrl->recorded, 1ULL);
	KUNIT_EXPECT_EQ(test, r->nest, 0U);
	nd_ring_free(r);
}

static void ring_full_counts_lost(struct kunit *test)
{
	struct nd_ring *r = ring_new(test, PAGE_SIZE);
	unsigned long pos;
	int i, ok = 0;

	for (i = 0; i < 100; i++) {
		u64 *rec = nd_ring_reserve(r, 512, &pos);

		if (rec) {
			/* The numbers seen: 0..7, the 92 lost ones took theirs. */
			KUNIT_EXPECT_EQ(test, nd_ring_next_seq(r), (u64)i);
			nd_ring_commit(r);
			ok++;
		}
	}
	KUNIT_EXPECT_EQ(test, ok, (int)(PAGE_SIZE / 512));
	KUNIT_EXPECT_EQ(test, r->ctrl->lost, (u64)(100 - ok));
	/* Every record asked for has a number: gaps are the lost ones. */
	KUNIT_EXPECT_EQ(test, (u64)local64_read(&r->seq), 100ULL);
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, (u64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, r->nest, 0U);

	/* The reader frees space: new records fit again, and wrap. */
	WRITE_ONCE(r->cons->consumer_pos, 1024);
	KUNIT_EXPECT_NOT_NULL(test, nd_ring_reserve(r, 1024, &pos));
	nd_ring_commit(r);
	KUNIT_EXPECT_EQ(test, pos, (unsigned long)PAGE_SIZE);
	nd_ring_free(r);
}

static void ring_record_never_wraps(struct kunit *test)
{
	struct nd_ring *r = ring_new(test, PAGE_SIZE);
	unsigned long pos;
	u8 *p;

	/* Put head 64 bytes before the end, with everything consumed. */
	local_set(&r->head, PAGE_SIZE - 64);
	r->ctrl->producer_pos = PAGE_SIZE - 64;
	r->cons->consumer_pos = PAGE_SIZE - 64;
	p = nd_ring_reserve(r, 256, &pos);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xab, 256);
	nd_ring_commit(r);
	/* The second mapping continues the first: bytes landed at 0.. too. */
	KUNIT_EXPECT_EQ(test, r->data[0], (u8)0xab);
	KUNIT_EXPECT_EQ(test, r->data[191], (u8)0xab);
	KUNIT_EXPECT_EQ(test, r->data[PAGE_SIZE - 64], (u8)0xab);
	nd_ring_free(r);
}

static void ring_consumer_abuse(struct kunit *test)
{
	/* Positions ahead of the producer, or further behind than the ring. */
	static const u64 bogus[] = { 1ULL << 63, ~0ULL - PAGE_SIZE, PAGE_SIZE * 3,
				     4097 };
	struct nd_ring *r = ring_new(test, PAGE_SIZE);
	unsigned long pos;
	void *p;
	int i;

	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		WRITE_ONCE(r->cons->consumer_pos, bogus[i]);
			p = nd_ring_reserve(r, 64, &pos);
			/* A lying reader makes the ring look full: nothing is written. */
		KUNIT_EXPECT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, local_read(&r->head), 0L);
		KUNIT_EXPECT_EQ(test, r->nest, 0U);
	}
	KUNIT_EXPECT_EQ(test, r->ctrl->lost, (u64)ARRAY_SIZE(bogus));
	/* A record larger than the ring is refused, not written. */
	WRITE_ONCE(r->cons->consumer_pos, 0);
	p = nd_ring_reserve(r, PAGE_SIZE + 8, &pos);
	KUNIT_EXPECT_NULL(test, p);
	nd_ring_free(r);
}

/*
 * task reserves, softirq reserves and commits, hardirq reserves and
 * commits, task commits: nothing is published until the outermost commit,
 * and then everything is.
 */
static void ring_nested_producers(struct kunit *test)
{
	struct nd_ring *r = ring_new(test, PAGE_SIZE);
	unsigned long p1, p2, p3;

	KUNIT_ASSERT_NOT_NULL(test, nd_ring_reserve(r, 64, &p1));
	KUNIT_ASSERT_NOT_NULL(test, nd_ring_reserve(r, 128, &p2));
	KUNIT_ASSERT_NOT_NULL(test, nd_ring_reserve(r, 32, &p3));
	KUNIT_EXPECT_EQ(test, r->nest, 3U);
	KUNIT_EXPECT_EQ(test, p2, 64UL);
	KUNIT_EXPECT_EQ(test, p3, 192UL);
	nd_ring_commit(r);
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, 0ULL);
	nd_ring_commit(r);
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, 0ULL);
	/* The outer record cannot shrink: others reserved after it. */
	KUNIT_EXPECT_FALSE(test, nd_ring_shrink(r, p1, 64, 32));
	nd_ring_commit(r);
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, 224ULL);
	KUNIT_EXPECT_EQ(test, r->nest, 0U);

	/* The last reservation can give back what it did not use. */
	KUNIT_ASSERT_NOT_NULL(test, nd_ring_reserve(r, 256, &p1));
	KUNIT_EXPECT_TRUE(test, nd_ring_shrink(r, p1, 256, 64));
	nd_ring_commit(r);
	KUNIT_EXPECT_EQ(test, r->ctrl->producer_pos, 288ULL);
	nd_ring_free(r);
}

/* ---- filter ---- */

static struct netdrop_cidr cidr4(const char *a, u8 prefix)
{
	struct netdrop_cidr c = { .family = AF_INET, .prefix = prefix };

	in4_pton(a, -1, c.addr, -1, NULL);
	return c;
}

static struct netdrop_cidr cidr6(const char *a, u8 prefix)
{
	struct netdrop_cidr c = { .family = AF_INET6, .prefix = prefix };

	in6_pton(a, -1, c.addr, -1, NULL);
	return c;
}

static void filter_cidr_edges(struct kunit *test)
{
	struct netdrop_cidr c = cidr4("10.0.2.0", 24);
	struct netdrop_cidr any4 = cidr4("0.0.0.0", 0);
	struct netdrop_cidr c6 = cidr6("2001:db8::", 33);
	u8 a[16] = {};

	in4_pton("10.0.2.255", -1, a, -1, NULL);
	KUNIT_EXPECT_TRUE(test, nd_cidr_match(&c, AF_INET, a));
	in4_pton("10.0.3.0", -1, a, -1, NULL);
	KUNIT_EXPECT_FALSE(test, nd_cidr_match(&c, AF_INET, a));
	KUNIT_EXPECT_TRUE(test, nd_cidr_match(&any4, AF_INET, a));
	KUNIT_EXPECT_FALSE(test, nd_cidr_match(&any4, AF_INET6, a));

	in6_pton("2001:db8:7fff:ffff::1", -1, a, -1, NULL);
	KUNIT_EXPECT_TRUE(test, nd_cidr_match(&c6, AF_INET6, a));
	in6_pton("2001:db8:8000::", -1, a, -1, NULL);
	KUNIT_EXPECT_FALSE(test, nd_cidr_match(&c6, AF_INET6, a));

	KUNIT_EXPECT_EQ(test, nd_cidr_validate(&c), 0);
	c = cidr4("10.0.2.1", 24);	/* host bits set */
	KUNIT_EXPECT_EQ(test, nd_cidr_validate(&c), -EINVAL);
	c = cidr4("10.0.2.0", 33);
	KUNIT_EXPECT_EQ(test, nd_cidr_validate(&c), -EINVAL);
	c6 = cidr6("::", 129);
	KUNIT_EXPECT_EQ(test, nd_cidr_validate(&c6), -EINVAL);
}

static void filter_validate_rejects(struct kunit *test)
{
	struct netdrop_filter f = { .size = sizeof(f) };

	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), 0);
	f.fields = 1U << 31;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
	f.fields = NETDROP_F_DPORT;
	f.dport.lo = 10;
	f.dport.hi = 9;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
	f.dport.hi = 10;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), 0);
	f.snaplen = NETDROP_MAX_SNAPLEN + 1;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
	f.snaplen = 0;
	f.fields = NETDROP_F_REASON;
	f.nr_reasons = 0;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
	f.nr_reasons = NETDROP_MAX_REASONS + 1;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
	f.fields = NETDROP_F_LOCATION;
	f.nr_reasons = 0;
	f.nr_locations = 1;
	f.locations[0].start = 100;
	f.locations[0].end = 100;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
	f.size = sizeof(f) - 8;
	KUNIT_EXPECT_EQ(test, nd_filter_validate(&f), -EINVAL);
}

static void filter_ports_and_pre(struct kunit *test)
{
	struct nd_filter nf = { .f = { .size = sizeof(nf.f) } };
	struct netdrop_drop rec = {};

	rec.hdr.flags = NETDROP_RF_DECODED | NETDROP_RF_L4;
	rec.family = AF_INET;
	rec.l4proto = IPPROTO_UDP;
	rec.sport = 1024;
	rec.dport = 65535;
	nf.f.fields = NETDROP_F_DPORT | NETDROP_F_SRC;
	nf.f.dport.lo = 65535;
	nf.f.dport.hi = 65535;
	nf.f.src = cidr4("10.0.2.8", 32);
	in4_pton("10.0.2.8", -1, rec.saddr, -1, NULL);
	nd_filter_prepare(&nf);
	KUNIT_EXPECT_TRUE(test, nd_filter_match_post(&nf, &rec));
	rec.dport = 65534;
	KUNIT_EXPECT_FALSE(test, nd_filter_match_post(&nf, &rec));
	/* ICMP has no ports: a port filter never matches it. */
	rec.dport = 65535;
	rec.l4proto = IPPROTO_ICMP;
	KUNIT_EXPECT_FALSE(test, nd_filter_match_post(&nf, &rec));
	/* Port filter on an either-side range. */
	nf.f.fields = NETDROP_F_PORT;
	nf.f.port.lo = 1000;
	nf.f.port.hi = 1024;
	nd_filter_prepare(&nf);
	rec.l4proto = IPPROTO_TCP;
	KUNIT_EXPECT_TRUE(test, nd_filter_match_post(&nf, &rec));
	rec.sport = 1025;
	KUNIT_EXPECT_FALSE(test, nd_filter_match_post(&nf, &rec));

	nf.f.fields = NETDROP_F_REASON | NETDROP_F_LOCATION;
	nf.f.nr_reasons = 2;
	nf.f.reasons[0] = 3;
	nf.f.reasons[1] = 7;
	nf.f.nr_locations = 1;
	nf.f.locations[0].start = 0x1000;
	nf.f.locations[0].end = 0x1100;
	nd_filter_prepare(&nf);
	KUNIT_EXPECT_TRUE(test, nd_filter_match_pre(&nf, 0x1000, 7, 0, 0));
	KUNIT_EXPECT_FALSE(test, nd_filter_match_pre(&nf, 0x1100, 7, 0, 0));
	KUNIT_EXPECT_FALSE(test, nd_filter_match_pre(&nf, 0x10ff, 4, 0, 0));
}

/* ---- decoder ---- */

static struct sk_buff *skb_with(struct kunit *test, const void *data,
				unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len + 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_put_data(skb, data, len);
	skb_reset_network_header(skb);
	return skb;
}

static void build_ipv4_udp(u8 *buf, u16 sport, u16 dport)
{
	struct iphdr *iph = (struct iphdr *)buf;
	struct udphdr *uh = (struct udphdr *)(buf + 20);

	memset(buf, 0, 28);
	iph->version = 4;
	iph->ihl = 5;
	iph->protocol = IPPROTO_UDP;
	iph->tot_len = htons(28);
	iph->saddr = htonl(0x0a000208);
	iph->daddr = htonl(0x0a000003);
	uh->source = htons(sport);
	uh->dest = htons(dport);
}

static void decode_ipv4_udp(struct kunit *test)
{
	u8 buf[28];
	struct netdrop_drop rec = {};
	struct sk_buff *skb;

	build_ipv4_udp(buf, 5000, 9999);
	skb = skb_with(test, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, nd_decode(skb, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.family, (u8)AF_INET);
	KUNIT_EXPECT_EQ(test, rec.l4proto, (u8)IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, rec.sport, (u16)5000);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)9999);
	KUNIT_EXPECT_EQ(test, rec.saddr[3], (u8)8);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_L4);
	kfree_skb(skb);
}

static void decode_truncated_and_malformed(struct kunit *test)
{
	u8 buf[28];
	struct netdrop_drop rec = {};
	struct sk_buff *skb;

	/* IP header present, UDP header cut after 2 bytes. */
	build_ipv4_udp(buf, 1, 2);
	skb = skb_with(test, buf, 22);
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_DECODED);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_TRUNCATED);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_L4);
	kfree_skb(skb);

	/* IP header itself cut short. */
	memset(&rec, 0, sizeof(rec));
	skb = skb_with(test, buf, 12);
	nd_decode(skb, &rec);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_DECODED);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_TRUNCATED);
	kfree_skb(skb);

	/* Bogus IHL. */
	memset(&rec, 0, sizeof(rec));
	buf[0] = 0x43;
	skb = skb_with(test, buf, sizeof(buf));
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_MALFORMED);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_L4);
	kfree_skb(skb);

	/* IHL pointing past the packet. */
	memset(&rec, 0, sizeof(rec));
	buf[0] = 0x4f;
	skb = skb_with(test, buf, sizeof(buf));
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_TRUNCATED);
	kfree_skb(skb);

	/* IPv6 nibble under an IPv4 ethertype: garbage, not IPv6. */
	memset(&rec, 0, sizeof(rec));
	build_ipv4_udp(buf, 1, 2);
	buf[0] = 0x60;
	skb = skb_with(test, buf, sizeof(buf));
	skb->protocol = htons(ETH_P_IP);
	KUNIT_EXPECT_EQ(test, nd_decode(skb, &rec), 0);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_MALFORMED);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_DECODED);
	KUNIT_EXPECT_EQ(test, rec.family, (u8)0);
	kfree_skb(skb);

	/* An IPv4 header under another ethertype is not IP. */
	memset(&rec, 0, sizeof(rec));
	build_ipv4_udp(buf, 1, 2);
	skb = skb_with(test, buf, sizeof(buf));
	skb->protocol = htons(ETH_P_ARP);
	KUNIT_EXPECT_EQ(test, nd_decode(skb, &rec), 0);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_DECODED);
	kfree_skb(skb);

	/* Not IP at all, no network header hint: nothing decoded. */
	memset(&rec, 0, sizeof(rec));
	memset(buf, 0xff, sizeof(buf));
	skb = skb_with(test, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, nd_decode(skb, &rec), INT_MIN);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_DECODED);
	kfree_skb(skb);
}

static void decode_ipv4_fragment(struct kunit *test)
{
	u8 buf[28];
	struct netdrop_drop rec = {};
	struct sk_buff *skb;

	build_ipv4_udp(buf, 1, 2);
	((struct iphdr *)buf)->frag_off = htons(185);	/* offset != 0 */
	skb = skb_with(test, buf, sizeof(buf));
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_FRAGMENT);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_L4);
	KUNIT_EXPECT_EQ(test, rec.sport, (u16)0);
	kfree_skb(skb);
}

static int build_ipv6(u8 *buf, bool frag_first, bool frag_later)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
	u8 *p = buf + sizeof(*ip6);
	struct tcphdr *th;

	memset(buf, 0, 128);
	ip6->version = 6;
	in6_pton("2001:db8::8", -1, ip6->saddr.s6_addr, -1, NULL);
	in6_pton("2001:db8::3", -1, ip6->daddr.s6_addr, -1, NULL);
	ip6->nexthdr = NEXTHDR_HOP;
	p[0] = NEXTHDR_DEST;	/* hop-by-hop, 8 bytes */
	p[1] = 0;
	p += 8;
	p[0] = (frag_first || frag_later) ? NEXTHDR_FRAGMENT : NEXTHDR_TCP;
	p[1] = 1;		/* destination options, 16 bytes */
	p += 16;
	if (frag_first || frag_later) {
		p[0] = NEXTHDR_TCP;
		p[3] = frag_later ? (100 << 3) & 0xff : 1;	/* M flag only */
		p[2] = frag_later ? (100 << 3) >> 8 : 0;
		p += 8;
	}
	th = (struct tcphdr *)p;
	th->source = htons(443);
	th->dest = htons(20202);
	th->syn = 1;
	return p + sizeof(*th) - buf;
}

static void decode_ipv6_exthdrs(struct kunit *test)
{
	u8 buf[128];
	struct netdrop_drop rec = {};
	struct sk_buff *skb;
	int len;

	len = build_ipv6(buf, false, false);
	skb = skb_with(test, buf, len);
	nd_decode(skb, &rec);
	KUNIT_EXPECT_EQ(test, rec.family, (u8)AF_INET6);
	KUNIT_EXPECT_EQ(test, rec.l4proto, (u8)IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, rec.sport, (u16)443);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)20202);
	KUNIT_EXPECT_EQ(test, rec.tcp_flags, (u8)0x02);
	kfree_skb(skb);

	memset(&rec, 0, sizeof(rec));
	len = build_ipv6(buf, true, false);
	skb = skb_with(test, buf, len);
	nd_decode(skb, &rec);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)20202);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_FRAGMENT);
	kfree_skb(skb);

	memset(&rec, 0, sizeof(rec));
	len = build_ipv6(buf, false, true);
	skb = skb_with(test, buf, len);
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_FRAGMENT);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)0);
	kfree_skb(skb);

	/* Extension header chain cut in the middle. */
	memset(&rec, 0, sizeof(rec));
	skb = skb_with(test, buf, 40 + 8 + 4);
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_TRUNCATED);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_L4);
	kfree_skb(skb);
}

/* IPv6 + n destination-options headers + UDP to port 7402. */
static int build_ipv6_chain(u8 *buf, int n)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
	struct udphdr *uh;
	int i;

	memset(buf, 0, 40 + n * 8 + 8);
	ip6->version = 6;
	ip6->nexthdr = n ? NEXTHDR_DEST : IPPROTO_UDP;
	ip6->payload_len = htons(n * 8 + 8);
	for (i = 0; i < n; i++)
		buf[40 + i * 8] = i == n - 1 ? IPPROTO_UDP : NEXTHDR_DEST;
	uh = (struct udphdr *)(buf + 40 + n * 8);
	uh->dest = htons(7402);
	return 40 + n * 8 + 8;
}

static void decode_ipv6_long_chain(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 40 + 40 * 8 + 8, GFP_KERNEL);
	struct netdrop_drop rec = {};
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* 24 headers (what tests/e2e/43 sends): followed to the port. */
	skb = skb_with(test, buf, build_ipv6_chain(buf, 24));
	nd_decode(skb, &rec);
	KUNIT_EXPECT_EQ(test, rec.l4proto, (u8)IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)7402);
	kfree_skb(skb);

	/* More than ND_MAX_EXTHDRS: stop, say malformed, no port. */
	memset(&rec, 0, sizeof(rec));
	skb = skb_with(test, buf, build_ipv6_chain(buf, ND_MAX_EXTHDRS + 1));
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_MALFORMED);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_L4);
	kfree_skb(skb);
}

/* Headers split between the linear area and a page fragment. */
static void decode_nonlinear(struct kunit *test)
{
	u8 buf[28];
	struct netdrop_drop rec = {};
	struct sk_buff *skb;
	struct page *page;

	build_ipv4_udp(buf, 53, 5353);
	skb = skb_with(test, buf, 24);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memcpy(page_address(page), buf + 24, 4);
	skb_add_rx_frag(skb, 0, page, 0, 4, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	nd_decode(skb, &rec);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_L4);
	KUNIT_EXPECT_EQ(test, rec.sport, (u16)53);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)5353);
	KUNIT_EXPECT_EQ(test, nd_packet_avail(skb, 0, 256), 28U);
	kfree_skb(skb);
}

/* Network header never set: found from the MAC header. */
static void decode_unset_network_header(struct kunit *test)
{
	u8 frame[14 + 28] = {};
	struct netdrop_drop rec = {};
	struct sk_buff *skb;
	int off;

	build_ipv4_udp(frame + 14, 7, 8);
	frame[12] = 0x08;
	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put_data(skb, frame, sizeof(frame));
	skb_reset_mac_header(skb);
	skb->network_header = 0;
	off = nd_decode(skb, &rec);
	KUNIT_EXPECT_EQ(test, off, 14);
	KUNIT_EXPECT_TRUE(test, rec.hdr.flags & NETDROP_RF_NO_NETHDR);
	KUNIT_EXPECT_EQ(test, rec.dport, (u16)8);
	kfree_skb(skb);
}

/* A netlink message is not a packet, whatever its first byte is. */
static void decode_kernel_message(struct kunit *test)
{
	u8 msg[28] = {};
	struct netdrop_drop rec = {};
	struct sk_buff *skb;

	build_ipv4_udp(msg, 7, 8);	/* bytes that would decode as IPv4 */
	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_data(skb, msg, sizeof(msg));
	KUNIT_EXPECT_EQ(test, nd_decode(skb, &rec), INT_MIN);
	KUNIT_EXPECT_FALSE(test, rec.hdr.flags & NETDROP_RF_DECODED);
	kfree_skb(skb);
}

/* ---- reasons ---- */

static void reasons_table(struct kunit *test)
{
	u32 n = nd_reasons_count(), i;
	struct netdrop_reason *all;
	bool found = false;

	KUNIT_ASSERT_GT(test, n, 10U);
	all = kunit_kcalloc(test, n, sizeof(*all), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, all);
	KUNIT_EXPECT_EQ(test, nd_reasons_fill(all, n), n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_NE(test, all[i].name[0], '\0');
		if (!strcmp(all[i].name, "NO_SOCKET")) {
			found = true;
			KUNIT_EXPECT_EQ(test, all[i].value,
					(u32)SKB_DROP_REASON_NO_SOCKET);
		}
	}
	KUNIT_EXPECT_TRUE(test, found);
	/* Asking for fewer entries still reports the total. */
	KUNIT_EXPECT_EQ(test, nd_reasons_fill(all, 1), n);
}

/* ---- hooks: classification and the pending-verdict table ---- */

static void hooks_split_symbol(struct kunit *test)
{
	struct netdrop_hook_entry e = {};

	nd_split_symbol("net_hook_in_v4+0x0/0x50 [resguard_linux]", &e);
	KUNIT_EXPECT_STREQ(test, e.func_name, "net_hook_in_v4");
	KUNIT_EXPECT_STREQ(test, e.module, "resguard_linux");
	memset(&e, 0, sizeof(e));
	nd_split_symbol("nf_hook_slow+0xf3/0x100", &e);
	KUNIT_EXPECT_STREQ(test, e.func_name, "nf_hook_slow");
	KUNIT_EXPECT_STREQ(test, e.module, "");
	memset(&e, 0, sizeof(e));
	nd_split_symbol("0xffffffffc0a00000", &e);
	KUNIT_EXPECT_STREQ(test, e.func_name, "0xffffffffc0a00000");
}

static void hooks_xtables_names(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, nd_is_xtables_hook("ipt_do_table"));
	KUNIT_EXPECT_TRUE(test, nd_is_xtables_hook("ip6t_do_table"));
	KUNIT_EXPECT_TRUE(test, nd_is_xtables_hook("iptable_mangle_hook"));
	KUNIT_EXPECT_TRUE(test, nd_is_xtables_hook("arptable_filter_hook"));
	KUNIT_EXPECT_FALSE(test, nd_is_xtables_hook("nft_do_chain_ipv4"));
	KUNIT_EXPECT_FALSE(test, nd_is_xtables_hook("_do_table"));
	KUNIT_EXPECT_FALSE(test, nd_is_xtables_hook("net_hook_in_v4"));
}

static unsigned int fake_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static unsigned int ebt_fake_do_table(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

/* ebtables' priv is a struct ebt_table, whose name is elsewhere. */
static void hooks_ebtables_names(struct kunit *test)
{
	struct ebt_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct nf_hook_ops ops = {
		.hook = ebt_fake_do_table,
		.priority = NF_BR_PRI_FILTER_BRIDGED,
	};
	struct netdrop_hook_entry e = { .pf = NFPROTO_BRIDGE };

	KUNIT_ASSERT_NOT_NULL(test, t);
	/* What an xt_table would have at its name: must not be read. */
	memset(t, 'x', sizeof(*t));
	strscpy(t->name, "broute", sizeof(t->name));
	ops.priv = t;
	nd_hook_describe(&ops, ebt_fake_do_table, &e);
	KUNIT_EXPECT_STREQ(test, e.table, "broute");
	KUNIT_EXPECT_TRUE(test, e.flags & NETDROP_HF_XTABLES);
}

/*
 * Without a priv (before 5.16), an x_tables or ebtables table is named by
 * its module, or by its hook function when built in.
 */
static void hooks_xtables_name_without_priv(struct kunit *test)
{
	static const struct {
		const char *func, *module, *table;
	} cases[] = {
		{ "iptable_filter_hook", "", "filter" },
		{ "ip6table_mangle_hook", "ip6table_mangle", "mangle" },
		{ "arptable_filter_hook", "", "filter" },
		{ "ebt_broute", "ebtable_broute", "broute" },
		{ "ebt_in_hook", "ebtable_filter", "filter" },
		{ "iptable_filter_hooks", "", "" },
		{ "iptable__hook", "", "" },
		{ "ipv4_conntrack_in", "nf_conntrack", "" },
		{ "nf_nat_ipv4_in", "iptable_", "" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netdrop_hook_entry e = { .pf = NFPROTO_IPV4 };

		strscpy(e.func_name, cases[i].func, sizeof(e.func_name));
		strscpy(e.module, cases[i].module, sizeof(e.module));
		nd_xt_table_from_name(&e);
		KUNIT_EXPECT_STREQ_MSG(test, e.table, cases[i].table, "%s", cases[i].func);
		KUNIT_EXPECT_EQ_MSG(test, !!(e.flags & NETDROP_HF_XTABLES),
				    !!cases[i].table[0], "%s", cases[i].func);
	}
}

static void hooks_describe_nftables_and_other(struct kunit *test)
{
	struct nft_table *table = kunit_kzalloc(test, sizeof(*table), GFP_KERNEL);
	struct nft_chain *chain = kunit_kzalloc(test, sizeof(*chain), GFP_KERNEL);
	struct nf_hook_ops ops = {
		.hook = fake_hook,
		.priority = -5,
		.hook_ops_type = NF_HOOK_OP_NF_TABLES,
	};
	struct netdrop_hook_entry e = {};

	KUNIT_ASSERT_NOT_NULL(test, table);
	KUNIT_ASSERT_NOT_NULL(test, chain);
	table->name = "guard";
	table->family = NFPROTO_INET;
	chain->name = "in";
	chain->table = table;
	ops.priv = chain;

	nd_hook_describe(&ops, fake_hook, &e);
	KUNIT_EXPECT_EQ(test, e.priority, -5);
	KUNIT_EXPECT_EQ(test, e.ops_type, (u8)NETDROP_HOOK_NFTABLES);
	KUNIT_EXPECT_STREQ(test, e.table, "guard");
	KUNIT_EXPECT_STREQ(test, e.chain, "in");
	KUNIT_EXPECT_EQ(test, e.table_family, (u8)NFPROTO_INET);
	KUNIT_EXPECT_STREQ(test, e.func_name, "fake_hook");
	KUNIT_EXPECT_STREQ(test, e.module, "netdrop_kunit");
	KUNIT_EXPECT_FALSE(test, e.flags & NETDROP_HF_PLACEHOLDER);

	memset(&e, 0, sizeof(e));
	ops.hook_ops_type = NF_HOOK_OP_UNDEFINED;
	ops.priority = INT_MIN;
	nd_hook_describe(&ops, fake_hook, &e);
	KUNIT_EXPECT_EQ(test, e.ops_type, (u8)NETDROP_HOOK_OTHER);
	KUNIT_EXPECT_STREQ(test, e.table, "");
	/* INT_MIN alone is NF_IP_PRI_FIRST, not a placeholder. */
	KUNIT_EXPECT_FALSE(test, e.flags & NETDROP_HF_PLACEHOLDER);
}

static u32 fake_module_of(unsigned long addr)
{
	/* 0x5000..0x5fff is "module 6", the rest the kernel image. */
	return addr >= 0x5000 && addr < 0x6000 ? 6 : 0;
}

static const struct nd_code_range any_code = { .lo = 0, .hi = ~0UL };

static int pend_insert(unsigned long skb, unsigned long func, u8 pf, u8 hook,
		       const struct nd_code_range *code, unsigned long now,
		       u64 *gen)
{
	struct nd_pend_info pi = {
		.func = func, .pf = pf, .hooknum = hook,
	};

	return nd_pend_insert(skb, &pi, code, now, gen);
}

static void verdict_pending_table(struct kunit *test)
{
	unsigned long now = jiffies;
	struct nd_pend_info pi;
	u64 g1, g2, g3;
	int s1, s2, s3;

	nd_pend_clear();
	s1 = pend_insert(0x1000, 0xaa, 2, 1, &any_code, now, &g1);
	KUNIT_ASSERT_GE(test, s1, 0);
	/* Same skb nested (bridge calling IP hooks): the newest wins. */
	s2 = pend_insert(0x1000, 0xbb, 2, 3, &any_code, now, &g2);
	KUNIT_ASSERT_GE(test, s2, 0);
	KUNIT_EXPECT_GT(test, g2, g1);
	KUNIT_EXPECT_TRUE(test, nd_pend_take(0x1000, 0x1, now, fake_module_of, &pi));
	KUNIT_EXPECT_EQ(test, pi.func, 0xbbUL);
	KUNIT_EXPECT_EQ(test, pi.hooknum, (u8)3);
	/* A stale remover (old generation) cannot clear a newer entry. */
	s3 = pend_insert(0x2000, 0xcc, 10, 1, &any_code, now, &g3);
	nd_pend_remove(s3, 0x2000, g3 - 2);
	KUNIT_EXPECT_TRUE(test, nd_pend_take(0x2000, 0x1, now, fake_module_of, &pi));
	KUNIT_EXPECT_EQ(test, pi.func, 0xccUL);
	/* The outer entry is still there, removal by its owner works. */
	nd_pend_remove(s1, 0x1000, g1);
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x1000, 0x1, now, fake_module_of, &pi));
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x3000, 0x1, now, fake_module_of, &pi));
}

/*
 * The probe finds an entry by its window's tags: entries in every slot of
 * a window that wraps past the table's end (the tags of its first slots
 * are repeated after the end).
 */
static void verdict_pending_tags(struct kunit *test)
{
	unsigned long now = jiffies, skb, wrapped = 0;
	struct nd_pend_info pi;
	int slot, n;
	u64 gen;

	nd_pend_clear();
	/* An skb whose window starts in the table's last slots. */
	for (skb = 0x10000; skb < 0x10000 + 0x1000000 && !wrapped;
	     skb += 0x100) {
		slot = pend_insert(skb, 0x10, 2, 1, &any_code, now, &gen);
		KUNIT_ASSERT_GE(test, slot, 0);
		if (slot > 1024 - 8 && slot < 1024 - 1)
			wrapped = skb;
		else
			nd_pend_remove(slot, skb, gen);
	}
	KUNIT_ASSERT_NE(test, wrapped, 0UL);
	/* Seven more fill the window: some land in slots 0.. (wrapped). */
	for (n = 1; n < 8; n++)
		KUNIT_ASSERT_GE(test, pend_insert(wrapped, 0x10 + n, 2, 1,
						  &any_code, now, &gen), 0);
	/* Each is found in turn, newest first, then none. */
	for (n = 7; n >= 0; n--) {
		KUNIT_ASSERT_TRUE(test, nd_pend_take(wrapped, 0x1, now,
						     fake_module_of, &pi));
		KUNIT_EXPECT_EQ(test, pi.func, 0x10UL + n);
	}
	KUNIT_EXPECT_FALSE(test, nd_pend_take(wrapped, 0x1, now,
					      fake_module_of, &pi));
	/* Another skb with a full window of entries: not this one's. */
	KUNIT_EXPECT_FALSE(test, nd_pend_take(wrapped + 0x40, 0x1, now,
					      fake_module_of, &pi));
}

/*
 * A hook that runs the rest of the stack inline (br_netfilter) is blamed
 * only for drops in its own code while in flight; once it returned
 * NF_DROP, the free that follows is its, wherever it is.
 */
static void verdict_inflight_own_code_only(struct kunit *test)
{
	const struct nd_code_range fn = { .lo = 0x100, .hi = 0x200 };
	const struct nd_code_range mod = { .lo = 0x5100, .hi = 0x5200,
					   .module = 6 };
	unsigned long now = jiffies;
	struct nd_pend_info pi;
	u64 g;
	int s;

	nd_pend_clear();
	s = pend_insert(0x7000, 0xaa, 7, 0, &fn, now, &g);
	KUNIT_ASSERT_GE(test, s, 0);
	/* udp_rcv's NO_SOCKET far down the inline path: not the hook's. */
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x7000, 0x9000, now, fake_module_of, &pi));
	/* Inside the hook function itself: its. */
	KUNIT_EXPECT_TRUE(test, nd_pend_take(0x7000, 0x180, now, fake_module_of, &pi));

	/* A module's hook: any location in that module is its own code. */
	s = pend_insert(0x7000, 0x5100, 2, 1, &mod, now, &g);
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x7000, 0x180, now, fake_module_of, &pi));
	KUNIT_EXPECT_TRUE(test, nd_pend_take(0x7000, 0x5800, now, fake_module_of, &pi));

	/* Returned NF_DROP: the free in nf_hook_slow() is the hook's. */
	s = pend_insert(0x7000, 0xaa, 7, 0, &fn, now, &g);
	nd_pend_dropped(s, 0x7000, g, now);
	KUNIT_EXPECT_TRUE(test, nd_pend_take(0x7000, 0x9000, now, fake_module_of, &pi));
	KUNIT_EXPECT_EQ(test, pi.func, 0xaaUL);
}

/* Entries whose end never comes expire, and do not outlive a new visit. */
static void verdict_pending_expiry(struct kunit *test)
{
	unsigned long now = jiffies;
	struct nd_pend_info pi;
	u64 g, g2;
	int s;

	nd_pend_clear();
	/* NF_DROP on a shared skb: no tracepoint, the entry stays. */
	s = pend_insert(0x8000, 0xaa, 2, 1, &any_code, now, &g);
	nd_pend_dropped(s, 0x8000, g, now);
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x8000, 0x1, now + ND_DROP_LIFE + 1,
					      fake_module_of, &pi));
	nd_pend_clear();
	/* An in flight entry whose kretprobe went away. */
	s = pend_insert(0x8000, 0xbb, 2, 1, &any_code, now, &g);
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x8000, 0x1, now + ND_PEND_LIFE + 1,
					      fake_module_of, &pi));
	nd_pend_clear();
	/* A reused address entering a hook ends the old dropped entry. */
	s = pend_insert(0x8000, 0xcc, 2, 1, &any_code, now, &g);
	nd_pend_dropped(s, 0x8000, g, now);
	s = pend_insert(0x8000, 0xdd, 2, 1, &any_code, now, &g2);
	nd_pend_remove(s, 0x8000, g2);	/* the new visit returned ACCEPT */
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x8000, 0x1, now, fake_module_of, &pi));
	/* An unregistered probe's entries are forgotten. */
	s = pend_insert(0x8000, 0xee, 2, 1, &any_code, now, &g);
	nd_pend_forget(0xee);
	KUNIT_EXPECT_FALSE(test, nd_pend_take(0x8000, 0x1, now, fake_module_of, &pi));
	nd_pend_clear();
}

static void verdict_pending_table_full(struct kunit *test)
{
	unsigned int i, ok = 0;
	u64 gen;

	nd_pend_clear();
	/* One skb cannot take more than its probe window. */
	for (i = 0; i < 2 * ND_PEND_WINDOW; i++)
		if (pend_insert(0x4000, i + 1, 2, 1, &any_code, jiffies, &gen) >= 0)
			ok++;
	KUNIT_EXPECT_EQ(test, ok, (unsigned int)ND_PEND_WINDOW);
	nd_pend_clear();
}

static void vc_key(struct nd_vc_key *k, unsigned long func, unsigned long net,
		   u32 ifindex)
{
	memset(k, 0, sizeof(*k));
	k->func = func;
	k->priv = (const void *)0x10;
	k->net = (const struct net *)net;
	k->ifindex = ifindex;
	k->pf = NFPROTO_IPV4;
	k->hooknum = NF_INET_LOCAL_IN;
}

static void verdict_counts_per_hook(struct kunit *test)
{
	struct netdrop_hook_verdicts v;
	struct nd_vc_key a, b, c;
	int sa, sb, sc, i;

	KUNIT_ASSERT_EQ(test, nd_vcount_init(), 0);
	nd_vcount_reset();
	vc_key(&a, 0x1000, 0x100, 0);
	vc_key(&b, 0x1000, 0x200, 0);	/* the same hook in another netns */
	vc_key(&c, 0x1000, 0x100, 7);	/* ... on a device */
	sa = nd_vcount_slot(&a);
	sb = nd_vcount_slot(&b);
	sc = nd_vcount_slot(&c);
	KUNIT_ASSERT_GE(test, sa, 0);
	KUNIT_ASSERT_GE(test, sb, 0);
	KUNIT_ASSERT_GE(test, sc, 0);
	KUNIT_EXPECT_NE(test, sa, sb);
	KUNIT_EXPECT_NE(test, sa, sc);
	KUNIT_EXPECT_EQ(test, nd_vcount_slot(&a), sa);
	for (i = 0; i < 5; i++)
		nd_vcount_add(sa, ND_VC_ACCEPT);
	nd_vcount_add(sa, ND_VC_DROP);
	nd_vcount_add(sb, ND_VC_STOLEN);
	nd_vcount_add(sc, ND_VC_QUEUE);
	nd_vcount_add(-1, ND_VC_DROP);		/* not counted, no harm */
	nd_vcount_add(sa, ND_VC_KINDS);		/* out of range: ignored */
	nd_vcount_read(&a, &v);
	KUNIT_EXPECT_EQ(test, v.accepted, 5ULL);
	KUNIT_EXPECT_EQ(test, v.dropped, 1ULL);
	KUNIT_EXPECT_EQ(test, v.stolen, 0ULL);
	KUNIT_EXPECT_EQ(test, v.queued, 0ULL);
	nd_vcount_read(&b, &v);
	KUNIT_EXPECT_EQ(test, v.stolen, 1ULL);
	KUNIT_EXPECT_EQ(test, v.accepted + v.dropped + v.queued, 0ULL);
	nd_vcount_read(&c, &v);
	KUNIT_EXPECT_EQ(test, v.queued, 1ULL);
	KUNIT_EXPECT_EQ(test, nd_vcount_missed(), 0ULL);
	nd_vcount_reset();
	nd_vcount_read(&a, &v);
	KUNIT_EXPECT_EQ(test, v.accepted + v.dropped, 0ULL);
	nd_vcount_exit();
}

static void verdict_counts_table_full(struct kunit *test)
{
	struct netdrop_hook_verdicts v;
	unsigned int i, claimed = 0, bad = 0;
	struct nd_vc_key k;
	int slot;

	KUNIT_ASSERT_EQ(test, nd_vcount_init(), 0);
	nd_vcount_reset();
	for (i = 0; i < ND_VC_SLOTS + 64; i++) {
		vc_key(&k, 0x1000 + i, 0x100, 0);
		slot = nd_vcount_slot(&k);
		if (slot < 0)
			continue;
		claimed++;
		nd_vcount_add(slot, ND_VC_DROP);
	}
	KUNIT_EXPECT_LE(test, claimed, (unsigned int)ND_VC_SLOTS);
	KUNIT_EXPECT_EQ(test, nd_vcount_missed(), (u64)(ND_VC_SLOTS + 64 - claimed));
	/* Every key counted is read back as its own, never another's. */
	for (i = 0; i < ND_VC_SLOTS + 64; i++) {
		vc_key(&k, 0x1000 + i, 0x100, 0);
		nd_vcount_read(&k, &v);
		if (v.dropped > 1 || v.accepted)
			bad++;
		claimed -= v.dropped;
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, claimed, 0U);
	nd_vcount_exit();
}

static bool fake_is_nft(const struct nd_pend_info *pi)
{
	return pi->func == 0xf7;
}

/*
 * The rule probe finds the nf_tables hook running for an skb (in flight,
 * not dropped, the newest) and hangs the rule handle on its entry; a
 * handle written for an entry's earlier generation reads as none.
 */
static void verdict_rule_on_running_hook(struct kunit *test)
{
	unsigned long now = jiffies;
	struct nd_pend_info pi;
	int s, s2, slot;
	u64 g, g2, gen;

	nd_pend_clear();
	KUNIT_EXPECT_FALSE(test, nd_pend_running(0x9000, now, fake_is_nft,
						 &pi, &slot, &gen));
	s = pend_insert(0x9000, 0xf7, 2, 1, &any_code, now, &g);
	KUNIT_ASSERT_GE(test, s, 0);
	/* A newer hook of another kind (x_tables) in flight for it too. */
	s2 = pend_insert(0x9000, 0x11, 2, 1, &any_code, now, &g2);
	KUNIT_ASSERT_GE(test, s2, 0);
	KUNIT_ASSERT_TRUE(test, nd_pend_running(0x9000, now, fake_is_nft,
						&pi, &slot, &gen));
	KUNIT_EXPECT_EQ(test, slot, s);
	KUNIT_EXPECT_EQ(test, gen, g);
	KUNIT_EXPECT_EQ(test, pi.func, 0xf7UL);
	nd_pend_remove(s2, 0x9000, g2);
	nd_pend_set_rule(slot, gen, 0x3ffffffffffULL);	/* 42 bits */
	nd_pend_dropped(s, 0x9000, g, now);
	/* Dropped: no longer running. */
	KUNIT_EXPECT_FALSE(test, nd_pend_running(0x9000, now, fake_is_nft,
						 &pi, &slot, &gen));
	KUNIT_ASSERT_TRUE(test, nd_pend_take(0x9000, 0x1, now, fake_module_of,
					     &pi));
	KUNIT_EXPECT_EQ(test, pi.rule, 0x3ffffffffffULL);
	/* The slot's next owner does not inherit a stale writer's handle. */
	s = pend_insert(0x9000, 0xf7, 2, 1, &any_code, now, &g2);
	KUNIT_ASSERT_GE(test, s, 0);
	nd_pend_set_rule(s, g, 7);
	nd_pend_dropped(s, 0x9000, g2, now);
	KUNIT_ASSERT_TRUE(test, nd_pend_take(0x9000, 0x1, now, fake_module_of,
					     &pi));
	KUNIT_EXPECT_EQ(test, pi.rule, 0ULL);
	nd_pend_clear();
}

#if defined(ND_HAVE_NFT_RULE_PROBE) && defined(ND_HAVE_NFT_RULE_BLOB)
/* Puts a rule of @dlen expression bytes at @p; returns what follows it. */
static u8 *put_rule(u8 *p, u64 handle, unsigned int dlen, bool last)
{
	struct nft_rule_dp *r = (void *)p;

	r->handle = handle;
	r->dlen = dlen;
	r->is_last = last;
	return r->data + dlen;
}

/* A chain's blob of rules, as nf_tables_commit_chain_prepare() lays it. */
static void nftrule_blob_lookup(struct kunit *test)
{
	struct nft_rule_blob *b = kunit_kzalloc(test, 512, GFP_KERNEL);
	unsigned int budget = 100;
	u8 *r1, *r2, *r3, *end;

	KUNIT_ASSERT_NOT_NULL(test, b);
	r1 = b->data;
	r2 = put_rule(r1, 5, 16, false);
	r3 = put_rule(r2, 9, 40, false);
	end = put_rule(r3, 12, 8, false);
	b->size = end - b->data;
	put_rule(end, 0, 0, true);	/* the end marker, not in size */
	r1 += sizeof(struct nft_rule_dp);
	r2 += sizeof(struct nft_rule_dp);
	r3 += sizeof(struct nft_rule_dp);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, r1, &budget), 5ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, r1 + 8, &budget), 5ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, r2, &budget), 9ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, r2 + 39, &budget), 9ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, r3 + 7, &budget), 12ULL);
	/* The marker, beyond, before: not a rule of this blob. */
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, end, &budget), 0ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, end + 64, &budget), 0ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, b, &budget), 0ULL);
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(NULL, r1, &budget), 0ULL);
	/* The walk stops when its budget is spent. */
	budget = 2;
	KUNIT_EXPECT_EQ(test, nd_nft_blob_rule(b, r3, &budget), 0ULL);
	KUNIT_EXPECT_EQ(test, budget, 0U);
}
#endif

/* In-kernel aggregation: the slots of @cpu's table that hold @key. */
static u64 agg_count_of(struct nd_agg *agg, int cpu,
			const struct nd_agg_key *key, unsigned int *slots)
{
	const struct nd_agg_slot *t = agg->cpus[cpu];
	u64 sum = 0;
	u32 i;

	*slots = 0;
	for (i = 0; i < agg->nr_slots; i++)
		if (t[i].state == ND_AGG_READY &&
		    !memcmp(&t[i].key, key, sizeof(*key))) {
			sum += local64_read(&t[i].count);
			(*slots)++;
		}
	return sum;
}

static void agg_free_action(void *agg)
{
	nd_agg_free(agg);
}

/*
 * Counts per key; a full table counts the overflow, never silently; a
 * BUSY slot (a writer this one interrupted) is passed over, the key
 * takes another; sizes are checked.  Expectations are checked outside
 * the preemption-disabled parts (a failed assertion ends the test).
 */
static void agg_counts_and_overflow(struct kunit *test)
{
	struct nd_agg_key a = { .location = 0x1000, .reason = 2, .netns = 7 };
	struct nd_agg_key b = a, c = a;
	unsigned int slots_a, slots_b, slots_c, i, counted = 0, missed = 0;
	bool ok[4], c_slot_free;
	u64 n_a, n_b, n_c, n_a2, overflow;
	struct nd_agg_slot *t;
	struct nd_agg *agg;
	u32 home;
	int cpu;

	KUNIT_EXPECT_EQ(test, PTR_ERR(nd_agg_alloc(63)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nd_agg_alloc(96)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nd_agg_alloc(NETDROP_AGG_MAX_SLOTS * 2)),
			(long)-EINVAL);
	agg = nd_agg_alloc(NETDROP_AGG_MIN_SLOTS);
	KUNIT_ASSERT_FALSE(test, IS_ERR(agg));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, agg_free_action,
							agg), 0);
	b.reason = 3;
	c.ifindex = 9;
	cpu = get_cpu();
	t = agg->cpus[cpu];
	for (i = 0; i < 3; i++)
		ok[i] = nd_agg_count(agg, &a, 100, "eth0");
	ok[3] = nd_agg_count(agg, &b, 60, "");
	n_a = agg_count_of(agg, cpu, &a, &slots_a);
	n_b = agg_count_of(agg, cpu, &b, &slots_b);
	/*
	 * An interrupted writer holds the first free slot of c's probe
	 * sequence: c takes another.
	 */
	home = nd_agg_hash(agg, &c);
	for (i = 0; i < ND_AGG_PROBE; i++)
		if (t[(home + i) & 63].state == ND_AGG_FREE)
			break;
	home = (home + i) & 63;
	c_slot_free = t[home].state == ND_AGG_FREE;
	t[home].state = ND_AGG_BUSY;
	KUNIT_EXPECT_TRUE(test, nd_agg_count(agg, &c, 1, ""));
	n_c = agg_count_of(agg, cpu, &c, &slots_c);
	KUNIT_EXPECT_EQ(test, t[home].state, (u32)ND_AGG_BUSY);
	t[home].state = ND_AGG_FREE;
	/* More keys than slots: what finds none is overflow, and only that. */
	for (i = 0; i < 200; i++) {
		struct nd_agg_key k = a;

		k.ifindex = 1000 + i;
		if (nd_agg_count(agg, &k, 1, ""))
			counted++;
		else
			missed++;
	}
	n_a2 = agg_count_of(agg, cpu, &a, &slots_a);
	overflow = local64_read(per_cpu_ptr(agg->overflow, cpu));
	put_cpu();

	KUNIT_EXPECT_TRUE(test, ok[0] && ok[1] && ok[2] && ok[3]);
	KUNIT_EXPECT_EQ(test, n_a, 3ULL);
	KUNIT_EXPECT_EQ(test, n_b, 1ULL);
	KUNIT_EXPECT_TRUE(test, c_slot_free);
	KUNIT_EXPECT_EQ(test, n_c, 1ULL);
	KUNIT_EXPECT_EQ(test, slots_c, 1U);
	KUNIT_EXPECT_GT(test, missed, 0U);
	KUNIT_EXPECT_LE(test, counted, (unsigned int)NETDROP_AGG_MIN_SLOTS - 3);
	KUNIT_EXPECT_EQ(test, counted + missed, 200U);
	KUNIT_EXPECT_EQ(test, overflow, (u64)missed);
	/* The first keys keep their slots and counts. */
	KUNIT_EXPECT_EQ(test, n_a2, 3ULL);
	KUNIT_EXPECT_EQ(test, slots_a, 1U);
}

static struct kunit_case nd_ring_cases[] = {
	KUNIT_CASE(ring_reserve_commit),
	KUNIT_CASE(ring_full_counts_lost),
	KUNIT_CASE(ring_record_never_wraps),
	KUNIT_CASE(ring_consumer_abuse),
	KUNIT_CASE(ring_nested_producers),
	KUNIT_CASE(agg_counts_and_overflow),
	{}
};

static struct kunit_case nd_filter_cases[] = {
	KUNIT_CASE(filter_cidr_edges),
	KUNIT_CASE(filter_validate_rejects),
	KUNIT_CASE(filter_ports_and_pre),
	{}
};

static struct kunit_case nd_decode_cases[] = {
	KUNIT_CASE(decode_ipv4_udp),
	KUNIT_CASE(decode_truncated_and_malformed),
	KUNIT_CASE(decode_ipv4_fragment),
	KUNIT_CASE(decode_ipv6_exthdrs),
	KUNIT_CASE(decode_ipv6_long_chain),
	KUNIT_CASE(decode_nonlinear),
	KUNIT_CASE(decode_unset_network_header),
	KUNIT_CASE(decode_kernel_message),
	KUNIT_CASE(reasons_table),
	{}
};

static struct kunit_case nd_hooks_cases[] = {
	KUNIT_CASE(hooks_split_symbol),
	KUNIT_CASE(hooks_xtables_names),
	KUNIT_CASE(hooks_ebtables_names),
	KUNIT_CASE(hooks_xtables_name_without_priv),
	KUNIT_CASE(hooks_describe_nftables_and_other),
	KUNIT_CASE(verdict_pending_table),
	KUNIT_CASE(verdict_pending_tags),
	KUNIT_CASE(verdict_inflight_own_code_only),
	KUNIT_CASE(verdict_pending_expiry),
	KUNIT_CASE(verdict_pending_table_full),
	KUNIT_CASE(verdict_counts_per_hook),
	KUNIT_CASE(verdict_counts_table_full),
	KUNIT_CASE(verdict_rule_on_running_hook),
#if defined(ND_HAVE_NFT_RULE_PROBE) && defined(ND_HAVE_NFT_RULE_BLOB)
	KUNIT_CASE(nftrule_blob_lookup),
#endif
	{}
};

static struct kunit_suite nd_hooks_suite = {
	.name = "netdrop_hooks",
	.test_cases = nd_hooks_cases,
};

static struct kunit_suite nd_ring_suite = {
	.name = "netdrop_ring",
	.test_cases = nd_ring_cases,
};

static struct kunit_suite nd_filter_suite = {
	.name = "netdrop_filter",
	.test_cases = nd_filter_cases,
};

static struct kunit_suite nd_decode_suite = {
	.name = "netdrop_decode",
	.test_cases = nd_decode_cases,
};

kunit_test_suites(&nd_ring_suite, &nd_filter_suite, &nd_decode_suite,
		  &nd_hooks_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for netdrop");
