// SPDX-License-Identifier: GPL-2.0
/* A chain's rules are an array of struct nft_rule pointers per generation: before 5.17 */
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nf_tables_core.h>

u64 nd_conftest(const struct nft_chain *c, const struct nft_immediate_expr *i);
u64 nd_conftest(const struct nft_chain *c, const struct nft_immediate_expr *i)
{
	struct nft_rule *const *rules = rcu_access_pointer(c->rules_gen_0);

	return rules[0]->handle + rules[0]->dlen + i->dreg +
	       i->data.verdict.code;
}
