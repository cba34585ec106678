// SPDX-License-Identifier: GPL-2.0
/*
 * A chain's rules are a blob per generation, each rule with its handle
 * (struct nft_rule_dp): 5.17+
 */
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nf_tables_core.h>

u64 nd_conftest(const struct nft_chain *c, const struct nft_rule_dp *r,
		const struct nft_immediate_expr *i);
u64 nd_conftest(const struct nft_chain *c, const struct nft_rule_dp *r,
		const struct nft_immediate_expr *i)
{
	const struct nft_rule_blob *b = rcu_access_pointer(c->blob_gen_0);

	return b->size + r->handle + r->dlen + r->is_last + i->dreg +
	       i->data.verdict.code;
}
