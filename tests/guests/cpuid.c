// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid: what CPUID tells a minivmx guest.  VMX must be hidden (minivmx
 * does not nest), the "hypervisor present" bit set, and the hypervisor
 * leaves at 0x40000000 present.  Long and protected mode.
 *
 * Host: nothing beyond the tool.  Serial: the CPU vendor and the
 * hypervisor signature, the reports; exit status 0.
 */
#include "libguest.h"

#define CPUID_1_ECX_VMX		BIT(5)	/* SDM Vol. 2A, CPUID, Table 3-10 */
/* Reserved for hypervisors: 0 on hardware, 1 under every hypervisor. */
#define CPUID_1_ECX_HYPERVISOR	BIT(31)
#define CPUID_HYPERVISOR_BASE	0x40000000

/* EBX, ECX, EDX as 12 characters, as for leaf 0x40000000. */
static void signature(char sig[13], u32 b, u32 c, u32 d)
{
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
}

int main(void)
{
	struct cpuid_regs r;
	char sig[13];

	/* Leaf 0: the vendor string is EBX, EDX, ECX (in that order). */
	r = cpuid(0, 0);
	signature(sig, r.b, r.d, r.c);
	printf("vendor: %s, max basic leaf %#x\n", sig, r.a);
	report(sig[0] != '\0', "leaf 0 has a vendor string");
	report(r.a >= 1, "max basic leaf >= 1");

	r = cpuid(1, 0);
	printf("leaf 1: ECX %#x EDX %#x\n", r.c, r.d);
	report(!(r.c & CPUID_1_ECX_VMX), "leaf 1 ECX.VMX (bit 5) clear");
	report(r.c & CPUID_1_ECX_HYPERVISOR,
	       "leaf 1 ECX.hypervisor (bit 31) set");

	r = cpuid(CPUID_HYPERVISOR_BASE, 0);
	signature(sig, r.b, r.c, r.d);
	printf("hypervisor: \"%s\", max hypervisor leaf %#x\n", sig, r.a);
	report(r.a >= CPUID_HYPERVISOR_BASE && r.a < CPUID_HYPERVISOR_BASE + 0x100,
	       "leaf 0x40000000 EAX is a max leaf in 0x40000000-0x400000ff");
	report(sig[0] != '\0', "leaf 0x40000000 has a signature");

	return report_summary();
}
