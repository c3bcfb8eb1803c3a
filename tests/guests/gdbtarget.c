// SPDX-License-Identifier: GPL-2.0-only
/*
 * gdbtarget: a guest with known labels for the gdb stub's tests
 * (tests/guest/gdb.sh, minivmx run --gdb).  Long and protected mode.
 *
 * gdb_spot is hand-written so its bytes are known: "mov $0x1234, %eax"
 * (5 bytes), "nop", "mov %eax, gdb_seen", "ret"; gdb_tick adds one to
 * gdb_counter, for a watchpoint, and main() calls it three times.  Then a
 * CPUID; an INT3 if gdb set gdb_spin to 2 (not gdb's breakpoint: it must
 * reach the guest, which has no IDT and triple-faults); a spin while
 * gdb_spin is 1 (for Ctrl-C).
 *
 * Host: nothing beyond the tool.  Serial: "gdbtarget: counter 3"; exit
 * status 0.
 */
#include "libguest.h"

/* Read and written by gdb; the barriers below keep the accesses. */
unsigned int gdb_counter;
unsigned int gdb_seen;
unsigned int gdb_spin;

/* In assembly, so that its bytes and lengths are known to the test. */
asm(".text\n"
	".globl gdb_spot\n"
	".type gdb_spot, @function\n"
	"gdb_spot:\n"
	"\tmov $0x1234, %eax\n"
	".globl gdb_spot_nop\n"
	"gdb_spot_nop:\n"
	"\tnop\n"
	"\tmov %eax, gdb_seen\n"
	"\tret\n"
	".size gdb_spot, . - gdb_spot\n"
	".globl gdb_tick\n"
	".type gdb_tick, @function\n"
	"gdb_tick:\n"
	"\taddl $1, gdb_counter\n"
	"\tret\n"
	".size gdb_tick, . - gdb_tick\n");

int main(void)
{
	struct cpuid_regs r;
	int i;

	printf("gdbtarget: start\n");
	asm volatile("call gdb_spot" : : : "eax", "memory");
	for (i = 0; i < 3; i++)
		asm volatile("call gdb_tick" : : : "memory");
	r = cpuid(0, 0);
	asm volatile("" : : : "memory");
	if (gdb_spin == 2)
		asm volatile("int3");	/* the guest's own: it has no IDT */
	while (gdb_spin == 1)
		asm volatile("" : : : "memory");	/* reads it again */
	printf("gdbtarget: counter %u, seen %#x, max leaf %#x\n",
	       gdb_counter, gdb_seen, r.a);
	return gdb_counter == 3 && gdb_seen == 0x1234 ? 0 : 1;
}
