# SPDX-License-Identifier: GPL-2.0-only
# The rules every lab's Makefile includes (Documentation/labs/), after
# setting LAB (its number) and LAB_HEADERS (its own headers).
#
#   make          build/vmm from your handlers.c, and beside it the
#                 reference's (vmm-solution) and a broken solution's
#                 (vmm-broken: solution.c built with LAB_BROKEN)
#   make grade    run build/vmm on the lab's guest and compare its exit
#                 trace with the reference solution's (needs /dev/minivmx:
#                 a VT-x machine with minivmx.ko loaded, or the testbed)
#
# GOLDEN=FILE grades against a golden trace file instead of running the
# reference; GUEST=FILE names the guest (tests/guests builds it).

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
UT := $(TOP)/user-tools
OUT ?= $(CURDIR)/build
GUEST ?= $(TOP)/tests/build/guests/lab$(LAB)-long.bin
GOLDEN ?= $(OUT)/vmm-solution
MINIVMX ?= $(UT)/minivmx

CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -I$(TOP)/uapi -D_GNU_SOURCE
LDLIBS += -lpthread
LIB_SRCS := $(TOP)/tests/labs/common/labvmm.c \
	$(addprefix $(UT)/,libminivmx.c bus.c devices.c guest.c dev-uart.c \
	dev-ioapic.c dev-cmos.c dev-pit.c dev-legacy.c dev-pvio.c \
	trace-file.c exit-decode.c)
DEPS := vmm.c vmm.h $(LAB_HEADERS) $(TOP)/tests/labs/lab.h \
	$(TOP)/tests/labs/common/labvmm.h $(LIB_SRCS)

all: $(OUT)/vmm $(OUT)/vmm-solution $(OUT)/vmm-broken

$(OUT)/vmm: handlers.c $(DEPS)
$(OUT)/vmm-solution $(OUT)/vmm-broken: solution.c $(DEPS)
$(OUT)/vmm-broken: CFLAGS += -DLAB_BROKEN
$(OUT)/vmm $(OUT)/vmm-solution $(OUT)/vmm-broken:
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) $(LDLIBS)

$(GUEST):
	$(MAKE) -C $(TOP)/tests/guests OUT=$(TOP)/tests/build

grade: all $(GUEST)
	MINIVMX=$(MINIVMX) GRADE_DIR=$(OUT)/grade \
		$(TOP)/tests/labs/grade.sh $(GOLDEN) $(OUT)/vmm $(GUEST)

clean:
	rm -rf $(OUT)

.PHONY: all grade clean
