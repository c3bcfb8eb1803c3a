// SPDX-License-Identifier: GPL-2.0-only
/*
 * hlt: one HLT with interrupts off.  On hardware this would stop for good;
 * the tool treats the HLT exit as an event and resumes the guest after the
 * instruction.  Checks the guest continues right after it with its
 * registers and flags intact.  Long mode.
 *
 * Host: a HLT exit, then resume.  Serial: "before hlt", "after hlt", the
 * reports; exit status 0.
 */
#include "libguest.h"

int main(void)
{
	unsigned long rbx = 0x1111, rsi = 0x2222, rdi = 0x3333, flags;
	unsigned int after = 0;

	printf("before hlt\n");
	/* The INC runs once, and only if execution resumes after the HLT. */
	asm volatile("hlt\n\t"
		     "incl %0\n\t"
		     "pushfq\n\t"
		     "pop %1"
		     : "+r"(after), "=r"(flags), "+b"(rbx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	printf("after hlt\n");

	report(after == 1, "execution resumed after the HLT");
	report(rbx == 0x1111 && rsi == 0x2222 && rdi == 0x3333,
	       "registers kept across the HLT exit");
	report((flags & (X86_EFLAGS_IF | X86_EFLAGS_FIXED)) == X86_EFLAGS_FIXED,
	       "RFLAGS.IF still clear (RFLAGS %#lx)", flags);
	return report_summary();
}
