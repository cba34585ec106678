// SPDX-License-Identifier: GPL-2.0
/*
 * ndbench: drops in a tight loop, for measuring what a tracer attached to
 * skb:kfree_skb costs per drop.
 *
 * Reading /proc/ndbench runs "iters" iterations (module parameter) on the
 * reading CPU and returns "NS_PER_ITER ITERATIONS CPU".  Each iteration
 * allocates an skb, builds real IPv4/UDP headers (10.0.2.8:40000 >
 * 10.0.0.3:7777) and frees it with kfree_skb_reason(NO_SOCKET) (kfree_skb() before
 * drop reasons), with
 * bottom halves disabled like the receive path.  Readers on several CPUs
 * run at once.
 *
 * floor=1 (module parameter) attaches a probe to skb:kfree_skb that does
 * nothing: the least any tracer of the tracepoint costs.  floor=0 takes
 * it off again.
 */
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/tracepoint.h>
#include <trace/events/skb.h>

static unsigned int iters = 100000;
module_param(iters, uint, 0644);
MODULE_PARM_DESC(iters, "Iterations per read of /proc/ndbench");

#if ND_TP_NARGS == 4
#ifdef ND_TP_RX_SK_CONST
#define ND_RX_SK_QUAL const
#else
#define ND_RX_SK_QUAL
#endif
static void ndbench_floor_probe(void *data, struct sk_buff *skb, void *location,
				enum skb_drop_reason reason,
				ND_RX_SK_QUAL struct sock *rx_sk)
{
}
#elif ND_TP_NARGS == 3
static void ndbench_floor_probe(void *data, struct sk_buff *skb, void *location,
				enum skb_drop_reason reason)
{
}
#else
static void ndbench_floor_probe(void *data, struct sk_buff *skb, void *location)
{
}
#endif

static DEFINE_MUTEX(ndbench_floor_lock);
static bool floor_on;

static int ndbench_floor_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	mutex_lock(&ndbench_floor_lock);
	if (on && !floor_on)
		err = register_trace_kfree_skb(ndbench_floor_probe, NULL);
	else if (!on && floor_on)
		unregister_trace_kfree_skb(ndbench_floor_probe, NULL);
	if (!err)
		floor_on = on;
	mutex_unlock(&ndbench_floor_lock);
	if (!on)
		tracepoint_synchronize_unregister();
	return err;
}

static int ndbench_floor_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(floor_on));
}

static const struct kernel_param_ops ndbench_floor_ops = {
	.set = ndbench_floor_set,
	.get = ndbench_floor_get,
};
module_param_cb(floor, &ndbench_floor_ops, NULL, 0644);
MODULE_PARM_DESC(floor, "1: an empty probe on skb:kfree_skb (the floor)");

static struct sk_buff *ndbench_skb(void)
{
	struct sk_buff *skb = alloc_skb(128, GFP_ATOMIC);
	struct udphdr *uh;
	struct iphdr *iph;

	if (!skb)
		return NULL;
	skb_reserve(skb, 64);
	uh = skb_put_zero(skb, sizeof(*uh) + 16);
	uh->source = htons(40000);
	uh->dest = htons(7777);
	uh->len = htons(sizeof(*uh) + 16);
	skb_reset_transport_header(skb);
	iph = skb_push(skb, sizeof(*iph));
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->tot_len = htons(skb->len);
	iph->saddr = htonl(0x0a000208);
	iph->daddr = htonl(0x0a000003);
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

static int ndbench_show(struct seq_file *m, void *v)
{
	unsigned int n = READ_ONCE(iters), i, done = 0;
	u64 start, ns;
	int cpu;

	migrate_disable();
	cpu = smp_processor_id();
	start = ktime_get_ns();
	for (i = 0; i < n; i++) {
		struct sk_buff *skb;

		local_bh_disable();
		skb = ndbench_skb();
		if (skb) {
#ifdef ND_HAVE_KFREE_SKB_REASON
			kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
#else
			kfree_skb(skb);
#endif
			done++;
		}
		local_bh_enable();
		if ((i & 1023) == 1023)
			cond_resched();
	}
	ns = ktime_get_ns() - start;
	migrate_enable();
	seq_printf(m, "%llu %u %d\n", done ? div_u64(ns, done) : 0, done, cpu);
	return 0;
}

static struct proc_dir_entry *ndbench_entry;

static int __init ndbench_init(void)
{
	ndbench_entry = proc_create_single("ndbench", 0400, NULL, ndbench_show);
	return ndbench_entry ? 0 : -ENOMEM;
}

static void __exit ndbench_exit(void)
{
	proc_remove(ndbench_entry);
	ndbench_floor_set("0", NULL);
}

module_init(ndbench_init);
module_exit(ndbench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netdrop benchmark: skb drops in a tight loop");
