/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_REASONS_H
#define _ND_REASONS_H

#include <linux/types.h>
#include <netdrop/netdrop.h>

u32 nd_reasons_count(void);
/* Fills a kernel array of up to @max entries; returns how many exist. */
u32 nd_reasons_fill(struct netdrop_reason *out, u32 max);
int nd_reasons_copy_to_user(struct netdrop_reason __user *buf, u32 *count,
			    u32 kind);

#endif
