// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel filters.  Validated once at NETDROP_IOC_SET_FILTER, matched in
 * the probe in two steps: what needs no packet bytes (reason, location,
 * device, netns) before decoding, the rest after.
 */
#include <linux/errno.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/in.h>
#include <linux/in6.h>
#include "nd_filter.h"

#define ND_PRE_FIELDS (NETDROP_F_IFINDEX | NETDROP_F_NETNS | \
		       NETDROP_F_REASON | NETDROP_F_LOCATION)

static int nd_cidr_validate(const struct netdrop_cidr *c)
{
	unsigned int bits, i;

	if (c->family == AF_INET)
		bits = 32;
	else if (c->family == AF_INET6)
		bits = 128;
	else
		return -EINVAL;
	if (c->prefix > bits)
		return -EINVAL;
	/* No host bits beyond the prefix: "10.0.0.1/8" is a user mistake. */
	for (i = c->prefix; i < bits; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8)))
			return -EINVAL;
	for (i = bits / 8; i < 16; i++)
		if (c->addr[i])
			return -EINVAL;
	return memchr_inv(c->pad, 0, sizeof(c->pad)) ? -EINVAL : 0;
}

static int nd_range_validate(const struct netdrop_range *r)
{
	return r->lo <= r->hi ? 0 : -EINVAL;
}

int nd_filter_validate(const struct netdrop_filter *f)
{
	u32 i;

	if (f->size != sizeof(*f))
		return -EINVAL;
	if (f->fields & ~NETDROP_F_ALL || f->options & ~NETDROP_OPT_ALL ||
	    f->events & ~NETDROP_EV_ALL)
		return -EINVAL;
	if (f->snaplen > NETDROP_MAX_SNAPLEN)
		return -EINVAL;
	/* Counting keeps no stack or bytes, and counts drops. */
	if ((f->options & NETDROP_OPT_AGGREGATE) &&
	    ((f->options & NETDROP_OPT_STACK) || f->snaplen ||
	     (f->events && !(f->events & NETDROP_EV_DROP))))
		return -EINVAL;
	if ((f->fields & NETDROP_F_FAMILY) &&
	    f->family != AF_INET && f->family != AF_INET6)
		return -EINVAL;
	if ((f->fields & NETDROP_F_SRC) && nd_cidr_validate(&f->src))
		return -EINVAL;
	if ((f->fields & NETDROP_F_DST) && nd_cidr_validate(&f->dst))
		return -EINVAL;
	if ((f->fields & NETDROP_F_HOST) && nd_cidr_validate(&f->host))
		return -EINVAL;
	if ((f->fields & NETDROP_F_SPORT) && nd_range_validate(&f->sport))
		return -EINVAL;
	if ((f->fields & NETDROP_F_DPORT) && nd_range_validate(&f->dport))
		return -EINVAL;
	if ((f->fields & NETDROP_F_PORT) && nd_range_validate(&f->port))
		return -EINVAL;
	if ((f->fields & NETDROP_F_IFINDEX) && !f->ifindex)
		return -EINVAL;
	if ((f->fields & NETDROP_F_NETNS) && !f->netns)
		return -EINVAL;
	if (f->nr_reasons > NETDROP_MAX_REASONS ||
	    (!!(f->fields & NETDROP_F_REASON) != !!f->nr_reasons))
		return -EINVAL;
	if (f->nr_locations > NETDROP_MAX_LOCATIONS ||
	    (!!(f->fields & NETDROP_F_LOCATION) != !!f->nr_locations))
		return -EINVAL;
	for (i = 0; i < f->nr_locations; i++)
		if (f->locations[i].start >= f->locations[i].end)
			return -EINVAL;
	return 0;
}

void nd_filter_prepare(struct nd_filter *nf)
{
	nf->pre_fields = nf->f.fields & ND_PRE_FIELDS;
	nf->post_fields = nf->f.fields & ~ND_PRE_FIELDS;
}

bool nd_cidr_match(const struct netdrop_cidr *c, u8 family, const u8 *addr)
{
	unsigned int bytes = c->prefix / 8, bits = c->prefix % 8;

	if (family != c->family)
		return false;
	if (memcmp(addr, c->addr, bytes))
		return false;
	if (bits && ((addr[bytes] ^ c->addr[bytes]) & (0xff00 >> bits)))
		return false;
	return true;
}

static bool nd_in_range(const struct netdrop_range *r, u16 v)
{
	return v >= r->lo && v <= r->hi;
}

bool nd_filter_match_pre_fields(const struct nd_filter *nf, u64 location,
				u32 reason, u32 ifindex, u32 netns)
{
	const struct netdrop_filter *f = &nf->f;
	u32 fields = nf->pre_fields;
	u32 i;

	if ((fields & NETDROP_F_IFINDEX) && ifindex != f->ifindex)
		return false;
	if ((fields & NETDROP_F_NETNS) && netns != f->netns)
		return false;
	if (fields & NETDROP_F_REASON) {
		for (i = 0; i < f->nr_reasons; i++)
			if (f->reasons[i] == reason)
				break;
		if (i == f->nr_reasons)
			return false;
	}
	if (fields & NETDROP_F_LOCATION) {
		for (i = 0; i < f->nr_locations; i++)
			if (location >= f->locations[i].start &&
			    location < f->locations[i].end)
				break;
		if (i == f->nr_locations)
			return false;
	}
	return true;
}

bool nd_filter_match_post(const struct nd_filter *nf,
			  const struct netdrop_drop *rec)
{
	const struct netdrop_filter *f = &nf->f;
	u32 fields = nf->post_fields;
	bool l4 = rec->hdr.flags & NETDROP_RF_L4;

	if (!fields)
		return true;
	if ((fields & NETDROP_F_FAMILY) && rec->family != f->family)
		return false;
	if ((fields & NETDROP_F_SRC) &&
	    !nd_cidr_match(&f->src, rec->family, rec->saddr))
		return false;
	if ((fields & NETDROP_F_DST) &&
	    !nd_cidr_match(&f->dst, rec->family, rec->daddr))
		return false;
	if ((fields & NETDROP_F_HOST) &&
	    !nd_cidr_match(&f->host, rec->family, rec->saddr) &&
	    !nd_cidr_match(&f->host, rec->family, rec->daddr))
		return false;
	if ((fields & NETDROP_F_L4PROTO) &&
	    (!(rec->hdr.flags & NETDROP_RF_DECODED) ||
	     rec->l4proto != f->l4proto))
		return false;
	if ((fields & (NETDROP_F_SPORT | NETDROP_F_DPORT | NETDROP_F_PORT)) &&
	    (!l4 || rec->l4proto == IPPROTO_ICMP ||
	     rec->l4proto == IPPROTO_ICMPV6))
		return false;
	if ((fields & NETDROP_F_SPORT) && !nd_in_range(&f->sport, rec->sport))
		return false;
	if ((fields & NETDROP_F_DPORT) && !nd_in_range(&f->dport, rec->dport))
		return false;
	if ((fields & NETDROP_F_PORT) && !nd_in_range(&f->port, rec->sport) &&
	    !nd_in_range(&f->port, rec->dport))
		return false;
	return true;
}
