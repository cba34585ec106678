// SPDX-License-Identifier: GPL-2.0
/* tcp_orphan_count is a per-CPU unsigned int: 5.15+ and backports */
#include <net/tcp.h>

unsigned int nd_conftest(void);
unsigned int nd_conftest(void)
{
	return *per_cpu_ptr(&tcp_orphan_count, 0);
}
