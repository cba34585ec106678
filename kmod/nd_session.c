// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: each open() of /dev/netdrop is a session with its own per-CPU
 * rings, filter and counters.  Enabled sessions sit on nd_active, an RCU
 * list the probes walk.  The kfree_skb probe is registered when the first
 * session is enabled and unregistered when the last one is disabled, so
 * nothing runs while nobody listens; the kretprobes of hook attribution
 * and the reset kprobes likewise exist only while an enabled session asks
 * for them.
 *
 * A session opened with CAP_NET_ADMIN only over its own network namespace
 * (a container) is scoped: its filter always selects that namespace, it
 * counts against limits of its own (not the host's), its memory is charged
 * to its memory cgroup (as every session's is), it cannot install the
 * host-wide probes unless the module's scoped_probes parameter allows it,
 * and it sees only the tasks of its pid namespace.
 */
#include <linux/module.h>
#include <linux/capability.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "nd_compat.h"
#include "nd_ring.h"
#include "nd_filter.h"
#include "nd_reasons.h"
#include "nd_verdict.h"
#include "nd_reset.h"
#include "nd_agg.h"
#include "nd_session.h"

static unsigned int ring_kb = 1024;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "Default data size of each per-CPU ring in KiB (power of two, 8..262144)");

static unsigned int max_sessions = 16;
module_param(max_sessions, uint, 0444);
MODULE_PARM_DESC(max_sessions, "Maximum number of open sessions of the initial namespace's administrators");

static unsigned int max_scoped_sessions = 4;
module_param(max_scoped_sessions, uint, 0444);
MODULE_PARM_DESC(max_scoped_sessions, "Maximum number of open sessions per container (network namespace)");

static unsigned int scoped_ring_kb = 4096;
module_param(scoped_ring_kb, uint, 0444);
MODULE_PARM_DESC(scoped_ring_kb, "Largest per-CPU ring of a container's session in KiB");

static bool scoped_probes;
module_param(scoped_probes, bool, 0644);
MODULE_PARM_DESC(scoped_probes, "Containers' sessions may install the host-wide hook attribution and reset probes");

unsigned int nd_fault_inject;
module_param_named(fault_inject, nd_fault_inject, uint, 0644);
MODULE_PARM_DESC(fault_inject, "Tests only: 1 = reset kprobes fail to register, 2 = hook attribution fails to start");

#define ND_MIN_RING (8U << 10)
#define ND_MAX_RING (256U << 20)

static DEFINE_MUTEX(nd_lock);
LIST_HEAD(nd_active);
static LIST_HEAD(nd_sessions);		/* every open session, nd_lock */
static u32 nd_last_id;			/* nd_lock */
static unsigned int nd_nr_sessions;	/* under nd_lock */
static unsigned int nd_nr_enabled;	/* under nd_lock */

static void nd_wakeup(struct irq_work *work)
{
	struct nd_session *s = container_of(work, struct nd_session, wakeup);

	wake_up_interruptible(&s->wq);
}

static u32 nd_max_ring(const struct nd_session *s)
{
	if (!s->scope)
		return ND_MAX_RING;
	return clamp_t(u32, rounddown_pow_of_two(max_t(u32, scoped_ring_kb, 8)) << 10,
		       ND_MIN_RING, ND_MAX_RING);
}

/* A scoped session's filter always selects its own namespace. */
static void nd_scope_filter(struct nd_session *s, struct netdrop_filter *f)
{
	if (!s->scope_netns)
		return;
	f->fields |= NETDROP_F_NETNS;
	f->netns = s->scope_netns;
}

/* Open sessions of the same kind as @s: the host's, or its container's. */
static unsigned int nd_count_like(const struct nd_session *s)
{
	const struct nd_session *o;
	unsigned int n = 0;

	lockdep_assert_held(&nd_lock);
	list_for_each_entry(o, &nd_sessions, node)
		n += o->scope_netns == s->scope_netns;
	return n;
}

static void nd_session_free(struct nd_session *s)
{
	if (s->scope)
		put_net(s->scope);
	if (s->scope_pidns)
		put_pid_ns(s->scope_pidns);
	put_pid(s->opener);
	nd_agg_free(s->agg);
	kfree(rcu_dereference_protected(s->filter, true));
	kfree(s);
}

struct nd_session *nd_session_open(void)
{
	struct net *net = current->nsproxy->net_ns;
	bool global = capable(CAP_NET_ADMIN);
	struct nd_session *s;
	struct nd_filter *nf;
	unsigned int limit;

	/*
	 * CAP_NET_ADMIN in the initial user namespace: every drop.  Only over
	 * the caller's own network namespace (root in a container with its
	 * own user and network namespaces): that namespace's drops only.
	 */
	if (!global && !ns_capable(net->user_ns, CAP_NET_ADMIN))
		return ERR_PTR(-EPERM);
	s = kzalloc_obj(*s, GFP_KERNEL_ACCOUNT);
	nf = kzalloc_obj(*nf, GFP_KERNEL_ACCOUNT);
	if (!s || !nf) {
		kfree(s);
		kfree(nf);
		return ERR_PTR(-ENOMEM);
	}
	if (!global) {
		s->scope = get_net(net);
		s->scope_netns = net->ns.inum;
		s->scope_pidns = get_pid_ns(task_active_pid_ns(current));
	}
	nf->f.size = sizeof(nf->f);
	nd_scope_filter(s, &nf->f);
	nd_filter_prepare(nf);
	RCU_INIT_POINTER(s->filter, nf);
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->active);
	init_waitqueue_head(&s->wq);
	init_irq_work(&s->wakeup, nd_wakeup);
	s->ring_size = roundup_pow_of_two(clamp_t(u64, (u64)ring_kb << 10,
						  ND_MIN_RING, nd_max_ring(s)));
	s->watermark = 1;
	s->agg_slots = NETDROP_AGG_DEFAULT_SLOTS;
	/*
	 * Like /proc/kallsyms (kallsyms_show_value()): real addresses only
	 * for CAP_SYSLOG.  Checked once, at open, against the opener.
	 */
	s->show_addrs = ns_capable_noaudit(&init_user_ns, CAP_SYSLOG);
	get_task_comm(s->comm, current);
	s->opened_ns = ktime_get_boottime_ns();
	s->opener = get_pid(task_tgid(current));

	mutex_lock(&nd_lock);
	limit = s->scope ? max_scoped_sessions : max_sessions;
	if (nd_count_like(s) >= limit) {
		mutex_unlock(&nd_lock);
		mutex_destroy(&s->lock);
		nd_session_free(s);
		return ERR_PTR(-EBUSY);
	}
	nd_nr_sessions++;
	s->id = ++nd_last_id;
	list_add_tail(&s->node, &nd_sessions);
	mutex_unlock(&nd_lock);
	return s;
}

void nd_session_release(struct nd_session *s)
{
	int cpu;

	mutex_lock(&s->lock);
	nd_session_disable(s);
	mutex_unlock(&s->lock);
	/* Off the listing before its rings go. */
	mutex_lock(&nd_lock);
	list_del(&s->node);
	nd_nr_sessions--;
	mutex_unlock(&nd_lock);
	irq_work_sync(&s->wakeup);
	if (s->rings) {
		for_each_possible_cpu(cpu)
			nd_ring_free(s->rings[cpu]);
		kfree(s->rings);
	}
	mutex_destroy(&s->lock);
	nd_session_free(s);
}

/*
 * The rings are published complete (release), once, and stay until the
 * session is released: poll and the session listing read them without
 * the session lock (acquire).
 */
int nd_session_alloc_rings(struct nd_session *s)
{
	struct nd_ring **rings;
	int cpu;

	lockdep_assert_held(&s->lock);
	if (s->rings)
		return 0;
	rings = kcalloc(nr_cpu_ids, sizeof(*rings), GFP_KERNEL_ACCOUNT);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		rings[cpu] = nd_ring_alloc(cpu, s->ring_size);
		if (!rings[cpu])
			goto nomem;
	}
	/* Pairs with the acquire in nd_poll() and nd_describe_session(). */
	smp_store_release(&s->rings, rings);
	return 0;
nomem:
	for_each_possible_cpu(cpu)
		nd_ring_free(rings[cpu]);
	kfree(rings);
	return -ENOMEM;
}

/*
 * Takes or gives back this session's references on hook attribution and
 * on the reset probes, so that the kretprobes and kprobes exist exactly
 * while an enabled session asks for them: what @nf asks for, if @enabled.
 * Every reference is taken before any is given back, so a failure leaves
 * the session holding exactly what it held, and returns the error.
 */
static int nd_session_sync_probes(struct nd_session *s,
				  const struct nd_filter *nf, bool enabled)
{
	bool hooks = enabled && (nf->f.options & NETDROP_OPT_HOOKS);
	bool resets = enabled && (nf->f.events & NETDROP_EV_RESET);
	int err = 0;

	lockdep_assert_held(&s->lock);
	mutex_lock(&nd_lock);
	if (hooks && !s->hooks) {
		err = nd_verdict_get();
		if (err)
			goto out;
	}
	if (resets && !s->resets) {
		err = nd_reset_get();
		if (err) {
			if (hooks && !s->hooks)
				nd_verdict_put();
			goto out;
		}
	}
	if (!hooks && s->hooks)
		nd_verdict_put();
	if (!resets && s->resets)
		nd_reset_put();
	s->hooks = hooks;
	s->resets = resets;
out:
	mutex_unlock(&nd_lock);
	return err;
}

static const struct nd_filter *nd_session_filter(struct nd_session *s)
{
	return rcu_dereference_protected(s->filter, lockdep_is_held(&s->lock));
}

int nd_session_enable(struct nd_session *s)
{
	int err;

	lockdep_assert_held(&s->lock);
	if (s->enabled)
		return 0;
	err = nd_session_alloc_rings(s);
	if (err)
		return err;
	/* The probes it asks for first: a failure leaves nothing enabled. */
	err = nd_session_sync_probes(s, nd_session_filter(s), true);
	if (err)
		return err;
	mutex_lock(&nd_lock);
	if (!nd_nr_enabled) {
		err = nd_probe_register();
		if (err) {
			mutex_unlock(&nd_lock);
			nd_session_sync_probes(s, nd_session_filter(s), false);
			return err;
		}
	}
	nd_nr_enabled++;
	list_add_tail_rcu(&s->active, &nd_active);
	WRITE_ONCE(s->enabled, true);
	mutex_unlock(&nd_lock);
	return 0;
}

void nd_session_disable(struct nd_session *s)
{
	bool last;

	lockdep_assert_held(&s->lock);
	if (!s->enabled)
		return;
	mutex_lock(&nd_lock);
	list_del_rcu(&s->active);
	WRITE_ONCE(s->enabled, false);
	last = --nd_nr_enabled == 0;
	if (last)
		nd_probe_unregister();
	mutex_unlock(&nd_lock);
	/* No probe may still write to this session's rings after we return. */
	if (last)
		tracepoint_synchronize_unregister();
	else
		synchronize_rcu();
	/* Giving back cannot fail. */
	nd_session_sync_probes(s, nd_session_filter(s), false);
}

void nd_fill_info(struct nd_session *s, struct netdrop_info *info)
{
	int cpu;

	memset(info, 0, sizeof(*info));
	info->abi_major = NETDROP_ABI_MAJOR;
	info->abi_minor = NETDROP_ABI_MINOR;
	info->nr_cpu_ids = nr_cpu_ids;
	info->page_size = PAGE_SIZE;
	for_each_possible_cpu(cpu)
		if (cpu < 256)
			info->possible_cpus[cpu / 64] |= 1ULL << (cpu % 64);
	info->tp_nargs = ND_TP_NARGS;
	info->nr_reasons = nd_reasons_count();
	mutex_lock(&s->lock);
	info->ring_size = s->ring_size;
	info->watermark = s->watermark;
	mutex_unlock(&s->lock);
	mutex_lock(&nd_lock);
	info->nr_sessions = nd_nr_sessions;
	info->nr_enabled = nd_nr_enabled;
	mutex_unlock(&nd_lock);
	local_irq_disable();
	info->mono_ns = ktime_get_ns();
	info->real_ns = ktime_get_real_ns();
	info->boot_ns = ktime_get_boottime_ns();
	local_irq_enable();
	strscpy(info->version, ND_VERSION, sizeof(info->version));
}

void nd_fill_stats(struct nd_session *s, struct netdrop_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	mutex_lock(&s->lock);
	if (s->rings) {
		for_each_possible_cpu(cpu) {
			struct nd_ring *r = s->rings[cpu];

			st->seen += local64_read(&nd_ctrs(r)->seen);
			st->filtered += local64_read(&nd_ctrs(r)->filtered);
			st->recorded += local64_read(&nd_ctrs(r)->recorded);
			st->lost += local64_read(&nd_ctrs(r)->lost);
		}
	}
	mutex_unlock(&s->lock);
}

static void nd_describe_session(struct nd_session *s, struct nd_session *self,
				struct netdrop_session_entry *e, u64 *lost,
				u32 nr_lost)
{
	const struct nd_filter *nf;
	struct nd_ring **rings;
	int cpu;

	/* Pairs with the release in nd_session_alloc_rings(). */
	rings = smp_load_acquire(&s->rings);
	BUILD_BUG_ON(sizeof(e->comm) != sizeof(s->comm));
	e->id = s->id;
	e->pid = pid_vnr(s->opener);
	e->opened_ns = s->opened_ns;
	e->ring_size = READ_ONCE(s->ring_size);
	memcpy(e->comm, s->comm, sizeof(e->comm));
	if (READ_ONCE(s->enabled))
		e->flags |= NETDROP_SF_ENABLED;
	if (s == self)
		e->flags |= NETDROP_SF_SELF;
	rcu_read_lock();
	nf = rcu_dereference(s->filter);
	e->fields = nf->f.fields;
	e->options = nf->f.options;
	e->events = nf->f.events;
	rcu_read_unlock();
	if (!rings)
		return;
	e->flags |= NETDROP_SF_RINGS;
	for_each_possible_cpu(cpu) {
		struct nd_counters *c = nd_ctrs(rings[cpu]);
		u64 l = local64_read(&c->lost);

		e->seen += local64_read(&c->seen);
		e->filtered += local64_read(&c->filtered);
		e->recorded += local64_read(&c->recorded);
		e->lost += l;
		if (cpu < nr_lost)
			lost[cpu] = l;
	}
}

/*
 * A snapshot taken under nd_lock (a listed session keeps its rings),
 * copied to user space after the lock is dropped.  The caller's row
 * length (req->nr_cpus in) is the stride of its lost array; the kernel's
 * nr_cpu_ids goes back in the same field only after the copy.
 */
int nd_list_sessions(struct nd_session *self, struct netdrop_sessions_req *req)
{
	u32 nr_lost = 0, stride = req->nr_cpus, cap, n = 0, total, i;
	struct netdrop_session_entry *e;
	struct nd_session *s;
	u64 *lost = NULL;
	int err = 0;

	if (req->lost) {
		if (!stride || stride > NETDROP_MAX_SESSION_CPUS)
			return -EINVAL;
		nr_lost = min_t(u32, stride, nr_cpu_ids);
	}
	mutex_lock(&nd_lock);
	cap = min(req->count, nd_nr_sessions);
	e = kvcalloc(max(cap, 1U), sizeof(*e), GFP_KERNEL);
	if (e && nr_lost)
		lost = kvcalloc(max(cap, 1U), (size_t)nr_lost * sizeof(u64),
				GFP_KERNEL);
	if (!e || (nr_lost && !lost)) {
		mutex_unlock(&nd_lock);
		err = -ENOMEM;
		goto out;
	}
	/* A scoped caller sees (and counts) its namespace's sessions only. */
	total = 0;
	list_for_each_entry(s, &nd_sessions, node) {
		if (self->scope_netns && s->scope_netns != self->scope_netns)
			continue;
		total++;
		if (n == cap)
			continue;
		nd_describe_session(s, self, &e[n],
				    lost ? &lost[(size_t)n * nr_lost] : NULL,
				    nr_lost);
		n++;
	}
	req->count = total;
	mutex_unlock(&nd_lock);
	if (n && copy_to_user(u64_to_user_ptr(req->buf), e, n * sizeof(*e)))
		err = -EFAULT;
	for (i = 0; !err && lost && i < n; i++) {
		void __user *row = u64_to_user_ptr(req->lost +
			(u64)i * stride * sizeof(u64));

		if (copy_to_user(row, &lost[(size_t)i * nr_lost],
				 nr_lost * sizeof(u64)))
			err = -EFAULT;
	}
	req->nr_cpus = nr_cpu_ids;
out:
	kvfree(lost);
	kvfree(e);
	return err;
}

int nd_set_filter(struct nd_session *s, const struct netdrop_filter *f)
{
	struct nd_agg *new_agg = NULL;
	struct nd_filter *nf, *old;
	int err = nd_filter_validate(f);

	if (err)
		return err;
	/* Stacks and location ranges are kernel addresses. */
	if (!s->show_addrs && ((f->options & NETDROP_OPT_STACK) ||
			       (f->fields & NETDROP_F_LOCATION)))
		return -EPERM;
	if (s->scope_netns && (f->fields & NETDROP_F_NETNS) &&
	    f->netns != s->scope_netns)
		return -EPERM;
	/* Host-wide probes are the host's to install. */
	if (s->scope && !READ_ONCE(scoped_probes) &&
	    ((f->options & NETDROP_OPT_HOOKS) || (f->events & NETDROP_EV_RESET)))
		return -EPERM;
	nf = kzalloc_obj(*nf, GFP_KERNEL_ACCOUNT);
	if (!nf)
		return -ENOMEM;
	nf->f = *f;
	nd_scope_filter(s, &nf->f);
	nd_filter_prepare(nf);
	mutex_lock(&s->lock);
	/*
	 * The first aggregating filter makes the tables; they become the
	 * session's only with the filter, so a failure frees what nobody saw.
	 * The probe finds them through the filter it dereferences.
	 */
	if ((f->options & NETDROP_OPT_AGGREGATE) && !s->agg) {
		new_agg = nd_agg_alloc(s->agg_slots);
		if (IS_ERR(new_agg)) {
			mutex_unlock(&s->lock);
			kfree(nf);
			return PTR_ERR(new_agg);
		}
	}
	if (f->options & NETDROP_OPT_AGGREGATE)
		nf->agg = s->agg ?: new_agg;
	/* On failure the session keeps its filter and its probes. */
	err = nd_session_sync_probes(s, nf, s->enabled);
	if (err) {
		mutex_unlock(&s->lock);
		nd_agg_free(new_agg);
		kfree(nf);
		return err;
	}
	if (new_agg)	/* Pairs with smp_load_acquire() in nd_read_agg(). */
		smp_store_release(&s->agg, new_agg);
	old = rcu_replace_pointer(s->filter, nf, lockdep_is_held(&s->lock));
	mutex_unlock(&s->lock);
	kfree_rcu(old, rcu);
	return 0;
}

int nd_set_ring(struct nd_session *s, u32 size)
{
	int err = 0;

	if (size < ND_MIN_RING || size > ND_MAX_RING || !is_power_of_2(size))
		return -EINVAL;
	if (size > nd_max_ring(s))
		return -EPERM;
	mutex_lock(&s->lock);
	if (s->rings)
		err = -EBUSY;
	else
		s->ring_size = size;
	if (!err && s->watermark > size / 2)
		WRITE_ONCE(s->watermark, size / 2);
	mutex_unlock(&s->lock);
	return err;
}

int nd_set_watermark(struct nd_session *s, u32 bytes)
{
	int err = 0;

	mutex_lock(&s->lock);
	if (!bytes || bytes > s->ring_size / 2)
		err = -EINVAL;
	else
		WRITE_ONCE(s->watermark, bytes);
	mutex_unlock(&s->lock);
	return err;
}

/* Before the first filter that aggregates: the size of its tables. */
int nd_set_agg_slots(struct nd_session *s, u32 slots)
{
	int err = 0;

	if (slots < NETDROP_AGG_MIN_SLOTS || slots > NETDROP_AGG_MAX_SLOTS ||
	    !is_power_of_2(slots))
		return -EINVAL;
	/* A container's session: no larger than the default. */
	if (s->scope && slots > NETDROP_AGG_DEFAULT_SLOTS)
		return -EPERM;
	mutex_lock(&s->lock);
	if (s->agg)
		err = -EBUSY;
	else
		s->agg_slots = slots;
	mutex_unlock(&s->lock);
	return err;
}

/* Not under the session lock: nd_agg_read() copies to user space. */
int nd_read_agg(struct nd_session *s, struct netdrop_agg_req *req)
{
	/* Pairs with the smp_store_release() in nd_set_filter(). */
	struct nd_agg *agg = smp_load_acquire(&s->agg);

	if (!agg) {
		if (req->flags)
			return -EINVAL;
		req->count = 0;
		req->total = 0;
		req->counted = 0;
		req->overflow = 0;
		req->slots = 0;
		return 0;
	}
	return nd_agg_read(agg, req, s->show_addrs);
}
