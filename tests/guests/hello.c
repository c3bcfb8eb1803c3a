// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello: greets on the serial port and the debug console, then checks that
 * the CPU is in the mode it was built for, with the state
 * Documentation/guest-abi.rst promises ("Modes and the state at the first
 * instruction").  All four modes.
 *
 * Host: no devices beyond the tool's.  Serial: "Hello from MODE mode", the
 * reports, "N passed, 0 failed"; debug console: "Hello from MODE mode";
 * exit status 0.
 */
#include "libguest.h"

#if defined(MODE_REAL)
static u32 probe = 0x5ca1ab1e;

static void check_mode(void)
{
	u16 msw, sel = read_cs() + 1;
	u32 via_fs;

	/* SMSW: the low 16 bits of CR0 (SDM Vol. 2B, SMSW) */
	asm volatile("smsw %0" : "=r"(msw));
	report(!(msw & X86_CR0_PE), "CR0.PE clear (MSW %#x)", msw);
	report(!(read_cr0() & X86_CR0_PG), "CR0.PG clear");

	/*
	 * Real-mode addressing: a segment's base is its selector * 16
	 * (SDM Vol. 3A 20.1.1).  With FS one paragraph above CS, the same
	 * byte is 16 bytes lower in FS than in DS.  In protected mode this
	 * would load a descriptor, or fault.
	 */
	asm volatile("movw %w1, %%fs\n\t"
		     "movl %%fs:(%2), %0\n\t"
		     "movw %%cs, %w1\n\t"
		     "movw %w1, %%fs"
		     : "=&r"(via_fs), "+r"(sel)
		     : "r"((u32)(unsigned long)&probe - 16) : "memory");
	report(via_fs == 0x5ca1ab1e, "segment base is selector * 16 (%#x)",
	       via_fs);
}
#else
static void check_mode(void)
{
	unsigned long cr0 = read_cr0(), cr4 = read_cr4();

	report(read_cs() == 0x08, "CS is the tool's code selector (%#x)",
	       read_cs());
	report(read_ds() == 0x10 && read_ss() == 0x10,
	       "DS and SS are the tool's data selector (%#x, %#x)",
	       read_ds(), read_ss());
	report(cr0 & X86_CR0_PE, "CR0.PE set");
#if defined(MODE_PROTECTED)
	report(!(cr0 & X86_CR0_PG), "CR0.PG clear");
#elif defined(MODE_PAGED)
	u32 pde0 = readl(0x8000);

	report(cr0 & X86_CR0_PG, "CR0.PG set");
	/* 32-bit paging with 4 MiB pages: CR4.PSE, no PAE (SDM Vol. 3A 4.3) */
	report((cr4 & (X86_CR4_PSE | X86_CR4_PAE)) == X86_CR4_PSE,
	       "CR4.PSE set, CR4.PAE clear (CR4 %#lx)", cr4);
	report((read_cr3() & ~0xfffUL) == 0x8000, "CR3 is 0x8000 (%#lx)",
	       read_cr3());
	/* PDE 0 maps 4 MiB at 0: present (bit 0) and PS (bit 7), Table 4-4 */
	report((pde0 & 0x81) == 0x81 && (pde0 & 0xffc00000) == 0,
	       "PDE 0 identity-maps a 4 MiB page (%#x)", pde0);
#elif defined(MODE_LONG)
	u64 efer = rdmsr(MSR_EFER);

	report(cr0 & X86_CR0_PG, "CR0.PG set");
	report(cr4 & X86_CR4_PAE, "CR4.PAE set");
	report((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
	       "EFER.LME and EFER.LMA set (EFER %#llx)", efer);
	report((read_cr3() & ~0xfffUL) == 0x2000, "CR3 is 0x2000 (%#lx)",
	       read_cr3());
#endif
	(void)cr4;
}
#endif

int main(void)
{
	printf("Hello from %s mode\n", MODE_NAME);
	debugcon_printf("Hello from %s mode\n", MODE_NAME);

	check_mode();
	report(!(read_flags() & X86_EFLAGS_IF), "interrupts off (RFLAGS.IF)");
	return report_summary();
}
