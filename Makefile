# SPDX-License-Identifier: GPL-2.0-only
# minivmx: the module, the tool, and the tests (see "make help").

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VERSION := $(shell cat $(TOP)/VERSION)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
TESTBED := $(TOP)/tests/testbed
STATIC_OUT := $(TOP)/build/static
SUITE ?= basic
CPUS ?= 2

# Where "make install" puts things (Documentation/install.rst).  The module
# goes under /lib/modules whatever PREFIX is; udev reads only /etc and /lib.
DESTDIR ?=
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVDIR ?= /etc/udev/rules.d
MODDIR ?= /lib/modules/$(KVER)/updates
# The tool's build directory (user-tools/Makefile's OUT).
TOOLS_OUT ?= $(TOP)/user-tools
MAN_OUT := $(TOP)/build/man
# One page for the tool and one for each command but help; gen-man.sh makes
# them and tests/host/install_test.sh checks this list against the tool.
MAN_PAGES := minivmx minivmx-info minivmx-run minivmx-stat minivmx-trace
# The DKMS source tree, as dh_dkms lays it out.
DKMS_SRC ?= /usr/src/minivmx-$(VERSION)
# What DKMS needs to build the module: the top Kbuild leads to kmod/.
DKMS_FILES := Kbuild VERSION uapi/linux/minivmx.h \
	$(patsubst $(TOP)/%,%,$(filter-out %.mod.c,$(wildcard $(TOP)/kmod/Kbuild $(TOP)/kmod/*.c \
		$(TOP)/kmod/*.h $(TOP)/kmod/*.S)))
# The kernels "make dkms-install" builds for: every one with headers.
DKMS_KERNELS ?= $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))

.PHONY: all module tools man user-tools-static check check-quick htmldocs demo bench fuzz failinject qemu clean \
	guest-kernel guest-check \
	checkpatch help install install-module install-tools uninstall uninstall-module \
	uninstall-tools dkms-source dkms-install dkms-uninstall deb deb-check

all: module tools man

# The module, in the tree, against the running kernel's headers (or KDIR).
module:
	@if [ ! -f $(TOP)/kmod/Kbuild ]; then \
		echo "module: no kmod/Kbuild yet: skipped"; \
	elif [ ! -f $(KDIR)/Makefile ]; then \
		echo "module: no kernel build tree at $(KDIR): skipped"; \
		echo "module: set KDIR=..., or run 'make check', which builds it for the test kernels"; \
	else \
		$(MAKE) -C $(KDIR) M=$(TOP) modules; \
	fi

# The tool, dynamically linked, in user-tools/ (or TOOLS_OUT).
tools:
	@if [ -f $(TOP)/user-tools/Makefile ]; then \
		$(MAKE) -C $(TOP)/user-tools OUT=$(TOOLS_OUT); \
	else \
		echo "tools: no user-tools/Makefile yet: skipped"; \
	fi

# The manual pages, from the tool's --help texts, in build/man/.
man: tools
	$(TOP)/user-tools/gen-man.sh $(TOOLS_OUT)/minivmx $(MAN_OUT)

# "make install" installs what "make" built (as the kernel's
# modules_install does): build as yourself, install as root.  Without
# DESTDIR it also runs depmod and creates the group "minivmx" that the
# udev rule gives /dev/minivmx to; "make uninstall" removes the files
# install put and leaves the group (groupdel minivmx).
install: install-module install-tools

install-module:
	@test -f $(TOP)/kmod/minivmx.ko || \
		{ echo "install: no kmod/minivmx.ko: run 'make module KVER=$(KVER)' first" >&2; exit 1; }
	@built=$$(modinfo -F vermagic $(TOP)/kmod/minivmx.ko | cut -d' ' -f1); \
	if [ "$$built" != "$(KVER)" ]; then \
		echo "install: kmod/minivmx.ko is built for $$built, not KVER=$(KVER)" >&2; exit 1; \
	fi
	install -D -m 0644 $(TOP)/kmod/minivmx.ko $(DESTDIR)$(MODDIR)/minivmx.ko
	@if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KVER)"; depmod -a $(KVER); fi

install-tools:
	@test -f $(TOOLS_OUT)/minivmx -a -f $(MAN_OUT)/minivmx.1 || \
		{ echo "install: the tool or its manual pages are not built: run 'make' first" >&2; exit 1; }
	install -D -m 0755 $(TOOLS_OUT)/minivmx $(DESTDIR)$(BINDIR)/minivmx
	install -D -m 0644 $(TOP)/uapi/linux/minivmx.h $(DESTDIR)$(INCLUDEDIR)/linux/minivmx.h
	install -D -m 0644 $(TOP)/udev/60-minivmx.rules $(DESTDIR)$(UDEVDIR)/60-minivmx.rules
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(patsubst %,$(MAN_OUT)/%.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -D -m 0644 $(TOP)/user-tools/minivmx.bash-completion $(DESTDIR)$(BASHCOMPDIR)/minivmx
	@if [ -z "$(DESTDIR)" ] && ! getent group minivmx >/dev/null; then \
		echo "groupadd --system minivmx"; groupadd --system minivmx; \
	fi

uninstall: uninstall-module uninstall-tools

# $(call rmdirs,DIR...): each DIR that is there and empty.
rmdirs = for d in $(1); do [ ! -d $$d ] || rmdir --ignore-fail-on-non-empty $$d; done

# The directories install made go too, where nothing else is in them.
uninstall-module:
	rm -f $(DESTDIR)$(MODDIR)/minivmx.ko
	@$(call rmdirs,$(DESTDIR)$(MODDIR))
	@if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KVER)"; depmod -a $(KVER); fi

uninstall-tools:
	rm -f $(DESTDIR)$(BINDIR)/minivmx $(DESTDIR)$(INCLUDEDIR)/linux/minivmx.h \
		$(DESTDIR)$(UDEVDIR)/60-minivmx.rules $(DESTDIR)$(BASHCOMPDIR)/minivmx \
		$(patsubst %,$(DESTDIR)$(MANDIR)/man1/%.1,$(MAN_PAGES))
	@$(call rmdirs,$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR))

# The module's source as DKMS wants it, in $(DESTDIR)$(DKMS_SRC), with
# dkms.conf's version filled in from VERSION (as dh_dkms -V does).
dkms-source:
	@for f in $(DKMS_FILES); do \
		install -D -m 0644 $(TOP)/$$f $(DESTDIR)$(DKMS_SRC)/$$f || exit 1; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/' $(TOP)/dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

# Register the source with DKMS, then build and install the module for
# every kernel with headers (DKMS_KERNELS); DKMS rebuilds it for kernels
# installed later.  As root.
dkms-install:
	@test -z "$(DESTDIR)" || { echo "dkms-install: no DESTDIR (use dkms-source)" >&2; exit 1; }
	@if dkms status -m minivmx -v $(VERSION) | grep -q .; then \
		echo "dkms-install: minivmx/$(VERSION) is already added: make dkms-uninstall first" >&2; exit 1; \
	fi
	$(MAKE) -f $(TOP)/Makefile dkms-source
	dkms add -m minivmx -v $(VERSION)
	@for k in $(DKMS_KERNELS); do \
		echo "dkms install -m minivmx -v $(VERSION) -k $$k"; \
		dkms install -m minivmx -v $(VERSION) -k $$k || exit 1; \
	done

dkms-uninstall:
	-dkms remove -m minivmx -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

# The Debian packages minivmx-dkms and minivmx-tools, built by
# dpkg-buildpackage from a copy of the tree (the files git knows and new
# ones it does not ignore; without git, all but build products) in
# build/deb/; the .deb files land there.
DEB_OUT := $(TOP)/build/deb
deb:
	@cl=$$(dpkg-parsechangelog -l $(TOP)/debian/changelog -S Version); \
	if [ "$$cl" != "$(VERSION)" ]; then \
		echo "deb: debian/changelog says $$cl, VERSION says $(VERSION)" >&2; exit 1; \
	fi
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_OUT)/minivmx-$(VERSION)
	cd $(TOP) && if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -co --exclude-standard -z | tar -c --no-recursion --null -T -; \
	else \
		tar -c --exclude=./build --exclude='*.o' --exclude='*.ko' --exclude='*.a' .; \
	fi | tar -x -C $(DEB_OUT)/minivmx-$(VERSION)
	cd $(DEB_OUT)/minivmx-$(VERSION) && dpkg-buildpackage -us -uc -j2
	@ls $(DEB_OUT)/*.deb

# make deb, then lintian on what it built: no errors, no warnings.
deb-check: deb
	lintian --fail-on error,warning $(DEB_OUT)/minivmx_$(VERSION)_*.changes

# The tool and the guest test programs, linked statically for the testbed's
# initramfs (which has no C library); everything in build/static/bin/ lands
# in the guest's /minivmx/bin/.  Sub-makes get OUT= on their command line
# and CC, CFLAGS, LDFLAGS (with -static) and KSELFTEST_DIR in their
# environment.  user-tools builds into build/static/user-tools/ and its
# executables are copied to bin/; tests puts its programs in $(OUT)/bin/.
user-tools-static:
	@mkdir -p $(STATIC_OUT)/bin
	@if [ -f $(TOP)/user-tools/Makefile ]; then \
		LDFLAGS="-static $(LDFLAGS)" $(MAKE) -C $(TOP)/user-tools \
			OUT=$(STATIC_OUT)/user-tools && \
		find $(STATIC_OUT)/user-tools -maxdepth 1 -type f -perm -u+x \
			-exec cp -p {} $(STATIC_OUT)/bin/ \; ; \
	else \
		echo "user-tools-static: no user-tools/Makefile yet: skipped" >&2; \
	fi
	@if [ -f $(TOP)/tests/Makefile ]; then \
		KSELFTEST_DIR=$${KSELFTEST_DIR:-$$($(TESTBED)/ksrc.sh)} && export KSELFTEST_DIR && \
		LDFLAGS="-static $(LDFLAGS)" $(MAKE) -C $(TOP)/tests OUT=$(STATIC_OUT); \
	else \
		echo "user-tools-static: no tests/Makefile yet: skipped" >&2; \
	fi

# Host-side tests, then the suites in the emulated machine (two boots at a
# time, longest first); a time table, then one summary line.
check:
	@$(TESTBED)/check.sh

# Host-side tests and the basic suite only.
check-quick:
	@$(TESTBED)/check.sh --quick

# The long fuzzing runs (tests/fuzz/) on the debug kernel: eight boots,
# two at a time, or the parts named in FUZZ_PARTS (ioctl-1 ... guest-4).
fuzz:
	@$(TESTBED)/check.sh --fuzz $(FUZZ_PARTS)

# Fault injection into every create and ioctl path, on the debug kernel.
failinject:
	@$(TESTBED)/testbed.sh --kernel debug failinject

# Boot the test kernel with 2 CPUs and show the demo suite's output; then,
# once, Bochs's build with profile feedback (about 10 minutes), which the
# later boots use (tests/testbed/build-bochs.sh --pgo).
demo:
	@$(TESTBED)/testbed.sh --cpus 2 demo
	@$(TESTBED)/build-bochs.sh --pgo >/dev/null

# The same guest under minivmx and under KVM, in one boot: a table.
bench:
	@$(TESTBED)/testbed.sh bench

# The Linux guest minivmx boots (issue 8): its kernel and initramfs, into
# the cache; guest-check boots them on the host under QEMU's TCG
# (Debian's qemu-system-x86, which deps.sh installs).  The host tests
# run the same test, or skip it where the guest is not built.
guest-kernel:
	@$(TESTBED)/build-guest.sh

guest-check: guest-kernel
	@$(TESTBED)/deps.sh qemu-system-x86
	@$(TOP)/tests/host/run.sh $(TOP)/tests/host/guest_kernel_test.sh

# The same boot under nested KVM, where the host has VT-x (exit 4 if not).
qemu:
	@$(TESTBED)/qemu.sh --cpus $(CPUS) $(SUITE)

clean:
	rm -rf $(TOP)/build $(TOP)/Module.symvers $(TOP)/modules.order
	@if [ -d $(TOP)/kmod ]; then \
		find $(TOP)/kmod \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
			-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.a' \
			-o -name modules.order -o -name Module.symvers \) -delete; \
	fi
	@if [ -f $(TOP)/user-tools/Makefile ]; then $(MAKE) -C $(TOP)/user-tools clean; fi
	@if [ -f $(TOP)/tests/Makefile ]; then $(MAKE) -C $(TOP)/tests clean; fi

# Documentation/ as HTML with Sphinx and the kernel's kernel-doc extension
# (the ABI reference from uapi/linux/minivmx.h); warnings are errors.
htmldocs:
	@$(TESTBED)/deps.sh
	@src=$$($(TESTBED)/ksrc.sh --root) && \
	MINIVMX_KSRC=$$src sphinx-build -q -W --keep-going -b html \
		$(TOP)/Documentation $(TOP)/build/htmldocs && \
	echo "htmldocs: $(TOP)/build/htmldocs/index.html"

checkpatch:
	@files=$$(cd $(TOP) && ls kmod/*.c kmod/*.h uapi/linux/*.h \
		user-tools/*.c user-tools/*.h 2>/dev/null); \
	if [ -z "$$files" ]; then echo "checkpatch: no files"; exit 0; fi; \
	src=$$($(TESTBED)/ksrc.sh --root) && cd $(TOP) && \
	$$src/scripts/checkpatch.pl --no-tree --strict -f $$files

help:
	@echo "make [all]          the module (against KDIR=$(KDIR)), the tool, its man pages"
	@echo "make install        install what make built (DESTDIR, PREFIX=$(PREFIX), KVER=$(KVER));"
	@echo "                    make uninstall removes it (Documentation/install.rst)"
	@echo "make dkms-install   the module's source into $(DKMS_SRC), built by DKMS for every"
	@echo "                    kernel with headers; make dkms-uninstall removes it"
	@echo "make deb            the Debian packages minivmx-dkms and minivmx-tools in build/deb/"
	@echo "make deb-check      make deb, then lintian (errors and warnings fail)"
	@echo "make check          host tests, then the suites debug (the debug kernel), smp"
	@echo "                    (2 CPUs), stock (Debian's 6.1), stock612 (Debian's 6.12,"
	@echo "                    the module built by DKMS), linux (Linux booted"
	@echo "                    under minivmx) and basic (1 CPU) in"
	@echo "                    Bochs, two at a time; a time table and one summary line"
	@echo "make check-quick    host tests and the basic suite only (about 3.5 minutes)"
	@echo "make fuzz           1,000,000 ioctls and 100,000 guest programs on the debug"
	@echo "                    kernel, eight boots two at a time (hours: see fuzzing.rst);"
	@echo "                    FUZZ_PARTS=\"ioctl-1 guest-2\" runs only those parts"
	@echo "make failinject     fault injection into every module path, debug kernel"
	@echo "make demo           boot the test kernel with 2 CPUs, run tests/suites/demo;"
	@echo "                    then, once, Bochs with profile feedback (15% faster boots)"
	@echo "make bench          cycles per exit, minivmx against KVM, in one boot"
	@echo "make qemu           SUITE=$(SUITE) CPUS=$(CPUS) under nested KVM (needs VT-x)"
	@echo "make guest-kernel   the Linux guest for minivmx (kernel and initramfs, cached)"
	@echo "make guest-check    make guest-kernel, then boot it under QEMU TCG on the host"
	@echo "make checkpatch     scripts/checkpatch.pl --strict on the sources"
	@echo "make htmldocs       Documentation/ as HTML in build/htmldocs (Sphinx, kernel-doc)"
	@echo "make clean          remove build/ and the build products"
	@echo "make user-tools-static   static tool and test programs into build/static/bin"
	@echo
	@echo "One suite: tests/testbed/testbed.sh [--kernel test|debug|stock|stock612] [--cpus N]"
	@echo "           [--timeout S] [--backend bochs|qemu] SUITE"
	@echo "Slow things (Bochs, kernels) are cached in ~/.cache/minivmx (MINIVMX_CACHE)."
