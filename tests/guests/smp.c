// SPDX-License-Identifier: GPL-2.0-only
/*
 * smp: `minivmx run --cpus 2` from the bootstrap processor's side.  Finds
 * the MP table as a kernel does (the floating pointer in 0xf0000-0xfffff,
 * both checksums) and checks its processors; then starts the application
 * processor with INIT and a start-up IPI through its local APIC (vector
 * 0x20: the AP begins in real mode at 0x20000), and waits for the AP's
 * mark and its APIC ID (from CPUID).  The AP ends in CLI; HLT, where the
 * tool parks it.  Long mode.  Serial: the reports; exit status the
 * failures.
 */
#include "libguest.h"

#define APIC_BASE	0xfee00000UL
#define APIC_SVR	0xf0
#define APIC_ICR_LOW	0x300
#define APIC_ICR_HIGH	0x310
#define ICR_INIT	0x4500	/* INIT, assert */
#define ICR_STARTUP	0x4600
#define AP_VECTOR	0x20
#define AP_BASE		(AP_VECTOR << 12)
#define AP_MARK		(AP_BASE + 0x100)
#define AP_APIC_ID	(AP_BASE + 0x104)
#define WAIT_SPINS	400000000UL

/* 16-bit code, copied to AP_BASE: CS = 0x2000, IP = 0. */
asm(".pushsection .rodata.ap, \"a\"\n"
    ".code16\n"
    "ap_start:\n"
    "	movw %cs, %ax\n"
    "	movw %ax, %ds\n"
    "	movl $1, %eax\n"
    "	cpuid\n"
    "	shrl $24, %ebx\n"
    "	movl %ebx, 0x104\n"
    "	movl $0x1234, 0x100\n"
    "1:	cli\n"
    "	hlt\n"
    "	jmp 1b\n"
    "ap_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char ap_start[], ap_end[];

static u8 sum(const u8 *p, unsigned int len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void check_mp_table(void)
{
	const u8 *mpf = NULL, *mpc, *e;
	unsigned int a, i, cpus = 0, bsp = 0xff, ioapics = 0;

	for (a = 0xf0000; a < 0x100000 && !mpf; a += 16)
		if (!memcmp((const void *)(unsigned long)a, "_MP_", 4) &&
		    !sum((const u8 *)(unsigned long)a, 16))
			mpf = (const u8 *)(unsigned long)a;
	report(mpf, "MP floating pointer found (at %#lx)", (unsigned long)mpf);
	if (!mpf)
		return;
	mpc = (const u8 *)(unsigned long)*(const u32 *)(mpf + 4);
	report(!memcmp(mpc, "PCMP", 4) && !sum(mpc, *(const u16 *)(mpc + 4)),
	       "MP configuration table: signature and checksum");
	e = mpc + 44;
	for (i = 0; i < *(const u16 *)(mpc + 34); i++) {
		if (e[0] == 0) {
			cpus++;
			if (e[3] & 2)
				bsp = e[1];
			e += 20;
			continue;
		}
		if (e[0] == 2)
			ioapics += *(const u32 *)(e + 4) == 0xfec00000;
		e += 8;
	}
	report(cpus == 2 && bsp == 0 && ioapics == 1,
	       "MP table: %u processors, BSP APIC %u, %u I/O APIC", cpus, bsp,
	       ioapics);
}

int main(void)
{
	volatile u32 *mark = (volatile u32 *)AP_MARK;
	unsigned long i;

	check_mp_table();
	memcpy((void *)AP_BASE, ap_start, ap_end - ap_start);
	*mark = 0;
	*(volatile u32 *)AP_APIC_ID = 0xff;

	writel(APIC_BASE + APIC_SVR, 0x1ff);
	writel(APIC_BASE + APIC_ICR_HIGH, 1 << 24);
	writel(APIC_BASE + APIC_ICR_LOW, ICR_INIT);
	writel(APIC_BASE + APIC_ICR_HIGH, 1 << 24);
	writel(APIC_BASE + APIC_ICR_LOW, ICR_STARTUP | AP_VECTOR);
	for (i = 0; i < WAIT_SPINS && *mark != 0x1234; i++)
		asm volatile("pause" ::: "memory");
	report(*mark == 0x1234, "the AP ran its start-up code (mark %#x)",
	       *mark);
	report(*(volatile u32 *)AP_APIC_ID == 1, "the AP's APIC ID is 1 (%u)",
	       *(volatile u32 *)AP_APIC_ID);
	return report_summary();
}
