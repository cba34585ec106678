# netdrop: top-level entry.
#   make                 netdrop.ko for KVER (default: running kernel, else the
#                        matrix's 6.1 kernel) and netdropctl
#   make check           every test suite; ends with "N passed, M failed, K skipped"
#   make demo            scenario 1 in a QEMU guest: dump-hooks and stream
#   make e2e | kunit | unit | dkms-check | style   one suite
#   make fuzz            the libFuzzer targets, 5 minutes each
#   make e2e-kasan       every e2e scenario on the KASAN+lockdep test kernel, then a kmemleak scan
#   make deb             netdrop-dkms and netdropctl .deb packages in build/deb
.DEFAULT_GOAL := all
TOP := $(CURDIR)
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else . $(TOP)/scripts/matrix.sh; echo $$NETDROP_DEFAULT_KVER; fi)
BUILD := $(TOP)/build
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell cat $(TOP)/VERSION)

all: kmod userspace

kmod:
	$(MAKE) -C kmod KVER=$(KVER)

userspace:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	ninja -C $(BUILD)
	gzip -9nc packaging/netdropctl.8 >$(BUILD)/netdropctl.8.gz

# netdropctl, its man page and completion, the udev rule; the module is
# installed by DKMS (make dkms-install) or by hand (insmod).
install: userspace
	install -D -m 0755 $(BUILD)/userspace/netdropctl $(DESTDIR)$(PREFIX)/bin/netdropctl
	install -D -m 0644 $(BUILD)/netdropctl.8.gz $(DESTDIR)$(PREFIX)/share/man/man8/netdropctl.8.gz
	install -D -m 0644 packaging/netdropctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/netdropctl
	install -D -m 0644 packaging/60-netdrop.rules $(DESTDIR)/etc/udev/rules.d/60-netdrop.rules
	install -D -m 0644 packaging/netdrop.modules-load.conf \
		$(DESTDIR)$(PREFIX)/share/doc/netdrop/modules-load.d/netdrop.conf
	install -D -m 0644 packaging/netdrop.service $(DESTDIR)/lib/systemd/system/netdrop.service
	install -D -m 0644 packaging/netdrop.conf $(DESTDIR)/etc/netdrop/netdrop.conf

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/netdropctl $(DESTDIR)$(PREFIX)/share/man/man8/netdropctl.8.gz \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/netdropctl \
		$(DESTDIR)/etc/udev/rules.d/60-netdrop.rules \
		$(DESTDIR)/lib/systemd/system/netdrop.service $(DESTDIR)/etc/netdrop/netdrop.conf
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/netdrop

# DKMS: KVER=... for one kernel, default every installed kernel with headers.
dkms-install:
	rm -rf /usr/src/netdrop-$(VERSION) && mkdir -p /usr/src/netdrop-$(VERSION)
	cp -a dkms.conf VERSION include /usr/src/netdrop-$(VERSION)/
	rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' --exclude '*.mod*' \
		--exclude tests kmod /usr/src/netdrop-$(VERSION)/
	dkms add -m netdrop -v $(VERSION) || true
	if [ -n "$(DKMS_KVER)" ]; then dkms install -m netdrop -v $(VERSION) -k $(DKMS_KVER); \
	else dkms install -m netdrop -v $(VERSION) --all 2>/dev/null || \
		for k in $$(ls /lib/modules); do [ -d /lib/modules/$$k/build ] && \
			dkms install -m netdrop -v $(VERSION) -k $$k; done; fi

dkms-remove:
	dkms remove -m netdrop -v $(VERSION) --all || true
	rm -rf /usr/src/netdrop-$(VERSION)

deps:
	scripts/install-deps.sh

check:
	scripts/check.sh

check-quick:
	ND_QUICK=1 scripts/check.sh

demo: deps userspace
	scripts/demo.sh

e2e: deps userspace
	scripts/e2e.sh

kunit: deps
	scripts/kunit.sh test && scripts/kunit.sh test-6.12

e2e-kasan: deps userspace
	ND_KMEMLEAK=1 scripts/e2e.sh -k test

bench: deps userspace
	scripts/bench.sh

stress: deps userspace
	scripts/stress.sh

soak: deps userspace
	scripts/soak.sh

deb: userspace
	scripts/mkdeb.sh

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

.PHONY: check-quick bench stress soak e2e-kasan deb all kmod userspace install uninstall dkms-install dkms-remove deps check demo e2e kunit unit dkms-check style fuzz clean
