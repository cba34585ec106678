/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * netdrop ABI: the one contract between netdrop.ko and user space.
 *
 * Included by the kernel module and by C++ (netdropctl).  Fixed-width types
 * only; every structure is padded explicitly to a multiple of 8 bytes.
 *
 * Versioning: NETDROP_ABI_MAJOR changes when an existing field moves or
 * changes meaning; readers must refuse a different major.  NETDROP_ABI_MINOR
 * grows when fields or record types are appended; readers skip record types
 * they do not know (by netdrop_rec_hdr.size) and locate variable parts of a
 * record through its offsets, never through sizeof().
 *
 * Device: /dev/netdrop.  Each open() is an independent session.
 *
 * Memory map, per possible CPU c (base = c * NETDROP_MMAP_CPU_STRIDE):
 *   base + 0             one page, struct netdrop_ring_consumer, read-write
 *   base + page          one page, struct netdrop_ring_ctrl, read-only
 *   base + 2 * page      data_size bytes of records, mapped twice in a row,
 *                        read-only, so that a record never wraps
 *
 * Ring protocol (single producer per CPU, single consumer):
 *   The kernel appends records at producer_pos and publishes producer_pos
 *   with release semantics after the record bytes are written.  The reader
 *   loads producer_pos with acquire semantics, reads records from
 *   consumer_pos up to producer_pos at data + (pos & (data_size - 1)), and
 *   then stores the new consumer_pos with release semantics.  Positions are
 *   free-running 64-bit byte counters; records are 8-byte aligned.
 *   When a record does not fit, the kernel drops it and counts it in
 *   ctrl->lost; it never overwrites unread data.
 *
 * Sequence numbers (seq of drop and reset records): each CPU ring of a
 * session numbers, from 0, every record it was asked to hold, the lost
 * ones included.  The numbers a reader never sees are the records lost
 * (ctrl->lost counts them).  A producer interrupted between reserving and
 * numbering its record can get a number after the interrupt's, so order
 * records by position, not by seq.
 */
#ifndef _UAPI_NETDROP_H
#define _UAPI_NETDROP_H

#include <linux/const.h>
#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define NETDROP_ABI_MAJOR 1
#define NETDROP_ABI_MINOR 5
#define NETDROP_DEVICE "/dev/netdrop"

#define NETDROP_MMAP_CPU_STRIDE _BITULL(32)
#define NETDROP_MAX_STACK 32
#define NETDROP_MAX_SNAPLEN 256
#define NETDROP_IFNAMSIZ 16
#define NETDROP_COMMLEN 16
#define NETDROP_MAX_REASONS 64
#define NETDROP_MAX_LOCATIONS 8
#define NETDROP_REASON_NAMELEN 56
#define NETDROP_NAMELEN 64
#define NETDROP_MODNAMELEN 56

/* Record types (netdrop_rec_hdr.type). */
enum netdrop_rec_type {
	NETDROP_REC_DROP = 1,
	NETDROP_REC_RESET = 2,
};

struct netdrop_rec_hdr {
	__u16 type;	/* enum netdrop_rec_type */
	__u16 flags;	/* NETDROP_RF_* */
	__u32 size;	/* whole record in bytes, multiple of 8 */
};

/* netdrop_rec_hdr.flags */
#define NETDROP_RF_DECODED	_BITUL(0)	/* family/addresses valid */
#define NETDROP_RF_L4		_BITUL(1)	/* ports/flags/icmp valid */
#define NETDROP_RF_TRUNCATED	_BITUL(2)	/* headers cut short */
#define NETDROP_RF_FRAGMENT	_BITUL(3)	/* non-first fragment */
#define NETDROP_RF_MALFORMED	_BITUL(4)	/* header fields impossible */
#define NETDROP_RF_STACK	_BITUL(5)	/* stack present */
#define NETDROP_RF_DATA		_BITUL(6)	/* packet bytes present */
#define NETDROP_RF_HOOK		_BITUL(7)	/* hook attribution valid */
#define NETDROP_RF_NO_NETHDR	_BITUL(8)	/* network header guessed */
#define NETDROP_RF_RULE		_BITUL(9)	/* hook names' rule valid (ABI 1.3) */
#define NETDROP_RF_CT		_BITUL(10)	/* conntrack at ct_off (ABI 1.5) */

/* Execution context of the drop (netdrop_drop.ctx). */
enum netdrop_ctx {
	NETDROP_CTX_TASK = 0,
	NETDROP_CTX_SOFTIRQ = 1,
	NETDROP_CTX_HARDIRQ = 2,
	NETDROP_CTX_NMI = 3,
};

/* Kind of a netfilter hook (netdrop_hook_info.ops_type). */
enum netdrop_hook_ops_type {
	NETDROP_HOOK_OTHER = 0,
	NETDROP_HOOK_NFTABLES = 1,
	NETDROP_HOOK_BPF = 2,
};

/*
 * The netfilter hook that returned NF_DROP for this packet, when hook
 * attribution is enabled and the drop came from a netfilter hook.
 */
struct netdrop_hook_info {
	__u64 func;		/* hook function address */
	__s32 priority;
	__u8 pf;		/* NFPROTO_* */
	__u8 hooknum;		/* NF_INET_* or NF_NETDEV_* */
	__u8 ops_type;		/* enum netdrop_hook_ops_type */
	__u8 pad;
};

struct netdrop_drop {
	struct netdrop_rec_hdr hdr;
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	__u64 seq;		/* per-CPU, per-session; see below */
	__u64 location;		/* kernel text address of the kfree_skb caller */
	__u64 skb;		/* skb address, to correlate with other events */
	__u32 reason;		/* raw enum skb_drop_reason of the running kernel */
	__u32 cpu;
	__u32 netns;		/* network namespace inode */
	__u32 ifindex;
	__u32 len;		/* skb->len */
	__u32 mark;
	__u32 pid;		/* current task (interrupted task in irq context) */
	__u16 protocol;		/* skb->protocol, host order (ETH_P_*) */
	__u8 family;		/* AF_INET, AF_INET6 or 0 */
	__u8 l4proto;		/* IPPROTO_* */
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport;		/* host order */
	__u16 dport;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 ctx;		/* enum netdrop_ctx */
	__u16 nr_stack;		/* frames at stack_off */
	__u16 stack_off;	/* offset of __u64 frames from record start */
	__u16 data_len;		/* packet bytes at data_off, from network header */
	__u16 data_off;
	__u16 names_off;	/* struct netdrop_hook_names, with RF_HOOK */
	__u16 ct_off;		/* struct netdrop_ct, with RF_CT (ABI 1.5) */
	char ifname[NETDROP_IFNAMSIZ];
	char comm[NETDROP_COMMLEN];
	struct netdrop_hook_info hook;
	/*
	 * Variable parts, each found through its offset:
	 * struct netdrop_hook_names at names_off (RF_HOOK),
	 * struct netdrop_ct at ct_off (RF_CT),
	 * __u8 data[data_len] at data_off (RF_DATA),
	 * __u64 stack[nr_stack] at stack_off (RF_STACK).
	 */
};

/* Names of the hook that dropped a packet (drop records with RF_HOOK). */
struct netdrop_hook_names {
	char func[NETDROP_NAMELEN];
	char module[NETDROP_MODNAMELEN];
	char table[NETDROP_NAMELEN];	/* nf_tables or x_tables table */
	char chain[NETDROP_NAMELEN];	/* nf_tables base chain */
	/*
	 * ABI 1.3, valid with NETDROP_RF_RULE: the handle of the nf_tables
	 * rule whose verdict was the drop (in table, in any of its chains).
	 */
	__u64 rule;
};

/* One direction of a conntrack entry, as the kernel keeps it. */
struct netdrop_ct_tuple {
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport;		/* host order; ICMP: the id */
	__u16 dport;		/* host order; ICMP: type << 8 | code */
	__u8 l4proto;		/* IPPROTO_* */
	__u8 pad[3];
};

/* netdrop_ct.flags */
#define NETDROP_CTF_TEMPLATE	_BITUL(0)	/* a template (zone only): not tracked yet */
#define NETDROP_CTF_UNTRACKED	_BITUL(1)	/* notrack: no entry, no tuples */
#define NETDROP_CTF_MARK	_BITUL(2)	/* mark valid (CONFIG_NF_CONNTRACK_MARK) */
#define NETDROP_CTF_ZONES	_BITUL(3)	/* zone valid (CONFIG_NF_CONNTRACK_ZONES) */

/*
 * The conntrack entry a dropped packet held (ABI 1.5, NETDROP_RF_CT): its
 * direction, state, zone and mark, and both tuples, so that NAT shows (a
 * DNAT rewrites the reply tuple's source).
 */
struct netdrop_ct {
	__u32 status;		/* IPS_* (linux/netfilter/nf_conntrack_common.h) */
	__u32 mark;
	__u16 zone;		/* zone id */
	__u8 zone_dir;		/* NF_CT_ZONE_DIR_* bits, 0: both */
	__u8 ctinfo;		/* enum ip_conntrack_info (IP_CT_*), or: */
#define NETDROP_CTINFO_UNTRACKED 7	/* the kernel's IP_CT_UNTRACKED */
	__u8 tcp_state;		/* TCP_CONNTRACK_* for TCP, else 0 */
	__u8 family;		/* AF_INET or AF_INET6, 0 without tuples */
	__u8 flags;		/* NETDROP_CTF_* */
	__u8 pad;
	struct netdrop_ct_tuple orig;
	struct netdrop_ct_tuple reply;
};

/* netdrop_reset.kind */
enum netdrop_reset_kind {
	NETDROP_RST_PASSIVE = 1,	/* answer to a segment (tcp_v4/v6_send_reset) */
	NETDROP_RST_ACTIVE = 2,		/* the local socket aborts (tcp_send_active_reset) */
};

/* netdrop_reset.facts: what explains the reset */
#define NETDROP_RSTF_NO_SOCKET	_BITUL(0)	/* no socket answered the segment */
#define NETDROP_RSTF_TIMEWAIT	_BITUL(1)	/* a TIME_WAIT socket answered */
#define NETDROP_RSTF_REQSOCK	_BITUL(2)	/* a request socket answered */
#define NETDROP_RSTF_LINGER0	_BITUL(3)	/* SO_LINGER on with linger time 0 */
#define NETDROP_RSTF_UNREAD	_BITUL(4)	/* unread data in the receive queue */
#define NETDROP_RSTF_MEM_PRESSURE _BITUL(5)	/* TCP memory pressure */
#define NETDROP_RSTF_ORPHANS	_BITUL(6)	/* orphans over tcp_max_orphans/2 */

#define NETDROP_TCP_STATE_NONE 0xff

/*
 * netdrop_reset.orphans where the module cannot read the orphan count
 * (Linux 7.2 no longer exports tcp_orphan_count).
 */
#define NETDROP_ORPHANS_UNKNOWN 0xffffffffU

/* A TCP reset being sent (NETDROP_REC_RESET). */
struct netdrop_reset {
	struct netdrop_rec_hdr hdr;
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	__u64 seq;		/* shares the ring's sequence with drops */
	__u64 location;		/* the kernel function sending the reset */
	__u64 skb;		/* passive: the segment answered */
	__u32 reason;		/* enum sk_rst_reason where the kernel has one */
	__u32 cpu;
	__u32 netns;
	__u32 pid;
	__u32 unread;		/* active: bytes in the receive queue */
	__u32 orphans;		/* active: orphan sockets, or NETDROP_ORPHANS_UNKNOWN */
	__u8 family;
	__u8 kind;		/* enum netdrop_reset_kind */
	__u8 state;		/* TCP_* of the socket, or NETDROP_TCP_STATE_NONE */
	__u8 ctx;		/* enum netdrop_ctx */
	__u16 facts;		/* NETDROP_RSTF_* */
	__u16 pad;
	__u8 saddr[16];		/* of the RST being sent */
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 nr_stack;
	__u16 stack_off;
	char comm[NETDROP_COMMLEN];
	/* __u64 stack[nr_stack] at stack_off (RF_STACK) */
};

/* Per-CPU ring: the page user space writes. */
struct netdrop_ring_consumer {
	__u64 consumer_pos;
};

/* Per-CPU ring: the page only the kernel writes. */
struct netdrop_ring_ctrl {
	__u64 producer_pos;
	__u64 data_size;	/* bytes, power of two */
	__u64 seen;		/* probe invocations on this CPU */
	__u64 filtered;		/* rejected by the session's filter */
	__u64 recorded;		/* records written */
	__u64 lost;		/* records dropped: ring full */
	__u32 cpu;
	__u32 pad;
};

/* NETDROP_IOC_GET_INFO */
struct netdrop_info {
	__u32 abi_major;
	__u32 abi_minor;
	__u32 nr_cpu_ids;	/* rings exist for possible CPUs below this */
	__u32 page_size;
	__u64 possible_cpus[4];	/* first 256 CPUs */
	__u32 ring_size;	/* data bytes per CPU ring */
	__u32 watermark;	/* bytes that wake a poller */
	__u32 tp_nargs;		/* kfree_skb tracepoint arguments: 2, 3 or 4 */
	__u32 nr_reasons;	/* reason names the kernel knows */
	__u32 nr_sessions;	/* open sessions, this one included */
	__u32 nr_enabled;	/* sessions capturing */
	__u64 mono_ns;		/* CLOCK_MONOTONIC and CLOCK_REALTIME ... */
	__u64 real_ns;		/* ... read together: wall = ts - mono + real */
	__u64 boot_ns;		/* CLOCK_BOOTTIME at the same moment */
	char version[16];	/* module version string */
};

/* NETDROP_IOC_GET_STATS: totals over all CPUs of this session */
struct netdrop_stats {
	__u64 seen;
	__u64 filtered;
	__u64 recorded;
	__u64 lost;
};

/* Filter fields (netdrop_filter.fields): a record passes when all match. */
#define NETDROP_F_FAMILY	_BITUL(0)
#define NETDROP_F_SRC		_BITUL(1)	/* src in src/src_prefix */
#define NETDROP_F_DST		_BITUL(2)	/* dst in dst/dst_prefix */
#define NETDROP_F_HOST		_BITUL(3)	/* src or dst in host/host_prefix */
#define NETDROP_F_L4PROTO	_BITUL(4)
#define NETDROP_F_SPORT		_BITUL(5)
#define NETDROP_F_DPORT		_BITUL(6)
#define NETDROP_F_PORT		_BITUL(7)	/* sport or dport in port range */
#define NETDROP_F_IFINDEX	_BITUL(8)
#define NETDROP_F_NETNS		_BITUL(9)
#define NETDROP_F_REASON	_BITUL(10)
#define NETDROP_F_LOCATION	_BITUL(11)
#define NETDROP_F_ALL		(_BITUL(12) - 1)

/* Options (netdrop_filter.options). */
#define NETDROP_OPT_STACK	_BITUL(0)
#define NETDROP_OPT_HOOKS	_BITUL(1)	/* attribute netfilter drops */
#define NETDROP_OPT_AGGREGATE	_BITUL(2)	/* count drops, no records (ABI 1.4) */
#define NETDROP_OPT_ALL		(_BITUL(3) - 1)

/* Events (netdrop_filter.events); 0 means drops only. */
#define NETDROP_EV_DROP		_BITUL(0)
#define NETDROP_EV_RESET	_BITUL(1)
#define NETDROP_EV_ALL		(_BITUL(2) - 1)

struct netdrop_cidr {
	__u8 addr[16];		/* IPv4 in the first 4 bytes */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 prefix;		/* 0..32 or 0..128 */
	__u8 pad[6];
};

struct netdrop_range {
	__u16 lo;
	__u16 hi;		/* inclusive, lo <= hi */
};

struct netdrop_loc_range {
	__u64 start;
	__u64 end;		/* exclusive, start < end */
};

struct netdrop_filter {
	__u32 size;		/* sizeof(struct netdrop_filter) */
	__u32 fields;		/* NETDROP_F_* */
	__u32 options;		/* NETDROP_OPT_* */
	__u32 events;		/* NETDROP_EV_* */
	__u32 snaplen;		/* 0..NETDROP_MAX_SNAPLEN */
	__u8 family;		/* for NETDROP_F_FAMILY */
	__u8 l4proto;		/* for NETDROP_F_L4PROTO */
	__u16 nr_reasons;
	struct netdrop_cidr src;
	struct netdrop_cidr dst;
	struct netdrop_cidr host;
	struct netdrop_range sport;
	struct netdrop_range dport;
	struct netdrop_range port;
	__u32 ifindex;
	__u32 netns;
	__u32 nr_locations;
	__u32 reasons[NETDROP_MAX_REASONS];
	struct netdrop_loc_range locations[NETDROP_MAX_LOCATIONS];
};

struct netdrop_reason {
	__u32 value;
	__u32 pad;
	char name[NETDROP_REASON_NAMELEN];	/* without SKB_DROP_REASON_ */
};

/* NETDROP_IOC_GET_REASONS: fills up to count entries at buf. */
struct netdrop_reasons_req {
	__u64 buf;		/* user pointer to struct netdrop_reason[] */
	__u32 count;		/* in: capacity; out: total the kernel has */
	__u32 kind;		/* NETDROP_REASONS_DROP or NETDROP_REASONS_RESET */
};

#define NETDROP_REASONS_DROP 0
#define NETDROP_REASONS_RESET 1

/* NETDROP_IOC_GET_HOOKS: the netfilter hooks of one network namespace. */
/* netdrop_hook_entry.flags */
#define NETDROP_HF_PLACEHOLDER	_BITUL(0)	/* being unregistered */
#define NETDROP_HF_NETDEV	_BITUL(1)	/* per-device (ifindex valid) */
#define NETDROP_HF_XTABLES	_BITUL(2)	/* table is an x_tables table */

struct netdrop_hook_entry {
	__u64 func;		/* 0 without CAP_SYSLOG */
	__s32 priority;
	__u8 pf;		/* NFPROTO_* */
	__u8 hooknum;
	__u8 ops_type;		/* enum netdrop_hook_ops_type */
	__u8 flags;		/* NETDROP_HF_* */
	__u32 ifindex;
	__u16 index;		/* position in its hook list */
	__u8 table_family;	/* nf_tables table family */
	__u8 pad;
	char func_name[NETDROP_NAMELEN];
	char module[NETDROP_MODNAMELEN];	/* empty: built into the kernel */
	char table[NETDROP_NAMELEN];	/* nf_tables or x_tables table */
	char chain[NETDROP_NAMELEN];	/* nf_tables base chain */
	char ifname[NETDROP_IFNAMSIZ];
};

struct netdrop_hooks_req {
	__u64 buf;		/* user pointer to struct netdrop_hook_entry[] */
	__u32 count;		/* in: capacity; out: entries in the netns */
	__s32 netns_fd;		/* -1: the caller's network namespace */
	__u32 netns;		/* out: inode of the namespace listed */
	__u32 pad;
};

/* NETDROP_IOC_GET_SESSIONS (ABI 1.1): every open session of the module. */
/* netdrop_session_entry.flags */
#define NETDROP_SF_ENABLED	_BITUL(0)	/* capturing */
#define NETDROP_SF_SELF		_BITUL(1)	/* the caller's own session */
#define NETDROP_SF_RINGS	_BITUL(2)	/* rings allocated (counters valid) */

struct netdrop_session_entry {
	__u32 id;		/* 1, 2, ... in the order opened */
	__u32 pid;		/* opener's process in the caller's pid ns, 0 if not visible */
	__u64 opened_ns;	/* CLOCK_BOOTTIME at open */
	__u32 ring_size;	/* data bytes per CPU ring */
	__u32 flags;		/* NETDROP_SF_* */
	__u32 fields;		/* its filter: NETDROP_F_* */
	__u32 options;		/* NETDROP_OPT_* */
	__u32 events;		/* NETDROP_EV_* */
	__u32 pad;
	__u64 seen;		/* totals over all CPUs */
	__u64 filtered;
	__u64 recorded;
	__u64 lost;
	char comm[NETDROP_COMMLEN];	/* opener's command */
};

#define NETDROP_MAX_SESSION_CPUS 65536

/*
 * lost: 0, or a user pointer to __u64[count][nr_cpus], the records each
 * session lost on each CPU.  nr_cpus: in, the row length of lost (at most
 * NETDROP_MAX_SESSION_CPUS); out, nr_cpu_ids.
 */
struct netdrop_sessions_req {
	__u64 buf;		/* user pointer to struct netdrop_session_entry[] */
	__u64 lost;
	__u32 count;		/* in: capacity; out: open sessions */
	__u32 nr_cpus;
};

/*
 * NETDROP_IOC_GET_VERDICTS (ABI 1.2): the hooks of one network namespace,
 * as NETDROP_IOC_GET_HOOKS lists them, each with what it returned since
 * counting began.  The module counts while hook attribution is on (some
 * session enabled with NETDROP_OPT_HOOKS): the verdict probes count every
 * call they see.  Counts only grow while counting is on; since_ns says
 * when it began (CLOCK_BOOTTIME), 0 when it is off (every count is 0).
 * Read twice and subtract for a window.  A netdev hook bound to several
 * devices is counted per device.
 */
struct netdrop_hook_verdicts {
	__u64 id;		/* its counter: a chain made again is another */
	__u64 accepted;		/* NF_ACCEPT, NF_STOP, NF_REPEAT */
	__u64 dropped;		/* NF_DROP, or freed by the hook itself */
	__u64 stolen;		/* NF_STOLEN (kept by the hook) */
	__u64 queued;		/* NF_QUEUE */
};

struct netdrop_verdicts_req {
	__u64 hooks;		/* user pointer to struct netdrop_hook_entry[] */
	__u64 verdicts;		/* user pointer to struct netdrop_hook_verdicts[] */
	__u32 count;		/* in: capacity of both; out: hooks in the netns */
	__s32 netns_fd;		/* -1: the caller's network namespace */
	__u32 netns;		/* out: inode of the namespace listed */
	__u32 flags;		/* 0 */
	__u64 since_ns;		/* out: CLOCK_BOOTTIME counting began, 0: off */
	__u64 missed;		/* out: hook calls not counted, every netns */
};

/*
 * In-kernel aggregation (ABI 1.4).  A session whose filter has
 * NETDROP_OPT_AGGREGATE counts the drops that pass its filter instead of
 * writing drop records (resets are still records).  Each CPU has a table
 * of a fixed number of slots (NETDROP_IOC_SET_AGG_SLOTS, before the first
 * filter that aggregates; default NETDROP_AGG_DEFAULT_SLOTS).  A slot
 * holds one key (location, reason, netns, ifindex, and the hook that
 * dropped when NETDROP_OPT_HOOKS attributes it) and its counts, which
 * only grow: read twice and subtract for an interval.  A drop whose key
 * finds no slot on its CPU is not counted; it is counted in overflow and
 * in the ring's lost.  One key may sit in a slot of each CPU, and, rarely,
 * in two slots of one CPU: readers add up entries of equal keys.
 * In the ring's counters, an aggregating session's counted drops are
 * "recorded" and its overflow is "lost" (with a sequence number taken, as
 * a lost record takes one).  A filter with NETDROP_OPT_AGGREGATE may not
 * ask for stacks, packet bytes, or resets without drops (EINVAL).
 */
#define NETDROP_AGG_MIN_SLOTS 64
#define NETDROP_AGG_MAX_SLOTS 65536
#define NETDROP_AGG_DEFAULT_SLOTS 1024

/* netdrop_agg_entry.flags */
#define NETDROP_AF_HOOK		_BITUL(0)	/* hook is the hook that dropped */

struct netdrop_agg_entry {
	__u64 location;		/* 0 without CAP_SYSLOG */
	__u64 count;		/* drops */
	__u64 bytes;		/* their skb->len */
	__u32 reason;
	__u32 netns;
	__u32 ifindex;
	__u32 cpu;		/* the CPU whose table holds it */
	struct netdrop_hook_info hook;	/* with NETDROP_AF_HOOK; func 0 without CAP_SYSLOG */
	__u32 flags;		/* NETDROP_AF_* */
	__u32 pad;
	char ifname[NETDROP_IFNAMSIZ];	/* when the key's slot was taken */
};

/* NETDROP_IOC_GET_AGG: every slot in use, on every CPU. */
struct netdrop_agg_req {
	__u64 buf;		/* user pointer to struct netdrop_agg_entry[] */
	__u32 count;		/* in: capacity; out: entries written */
	__u32 total;		/* out: slots in use (more than count: ask again) */
	__u64 counted;		/* out: drops counted, every CPU */
	__u64 overflow;		/* out: drops not counted: no free slot */
	__u32 slots;		/* out: slots per CPU; 0 before the first filter
				 * that aggregates.  The tables stay with the
				 * session: a later filter that does not
				 * aggregate leaves their counts as they were,
				 * and one that does again goes on counting.
				 */
	__u32 flags;		/* in: 0 */
};

#define NETDROP_IOC_MAGIC 0xD7
#define NETDROP_IOC_GET_INFO	_IOR(NETDROP_IOC_MAGIC, 1, struct netdrop_info)
#define NETDROP_IOC_SET_RING	_IOW(NETDROP_IOC_MAGIC, 2, __u32)
#define NETDROP_IOC_SET_WATERMARK _IOW(NETDROP_IOC_MAGIC, 3, __u32)
#define NETDROP_IOC_SET_FILTER	_IOW(NETDROP_IOC_MAGIC, 4, struct netdrop_filter)
#define NETDROP_IOC_ENABLE	_IO(NETDROP_IOC_MAGIC, 5)
#define NETDROP_IOC_DISABLE	_IO(NETDROP_IOC_MAGIC, 6)
#define NETDROP_IOC_GET_STATS	_IOR(NETDROP_IOC_MAGIC, 7, struct netdrop_stats)
#define NETDROP_IOC_GET_REASONS	_IOWR(NETDROP_IOC_MAGIC, 8, struct netdrop_reasons_req)
#define NETDROP_IOC_GET_HOOKS	_IOWR(NETDROP_IOC_MAGIC, 9, struct netdrop_hooks_req)
#define NETDROP_IOC_GET_SESSIONS _IOWR(NETDROP_IOC_MAGIC, 10, struct netdrop_sessions_req)
#define NETDROP_IOC_GET_VERDICTS _IOWR(NETDROP_IOC_MAGIC, 11, struct netdrop_verdicts_req)
#define NETDROP_IOC_SET_AGG_SLOTS _IOW(NETDROP_IOC_MAGIC, 12, __u32)
#define NETDROP_IOC_GET_AGG	_IOWR(NETDROP_IOC_MAGIC, 13, struct netdrop_agg_req)

#endif /* _UAPI_NETDROP_H */
