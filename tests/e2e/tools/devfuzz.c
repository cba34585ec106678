// SPDX-License-Identifier: GPL-2.0
/*
 * devfuzz: hostile input for /dev/netdrop, run inside a guest.
 *
 *   devfuzz CALLS [SEED]
 *
 * Makes CALLS system calls on the device from two threads while a child
 * process floods a closed UDP port (so the producer runs against whatever
 * the fuzzer left in the consumer pages):
 *   - ioctl with random numbers, random sizes encoded in valid numbers,
 *     and valid numbers with NULL, kernel, unmapped, misaligned and
 *     page-straddling pointers, and valid pointers to random bytes;
 *   - mmap with random offsets, lengths, protections and flags, and
 *     mprotect(PROT_WRITE) on data pages;
 *   - absurd consumer positions written into the mapped consumer pages;
 *   - enable/disable, poll, read and write on the fd;
 *   - close and reopen of the fds from the second thread while the first
 *     uses them.
 * Invariants it checks itself (exit 1 if broken): data and control pages
 * never map writable, and every call returns (the guest's dmesg check and
 * KASAN do the rest).  Prints "calls N" and a count per errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netdrop/netdrop.h>

#define NR_FDS 4
#define MAX_MAPS 64

static atomic_int fds[NR_FDS];
static atomic_long calls;
static long target;
static atomic_long errnos[160];
static atomic_int broken;
static long page;
static unsigned char *guard_buf;	/* a page followed by PROT_NONE */
static unsigned char *unmapped;		/* a page that was unmapped */

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void count(long ret)
{
	atomic_fetch_add(&calls, 1);
	if (ret < 0 && errno > 0 && errno < 160)
		atomic_fetch_add(&errnos[errno], 1);
}

static int pick_fd(uint64_t *s)
{
	return atomic_load(&fds[rnd(s) % NR_FDS]);
}

static const unsigned int valid_cmds[] = {
	NETDROP_IOC_GET_INFO, NETDROP_IOC_SET_RING, NETDROP_IOC_SET_WATERMARK,
	NETDROP_IOC_SET_FILTER, NETDROP_IOC_ENABLE, NETDROP_IOC_DISABLE,
	NETDROP_IOC_GET_STATS, NETDROP_IOC_GET_REASONS, NETDROP_IOC_GET_HOOKS,
	NETDROP_IOC_GET_SESSIONS,
};

#define NR_VALID (sizeof(valid_cmds) / sizeof(valid_cmds[0]))

/* A pointer of one of the kinds a hostile caller would pass. */
static void *pick_ptr(uint64_t *s, unsigned char *buf, size_t len)
{
	switch (rnd(s) % 8) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffffffff81000000UL;	/* kernel text */
	case 2:
		return (void *)(0xffff888000000000UL + (rnd(s) & 0xfffff000));
	case 3:
		return unmapped + rnd(s) % page;
	case 4:	/* straddles into the PROT_NONE guard page */
		return guard_buf + page - 1 - rnd(s) % 64;
	case 5:
		return buf + 1 + rnd(s) % 7;	/* misaligned */
	default:
		(void)len;
		return buf;
	}
}

/* Random bytes, sometimes shaped like a request so checks go deeper. */
static void fill(uint64_t *s, unsigned char *buf, size_t len, unsigned int cmd)
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t v = rnd(s);

		memcpy(buf + i, &v, len - i < 8 ? len - i : 8);
	}
	if (rnd(s) % 2)
		return;
	if (cmd == NETDROP_IOC_SET_FILTER) {
		struct netdrop_filter *f = (void *)buf;

		f->size = rnd(s) % 4 ? sizeof(*f) : (uint32_t)rnd(s);
		f->fields &= rnd(s) % 2 ? NETDROP_F_ALL : ~0U;
		f->options &= NETDROP_OPT_HOOKS;	/* stack needs CAP_SYSLOG */
		f->events &= NETDROP_EV_ALL;
		f->snaplen %= NETDROP_MAX_SNAPLEN + 2;
		f->nr_reasons %= NETDROP_MAX_REASONS + 2;
		f->nr_locations %= NETDROP_MAX_LOCATIONS + 2;
		f->src.family = rnd(s) % 2 ? AF_INET : AF_INET6;
		f->src.prefix %= 130;
	} else if (cmd == NETDROP_IOC_SET_RING ||
		   cmd == NETDROP_IOC_SET_WATERMARK) {
		uint32_t v = 1U << (rnd(s) % 32);

		memcpy(buf, &v, sizeof(v));
	} else if (cmd == NETDROP_IOC_GET_REASONS ||
		   cmd == NETDROP_IOC_GET_HOOKS ||
		   cmd == NETDROP_IOC_GET_SESSIONS) {
		uint64_t p = (uintptr_t)pick_ptr(s, guard_buf, page);

		memcpy(buf, &p, sizeof(p));	/* buf is the first field */
		if (cmd == NETDROP_IOC_GET_SESSIONS) {
			struct netdrop_sessions_req *r = (void *)buf;

			r->lost = rnd(s) % 2 ? 0 : (uintptr_t)pick_ptr(s, guard_buf, page);
			r->count %= 8;
		} else if (cmd == NETDROP_IOC_GET_REASONS) {
			struct netdrop_reasons_req *r = (void *)buf;

			r->count %= 256;
			r->kind %= 3;
		} else {
			struct netdrop_hooks_req *r = (void *)buf;

			r->count %= 64;
			r->netns_fd = rnd(s) % 2 ? -1 : (int)(rnd(s) % 16);
		}
	}
}

static void fuzz_ioctl(uint64_t *s)
{
	static __thread unsigned char buf[8192] __attribute__((aligned(8)));
	unsigned int cmd, kind = rnd(s) % 4;
	void *arg;

	if (kind == 0) {
		cmd = (unsigned int)rnd(s);
	} else if (kind == 1) {	/* our magic, any number, any size */
		cmd = _IOC(rnd(s) % 4, NETDROP_IOC_MAGIC, rnd(s) % 16,
			   rnd(s) % 1024);
	} else {
		cmd = valid_cmds[rnd(s) % NR_VALID];
	}
	fill(s, buf, sizeof(buf), cmd);
	arg = kind == 3 ? buf : pick_ptr(s, buf, sizeof(buf));
	count(ioctl(pick_fd(s), cmd, arg));
}

struct map {
	void *addr;
	size_t len;
	int kind;	/* 0 consumer page, 1 other */
};

static void check_not_writable(uint64_t *s, int fd, uint64_t off, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	count(p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		fprintf(stderr, "BROKEN: page at offset %#llx mapped writable\n",
			(unsigned long long)off);
		atomic_store(&broken, 1);
		munmap(p, len);
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	count(p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	if (mprotect(p, len, PROT_READ | PROT_WRITE) == 0) {
		fprintf(stderr, "BROKEN: mprotect made offset %#llx writable\n",
			(unsigned long long)off);
		atomic_store(&broken, 1);
	}
	count(-1);
	(void)s;
	munmap(p, len);
}

static void fuzz_mmap(uint64_t *s, struct map *maps, int *nr)
{
	int fd = pick_fd(s);
	uint64_t cpu = rnd(s) % 4, off, len;
	int prot, flags;
	void *p;

	if (*nr == MAX_MAPS || (*nr && rnd(s) % 3 == 0)) {
		int i = rnd(s) % *nr;

		count(munmap(maps[i].addr, maps[i].len));
		maps[i] = maps[--*nr];
		return;
	}
	switch (rnd(s) % 6) {
	case 0:		/* the consumer page: read-write is allowed */
		off = cpu * NETDROP_MMAP_CPU_STRIDE;
		len = page;
		break;
	case 1:		/* control page and data, as a reader maps them */
		off = cpu * NETDROP_MMAP_CPU_STRIDE + page;
		len = page * (1 + 2 * (1 + rnd(s) % 4));
		break;
	case 2:
		off = (rnd(s) % 8) * page + cpu * NETDROP_MMAP_CPU_STRIDE;
		len = page * (1 + rnd(s) % 600);
		break;
	case 3:
		check_not_writable(s, fd, cpu * NETDROP_MMAP_CPU_STRIDE + page *
				   (1 + rnd(s) % 3), page);
		return;
	default:
		off = rnd(s) & ~(uint64_t)(page - 1);
		len = page * (1 + rnd(s) % 16);
		break;
	}
	prot = rnd(s) % 3 ? PROT_READ : PROT_READ | PROT_WRITE;
	flags = rnd(s) % 5 ? MAP_SHARED : MAP_PRIVATE;
	p = mmap(NULL, len, prot, flags, fd, off);
	count(p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	/* Touch what we mapped: every page must be backed. */
	for (uint64_t i = 0; i < len; i += page)
		(void)*(volatile unsigned char *)((unsigned char *)p + i);
	maps[*nr].addr = p;
	maps[*nr].len = len;
	maps[*nr].kind = (off % NETDROP_MMAP_CPU_STRIDE == 0 &&
			  (prot & PROT_WRITE) && flags == MAP_SHARED) ? 0 : 1;
	++*nr;
}

/* Absurd consumer positions in every consumer page we hold. */
static void fuzz_consumer(uint64_t *s, struct map *maps, int nr)
{
	static const uint64_t absurd[] = {
		0, 1, 7, ~0ULL, 1ULL << 63, (1ULL << 63) - 1, 0xfffffffffffff000ULL,
	};
	int i;

	for (i = 0; i < nr; i++) {
		struct netdrop_ring_consumer *c = maps[i].addr;

		if (maps[i].kind)
			continue;
		if (rnd(s) % 2)
			c->consumer_pos = absurd[rnd(s) % 7];
		else
			c->consumer_pos = rnd(s);
	}
	count(0);
}

static void *closer(void *arg)
{
	uint64_t s = (uintptr_t)arg;

	while (atomic_load(&calls) < target && !atomic_load(&broken)) {
		int i = rnd(&s) % NR_FDS;
		int fd = open(NETDROP_DEVICE, O_RDWR | O_CLOEXEC);
		int old;

		count(fd);
		if (fd < 0) {
			usleep(1000);
			continue;
		}
		old = atomic_exchange(&fds[i], fd);
		count(close(old));
		if (rnd(&s) % 2)
			count(ioctl(fd, NETDROP_IOC_ENABLE));
		usleep(rnd(&s) % 2000);
	}
	return NULL;
}

static pid_t start_flood(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(9),
					 .sin_addr.s_addr = htonl(0x7f000001) };
		int sk = socket(AF_INET, SOCK_DGRAM, 0);
		char msg[64] = "devfuzz";

		for (;;) {
			sendto(sk, msg, sizeof(msg), 0, (void *)&a, sizeof(a));
			usleep(200);
		}
	}
	return pid;
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x6e6574647270ULL;
	struct map maps[MAX_MAPS];
	pthread_t thr;
	int nr = 0, i;
	pid_t flood;

	if (argc < 2) {
		fprintf(stderr, "usage: devfuzz CALLS [SEED]\n");
		return 2;
	}
	target = strtol(argv[1], NULL, 0);
	page = sysconf(_SC_PAGESIZE);
	guard_buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_buf == MAP_FAILED || unmapped == MAP_FAILED)
		return 1;
	mprotect(guard_buf + page, page, PROT_NONE);
	munmap(unmapped, page);
	for (i = 0; i < NR_FDS; i++) {
		int fd = open(NETDROP_DEVICE, O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			perror("devfuzz: open " NETDROP_DEVICE);
			return 1;
		}
		atomic_store(&fds[i], fd);
	}
	flood = start_flood();
	pthread_create(&thr, NULL, closer, (void *)(uintptr_t)(seed * 31 + 7));
	while (atomic_load(&calls) < target && !atomic_load(&broken)) {
		uint64_t r = rnd(&seed) % 100;
		int fd = pick_fd(&seed);
		char b[64];

		if (r < 55) {
			fuzz_ioctl(&seed);
		} else if (r < 75) {
			fuzz_mmap(&seed, maps, &nr);
		} else if (r < 83) {
			fuzz_consumer(&seed, maps, nr);
		} else if (r < 90) {
			count(ioctl(fd, rnd(&seed) % 2 ? NETDROP_IOC_ENABLE :
				    NETDROP_IOC_DISABLE));
		} else if (r < 95) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			count(poll(&p, 1, 0));
		} else {
			count(rnd(&seed) % 2 ? read(fd, b, sizeof(b)) :
			      write(fd, b, sizeof(b)));
		}
	}
	pthread_join(thr, NULL);
	kill(flood, SIGKILL);
	waitpid(flood, NULL, 0);
	for (i = 0; i < nr; i++)
		munmap(maps[i].addr, maps[i].len);
	for (i = 0; i < NR_FDS; i++)
		close(atomic_load(&fds[i]));
	printf("calls %ld\n", atomic_load(&calls));
	for (i = 1; i < 160; i++)
		if (atomic_load(&errnos[i]))
			printf("errno %s: %ld\n", strerrordesc_np(i),
			       atomic_load(&errnos[i]));
	return atomic_load(&broken) ? 1 : 0;
}
