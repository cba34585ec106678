# SPDX-License-Identifier: GPL-2.0
#
# Compile probes, shared by every Kbuild file of netdrop: $(call
# nd_probe,NAME) is y when kmod/conftest/NAME.c compiles, warning-free,
# with this kernel's compiler, flags and headers.
ND_CONFTEST_DIR := $(ND_TOP)/kmod/conftest
nd_conftest_cc = $(CC) $(KBUILD_CPPFLAGS) $(NOSTDINC_FLAGS) $(LINUXINCLUDE) \
	$(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE) -DMODULE \
	-DKBUILD_MODNAME='"nd_conftest"' -DKBUILD_BASENAME='"nd_conftest"' \
	-Werror -c -x c -o /dev/null
# Probe only when building objects: Makefile.modpost (for
# KBUILD_EXTRA_SYMBOLS) and Makefile.clean include the Kbuild files too, and
# a clean target has no kernel config (7.x headers then fail every probe).
nd_probing := $(if $(filter __modpost __clean,$(PHONY)),,y)
nd_probe = $(shell $(nd_conftest_cc) $(ND_CONFTEST_DIR)/$(1).c >/dev/null 2>&1 && echo y)
