// SPDX-License-Identifier: GPL-2.0
/*
 * Which nf_tables rule dropped this packet?  Its handle, without changing
 * the ruleset (no "meta nftrace" rule, no counter added).
 *
 * Mechanism: a kprobe on nft_immediate_eval(), the expression that loads a
 * rule's verdict ("drop", and iptables-nft's "-j DROP") into the verdict
 * register.  nft_do_chain() evaluates a rule's expressions in order and
 * ends the chain at the first verdict that is not "continue", so a drop
 * immediate evaluated for an skb is the verdict of the rule that dropped
 * it.  The handler:
 * - returns at once unless the immediate writes the verdict register and
 *   its verdict is NF_DROP (accept, jump and the data loads of every other
 *   rule leave here);
 * - finds the skb's entry in flight in nd_verdict.c's table, made by the
 *   kretprobe on the nf_tables hook (nft_do_chain_ipv4 and friends) now
 *   running for it: (hook function, priv, family, hook point), where priv
 *   is the base chain;
 * - checks that the entry's hook point is the packet's (a nested hook
 *   whose own entry was not made must not lend it its chain) and that the
 *   hook is still in the hook list of the packet's netns (see Lifetimes);
 * - looks for the rule holding the expression: the base chain's rules,
 *   then those of the other chains of its table (reached by jump or
 *   goto), at most ND_RULES_MAX rules and ND_CHAINS_MAX chains;
 * - stores its handle in the entry, tagged with the entry's generation.
 * The kfree_skb probe takes the entry, handle included, into the record
 * (netdrop_hook_names.rule, NETDROP_RF_RULE).
 *
 * Where the rules are: since 5.17 a chain's rules of each generation are
 * one blob (struct nft_rule_blob) of rules (struct nft_rule_dp, whose
 * handle is kept "for tracing") followed by their expressions.  A blob
 * holds copies of its rules, so both generations' blobs are looked at (the
 * expression is in one of them); the range check makes a blob that does
 * not hold it cost two loads.  Before, an array of struct nft_rule
 * pointers per generation: only the current generation's is read, as
 * nft_do_chain() does (net->nft.gencursor).  The other generation's array
 * can still point at rules a commit deleted and freed: it is replaced at
 * the next commit only.  A compile probe chooses; with neither, the module
 * is built without the rule probe, and the build says so.
 *
 * Lifetimes: the handler interrupts nft_do_chain(), inside the RCU
 * read-side section of nf_hook_slow(), and takes rcu_read_lock() itself.
 * A hook still in a hook list read under it cannot have its chain freed
 * before rcu_read_unlock(): nf_tables unregisters a base chain's hook
 * and waits for a grace period before it destroys the chain.  From the
 * chain on, what is read is what nft_do_chain() reads: blobs and rule
 * arrays are replaced with rcu_assign_pointer() and freed with call_rcu(),
 * rules and chains (removed with list_del_rcu()) after synchronize_rcu().
 *
 * Not named here: drops decided by another expression (reject, a verdict
 * map, a set lookup), a chain's policy, nat chains (run from the nat
 * core's hooks, not in the hook lists), x_tables rules.  Their records
 * carry no rule handle, and netdropctl says that only the chain is known.
 *
 * A handle is unique in its table while the table lives: a table made
 * again numbers its rules from 1 again.  netdropctl looks the handle up
 * in the ruleset read at the window's edges.
 */
#include <linux/kprobes.h>
#include <linux/netfilter.h>
#include <linux/rculist.h>
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nf_tables_core.h>
#include "nd_hooks.h"
#include "nd_nftrule.h"
#include "nd_verdict.h"

#define ND_RULES_MAX 4096	/* rules looked through per drop */
#ifdef ND_HAVE_NFT_RULE_BLOB
#define ND_CHAINS_MAX 8192	/* chains of a table: two loads each */
#else
#define ND_CHAINS_MAX 1024	/* chains of a table: every rule read */
#endif

static DEFINE_MUTEX(nd_nftrule_lock);
static struct kprobe nd_imm_kp;
static bool nd_imm_registered;

#ifdef ND_HAVE_NFT_RULE_BLOB
static u64 nd_nft_blob_rule(const struct nft_rule_blob *blob,
			    const void *expr, unsigned int *budget)
{
	const unsigned char *p, *end, *x = expr;

	if (!blob)
		return 0;
	p = blob->data;
	end = p + blob->size;	/* the rules; the end marker follows */
	if (x < p || x >= end)
		return 0;
	while (p < end && *budget) {
		const struct nft_rule_dp *r = (const void *)p;

		(*budget)--;
		if (r->is_last)
			break;
		if (x >= r->data && x < r->data + r->dlen)
			return r->handle;
		p = r->data + r->dlen;
	}
	return 0;
}

static u64 nd_nft_chain_rule(const struct nft_chain *chain, const void *expr,
			     bool genbit, unsigned int *budget)
{
	u64 h = nd_nft_blob_rule(rcu_dereference(chain->blob_gen_0), expr,
				 budget);

	return h ? h : nd_nft_blob_rule(rcu_dereference(chain->blob_gen_1),
					expr, budget);
}

static bool nd_nft_genbit(const struct net *net)
{
	return false;	/* unused: both blobs are read */
}
#else
static u64 nd_nft_array_rule(struct nft_rule *const *rules, const void *expr,
			     unsigned int *budget)
{
	const unsigned char *x = expr;

	for (; rules && *rules && *budget; rules++) {
		const struct nft_rule *r = *rules;

		(*budget)--;
		if (x >= r->data && x < r->data + r->dlen)
			return r->handle;
	}
	return 0;
}

/* Only the current generation's array: see the top of the file. */
static u64 nd_nft_chain_rule(const struct nft_chain *chain, const void *expr,
			     bool genbit, unsigned int *budget)
{
	return nd_nft_array_rule(genbit ? rcu_dereference(chain->rules_gen_1) :
					  rcu_dereference(chain->rules_gen_0),
				 expr, budget);
}

static bool nd_nft_genbit(const struct net *net)
{
	return READ_ONCE(net->nft.gencursor);
}
#endif

/* The handle of the rule of @base's table that holds @expr, or 0. */
static u64 nd_nft_rule_of(const struct net *net, const struct nft_chain *base,
			  const void *expr)
{
	unsigned int budget = ND_RULES_MAX, chains = ND_CHAINS_MAX;
	bool genbit = nd_nft_genbit(net);
	const struct nft_chain *c;
	u64 h = nd_nft_chain_rule(base, expr, genbit, &budget);

	if (h)
		return h;
	list_for_each_entry_rcu(c, &base->table->chains, list) {
		if (!budget || !chains--)
			break;
		if (c == base)
			continue;
		h = nd_nft_chain_rule(c, expr, genbit, &budget);
		if (h)
			return h;
	}
	return 0;
}

NOKPROBE_SYMBOL(nd_nft_rule_of);

/*
 * Is the hook of @pi (as its kretprobe saw it) the one @pkt is in?  The
 * inet family's ingress chains run in the netdev ingress hook with a copy
 * of the state whose hook is NF_INET_INGRESS.
 */
static bool nd_nft_same_hook(const struct nd_pend_info *pi,
			     const struct nft_pktinfo *pkt)
{
	if (pi->pf == NFPROTO_NETDEV && pi->hooknum == NF_NETDEV_INGRESS &&
	    nft_hook(pkt) == NF_INET_INGRESS)
		return true;
	return nft_pf(pkt) == pi->pf && nft_hook(pkt) == pi->hooknum;
}

static int nd_imm_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct nft_expr *expr =
		(const struct nft_expr *)regs_get_kernel_argument(regs, 0);
	const struct nft_pktinfo *pkt =
		(const struct nft_pktinfo *)regs_get_kernel_argument(regs, 2);
	const struct nft_immediate_expr *priv;
	const struct net_device *dev;
	struct nd_pend_info pi;
	int slot;
	u64 gen, h = 0;

	if (!expr || !pkt)
		return 0;
	priv = nft_expr_priv(expr);
	if (priv->dreg != NFT_REG_VERDICT ||
	    (priv->data.verdict.code & NF_VERDICT_MASK) != NF_DROP)
		return 0;
	rcu_read_lock();
	if (!nd_pend_running((unsigned long)pkt->skb, jiffies,
			     nd_verdict_is_nft, &pi, &slot, &gen))
		goto out;
	/* The entry's own hook point says which device a netdev hook has. */
	dev = pi.hooknum == NF_NETDEV_INGRESS ? nft_in(pkt) : nft_out(pkt);
	if (nd_nft_same_hook(&pi, pkt) &&
	    nd_hook_registered(nft_net(pkt), pi.pf, pi.hooknum,
			       pi.pf == NFPROTO_NETDEV ? dev : NULL, pi.func,
			       pi.priv))
		h = nd_nft_rule_of(nft_net(pkt), pi.priv, expr);
	if (h)
		nd_pend_set_rule(slot, gen, h);
out:
	rcu_read_unlock();
	return 0;
}

NOKPROBE_SYMBOL(nd_imm_pre);

/*
 * With hook attribution on: the probe is wanted, and placed once
 * nf_tables is loaded (or loaded again: a probe of unloaded code is
 * "gone" and is placed afresh).  Process context.
 */
void nd_nftrule_sync(bool on)
{
	int err;

	mutex_lock(&nd_nftrule_lock);
	if (nd_imm_registered && (!on || kprobe_gone(&nd_imm_kp))) {
		unregister_kprobe(&nd_imm_kp);
		nd_imm_registered = false;
	}
	if (on && !nd_imm_registered) {
		memset(&nd_imm_kp, 0, sizeof(nd_imm_kp));
		nd_imm_kp.symbol_name = "nft_immediate_eval";
		nd_imm_kp.pre_handler = nd_imm_pre;
		/*
		 * -ENOENT until nf_tables is loaded: the scan after it comes
		 * (the module notifier forces one) places it.
		 */
		err = register_kprobe(&nd_imm_kp);
		nd_imm_registered = !err;
		if (err && err != -ENOENT)
			pr_warn_once("netdrop: no probe on nft_immediate_eval (%d): nf_tables rules are not named\n",
				     err);
	}
	mutex_unlock(&nd_nftrule_lock);
}
