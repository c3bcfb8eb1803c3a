// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab1: the guest of Documentation/labs/1-cpuid-msr.rst.  It asks the
 * hypervisor leaves of CPUID and the lab's MSRs, which the student's
 * handlers in userspace answer, and checks each answer.  Each check ends
 * in a VMCALL (LAB_HC_CHECK, RBX the check's number, RCX 1 if it passed)
 * at one of two places, so that an exit trace shows where a wrong answer
 * led: the grader compares it with the reference solution's.
 *
 * Long mode.  Host: tests/labs/1-cpuid-msr/vmm.c.  Serial: the reports;
 * exit status 0 when every check passed.
 */
#include "libguest.h"
#include "../labs/1-cpuid-msr/lab1.h"
#include "../labs/labguest.h"

static void wrmsr(u32 index, u64 val)
{
	asm volatile("wrmsr" : : "c"(index), "a"((u32)val),
		     "d"((u32)(val >> 32)) : "memory");
}

int main(void)
{
	struct cpuid_regs r;
	char sig[13];
	u32 i;

	r = cpuid(LAB_LEAF_BASE, 0);
	memcpy(sig, &r.b, 4);
	memcpy(sig + 4, &r.c, 4);
	memcpy(sig + 8, &r.d, 4);
	sig[12] = '\0';
	printf("leaf %#x: max %#x, signature \"%s\"\n", LAB_LEAF_BASE, r.a, sig);
	lab_check(r.a == LAB_LEAF_COUNT && !memcmp(sig, LAB_SIGNATURE, 12),
	      "leaf 0x40000000: max leaf 0x40000001, signature " LAB_SIGNATURE);

	r = cpuid(LAB_LEAF_COUNT, 0);
	lab_check(r.a == 2 && !r.b && !r.c && !r.d,
	      "leaf 0x40000001: EAX counts the hypervisor leaves answered (2)");

	r = cpuid(0, 0);
	lab_check(r.a >= 1 && r.b, "leaf 0: the CPU's own answer, from the kernel");

	for (i = 0; i < LAB_NR_MSRS; i++)
		wrmsr(LAB_MSR_BASE + i, 0x1111111111111111ULL * (i + 1));
	for (i = 0; i < LAB_NR_MSRS; i++)
		if (rdmsr(LAB_MSR_BASE + i) != 0x1111111111111111ULL * (i + 1))
			break;
	lab_check(i == LAB_NR_MSRS, "the lab MSRs keep what was written");

	wrmsr(LAB_MSR_BASE + 2, 0);
	lab_check(!rdmsr(LAB_MSR_BASE + 2) && rdmsr(LAB_MSR_BASE + 3) ==
	      0x4444444444444444ULL, "a write changes its MSR only");

	lab_check(rdmsr(0x10) != 0, "IA32_TIME_STAMP_COUNTER: the kernel's answer");
	return report_summary();
}
