// SPDX-License-Identifier: GPL-2.0
/* An empty module: tests/conftest/Kbuild only runs the probes. */
#include <linux/module.h>

MODULE_DESCRIPTION("netdrop compile probe check (never loaded)");
MODULE_LICENSE("GPL");
