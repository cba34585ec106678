// SPDX-License-Identifier: GPL-2.0
/* BPF netfilter programs as hooks: 6.4+ */
#include <linux/netfilter.h>

int nd_conftest(void);
int nd_conftest(void)
{
	return NF_HOOK_OP_BPF;
}
