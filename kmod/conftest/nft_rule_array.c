// SPDX-License-Identifier: GPL-2.0
/*
 * A chain's rules are an array of struct nft_rule pointers per generation,
 * the current one by net->nft.gencursor: before 5.17
 */
#include <net/net_namespace.h>
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nf_tables_core.h>

u64 nd_conftest(const struct net *net, const struct nft_chain *c,
		const struct nft_immediate_expr *i);
u64 nd_conftest(const struct net *net, const struct nft_chain *c,
		const struct nft_immediate_expr *i)
{
	struct nft_rule *const *rules = READ_ONCE(net->nft.gencursor) ?
		rcu_access_pointer(c->rules_gen_1) :
		rcu_access_pointer(c->rules_gen_0);

	return rules[0]->handle + rules[0]->dlen + i->dreg +
	       i->data.verdict.code;
}
