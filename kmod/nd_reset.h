/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_RESET_H
#define _ND_RESET_H

#include <linux/types.h>
#include <netdrop/netdrop.h>

/* Reset probes exist while at least one session asks for resets. */
int nd_reset_get(void);
void nd_reset_put(void);
unsigned int nd_reset_nr_probes(void);

/* Reset reason names of the running kernel (enum sk_rst_reason). */
u32 nd_rst_reasons_fill(struct netdrop_reason *out, u32 max);

/* Implemented by nd_probe.c: hands a reset to every interested session. */
void nd_emit_reset(const struct netdrop_reset *rec, u32 ifindex);

#endif
