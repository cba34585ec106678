// SPDX-License-Identifier: GPL-2.0
/*
 * badpkt: malformed frames through a packet socket, run in a guest.
 *
 *   badpkt IFNAME DST_MAC ROUNDS [SEED [KIND]]
 *
 * Sends, ROUNDS times, one frame of each kind below (or of KIND only) on
 * IFNAME to DST_MAC (the peer of a veth pair), and prints "KIND N" per
 * kind, N the frames sent.  Exit 1 when a frame could not be sent:
 *   v4-short        an IPv4 ethertype with 10 bytes of header
 *   v4-ihl-low      IHL 3
 *   v4-ihl-high     IHL 15 with 20 bytes of header present
 *   v4-totlen       total length beyond the frame
 *   v4-csum         a bad header checksum
 *   v4-opts         IHL 15 of garbage options (valid checksum)
 *   v4-tinyfrag     two fragments of 8 bytes with MF, the same ID every round
 *   v4-udp-len      UDP length beyond the datagram, to a closed port
 *   v4-tcp-doff     TCP data offset 2
 *   v6-short        an IPv6 ethertype with 20 bytes of header
 *   v6-paylen       payload length beyond the frame
 *   v6-ext-chain    24 destination-options headers, then UDP to a closed port
 *   v6-ext-overrun  an extension header longer than the packet
 *   v6-hbh-late     a hop-by-hop header after another extension header
 *   garbage         random bytes under a random ethertype (IPv4, IPv6, other)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sk, send_errors;
static struct sockaddr_ll to;
static uint8_t dst_mac[6], src_mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
static uint64_t seed = 0x62616470;

static uint64_t rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x2545F4914F6CDD1DULL;
}

static uint16_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum);
}

static void send_frame(uint16_t type, const void *l3, size_t len)
{
	uint8_t f[1600];

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = type >> 8;
	f[13] = type & 0xff;
	memcpy(f + 14, l3, len);
	if (sendto(sk, f, 14 + len, 0, (void *)&to, sizeof(to)) < 0) {
		perror("badpkt: sendto");
		send_errors++;
	}
}

/* A valid IPv4 header (20 bytes) for proto, len = whole packet. */
static void ip4(uint8_t *p, uint8_t proto, uint16_t len)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = len >> 8;
	p[3] = len & 0xff;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, (uint8_t[]){ 10, 9, 0, 1 }, 4);
	memcpy(p + 16, (uint8_t[]){ 10, 9, 0, 2 }, 4);
	memcpy(p + 10, (uint16_t[]){ csum(p, 20) }, 2);
}

static void ip6(uint8_t *p, uint8_t next, uint16_t paylen)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = paylen >> 8;
	p[5] = paylen & 0xff;
	p[6] = next;
	p[7] = 64;
	p[8] = 0xfd;
	p[23] = 1;
	p[24] = 0xfd;
	p[39] = 2;
}

static void udp(uint8_t *p, uint16_t dport, uint16_t len)
{
	memset(p, 0, 8);
	p[0] = 0x30;
	p[1] = 0x39;
	p[2] = dport >> 8;
	p[3] = dport & 0xff;
	p[4] = len >> 8;
	p[5] = len & 0xff;
}

static void v4_short(void)
{
	uint8_t p[10];

	memset(p, 0x45, 10);
	send_frame(ETHERTYPE_IP, p, 10);
}

static void v4_ihl(uint8_t vihl)
{
	uint8_t p[28];

	ip4(p, IPPROTO_UDP, 28);
	p[0] = vihl;
	send_frame(ETHERTYPE_IP, p, 28);
}

static void v4_ihl_low(void)
{
	v4_ihl(0x43);
}

static void v4_ihl_high(void)
{
	v4_ihl(0x4f);
}

static void v4_totlen(void)
{
	uint8_t p[28];

	ip4(p, IPPROTO_UDP, 1000);
	send_frame(ETHERTYPE_IP, p, 28);
}

static void v4_csum(void)
{
	uint8_t p[28];

	ip4(p, IPPROTO_UDP, 28);
	p[10] ^= 0x5a;
	udp(p + 20, 7402, 8);
	send_frame(ETHERTYPE_IP, p, 28);
}

static void v4_opts(void)
{
	uint8_t p[68] = { 0 };

	p[0] = 0x4f;
	p[3] = 68;
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	memcpy(p + 12, (uint8_t[]){ 10, 9, 0, 1, 10, 9, 0, 2 }, 8);
	for (int i = 20; i < 60; i++)
		p[i] = rnd();
	/*
	 * The first option is never end-of-list or no-op, and its length (0
	 * or 1) is below the minimum of 2: random bytes alone are sometimes a
	 * valid list (an end-of-list byte first, about 1 round in 256).
	 */
	p[20] = 0x80 | (rnd() % 0x7f + 1);
	p[21] = rnd() % 2;
	memcpy(p + 10, (uint16_t[]){ csum(p, 60) }, 2);
	udp(p + 60, 7402, 8);
	send_frame(ETHERTYPE_IP, p, 68);
}

/*
 * Two fragments of 8 bytes, more to come, the same ID every round: the
 * first round's wait in the reassembly queue, every later round's are
 * duplicates of them.
 */
static void v4_tinyfrag(void)
{
	uint8_t p[28];

	for (int frag = 0; frag < 2; frag++) {
		ip4(p, IPPROTO_UDP, 28);
		p[4] = 0x12;
		p[6] = 0x20;			/* MF */
		p[7] = frag;			/* offset 0, then 8 bytes: overlap */
		p[10] = p[11] = 0;
		memcpy(p + 10, (uint16_t[]){ csum(p, 20) }, 2);
		udp(p + 20, 7402, 64);
		send_frame(ETHERTYPE_IP, p, 28);
	}
}

static void v4_udp_len(void)
{
	uint8_t p[36];

	ip4(p, IPPROTO_UDP, 36);
	udp(p + 20, 7402, 500);
	send_frame(ETHERTYPE_IP, p, 36);
}

static void v4_tcp_doff(void)
{
	uint8_t p[40];

	ip4(p, IPPROTO_TCP, 40);
	memset(p + 20, 0, 20);
	p[22] = 0x1f;
	p[23] = 0x90;
	p[32] = 0x20;			/* doff 2 */
	p[33] = 0x02;
	send_frame(ETHERTYPE_IP, p, 40);
}

static void v6_short(void)
{
	uint8_t p[20];

	memset(p, 0x60, 20);
	send_frame(ETHERTYPE_IPV6, p, 20);
}

static void v6_paylen(void)
{
	uint8_t p[48];

	ip6(p, IPPROTO_UDP, 1200);
	udp(p + 40, 7402, 8);
	send_frame(ETHERTYPE_IPV6, p, 48);
}

/* 24 destination-options headers, then UDP. */
static void v6_ext_chain(void)
{
	uint8_t p[40 + 24 * 8 + 8];

	ip6(p, IPPROTO_DSTOPTS, 24 * 8 + 8);
	for (int i = 0; i < 24; i++) {
		uint8_t *h = p + 40 + i * 8;

		memset(h, 0, 8);
		h[0] = i == 23 ? IPPROTO_UDP : IPPROTO_DSTOPTS;
		h[2] = 1;	/* PadN */
		h[3] = 4;
	}
	udp(p + 40 + 24 * 8, 7402, 8);
	send_frame(ETHERTYPE_IPV6, p, sizeof(p));
}

static void v6_ext_overrun(void)
{
	uint8_t p[56];

	ip6(p, IPPROTO_DSTOPTS, 16);
	memset(p + 40, 0, 16);
	p[40] = IPPROTO_UDP;
	p[41] = 200;		/* (200 + 1) * 8 bytes */
	send_frame(ETHERTYPE_IPV6, p, 56);
}

static void v6_hbh_late(void)
{
	uint8_t p[64];

	ip6(p, IPPROTO_DSTOPTS, 24);
	memset(p + 40, 0, 24);
	p[40] = IPPROTO_HOPOPTS;
	p[42] = 1;
	p[43] = 4;
	p[48] = IPPROTO_UDP;
	p[50] = 1;
	p[51] = 4;
	udp(p + 56, 7402, 8);
	send_frame(ETHERTYPE_IPV6, p, 64);
}

static void send_garbage(void)
{
	static const uint16_t types[] = { ETHERTYPE_IP, ETHERTYPE_IPV6, 0x88b5 };
	uint8_t p[300];
	size_t len = 1 + rnd() % sizeof(p), i;

	for (i = 0; i < len; i++)
		p[i] = rnd();
	if (rnd() % 2)
		p[0] = rnd() % 2 ? 0x45 : 0x60;	/* look like a header */
	send_frame(types[rnd() % 3], p, len);
}

static const struct kind {
	const char *name;
	void (*send)(void);
	int frames;
} kinds[] = {
	{ "v4-short", v4_short, 1 },
	{ "v4-ihl-low", v4_ihl_low, 1 },
	{ "v4-ihl-high", v4_ihl_high, 1 },
	{ "v4-totlen", v4_totlen, 1 },
	{ "v4-csum", v4_csum, 1 },
	{ "v4-opts", v4_opts, 1 },
	{ "v4-tinyfrag", v4_tinyfrag, 2 },
	{ "v4-udp-len", v4_udp_len, 1 },
	{ "v4-tcp-doff", v4_tcp_doff, 1 },
	{ "v6-short", v6_short, 1 },
	{ "v6-paylen", v6_paylen, 1 },
	{ "v6-ext-chain", v6_ext_chain, 1 },
	{ "v6-ext-overrun", v6_ext_overrun, 1 },
	{ "v6-hbh-late", v6_hbh_late, 1 },
	{ "garbage", send_garbage, 1 },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

int main(int argc, char **argv)
{
	const char *only = argc > 5 ? argv[5] : NULL;
	unsigned int m[6];
	long rounds, r;
	size_t k, chosen = 0;

	if (argc < 4 || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			       &m[3], &m[4], &m[5]) != 6) {
		fprintf(stderr, "usage: badpkt IFNAME DST_MAC ROUNDS [SEED [KIND]]\n");
		return 2;
	}
	for (k = 0; k < NKINDS; k++)
		chosen += !only || !strcmp(only, kinds[k].name);
	if (!chosen) {
		fprintf(stderr, "badpkt: no kind %s\n", only);
		return 2;
	}
	for (k = 0; k < 6; k++)
		dst_mac[k] = m[k];
	rounds = atol(argv[3]);
	if (argc > 4)
		seed = strtoull(argv[4], NULL, 0) | 1;
	sk = socket(AF_PACKET, SOCK_RAW, 0);
	if (sk < 0) {
		perror("badpkt: socket");
		return 1;
	}
	to.sll_family = AF_PACKET;
	to.sll_ifindex = if_nametoindex(argv[1]);
	to.sll_halen = 6;
	memcpy(to.sll_addr, dst_mac, 6);
	if (!to.sll_ifindex) {
		perror(argv[1]);
		return 1;
	}
	for (r = 0; r < rounds; r++)
		for (k = 0; k < NKINDS; k++)
			if (!only || !strcmp(only, kinds[k].name))
				kinds[k].send();
	for (k = 0; k < NKINDS; k++)
		if (!only || !strcmp(only, kinds[k].name))
			printf("%s %ld\n", kinds[k].name, rounds * kinds[k].frames);
	return send_errors ? 1 : 0;
}
