// SPDX-License-Identifier: GPL-2.0
/*
 * ndcheck: exact checks of /dev/netdrop's ioctl contract, run in a guest.
 *
 *   ndcheck stride
 *       GET_SESSIONS with a lost array whose rows are one CPU long, while
 *       three sessions are open: the kernel must use that row length,
 *       never write past the array (canaries), and return nr_cpu_ids.
 *   ndcheck enable EVENTS OPTIONS
 *       Sets a filter (events, options as numbers) and enables; prints
 *       "enable: ok" or "enable: <errno>" and "enabled: N" (GET_INFO), so
 *       a failed ENABLE can be seen to leave nothing enabled.
 *   ndcheck refilter EVENTS OPTIONS
 *       Enables a drops-only session, then sets the given filter while
 *       enabled; prints "set_filter: ok|<errno>" and the filter the
 *       session lists afterwards ("events: N options: N").
 * Exit 0 when the calls could be made, 1 when a check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <netdrop/netdrop.h>

#define CANARY 0xa5a5a5a5a5a5a5a5ULL

static int open_dev(void)
{
	int fd = open(NETDROP_DEVICE, O_RDWR);

	if (fd < 0) {
		perror(NETDROP_DEVICE);
		exit(1);
	}
	return fd;
}

static unsigned int enabled_sessions(int fd)
{
	struct netdrop_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, NETDROP_IOC_GET_INFO, &info)) {
		perror("GET_INFO");
		exit(1);
	}
	return info.nr_enabled;
}

static const char *result(int rc)
{
	return rc ? strerrorname_np(errno) : "ok";
}

static int set_filter(int fd, unsigned int events, unsigned int options)
{
	struct netdrop_filter f;

	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.events = events;
	f.options = options;
	return ioctl(fd, NETDROP_IOC_SET_FILTER, &f);
}

static int check_stride(void)
{
	struct netdrop_session_entry e[3];
	struct netdrop_sessions_req req;
	struct netdrop_info info;
	uint64_t lost[3 + 8];
	int fd[3], i, bad = 0;

	for (i = 0; i < 3; i++)
		fd[i] = open_dev();
	memset(&info, 0, sizeof(info));
	if (ioctl(fd[0], NETDROP_IOC_GET_INFO, &info))
		return perror("GET_INFO"), 1;
	for (i = 0; i < 3 + 8; i++)
		lost[i] = CANARY;
	memset(&req, 0, sizeof(req));
	req.buf = (uintptr_t)e;
	req.lost = (uintptr_t)lost;
	req.count = 3;
	req.nr_cpus = 1;
	if (ioctl(fd[0], NETDROP_IOC_GET_SESSIONS, &req))
		return perror("GET_SESSIONS"), 1;
	printf("nr_cpu_ids %u, sessions %u, nr_cpus out %u\n", info.nr_cpu_ids,
	       req.count, req.nr_cpus);
	for (i = 0; i < 3; i++)
		if (lost[i] == CANARY) {
			printf("row %d not written\n", i);
			bad = 1;
		}
	for (i = 3; i < 3 + 8; i++)
		if (lost[i] != CANARY) {
			printf("written past the rows: lost[%d] = %#llx\n", i,
			       (unsigned long long)lost[i]);
			bad = 1;
		}
	if (req.nr_cpus != info.nr_cpu_ids) {
		printf("nr_cpus out %u, not nr_cpu_ids\n", req.nr_cpus);
		bad = 1;
	}
	printf("stride: %s\n", bad ? "broken" : "ok");
	return bad;
}

int main(int argc, char **argv)
{
	int fd, rc;

	if (argc == 2 && !strcmp(argv[1], "stride"))
		return check_stride();
	if (argc != 4) {
		fprintf(stderr, "usage: ndcheck stride | enable|refilter EVENTS OPTIONS\n");
		return 2;
	}
	fd = open_dev();
	if (!strcmp(argv[1], "enable")) {
		if (set_filter(fd, strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0)))
			return perror("SET_FILTER"), 1;
		rc = ioctl(fd, NETDROP_IOC_ENABLE);
		printf("enable: %s\n", result(rc));
		printf("enabled: %u\n", enabled_sessions(fd));
		return 0;
	}
	if (!strcmp(argv[1], "refilter")) {
		struct netdrop_session_entry e[16];
		struct netdrop_sessions_req req;
		unsigned int i;

		if (set_filter(fd, NETDROP_EV_DROP, 0) || ioctl(fd, NETDROP_IOC_ENABLE))
			return perror("enable"), 1;
		rc = set_filter(fd, strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
		printf("set_filter: %s\n", result(rc));
		memset(&req, 0, sizeof(req));
		req.buf = (uintptr_t)e;
		req.count = 16;
		if (ioctl(fd, NETDROP_IOC_GET_SESSIONS, &req))
			return perror("GET_SESSIONS"), 1;
		for (i = 0; i < req.count && i < 16; i++)
			if (e[i].flags & NETDROP_SF_SELF)
				printf("events: %u options: %u enabled: %d\n", e[i].events,
				       e[i].options, !!(e[i].flags & NETDROP_SF_ENABLED));
		return 0;
	}
	fprintf(stderr, "ndcheck: unknown check '%s'\n", argv[1]);
	return 2;
}
