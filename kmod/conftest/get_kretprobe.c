// SPDX-License-Identifier: GPL-2.0
/* get_kretprobe(): kretprobe instances no longer point at their probe: 5.11+ */
#include <linux/kprobes.h>

struct kretprobe *nd_conftest(struct kretprobe_instance *ri);
struct kretprobe *nd_conftest(struct kretprobe_instance *ri)
{
	return get_kretprobe(ri);
}
