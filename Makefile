# SPDX-License-Identifier: GPL-2.0-only
# minivmx: the module, the tool, and the tests (see "make help").

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KDIR ?= /lib/modules/$(shell uname -r)/build
TESTBED := $(TOP)/tests/testbed
STATIC_OUT := $(TOP)/build/static
SUITE ?= basic
CPUS ?= 2

.PHONY: all module tools user-tools-static check check-quick demo bench fuzz failinject qemu clean \
	checkpatch help

all: module tools

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

# The tool, dynamically linked, in user-tools/.
tools:
	@if [ -f $(TOP)/user-tools/Makefile ]; then \
		$(MAKE) -C $(TOP)/user-tools; \
	else \
		echo "tools: no user-tools/Makefile yet: skipped"; \
	fi

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

# The long fuzzing runs (tests/fuzz/) on the debug kernel: three boots,
# two at a time.
fuzz:
	@$(TESTBED)/check.sh --fuzz

# Fault injection into every create and ioctl path, on the debug kernel.
failinject:
	@$(TESTBED)/testbed.sh --kernel debug failinject

# Boot the test kernel with 2 CPUs and show the demo suite's output.
demo:
	@$(TESTBED)/testbed.sh --cpus 2 demo

# The same guest under minivmx and under KVM, in one boot: a table.
bench:
	@$(TESTBED)/testbed.sh bench

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

checkpatch:
	@files=$$(cd $(TOP) && ls kmod/*.c kmod/*.h uapi/linux/*.h \
		user-tools/*.c user-tools/*.h 2>/dev/null); \
	if [ -z "$$files" ]; then echo "checkpatch: no files"; exit 0; fi; \
	src=$$($(TESTBED)/ksrc.sh --root) && cd $(TOP) && \
	$$src/scripts/checkpatch.pl --no-tree --strict -f $$files

help:
	@echo "make [all]          the module (against KDIR=$(KDIR)) and the tool"
	@echo "make check          host tests, then the suites debug (the debug kernel), smp"
	@echo "                    (2 CPUs), stock (Debian's kernel) and basic (1 CPU) in"
	@echo "                    Bochs, two at a time; a time table and one summary line"
	@echo "make check-quick    host tests and the basic suite only (about 5 minutes)"
	@echo "make fuzz           1,000,000 ioctls and 100,000 guest programs on the debug"
	@echo "                    kernel, three boots two at a time (hours: see fuzzing.rst)"
	@echo "make failinject     fault injection into every module path, debug kernel"
	@echo "make demo           boot the test kernel with 2 CPUs, run tests/suites/demo"
	@echo "make bench          cycles per exit, minivmx against KVM, in one boot"
	@echo "make qemu           SUITE=$(SUITE) CPUS=$(CPUS) under nested KVM (needs VT-x)"
	@echo "make checkpatch     scripts/checkpatch.pl --strict on the sources"
	@echo "make clean          remove build/ and the build products"
	@echo "make user-tools-static   static tool and test programs into build/static/bin"
	@echo
	@echo "One suite: tests/testbed/testbed.sh [--kernel test|debug|stock] [--cpus N]"
	@echo "           [--timeout S] [--backend bochs|qemu] SUITE"
	@echo "Slow things (Bochs, kernels) are cached in ~/.cache/minivmx (MINIVMX_CACHE)."
