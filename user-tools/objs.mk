# SPDX-License-Identifier: GPL-2.0-only
#
# The objects of libminivmx.a and of the minivmx tool; included by this
# directory's Makefile and by tests/host/Makefile, which links the tool's
# objects against a fake device.

MINIVMX_LIB_OBJS := libminivmx.o bus.o
# The tool's objects without main() and the commands: pure logic the host
# tests link directly.
MINIVMX_TOOL_LOGIC_OBJS := devices.o dev-uart.o dev-pvio.o term.o dev-ioapic.o dev-cmos.o \
	dev-pit.o dev-legacy.o mptable.o exit-decode.o exit-report.o guest.o parse.o \
	step.o trace-file.o vmcs.o vmx-bits.o vmx-names.o
MINIVMX_TOOL_OBJS := main.o cmd-help.o cmd-info.o cmd-run.o cmd-stat.o cmd-trace.o \
	run-smp.o device.o disasm.o run-debug.o run-record.o vmx-decode.o vmx-msrs.o \
	$(MINIVMX_TOOL_LOGIC_OBJS)
# The gdb stub (minivmx run --gdb): the packet layer is pure logic.
MINIVMX_TOOL_LOGIC_OBJS += gdb-proto.o
MINIVMX_TOOL_OBJS += gdbstub.o gdb-mem.o gdb-regs.o gdb-monitor.o gdb-proto.o
# The kernel loaders (minivmx run --kernel): pure logic over buffers.
MINIVMX_TOOL_LOGIC_OBJS += loader.o load-elf.o load-multiboot.o load-bzimage.o
MINIVMX_TOOL_OBJS += loader.o load-elf.o load-multiboot.o load-bzimage.o run-kernel.o
