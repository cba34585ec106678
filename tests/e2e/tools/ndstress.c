// SPDX-License-Identifier: GPL-2.0
/*
 * ndstress: session churn and module reloads under a drop storm, run in a
 * guest.
 *
 *   ndstress churn SECONDS [WORKERS]
 *   ndstress reload TIMES PATH/TO/netdrop.ko
 *
 * Both modes keep one flooder per CPU sending UDP to a closed port on lo
 * (the storm).
 *
 * churn: WORKERS (default 4) processes, each in a loop: open a session,
 * pick a ring size (often the smallest, 8 KiB), filter on a port of its
 * own, enable, start a reader child that maps the rings and consumes them
 * (and is SIGKILLed mid-read at a random moment), send K datagrams to its
 * port, sometimes switch the filter to a second port and send K2 more,
 * disable, close.  Each iteration checks recorded + lost == datagrams
 * sent to the ports it filtered while enabled: exact, because nothing else
 * sends to them.  One more worker records everything on tiny rings and
 * checks seen == filtered + recorded + lost.
 *
 * reload: TIMES times: load the module (finit_module), open a session,
 * filter a port, enable, send 20 datagrams, check recorded + lost == 20,
 * close, unload (delete_module), all while the storm runs.
 *
 * Prints totals; exits 1 on the first broken count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netdrop/netdrop.h>

static long page;
static int nr_cpus;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void die(const char *what)
{
	fprintf(stderr, "ndstress: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void xioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg) != 0)
		die(what);
}

static void send_udp(int sk, int port, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(0x7f000001) };
	char msg[32] = "ndstress";
	int i;

	for (i = 0; i < n; i++)
		if (sendto(sk, msg, sizeof(msg), 0, (void *)&a, sizeof(a)) < 0 &&
		    errno != ECONNREFUSED)
			die("sendto");
}

static pid_t start_flood(int cpu)
{
	pid_t pid = fork();

	if (pid == 0) {
		int sk = socket(AF_INET, SOCK_DGRAM, 0);
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
		for (;;)
			send_udp(sk, 9, 64);
	}
	return pid;
}

static void filter_port(int fd, int port)
{
	struct netdrop_filter f = { .size = sizeof(f) };

	if (port) {
		f.fields = NETDROP_F_DPORT | NETDROP_F_L4PROTO;
		f.l4proto = IPPROTO_UDP;
		f.dport.lo = port;
		f.dport.hi = port;
	}
	xioctl(fd, NETDROP_IOC_SET_FILTER, &f, "SET_FILTER");
}

static struct netdrop_stats stats(int fd)
{
	struct netdrop_stats st;

	xioctl(fd, NETDROP_IOC_GET_STATS, &st, "GET_STATS");
	return st;
}

/*
 * Waits until the session accounted for want matching drops.  An
 * overloaded guest (KASAN under TCG, a busy host) can take seconds to run
 * the softirqs behind a burst: give up only after 20 s without progress.
 */
static int settle(int fd, uint64_t want)
{
	double stall = now() + 20;
	uint64_t last = 0;
	struct netdrop_stats st;

	for (;;) {
		st = stats(fd);
		if (st.recorded + st.lost >= want)
			break;
		if (st.recorded + st.lost != last) {
			last = st.recorded + st.lost;
			stall = now() + 20;
		}
		if (now() > stall)
			break;
		usleep(1000);
	}
	usleep(20000);	/* anything beyond want would show now */
	st = stats(fd);
	return st.recorded + st.lost == want ? 0 : -1;
}

/* The reader: maps every CPU's ring and consumes records until killed. */
static void reader(int fd, uint64_t seed)
{
	struct netdrop_ring_consumer *cons[64];
	const struct netdrop_ring_ctrl *ctrl[64];
	const uint8_t *data[64];
	uint64_t size[64];
	int cpu, n = nr_cpus < 64 ? nr_cpus : 64;

	for (cpu = 0; cpu < n; cpu++) {
		uint64_t base = (uint64_t)cpu * NETDROP_MMAP_CPU_STRIDE;
		void *c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, base);
		const struct netdrop_ring_ctrl *k = mmap(NULL, page, PROT_READ,
							 MAP_SHARED, fd,
							 base + page);

		if (c == MAP_FAILED || k == MAP_FAILED)
			_exit(1);
		size[cpu] = k->data_size;
		data[cpu] = mmap(NULL, 2 * size[cpu], PROT_READ, MAP_SHARED, fd,
				 base + 2 * page);
		if (data[cpu] == MAP_FAILED)
			_exit(1);
		cons[cpu] = c;
		ctrl[cpu] = k;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 10);
		for (cpu = 0; cpu < n; cpu++) {
			uint64_t head = __atomic_load_n(&ctrl[cpu]->producer_pos,
							__ATOMIC_ACQUIRE);
			uint64_t tail = cons[cpu]->consumer_pos;

			/* Sometimes slow, so that tiny rings overflow. */
			if (rnd(&seed) % 4 == 0)
				usleep(2000);
			while (tail < head) {
				const struct netdrop_rec_hdr *h =
					(const void *)(data[cpu] +
						       (tail & (size[cpu] - 1)));

				if (h->size < sizeof(*h) || h->size > size[cpu])
					_exit(2);
				tail += h->size;
			}
			__atomic_store_n(&cons[cpu]->consumer_pos, tail,
					 __ATOMIC_RELEASE);
		}
	}
}

static void kill_reader(pid_t rd)
{
	kill(rd, SIGKILL);
	waitpid(rd, NULL, 0);
}

/* One worker of the churn; returns 0 when every count held. */
static int churn_worker(int id, double end, uint64_t seed)
{
	int sk = socket(AF_INET, SOCK_DGRAM, 0);
	long iters = 0, kills = 0, switches = 0;
	uint64_t sent_total = 0, lost_total = 0;

	while (now() < end) {
		int fd = open(NETDROP_DEVICE, O_RDWR | O_CLOEXEC);
		int port = 20000 + id * 1000 + iters % 500;
		uint32_t ring = rnd(&seed) % 2 ? 8192 : 65536;
		uint64_t sent = 50 + rnd(&seed) % 150;
		struct netdrop_stats st;
		pid_t rd;

		if (fd < 0)
			die("open");
		xioctl(fd, NETDROP_IOC_SET_RING, &ring, "SET_RING");
		filter_port(fd, port);
		xioctl(fd, NETDROP_IOC_ENABLE, NULL, "ENABLE");
		rd = fork();
		if (rd == 0)
			reader(fd, seed ^ iters);
		if (rnd(&seed) % 2) {	/* SIGKILL the reader mid-read */
			usleep(rnd(&seed) % 20000);
			kill_reader(rd);
			rd = 0;
			kills++;
		}
		send_udp(sk, port, sent);
		if (settle(fd, sent))
			goto broken;
		if (rnd(&seed) % 2) {	/* change the filter while enabled */
			uint64_t more = 20 + rnd(&seed) % 80;

			filter_port(fd, port + 500);
			send_udp(sk, port + 500, more);
			sent += more;
			switches++;
			if (settle(fd, sent))
				goto broken;
		}
		xioctl(fd, NETDROP_IOC_DISABLE, NULL, "DISABLE");
		/* Disabled: drops to the port no longer count. */
		send_udp(sk, port + 500, 10);
		usleep(5000);
		st = stats(fd);
		if (st.recorded + st.lost != sent)
			goto broken;
		if (rd)
			kill_reader(rd);
		close(fd);
		sent_total += sent;
		lost_total += st.lost;
		iters++;
		continue;
broken:
		st = stats(fd);
		fprintf(stderr,
			"BROKEN: worker %d iteration %ld: sent %llu, recorded %llu + lost %llu\n",
			id, iters, (unsigned long long)sent,
			(unsigned long long)st.recorded,
			(unsigned long long)st.lost);
		if (rd)
			kill_reader(rd);
		return 1;
	}
	printf("worker %d: %ld sessions, %llu drops matched (%llu lost), %ld readers killed, %ld filter switches\n",
	       id, iters, (unsigned long long)sent_total,
	       (unsigned long long)lost_total, kills, switches);
	return iters > 0 ? 0 : 1;
}

/* Records everything on the smallest rings, with a slow reader. */
static int everything_worker(double end, uint64_t seed)
{
	uint64_t seen = 0, lost = 0;
	long iters = 0;

	while (now() < end) {
		int fd = open(NETDROP_DEVICE, O_RDWR | O_CLOEXEC);
		uint32_t ring = 8192;
		struct netdrop_stats st;
		pid_t rd;

		if (fd < 0)
			die("open");
		xioctl(fd, NETDROP_IOC_SET_RING, &ring, "SET_RING");
		filter_port(fd, 0);
		xioctl(fd, NETDROP_IOC_ENABLE, NULL, "ENABLE");
		rd = fork();
		if (rd == 0)
			reader(fd, seed ^ iters);
		usleep(100000 + rnd(&seed) % 200000);
		kill_reader(rd);
		xioctl(fd, NETDROP_IOC_DISABLE, NULL, "DISABLE");
		st = stats(fd);
		if (st.seen != st.filtered + st.recorded + st.lost) {
			fprintf(stderr,
				"BROKEN: everything session: seen %llu != filtered %llu + recorded %llu + lost %llu\n",
				(unsigned long long)st.seen,
				(unsigned long long)st.filtered,
				(unsigned long long)st.recorded,
				(unsigned long long)st.lost);
			return 1;
		}
		seen += st.seen;
		lost += st.lost;
		close(fd);
		iters++;
	}
	printf("everything: %ld sessions, %llu drops seen, %llu lost on 8 KiB rings\n",
	       iters, (unsigned long long)seen, (unsigned long long)lost);
	return iters > 0 && seen > 0 ? 0 : 1;
}

static int churn(double seconds, int workers)
{
	double end = now() + seconds;
	pid_t pids[17];
	int i, bad = 0, status;

	for (i = 0; i <= workers; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i < workers ? churn_worker(i, end, 0x9e3779b97f4a7c15ULL * (i + 1)) :
			      everything_worker(end, 0x1234567ULL));
	}
	for (i = 0; i <= workers; i++) {
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad = 1;
	}
	return bad;
}

static int reload(int times, const char *ko)
{
	int sk = socket(AF_INET, SOCK_DGRAM, 0);
	int i, tries;

	for (i = 0; i < times; i++) {
		int kfd = open(ko, O_RDONLY | O_CLOEXEC), fd;
		struct netdrop_stats st;

		if (kfd < 0)
			die(ko);
		if (syscall(SYS_finit_module, kfd, "", 0) != 0)
			die("finit_module");
		close(kfd);
		fd = open(NETDROP_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			die("open after load");
		filter_port(fd, 7300);
		xioctl(fd, NETDROP_IOC_ENABLE, NULL, "ENABLE");
		send_udp(sk, 7300, 20);
		if (settle(fd, 20)) {
			st = stats(fd);
			fprintf(stderr, "BROKEN: reload %d: recorded %llu + lost %llu != 20\n",
				i, (unsigned long long)st.recorded,
				(unsigned long long)st.lost);
			return 1;
		}
		close(fd);
		for (tries = 0; syscall(SYS_delete_module, "netdrop", O_NONBLOCK) != 0; tries++) {
			if (errno != EAGAIN && errno != EBUSY)
				die("delete_module");
			if (tries == 500)
				die("delete_module (still busy after 5 s)");
			usleep(10000);
		}
	}
	printf("reload: %d load/capture/unload cycles under the storm\n", times);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t flood[64];
	int i, rc, nfl;

	if (argc < 3 || (strcmp(argv[1], "churn") && strcmp(argv[1], "reload")) ||
	    (!strcmp(argv[1], "reload") && argc < 4)) {
		fprintf(stderr, "usage: ndstress churn SECONDS [WORKERS] | reload TIMES KO\n");
		return 2;
	}
	/* Workers end with _exit(): every line must be out by then. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);
	nr_cpus = sysconf(_SC_NPROCESSORS_CONF);
	nfl = sysconf(_SC_NPROCESSORS_ONLN);
	if (nfl > 64)
		nfl = 64;
	for (i = 0; i < nfl; i++)
		flood[i] = start_flood(i);
	if (!strcmp(argv[1], "churn")) {
		int workers = argc > 3 ? atoi(argv[3]) : 4;

		if (workers < 1 || workers > 16) {
			fprintf(stderr, "ndstress: 1..16 workers\n");
			return 2;
		}
		rc = churn(atof(argv[2]), workers);
	} else {
		rc = reload(atoi(argv[2]), argv[3]);
	}
	for (i = 0; i < nfl; i++) {
		kill(flood[i], SIGKILL);
		waitpid(flood[i], NULL, 0);
	}
	return rc;
}
