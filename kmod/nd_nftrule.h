/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ND_NFTRULE_H
#define _ND_NFTRULE_H

#include <linux/types.h>

/*
 * The nf_tables rule probe (nd_nftrule.c): placed while @on (hook
 * attribution is on) and nf_tables is loaded, removed otherwise.  Process
 * context; called at every scan of the hook lists.
 */
#ifdef ND_HAVE_NFT_RULE_PROBE
void nd_nftrule_sync(bool on);
#else
static inline void nd_nftrule_sync(bool on)
{
}
#endif

#endif
