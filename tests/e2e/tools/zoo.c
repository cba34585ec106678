// Traffic for the traffic zoo (scenario 44): sockets that die with unread
// data, floods, crafted fragments.  One small binary that runs a whole
// batch of commands, each in its namespace: starting a process costs a lot
// under TCG (python: 0.3 s on Debian kernels, 2 s on KASAN; ip netns exec
// also makes a mount namespace and remounts /sys), and every kind runs
// every round.  Errors of send calls are ignored on purpose: drops are
// what we want.
//   zoo [-n NETNS] COMMAND ARGS [+ [-n NETNS] COMMAND ARGS ...]
// NETNS: a name under /run/netns or a path (/proc/PID/fd/N).  ADDR, DST:
// v4 or v6 literals.  Commands:
//   udp-self ADDR PORT N           bind ADDR:PORT, send itself N datagrams, close unread
//   gro ADDR PORT FEEDNS N SIZE    a UDP_GRO socket on ADDR:PORT, fed from FEEDNS N
//                                  datagrams of SIZE bytes and N/10 UDP GSO packets
//                                  of 8 segments, closed unread
//   recverr DST PORT N             an IP(V6)_RECVERR socket sends N to a closed port,
//                                  closes with its error queue unread
//   send DST PORT N [--src A] [--sport P] [--size S] [--ttl T] [--ms MS] [--gap US]
//                                  N datagrams (or as many as fit in MS ms), US µs apart
//   ping DST N                     N ICMP echo requests (raw socket)
//   tcp-unread ADDR N              the server closes with unread data (RST); data
//                                  for a socket closed for reading
//   tcp-linger0 ADDR N             the client closes with SO_LINGER {1,0} (RST)
//   tcp-closed DST PORT N          N connects to a closed port
//   backlog ADDR N MS              listener with backlog 2, N connects in two waves
//   unix N                         unix stream/dgram pairs, one passing an fd, and an
//                                  unaccepted connection, closed unread
//   netlink N                      rtnetlink listener with a tiny buffer while N
//                                  addresses come and go on lo, closed unread
//   packet IFNAME DST PORT N       packet socket on IFNAME, tiny buffer, never read,
//                                  while N datagrams go to DST:PORT
//   raw ADDR N                     raw socket (protocol 253), tiny buffer, unread; then
//                                  N packets for a protocol nobody handles
//   frag SRC DST N                 N first fragments of UDP datagrams, never the rest
//   cut IFNAME DST PORT N          N datagrams to DST:PORT, then delete IFNAME at once
// Setup, without one process per namespace and step:
//   up DEV                         DEV up
//   addr DEV A/LEN...              addresses on DEV (IPv6 without DAD), DEV up
//   route DST/LEN via GW           a route; route DST/LEN unreachable
//   neigh DEV IP MAC               a permanent neighbour
//   master DEV BRIDGE              DEV a port of BRIDGE, up
//   ethtool DEV gro|tso on|off     a device feature (legacy ethtool ioctls)
//   sysctl KEY=VALUE...            write /proc/sys/KEY (dots for slashes)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef NETLINK_BROADCAST_ERROR
#define NETLINK_BROADCAST_ERROR 4
#endif

static int tiny = 1; /* SO_RCVBUF: the kernel rounds it up to its minimum */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Fills *sa from a v4 or v6 literal and a port; returns its length. */
static socklen_t addr(const char *s, int port, struct sockaddr_storage *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (strchr(s, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)sa;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, s, &a->sin6_addr) != 1)
			goto bad;
		return sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)sa;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (inet_pton(AF_INET, s, &a->sin_addr) != 1)
			goto bad;
		return sizeof(*a);
	}
bad:
	fprintf(stderr, "zoo: bad address %s\n", s);
	exit(2);
}

static int sock_port(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		die("getsockname");
	if (sa.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
	return ntohs(((struct sockaddr_in *)&sa)->sin_port);
}

static int bound(const char *a, int port, int type)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(a, port, &sa);
	int fd = socket(sa.ss_family, type, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, len))
		die("bind");
	return fd;
}

/* Joins a network namespace: a name under /run/netns or a path. */
static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
}

/* What used to panic netdrop: datagrams queued on a socket closed unread. */
static int udp_self(const char *a, int port, int n)
{
	struct sockaddr_storage sa;
	int fd = bound(a, port, SOCK_DGRAM), i;
	socklen_t len = addr(a, sock_port(fd), &sa);
	char buf[200] = { 0 };

	for (i = 0; i < n; i++)
		sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, len);
	msleep(20);
	close(fd);
	return 0;
}

static void send_n(const char *dst, int port, int n, int size);

/* GRO-merged datagrams (veth NAPI; merged when a qdisc releases them in a
 * batch) and UDP GSO packets (UDP_SEGMENT; veth passes them whole) queued
 * on a UDP_GRO socket closed unread. */
static int gro(const char *a, int port, const char *feed, int n, int size)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(a, port, &sa);
	int fd = bound(a, port, SOCK_DGRAM), one = 1, rcvbuf = 4 << 20, s, i;
	static char big[8 * 1472];

	if (size < 1 || size > 1472)
		size = 1000;
	if (setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one)))
		die("UDP_GRO");
	/* Room for all of it: freed unread, not dropped on arrival. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	enter_netns(feed);
	s = socket(sa.ss_family, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, IPPROTO_UDP, UDP_SEGMENT, &size, sizeof(size)))
		die("UDP_SEGMENT");
	for (i = 0; i < n / 10; i++)
		sendto(s, big, 8 * size, 0, (struct sockaddr *)&sa, len);
	close(s);
	send_n(a, port, n, size);
	msleep(100);
	close(fd);
	return 0;
}

/* ICMP errors queue on the error queue of an IP_RECVERR socket. */
static int recverr(const char *dst, int port, int n)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(dst, port, &sa);
	int fd = socket(sa.ss_family, SOCK_DGRAM, 0), one = 1, i;
	char buf[64] = { 0 };

	if (fd < 0)
		die("socket");
	if (sa.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, len))
		die("connect");
	/* A pending error fails the next send: n sends, 2n tries. */
	for (i = 0; i < 2 * n; i++)
		send(fd, buf, sizeof(buf), 0);
	msleep(20);
	close(fd);
	return 0;
}

static int flood(int argc, char **argv)
{
	struct sockaddr_storage sa, src;
	socklen_t len = addr(argv[1], atoi(argv[2]), &sa);
	int n = atoi(argv[3]), size = 64, ttl = 0, ms = 0, sport = 0, gap = 0, fd, i;
	const char *from = NULL;
	long long end;
	char buf[1472] = { 0 };

	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--src"))
			from = argv[i + 1];
		else if (!strcmp(argv[i], "--sport"))
			sport = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--size"))
			size = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ttl"))
			ttl = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ms"))
			ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--gap"))
			gap = atoi(argv[i + 1]);

	}
	if (size < 0 || size > (int)sizeof(buf))
		size = 64;
	fd = socket(sa.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (from || sport) {
		socklen_t slen;

		if (from)
			slen = addr(from, sport, &src);
		else
			slen = addr(sa.ss_family == AF_INET6 ? "::" : "0.0.0.0", sport, &src);
		if (bind(fd, (struct sockaddr *)&src, slen))
			die("bind");
	}
	if (ttl && sa.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	else if (ttl)
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	end = now_ms() + ms;
	for (i = 0; i < n; i++) {
		sendto(fd, buf, size, 0, (struct sockaddr *)&sa, len);
		if (gap)
			usleep(gap);
		if (ms && (gap || (i & 63) == 0) && now_ms() >= end)
			break;
	}
	close(fd);
	return 0;
}

static void send_n(const char *dst, int port, int n, int size)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(dst, port, &sa);
	int fd = socket(sa.ss_family, SOCK_DGRAM, 0), i;
	char buf[1472] = { 0 };

	if (fd < 0)
		die("socket");
	if (size < 0 || size > (int)sizeof(buf))
		size = 100;
	for (i = 0; i < n; i++)
		sendto(fd, buf, size, 0, (struct sockaddr *)&sa, len);
	close(fd);
}

/* Connects a TCP client to fd's address; returns the accepted socket. */
static int tcp_pair(const char *a, int lfd, int *cfd)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(a, sock_port(lfd), &sa);
	int s;

	*cfd = socket(sa.ss_family, SOCK_STREAM, 0);
	if (*cfd < 0)
		die("socket");
	if (connect(*cfd, (struct sockaddr *)&sa, len))
		die("connect");
	s = accept(lfd, NULL, NULL);
	if (s < 0)
		die("accept");
	return s;
}

static int tcp_unread(const char *a, int n)
{
	int lfd = bound(a, 0, SOCK_STREAM), c, s, i;
	char buf[1000] = { 0 };

	if (listen(lfd, 16))
		die("listen");
	for (i = 0; i < n; i++) {
		/* Closed with unread data: an active RST (freed without a drop). */
		s = tcp_pair(a, lfd, &c);
		send(c, buf, sizeof(buf), MSG_NOSIGNAL);
		msleep(5);
		close(s);
		close(c);
		/* Data for a socket closed for reading (FIN_WAIT2, orphaned):
		 * the kernel aborts it and drops the segment. */
		s = tcp_pair(a, lfd, &c);
		close(c);
		msleep(5);
		send(s, buf, sizeof(buf), MSG_NOSIGNAL);
		msleep(5);
		close(s);
	}
	close(lfd);
	return 0;
}

static int tcp_linger0(const char *a, int n)
{
	struct linger lg = { 1, 0 };
	int lfd = bound(a, 0, SOCK_STREAM), c, s, i;
	char buf[500] = { 0 };

	if (listen(lfd, 16))
		die("listen");
	for (i = 0; i < n; i++) {
		s = tcp_pair(a, lfd, &c);
		send(s, buf, sizeof(buf), MSG_NOSIGNAL);
		msleep(5);
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c); /* RST */
		msleep(5);
		send(s, buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT);
		close(s);
	}
	close(lfd);
	return 0;
}

static int nonblocking_connect(const char *dst, int port)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(dst, port, &sa);
	int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		die("socket");
	connect(fd, (struct sockaddr *)&sa, len);
	return fd;
}

static int tcp_closed(const char *dst, int port, int n)
{
	int i;

	for (i = 0; i < n; i++)
		close(nonblocking_connect(dst, port));
	return 0;
}

/* Listen backlog 2.  A first wave fills the accept queue; with a delay on
 * the path (netem on lo) the second wave's SYNs all find the request
 * queue empty, and their final ACKs overflow the accept queue. */
static int backlog(const char *a, int n, int ms)
{
	int lfd = bound(a, 0, SOCK_STREAM), fds[256], i;

	if (n > 256)
		n = 256;
	if (listen(lfd, 2))
		die("listen");
	for (i = 0; i < n; i++) {
		fds[i] = nonblocking_connect(a, sock_port(lfd));
		if (i == 1) /* the first wave is accepted and queued */
			msleep(ms / 2);
	}
	msleep(ms / 2);
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(lfd);
	return 0;
}

static void send_fd(int via, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b = 'f';
	struct iovec iov = { &b, 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *cm;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	sendmsg(via, &m, MSG_DONTWAIT);
}

static int unix_kinds(int n)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char buf[300] = { 0 };
	int sv[2], l, c, i, j;
	socklen_t len;

	for (i = 0; i < n; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		for (j = 0; j < 4; j++)
			send(sv[0], buf, sizeof(buf), MSG_DONTWAIT);
		send_fd(sv[0], sv[0]);
		close(sv[1]);
		close(sv[0]);
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			die("socketpair");
		for (j = 0; j < 4; j++)
			send(sv[0], buf, sizeof(buf), MSG_DONTWAIT);
		close(sv[1]);
		close(sv[0]);
	}
	/* A connection nobody accepted, with data, dies with its listener. */
	snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "zoo-%d", getpid());
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(un.sun_path + 1);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&un, len) || listen(l, 4))
		die("unix listen");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&un, len))
		die("unix connect");
	send(c, buf, sizeof(buf), MSG_DONTWAIT);
	close(l);
	close(c);
	return 0;
}

/* rtnetlink requests: a header, a fixed part, attributes; nl_talk sends
 * one and returns the kernel's answer (0 or -errno). */
struct nlreq {
	struct nlmsghdr nh;
	char buf[512];
};

static void *nl_begin(struct nlreq *r, int type, int flags, size_t fixed)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_len = NLMSG_LENGTH(fixed);
	return NLMSG_DATA(&r->nh);
}

static void nl_attr(struct nlreq *r, int type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)&r->nh + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* A socket per request: the batch moves between namespaces. */
static int nl_talk(struct nlreq *r)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), err = 0;
	char ack[1024];
	struct nlmsghdr *h = (struct nlmsghdr *)ack;
	ssize_t n;

	if (fd < 0 || send(fd, r, r->nh.nlmsg_len, 0) < 0)
		die("netlink");
	n = recv(fd, ack, sizeof(ack), 0);
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR)
		err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	close(fd);
	return err;
}

static void nl_must(struct nlreq *r, const char *what)
{
	int err = nl_talk(r);

	if (err) {
		errno = -err;
		die(what);
	}
}

static int ifindex(const char *ifname)
{
	int i = if_nametoindex(ifname);

	if (!i)
		die(ifname);
	return i;
}

/* A v4 or v6 literal into buf; returns its family. */
static int inaddr(const char *s, void *buf)
{
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	fprintf(stderr, "zoo: bad address %s\n", s);
	exit(2);
}

static int up(const char *ifname);

/* addr DEV A/LEN...: addresses (IPv6 without DAD), then DEV up. */
static int addr_add(int argc, char **argv)
{
	struct in6_addr a;
	struct ifaddrmsg *ifa;
	struct nlreq r;
	char ip[64], *slash;
	int i, fam, alen;

	for (i = 2; i < argc; i++) {
		snprintf(ip, sizeof(ip), "%s", argv[i]);
		slash = strchr(ip, '/');
		if (!slash)
			die(argv[i]);
		*slash = 0;
		fam = inaddr(ip, &a);
		alen = fam == AF_INET6 ? 16 : 4;
		ifa = nl_begin(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
		ifa->ifa_family = fam;
		ifa->ifa_prefixlen = atoi(slash + 1);
		ifa->ifa_flags = fam == AF_INET6 ? IFA_F_NODAD : 0;
		ifa->ifa_index = ifindex(argv[1]);
		nl_attr(&r, IFA_LOCAL, &a, alen);
		nl_attr(&r, IFA_ADDRESS, &a, alen);
		nl_must(&r, argv[i]);
	}
	return up(argv[1]);
}

/* route DST/LEN via GW | route DST/LEN unreachable */
static int route_add(int argc, char **argv)
{
	struct in6_addr dst, gw;
	struct rtmsg *rt;
	struct nlreq r;
	char ip[64], *slash;
	int fam;

	if (argc < 3)
		die("route: DST/LEN via GW | unreachable");
	snprintf(ip, sizeof(ip), "%s", argv[1]);
	slash = strchr(ip, '/');
	if (!slash)
		die(argv[1]);
	*slash = 0;
	fam = inaddr(ip, &dst);
	rt = nl_begin(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rt));
	rt->rtm_family = fam;
	rt->rtm_dst_len = atoi(slash + 1);
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	nl_attr(&r, RTA_DST, &dst, fam == AF_INET6 ? 16 : 4);
	if (!strcmp(argv[2], "unreachable")) {
		rt->rtm_type = RTN_UNREACHABLE;
	} else if (argc >= 4 && !strcmp(argv[2], "via")) {
		inaddr(argv[3], &gw);
		nl_attr(&r, RTA_GATEWAY, &gw, fam == AF_INET6 ? 16 : 4);
	} else {
		die("route: DST/LEN via GW | unreachable");
	}
	nl_must(&r, argv[1]);
	return 0;
}

/* neigh DEV IP MAC: a permanent neighbour (nobody answers for it). */
static int neigh_add(const char *dev, const char *ip, const char *mac)
{
	unsigned char ll[6];
	struct in6_addr a;
	struct ndmsg *nd;
	struct nlreq r;
	int fam = inaddr(ip, &a);

	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &ll[0], &ll[1], &ll[2], &ll[3], &ll[4], &ll[5]) != 6)
		die(mac);
	nd = nl_begin(&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*nd));
	nd->ndm_family = fam;
	nd->ndm_ifindex = ifindex(dev);
	nd->ndm_state = NUD_PERMANENT;
	nl_attr(&r, NDA_DST, &a, fam == AF_INET6 ? 16 : 4);
	nl_attr(&r, NDA_LLADDR, ll, sizeof(ll));
	nl_must(&r, ip);
	return 0;
}

/* master DEV BRIDGE: DEV becomes a port of BRIDGE, and up. */
static int master(const char *dev, const char *br)
{
	struct ifinfomsg *ifi;
	struct nlreq r;
	int m = ifindex(br);

	ifi = nl_begin(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex(dev);
	nl_attr(&r, IFLA_MASTER, &m, sizeof(m));
	nl_must(&r, dev);
	return up(dev);
}

/* RTM_NEWADDR / RTM_DELADDR of 10.44.200.X/32 on lo. */
static void nl_addr(int type, int x)
{
	struct in_addr a = { htonl(0x0a2cc800 | (x & 0xff)) };
	struct ifaddrmsg *ifa;
	struct nlreq r;

	ifa = nl_begin(&r, type, type == RTM_NEWADDR ? NLM_F_CREATE : 0, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = ifindex("lo");
	nl_attr(&r, IFA_LOCAL, &a, sizeof(a));
	nl_talk(&r);
}

static int netlink_overflow(int n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int lis, one = 1, i;

	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR;
	lis = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (lis < 0)
		die("netlink socket");
	setsockopt(lis, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
	/* Without it an overrun only counts; with it the copy is freed as a drop. */
	setsockopt(lis, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	if (bind(lis, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink bind");
	for (i = 0; i < n; i++) {
		nl_addr(RTM_NEWADDR, i);
		nl_addr(RTM_DELADDR, i);
	}
	close(lis);
	return 0;
}

static int packet_overflow(const char *ifname, const char *dst, int port, int n)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(0x0003) };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(0x0003)); /* ETH_P_ALL */
	if (fd < 0)
		die("packet socket");
	ll.sll_ifindex = if_nametoindex(ifname);
	if (!ll.sll_ifindex)
		die(ifname);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll)))
		die("packet bind");
	send_n(dst, port, n, 100);
	msleep(20);
	close(fd);
	return 0;
}

static int raw_kinds(const char *a, int n)
{
	struct sockaddr_storage sa;
	socklen_t len = addr(a, 0, &sa);
	char buf[400] = { 0 };
	int fd, i;

	fd = socket(sa.ss_family, SOCK_RAW, 253);
	if (fd < 0)
		die("raw socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
	for (i = 0; i < n; i++)
		sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, len);
	msleep(20);
	close(fd); /* unread: purged */
	/* Nobody handles protocol 254 and no raw socket wants it. */
	fd = socket(sa.ss_family, SOCK_RAW, 254);
	if (fd < 0)
		die("raw socket");
	for (i = 0; i < n; i++)
		sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, len);
	close(fd);
	return 0;
}

static uint16_t csum(const void *p, int len)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; len > 1; len -= 2)
		s += *w++;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* First fragments only: reassembly waits ipfrag_time, then gives up. */
static int frag(const char *src, const char *dst, int n)
{
	struct sockaddr_in d = { .sin_family = AF_INET };
	struct {
		struct iphdr ip;
		struct udphdr udp;
		char data[600];
	} pkt;
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), i;

	if (fd < 0)
		die("raw socket");
	if (inet_pton(AF_INET, dst, &d.sin_addr) != 1)
		die(dst);
	for (i = 0; i < n; i++) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.ip.version = 4;
		pkt.ip.ihl = 5;
		pkt.ip.ttl = 64;
		pkt.ip.protocol = IPPROTO_UDP;
		pkt.ip.tot_len = htons(sizeof(pkt));
		pkt.ip.id = htons((getpid() * 131 + i) & 0xffff);
		pkt.ip.frag_off = htons(IP_MF);
		if (inet_pton(AF_INET, src, &pkt.ip.saddr) != 1)
			die(src);
		pkt.ip.daddr = d.sin_addr.s_addr;
		pkt.ip.check = csum(&pkt.ip, sizeof(pkt.ip));
		pkt.udp.source = htons(4444);
		pkt.udp.dest = htons(4445);
		pkt.udp.len = htons(sizeof(pkt.udp) + 1200); /* more than this fragment */
		sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&d, sizeof(d));
	}
	close(fd);
	return 0;
}

static int ping(const char *dst, int n)
{
	struct sockaddr_in d = { .sin_family = AF_INET };
	struct {
		uint8_t type, code;
		uint16_t sum, id, seq;
		char data[56];
	} echo;
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), i;

	if (fd < 0)
		die("icmp socket");
	if (inet_pton(AF_INET, dst, &d.sin_addr) != 1)
		die(dst);
	for (i = 0; i < n; i++) {
		memset(&echo, 0, sizeof(echo));
		echo.type = 8;
		echo.id = htons(getpid() & 0xffff);
		echo.seq = htons(i);
		echo.sum = csum(&echo, sizeof(echo));
		sendto(fd, &echo, sizeof(echo), 0, (struct sockaddr *)&d, sizeof(d));
	}
	close(fd);
	return 0;
}

/* Packets are still queued (netem delay) when their device goes away. */
static int cut(const char *dev, const char *dst, int port, int n)
{
	struct ifinfomsg *ifi;
	struct nlreq r;

	ifi = nl_begin(&r, RTM_DELLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex(dev);
	send_n(dst, port, n, 100);
	nl_must(&r, dev);
	return 0;
}

/* ethtool DEV gro|tso on|off, with the legacy ioctls (no ethtool process). */
static int ethtool(const char *dev, const char *what, const char *onoff)
{
	struct ethtool_value ev = { 0 };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (!strcmp(what, "gro"))
		ev.cmd = ETHTOOL_SGRO;
	else if (!strcmp(what, "tso"))
		ev.cmd = ETHTOOL_STSO;
	else
		die(what);
	ev.data = !strcmp(onoff, "on");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	if (fd < 0 || ioctl(fd, SIOCETHTOOL, &ifr))
		die(dev);
	close(fd);
	return 0;
}

static int up(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		die(ifname);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die(ifname);
	close(fd);
	return 0;
}

static int sysctl_set(int argc, char **argv)
{
	char path[256], *p, *eq;
	int i;
	FILE *f;

	for (i = 1; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (!eq || eq - argv[i] > 200) {
			fprintf(stderr, "zoo: bad sysctl %s\n", argv[i]);
			exit(2);
		}
		snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - argv[i]), argv[i]);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		f = fopen(path, "w");
		if (!f || fprintf(f, "%s\n", eq + 1) < 0 || fclose(f))
			die(path);
	}
	return 0;
}

/* One command: argv[0] is its name. */
static int run(int argc, char **argv)
{
	const char *cmd = argv[0];

	if (!strcmp(cmd, "udp-self") && argc >= 4)
		return udp_self(argv[1], atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(cmd, "gro") && argc >= 6)
		return gro(argv[1], atoi(argv[2]), argv[3], atoi(argv[4]), atoi(argv[5]));
	if (!strcmp(cmd, "recverr") && argc >= 4)
		return recverr(argv[1], atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(cmd, "send") && argc >= 4)
		return flood(argc, argv);
	if (!strcmp(cmd, "ping") && argc >= 3)
		return ping(argv[1], atoi(argv[2]));
	if (!strcmp(cmd, "tcp-unread") && argc >= 3)
		return tcp_unread(argv[1], atoi(argv[2]));
	if (!strcmp(cmd, "tcp-linger0") && argc >= 3)
		return tcp_linger0(argv[1], atoi(argv[2]));
	if (!strcmp(cmd, "tcp-closed") && argc >= 4)
		return tcp_closed(argv[1], atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(cmd, "backlog") && argc >= 4)
		return backlog(argv[1], atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(cmd, "unix") && argc >= 2)
		return unix_kinds(atoi(argv[1]));
	if (!strcmp(cmd, "netlink") && argc >= 2)
		return netlink_overflow(atoi(argv[1]));
	if (!strcmp(cmd, "packet") && argc >= 5)
		return packet_overflow(argv[1], argv[2], atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(cmd, "raw") && argc >= 3)
		return raw_kinds(argv[1], atoi(argv[2]));
	if (!strcmp(cmd, "frag") && argc >= 4)
		return frag(argv[1], argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "cut") && argc >= 5)
		return cut(argv[1], argv[2], atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(cmd, "up") && argc >= 2)
		return up(argv[1]);
	if (!strcmp(cmd, "addr") && argc >= 3)
		return addr_add(argc, argv);
	if (!strcmp(cmd, "route") && argc >= 3)
		return route_add(argc, argv);
	if (!strcmp(cmd, "neigh") && argc >= 4)
		return neigh_add(argv[1], argv[2], argv[3]);
	if (!strcmp(cmd, "master") && argc >= 3)
		return master(argv[1], argv[2]);
	if (!strcmp(cmd, "ethtool") && argc >= 4)
		return ethtool(argv[1], argv[2], argv[3]);
	if (!strcmp(cmd, "sysctl") && argc >= 2)
		return sysctl_set(argc, argv);
	fprintf(stderr, "zoo: bad command '%s' (see the top of tests/e2e/tools/zoo.c)\n", cmd);
	exit(2);
}

int main(int argc, char **argv)
{
	int i = 1, j, rc = 0;

	/* Commands separated by "+", each optionally "-n NETNS" first. */
	while (i < argc) {
		for (j = i; j < argc && strcmp(argv[j], "+"); j++)
			;
		if (j - i > 2 && !strcmp(argv[i], "-n")) {
			enter_netns(argv[i + 1]);
			i += 2;
		}
		if (j > i && run(j - i, argv + i))
			rc = 1;
		i = j + 1;
	}
	return rc;
}
