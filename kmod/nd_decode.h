/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_DECODE_H
#define _ND_DECODE_H

#include <linux/skbuff.h>
#include <netdrop/netdrop.h>

/*
 * Decodes the network and transport headers of @skb into @rec (family,
 * l4proto, addresses, ports, TCP flags, ICMP type/code, protocol) and
 * returns the offset of the network header relative to skb->data (which
 * may be negative), or INT_MIN when no IPv4/IPv6 header was found.
 * Sets NETDROP_RF_* flags in rec->hdr.flags.  Never writes outside @rec,
 * never reads outside the skb's data (linear or paged).
 */
int nd_decode(const struct sk_buff *skb, struct netdrop_drop *rec);

/* How many of @len bytes from network offset @off the skb holds. */
unsigned int nd_packet_avail(const struct sk_buff *skb, int off,
			     unsigned int len);

/*
 * Copies up to @len bytes of @skb starting at network offset @off into
 * @to.  Returns the number of bytes copied.
 */
unsigned int nd_copy_packet(const struct sk_buff *skb, int off, void *to,
			    unsigned int len);

#endif
