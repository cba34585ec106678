// SPDX-License-Identifier: GPL-2.0
/* nf_hook_ops.hook_ops_type marks nf_tables base chains: 5.14+ */
#include <linux/netfilter.h>

int nd_conftest(const struct nf_hook_ops *ops);
int nd_conftest(const struct nf_hook_ops *ops)
{
	return ops->hook_ops_type == NF_HOOK_OP_NF_TABLES;
}
