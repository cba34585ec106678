// SPDX-License-Identifier: GPL-2.0
/*
 * taskdrop: drops in task context, from many tasks that may be preempted
 * and migrate (scenario 45).  On 7.x the kfree_skb tracepoint calls its
 * probes preemptibly; these drops are freed by close() in the worker's own
 * task.
 *
 *   taskdrop SECONDS WORKERS PORT_BASE
 *
 * Each worker (a process, not pinned) loops until SECONDS pass:
 *   - a unix datagram pair: BURST datagrams sent, the receiving end
 *     closed unread (each datagram is one dropped skb);
 *   - UDP on 127.0.0.1: BURST datagrams sent to a socket bound to
 *     PORT_BASE + worker, closed unread (each datagram is dropped once:
 *     purged with the socket, or at the closed port if it arrives later);
 *   - TCP on 127.0.0.1: a connection to PORT_BASE + 100 + worker, 10
 *     bytes written, the accepted socket closed unread (an active reset
 *     with unread data).
 * Prints "unix N", "udp N", "tcp N" (what was sent and left unread,
 * summed over the workers) and "workers W" with their pids.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BURST 4

struct counts {
	long unix_dgrams;
	long udp_dgrams;
	long tcp_resets;
	int failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "taskdrop: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static long unix_round(void)
{
	int sv[2], i;
	long sent = 0;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		die("socketpair");
	for (i = 0; i < BURST; i++)
		if (send(sv[0], "u", 1, MSG_DONTWAIT) == 1)
			sent++;
	close(sv[1]);
	close(sv[0]);
	return sent;
}

static long udp_round(int port)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, rx, tx, i;
	long sent = 0;

	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0)
		die("socket");
	setsockopt(rx, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(rx, (struct sockaddr *)&a, sizeof(a)))
		die("bind udp");
	for (i = 0; i < BURST; i++)
		if (sendto(tx, "d", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1)
			sent++;
	close(rx);
	close(tx);
	return sent;
}

static long tcp_round(int lfd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct pollfd p;
	int c, s;

	if (getsockname(lfd, (struct sockaddr *)&a, &len))
		die("getsockname");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0)
		die("socket tcp");
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	s = accept(lfd, NULL, NULL);
	if (s < 0)
		die("accept");
	if (write(c, "0123456789", 10) != 10)
		die("write");
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1)
		die("poll: the 10 bytes never arrived");
	close(s);	/* unread data: an active reset */
	close(c);
	return 1;
}

static void worker(int w, int port_base, double end, struct counts *out)
{
	struct sockaddr_in a = loopback(port_base + 100 + w);
	int one = 1, lfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket listen");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4))
		die("listen");
	while (now() < end) {
		out->unix_dgrams += unix_round();
		out->udp_dgrams += udp_round(port_base + w);
		out->tcp_resets += tcp_round(lfd);
	}
	close(lfd);
}

int main(int argc, char **argv)
{
	struct counts *c, sum = { 0 };
	int workers, port_base, w, status;
	double end;
	pid_t *pids;

	if (argc != 4) {
		fprintf(stderr, "usage: taskdrop SECONDS WORKERS PORT_BASE\n");
		return 2;
	}
	end = now() + atof(argv[1]);
	workers = atoi(argv[2]);
	port_base = atoi(argv[3]);
	if (workers < 1 || workers > 64 || port_base < 1024 || port_base > 65000) {
		fprintf(stderr, "taskdrop: 1..64 workers, port base 1024..65000\n");
		return 2;
	}
	c = mmap(NULL, workers * sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(workers, sizeof(*pids));
	if (c == MAP_FAILED || !pids)
		die("memory");
	memset(c, 0, workers * sizeof(*c));
	for (w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			worker(w, port_base, end, &c[w]);
			_exit(0);
		}
	}
	for (w = 0; w < workers; w++) {
		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			sum.failed++;
		sum.unix_dgrams += c[w].unix_dgrams;
		sum.udp_dgrams += c[w].udp_dgrams;
		sum.tcp_resets += c[w].tcp_resets;
	}
	printf("unix %ld\nudp %ld\ntcp %ld\nworkers", sum.unix_dgrams, sum.udp_dgrams, sum.tcp_resets);
	for (w = 0; w < workers; w++)
		printf(" %d", pids[w]);
	printf("\n");
	return sum.failed ? 1 : 0;
}
