// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnf: a BPF netfilter program on a hook, through a BPF link, run in a
 * guest (kernels from 6.4 have BPF_PROG_TYPE_NETFILTER).
 *
 *   bpfnf FAMILY HOOK PRIORITY VERDICT READY_FILE
 *
 * FAMILY ipv4|ipv6, HOOK prerouting|local-in|forward|local-out|postrouting,
 * VERDICT drop|accept.  Loads a two-instruction program that returns
 * VERDICT for every packet, links it into the current network namespace,
 * prints "prog ID", touches READY_FILE, and holds the link until SIGINT or
 * SIGTERM.  Then prints "run_cnt N": how many packets the kernel ran the
 * program on (kernel.bpf_stats_enabled must be 1), a count netdrop does not
 * produce.
 *
 * Raw bpf(2): the build host's uapi headers (6.1) predate the netfilter
 * program type, so its numbers are spelled out here from the uapi of 6.4.
 */
#include <linux/bpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ND_BPF_PROG_TYPE_NETFILTER 32
#define ND_BPF_NETFILTER 45
#define ND_NFPROTO_IPV4 2
#define ND_NFPROTO_IPV6 10

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long sys_bpf(int cmd, void *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static int hook_number(const char *name)
{
	static const char *const hooks[] = {
		"prerouting", "local-in", "forward", "local-out", "postrouting",
	};

	for (unsigned int i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!strcmp(name, hooks[i]))
			return i;
	return -1;
}

static int load_prog(int verdict)
{
	static char log[4096];
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union {
		uint32_t w[32];
		uint64_t q[16];
	} a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.w[0] = ND_BPF_PROG_TYPE_NETFILTER;		/* prog_type */
	a.w[1] = 2;					/* insn_cnt */
	a.q[1] = (uintptr_t)insns;			/* insns */
	a.q[2] = (uintptr_t)"GPL";			/* license */
	a.w[6] = 1;					/* log_level */
	a.w[7] = sizeof(log);				/* log_size */
	a.q[4] = (uintptr_t)log;			/* log_buf */
	memcpy(&a.w[12], "nd_bpfnf", 9);		/* prog_name */
	a.w[17] = ND_BPF_NETFILTER;			/* expected_attach_type */
	fd = sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0) {
		perror("bpfnf: BPF_PROG_LOAD");
		if (log[0])
			fprintf(stderr, "%s\n", log);
	}
	return fd;
}

static int link_hook(int prog, int pf, int hook, int priority)
{
	uint32_t a[32] = { 0 };
	int fd;

	a[0] = prog;				/* prog_fd */
	a[2] = ND_BPF_NETFILTER;		/* attach_type */
	a[4] = pf;				/* netfilter.pf */
	a[5] = hook;				/* netfilter.hooknum */
	memcpy(&a[6], &priority, 4);		/* netfilter.priority */
	fd = sys_bpf(BPF_LINK_CREATE, a, sizeof(a));
	if (fd < 0)
		perror("bpfnf: BPF_LINK_CREATE");
	return fd;
}

static int info(int prog, struct bpf_prog_info *pi)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	memset(pi, 0, sizeof(*pi));
	a.info.bpf_fd = prog;
	a.info.info_len = sizeof(*pi);
	a.info.info = (uintptr_t)pi;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) < 0) {
		perror("bpfnf: BPF_OBJ_GET_INFO_BY_FD");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_prog_info pi;
	int pf, hook, prog, lk;
	FILE *ready;

	if (argc != 6) {
		fprintf(stderr, "usage: bpfnf ipv4|ipv6 HOOK PRIORITY drop|accept READY_FILE\n");
		return 2;
	}
	pf = !strcmp(argv[1], "ipv4") ? ND_NFPROTO_IPV4 : !strcmp(argv[1], "ipv6") ? ND_NFPROTO_IPV6 : -1;
	hook = hook_number(argv[2]);
	if (pf < 0 || hook < 0 || (strcmp(argv[4], "drop") && strcmp(argv[4], "accept"))) {
		fprintf(stderr, "bpfnf: bad family, hook or verdict\n");
		return 2;
	}
	prog = load_prog(!strcmp(argv[4], "accept"));	/* NF_DROP 0, NF_ACCEPT 1 */
	if (prog < 0)
		return 1;
	lk = link_hook(prog, pf, hook, atoi(argv[3]));
	if (lk < 0 || info(prog, &pi))
		return 1;
	printf("prog %u\n", pi.id);
	fflush(stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ready = fopen(argv[5], "w");
	if (!ready) {
		perror(argv[5]);
		return 1;
	}
	fclose(ready);
	while (!stop)
		sleep(1);	/* a signal cuts it short */
	if (info(prog, &pi))
		return 1;
	printf("run_cnt %llu\n", (unsigned long long)pi.run_cnt);
	close(lk);
	close(prog);
	return 0;
}
