// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio: loads and stores to guest-physical addresses with no RAM behind
 * them, which minivmx must decode and emulate (EPT violation, then an MMIO
 * exit to userspace).  Covers the common MOV forms explicitly: register
 * and immediate stores of 1, 2, 4 and (long mode) 8 bytes, loads into
 * registers including AH, MOVZX; then checks that a read of nothing returns
 * all ones.  Long and paged mode (the tool's page tables map all of the
 * first 4 GiB).
 *
 * Host: the MMIO echo window at 0xd0000000 (testdev.h; offsets < 0x100);
 * nothing at 0xe0000000.  Serial: the reports; exit status 0.
 */
#include "libguest.h"
#include "testdev.h"

#define ECHO(off)	((unsigned long)MMIO_ECHO_BASE + (off))

/*
 * Accesses through volatile pointers (lib/mmio.h): whatever MOV forms gcc
 * picks, which include the moffs forms (A0-A3) in 32-bit code.
 */
static void test_c(void)
{
	u32 l;
	u16 w;
	u8 b;

	writeb(ECHO(0x00), 0xa5);
	b = readb(ECHO(0x00));
	report(b == 0xa5, "C: 1-byte store and load (%#x)", b);
	writew(ECHO(0x10), 0xbeef);
	w = readw(ECHO(0x10));
	report(w == 0xbeef, "C: 2-byte store and load (%#x)", w);
	writel(ECHO(0x20), 0xdeadbeef);
	l = readl(ECHO(0x20));
	report(l == 0xdeadbeef, "C: 4-byte store and load (%#x)", l);
#ifdef MODE_LONG
	u64 q;

	writeq(ECHO(0x30), 0x0123456789abcdefULL);
	q = readq(ECHO(0x30));
	report(q == 0x0123456789abcdefULL, "C: 8-byte store and load (%#llx)",
	       q);
#endif
}

/* Explicit instruction forms (opcodes from SDM Vol. 2B, MOV and MOVZX). */
static void test_forms(void)
{
	unsigned long p;
	u32 v;

	/* 88 /r store, 8A /r load */
	p = ECHO(0x40);
	asm volatile("movb %b1, (%0)" : : "r"(p), "q"((u8)0x3c) : "memory");
	asm volatile("movb (%1), %b0" : "=q"(v) : "r"(p), "0"(0) : "memory");
	report(v == 0x3c, "movb reg -> mem, mem -> reg (%#x)", v);

	/*
	 * 8A /r with ModRM.reg = 4: AH, not SPL, without a REX prefix.
	 * The address is in (E/R)DI so that no REX prefix is needed.
	 */
	asm volatile("movb (%1), %%ah" : "=a"(v) : "D"(p), "0"(0) : "memory");
	report(v == 0x3c00, "movb mem -> %%ah (%#x)", v);

	/* C6 /0 ib: byte immediate; 0F B6: movzbl */
	p = ECHO(0x48);
	asm volatile("movb $0xc3, (%0)" : : "r"(p) : "memory");
	asm volatile("movzbl (%1), %0" : "=r"(v) : "r"(p) : "memory");
	report(v == 0xc3, "movb imm -> mem, movzbl (%#x)", v);

	/* 66 C7 /0 iw: word immediate; 0F B7: movzwl */
	p = ECHO(0x50);
	asm volatile("movw $0x8421, (%0)" : : "r"(p) : "memory");
	asm volatile("movl $0xffffffff, %0\n\t"
		     "movzwl (%1), %0" : "=&r"(v) : "r"(p) : "memory");
	report(v == 0x8421, "movw imm -> mem, movzwl (%#x)", v);

	/* C7 /0 id with a disp8: dword immediate; 8B /r load */
	p = ECHO(0x58);
	asm volatile("movl $0xfeedf00d, 4(%0)" : : "r"(p) : "memory");
	asm volatile("movl 4(%1), %0" : "=r"(v) : "r"(p) : "memory");
	report(v == 0xfeedf00d, "movl imm -> disp8(mem), mem -> reg (%#x)", v);

	/* 89 /r store */
	p = ECHO(0x60);
	asm volatile("movl %1, (%0)" : : "r"(p), "r"(0x13579bdfU) : "memory");
	asm volatile("movl (%1), %0" : "=r"(v) : "r"(p) : "memory");
	report(v == 0x13579bdf, "movl reg -> mem (%#x)", v);

#ifdef MODE_LONG
	u64 q;

	/* REX.W C7 /0 id: the immediate is sign-extended to 64 bits */
	p = ECHO(0x68);
	asm volatile("movq $-2, (%0)" : : "r"(p) : "memory");
	asm volatile("movq (%1), %0" : "=r"(q) : "r"(p) : "memory");
	report(q == 0xfffffffffffffffeULL,
	       "movq sign-extended imm32 -> mem (%#llx)", q);

	/* REX.W 89 /r and 8B /r with r8-r15 (REX.R) */
	p = ECHO(0x70);
	asm volatile("movabs $0x8877665544332211, %%r9\n\t"
		     "movq %%r9, (%1)\n\t"
		     "xorl %%r9d, %%r9d\n\t"
		     "movq (%1), %%r9\n\t"
		     "movq %%r9, %0"
		     : "=r"(q) : "r"(p) : "r9", "memory");
	report(q == 0x8877665544332211ULL, "movq %%r9 <-> mem (%#llx)", q);
#endif

	/* The first store must not have been disturbed by the others. */
	report(readb(ECHO(0x00)) == 0xa5, "offset 0 still holds its byte");
}

/* Open bus: reads of nothing are all ones, writes vanish (guest-abi.rst). */
static void test_empty(void)
{
	unsigned long p = MMIO_EMPTY;

	report(readb(p) == 0xff, "nothing there: 1-byte read is 0xff");
	report(readw(p) == 0xffff, "nothing there: 2-byte read is 0xffff");
	report(readl(p) == 0xffffffff,
	       "nothing there: 4-byte read is all ones");
	writel(p, 0);
	report(readl(p) == 0xffffffff, "nothing there: a write is dropped");
#ifdef MODE_LONG
	report(readq(p) == ~0ULL, "nothing there: 8-byte read is all ones");
#endif
}

int main(void)
{
	test_c();
	test_forms();
	test_empty();
	return report_summary();
}
