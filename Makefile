# netdrop: top-level entry.
#   make                 netdrop.ko for KVER (default: running kernel, else the
#                        matrix's 6.1 kernel) and netdropctl
#   make check           every test suite; ends with "N passed, M failed"
#   make demo            scenario 1 in a QEMU guest: dump-hooks and stream
#   make e2e | kunit | unit | dkms-check | style   one suite
#   make fuzz            the libFuzzer targets, 5 minutes each
.DEFAULT_GOAL := all
TOP := $(CURDIR)
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else . $(TOP)/scripts/matrix.sh; echo $$NETDROP_DEFAULT_KVER; fi)
BUILD := $(TOP)/build

all: kmod userspace

kmod:
	$(MAKE) -C kmod KVER=$(KVER)

userspace:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	ninja -C $(BUILD)

deps:
	scripts/install-deps.sh

check:
	scripts/check.sh

demo: deps userspace
	scripts/demo.sh

e2e: deps userspace
	scripts/e2e.sh

kunit: deps
	scripts/kunit.sh

unit: userspace
	cd $(BUILD) && ctest --output-on-failure

dkms-check: deps
	scripts/dkms-check.sh

style:
	scripts/style-check.sh

fuzz: deps
	scripts/fuzz.sh 300

clean:
	$(MAKE) -C kmod clean KVER=$(KVER) || true
	rm -rf $(BUILD)

.PHONY: all kmod userspace deps check demo e2e kunit unit dkms-check style fuzz clean
