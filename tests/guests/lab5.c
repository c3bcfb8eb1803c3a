// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab5: the guest of Documentation/labs/5-page-walk.rst.  It builds an
 * address space of its own -- 4 KiB, 2 MiB and 1 GiB pages, entries not
 * present at each level, read-only, supervisor-only and no-execute pages
 * and tables -- and asks the VMM by VMCALL LAB5_HC_WALK what an access
 * would do (lab5.h), which the student's page walk answers from the
 * guest's RAM.  Each check ends in one of two VMCALLs (labguest.h) for
 * the grader's trace.
 *
 * Then it works the address space the way a kernel switching processes
 * does: MOV to CR3 and 64 pages written, 16 times over.  With EPT that
 * costs no exit; with shadow paging (vmm --shadow) each MOV to CR3 drops
 * the shadow tables and each page faults in again: 'make measure'.
 *
 * Long mode.  Host: tests/labs/5-page-walk/vmm.c.  Serial: the reports;
 * exit status 0 when every check passed.
 */
#include "libguest.h"
#include "../labs/5-page-walk/lab5.h"
#include "../labs/labguest.h"

#define P	BIT_ULL(0)
#define RW	BIT_ULL(1)
#define US	BIT_ULL(2)
#define A	BIT_ULL(5)
#define D	BIT_ULL(6)
#define PS	BIT_ULL(7)
#define XD	BIT_ULL(63)

#define X86_CR0_WP	BIT(16)
#define MSR_EFER	0xc0000080
#define EFER_NXE	BIT(11)

#define PAGE	__attribute__((aligned(4096)))
#define V(a)	((volatile u64 *)(a))

#define WIN	0x80000000UL	/* PDPT[2]: the lab's part of the space */
#define CHURN	16		/* the first PT entry of the churned pages */
#define NR_CHURN 64
#define ROUNDS	16

static u64 pml4[512] PAGE, pdpt[512] PAGE, pd_lo[512] PAGE, pd2[512] PAGE,
	   pt2[512] PAGE, pt3[512] PAGE;
static u64 page_x[512] PAGE, page_y[512] PAGE, page_z[512] PAGE;
static u8 buf[NR_CHURN * 4096] PAGE;

static u64 pa(const void *p)
{
	return (u64)(unsigned long)p;	/* RAM is mapped 1:1 */
}

static void write_cr3(u64 val)
{
	asm volatile("mov %0, %%cr3" : : "r"(val) : "memory");
}

static void wrmsr(u32 index, u64 val)
{
	asm volatile("wrmsr" : : "c"(index), "a"((u32)val),
		     "d"((u32)(val >> 32)) : "memory");
}

static u64 walk(u64 gva, unsigned int access)
{
	return vmcall(LAB5_HC_WALK, gva, access, 0, 0);
}

static void setup(void)
{
	unsigned int i;

	/* The first GiB 1:1 in 2 MiB pages, for the code: supervisor. */
	for (i = 0; i < 512; i++)
		pd_lo[i] = ((u64)i << 21) | P | RW | PS;
	pml4[0] = pa(pdpt) | P | RW | US;
	pdpt[0] = pa(pd_lo) | P | RW | US;
	pdpt[1] = 0 | P | RW | US | PS;		/* 1 GiB at 0x40000000 */
	pdpt[2] = pa(pd2) | P | RW | US;	/* WIN */
	pd2[0] = pa(pt2) | P | RW | US;
	pt2[0] = pa(page_x) | P | RW | US;
	pt2[1] = pa(page_y) | P | US;		/* read-only */
	pt2[2] = pa(page_z) | P | RW;		/* supervisor */
	pt2[3] = pa(page_x) | P | RW | US | XD;	/* no-execute */
	pt2[4] = 0;				/* not present */
	for (i = 0; i < NR_CHURN; i++)
		pt2[CHURN + i] = (pa(buf) + i * 4096) | P | RW;
	pd2[1] = 0 | P | RW | US | PS;		/* 2 MiB at WIN + 2 MiB */
	pd2[2] = 0;				/* not present */
	pd2[3] = pa(pt3) | P | US;		/* a read-only table */
	pd2[4] = pa(pt3) | P | RW;		/* a supervisor table */
	pd2[5] = 0x40000000 | P | RW | US;	/* a table outside RAM */
	pt3[0] = pa(page_x) | P | RW | US;
}

int main(void)
{
	u64 cr3 = read_cr3(), f = LAB5_FAULT;
	volatile u8 *churn = (volatile u8 *)(WIN + CHURN * 4096);
	unsigned int i, r;
	bool ok;

	/* A kernel's settings: CR0.WP (the tool leaves it clear), NXE. */
	asm volatile("mov %0, %%cr0" : : "r"(read_cr0() | X86_CR0_WP));
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	setup();
	write_cr3(pa(pml4));

	lab_check(walk(WIN + 0x123, 0) == pa(page_x) + 0x123 &&
		  walk(WIN + 0x123, LAB5_ACC_WRITE | LAB5_ACC_USER) ==
		  pa(page_x) + 0x123 &&
		  walk(WIN + 0x1ff8, 0) == pa(page_y) + 0xff8,
		  "a 4 KiB page: its address, the offset kept");

	lab_check(walk(WIN + 0x212345, LAB5_ACC_USER) == 0x12345 &&
		  walk(0x40123456, LAB5_ACC_WRITE) == 0x123456,
		  "a 2 MiB and a 1 GiB page");

	lab_check(walk(WIN + 0x4000, 0) == f &&
		  walk(WIN + 0x400000, LAB5_ACC_WRITE) == (f | LAB5_PF_W) &&
		  walk(0x8000000000, LAB5_ACC_WRITE | LAB5_ACC_USER) ==
		  (f | LAB5_PF_W | LAB5_PF_U),
		  "not present in the PT, the PD, the PML4: #PF, P clear");

	lab_check(walk(WIN + 0x1000, LAB5_ACC_WRITE) ==
		  (f | LAB5_PF_P | LAB5_PF_W) &&
		  walk(WIN + 0x2000, LAB5_ACC_USER) ==
		  (f | LAB5_PF_P | LAB5_PF_U) &&
		  walk(WIN + 0x3000, LAB5_ACC_FETCH) ==
		  (f | LAB5_PF_P | LAB5_PF_I) &&
		  walk(WIN + 0x2000, LAB5_ACC_WRITE) == pa(page_z),
		  "a read-only, a supervisor, a no-execute page: #PF, P set");

	lab_check(walk(WIN + 0x600000, LAB5_ACC_WRITE) ==
		  (f | LAB5_PF_P | LAB5_PF_W) &&
		  walk(WIN + 0x600000, 0) == pa(page_x) &&
		  walk(WIN + 0x800000, LAB5_ACC_USER) ==
		  (f | LAB5_PF_P | LAB5_PF_U),
		  "a read-only or supervisor table counts for the pages under it");

	lab_check(walk(0x800000000000, 0) == LAB5_GP &&
		  walk(WIN + 0xa00000, 0) == LAB5_BAD,
		  "a non-canonical address: #GP; a table outside RAM: LAB5_BAD");

	V(pdpt)[2] &= ~A;
	V(pd2)[0] &= ~A;
	V(pt2)[0] &= ~(A | D);
	V(pt2)[1] &= ~(A | D);
	ok = walk(WIN, LAB5_ACC_WRITE) == pa(page_x) &&
	     walk(WIN + 0x1000, 0) == pa(page_y);
	lab_check(ok && V(pdpt)[2] & A && V(pd2)[0] & A &&
		  (V(pt2)[0] & (A | D)) == (A | D) &&
		  (V(pt2)[1] & (A | D)) == A,
		  "accessed set at every level walked, dirty on a write's leaf only");

	/* The churn: a process switch, its pages written, and back. */
	for (r = 0; r < ROUNDS; r++) {
		write_cr3(pa(pml4));
		for (i = 0; i < NR_CHURN; i++)
			churn[i * 4096] = r + i;
		write_cr3(cr3);
	}
	ok = true;
	for (i = 0; i < NR_CHURN; i++)
		ok = ok && buf[i * 4096] == (u8)(ROUNDS - 1 + i);
	report(ok, "%u rounds of MOV to CR3 and %u pages written",
	       ROUNDS, NR_CHURN);
	return report_summary();
}
