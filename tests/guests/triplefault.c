// SPDX-License-Identifier: GPL-2.0-only
/*
 * triplefault: a fault with no way to deliver it.  With an IDT limit of 0,
 * the #UD from UD2 cannot be delivered (#GP), nor can that #GP, which makes
 * a double fault (contributory after contributory), whose delivery fails
 * too: a triple fault, a shutdown (SDM Vol. 3A 6.15, interrupt 8, Table
 * 6-5).  Under VMX that is a VM exit, reason 2.  Long mode.
 *
 * Host: a shutdown exit with RIP at the UD2 (printed first).  Serial:
 * "about to triple fault" and the UD2 address; no exit status is written.
 */
#include "libguest.h"

struct __packed desc_ptr {
	u16 limit;
	unsigned long base;
};

/* The label in main()'s asm below, for the host to compare RIP with. */
extern char ud2_insn[];

int main(void)
{
	static const struct desc_ptr no_idt = { .limit = 0, .base = 0 };

	printf("about to triple fault: ud2 at %p\n", ud2_insn);
	asm volatile("lidt %0\n\t"
		     ".globl ud2_insn\n"
		     "ud2_insn:\n\t"
		     "ud2"
		     : : "m"(no_idt) : "memory");

	/* Only reached if the hypervisor resumed us somehow. */
	report(false, "still running after ud2 with an empty IDT");
	return report_summary();
}
