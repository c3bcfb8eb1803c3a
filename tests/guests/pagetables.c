// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagetables: a guest that builds two address spaces of its own and
 * works them the way a kernel does: switches CR3 between them, edits
 * page-table entries and flushes them with INVLPG, takes its own page
 * faults (not present, read-only) and fixes them, writes a read-only
 * page with CR0.WP clear, maps one page at two addresses and reads
 * through a 2 MiB page, checking the accessed and dirty flags the CPU
 * sets.  With EPT the CPU walks these tables itself; with shadow paging
 * (Documentation/shadow.rst) minivmx must produce the same results.
 *
 * Long mode.  Host: nothing beyond the tool.  Serial: the reports; exit
 * status 0.
 */
#include "libguest.h"

#define P	BIT_ULL(0)
#define RW	BIT_ULL(1)
#define A	BIT_ULL(5)
#define D	BIT_ULL(6)
#define PS	BIT_ULL(7)

#define WIN	0x40000000UL	/* PDPT[1]: the window both spaces map */
#define WIN2M	0x40200000UL	/* a 2 MiB page over guest-physical 0 */
#define X86_CR0_WP	BIT(16)

#define PAGE	__attribute__((aligned(4096)))
/*
 * Page tables and pages the window reaches are read and written behind
 * the compiler's back (by the CPU, or through the window): volatile.
 */
#define V(a)	((volatile u64 *)(a))

/* Address spaces A and B: PML4, PDPT, PD, and the window's PT. */
static u64 pml4_a[512] PAGE, pdpt_a[512] PAGE, pd_a[512] PAGE,
	   pdw_a[512] PAGE, pt_a[512] PAGE;
static u64 pml4_b[512] PAGE, pdpt_b[512] PAGE, pdw_b[512] PAGE,
	   pt_b[512] PAGE;
static u64 page_x[512] PAGE, page_y[512] PAGE, page_z[512] PAGE;
static u64 idt[512] PAGE;

/* The page fault handler's record; pf_fix is written to pt_a[0]. */
volatile u64 pf_count, pf_error, pf_cr2, pf_fix;

void pf_entry(void);

asm(".pushsection .text\n"
    ".globl pf_entry\n"
    "pf_entry:\n"
    "	pushq %rax\n"
    "	pushq %rcx\n"
    "	pushq %rdx\n"
    "	pushq %rsi\n"
    "	pushq %rdi\n"
    "	pushq %r8\n"
    "	pushq %r9\n"
    "	pushq %r10\n"
    "	pushq %r11\n"
    "	movq 72(%rsp), %rdi\n"		/* the error code */
    "	movq %cr2, %rsi\n"
    "	subq $8, %rsp\n"
    "	call pf_handler\n"
    "	addq $8, %rsp\n"
    "	popq %r11\n"
    "	popq %r10\n"
    "	popq %r9\n"
    "	popq %r8\n"
    "	popq %rdi\n"
    "	popq %rsi\n"
    "	popq %rdx\n"
    "	popq %rcx\n"
    "	popq %rax\n"
    "	addq $8, %rsp\n"
    "	iretq\n"
    ".popsection\n");

static void invlpg(unsigned long va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static void write_cr3(u64 val)
{
	asm volatile("mov %0, %%cr3" : : "r"(val) : "memory");
}

static void write_cr0(unsigned long val)
{
	asm volatile("mov %0, %%cr0" : : "r"(val) : "memory");
}

/* Record the fault, then make the access work: pt_a[0] = pf_fix. */
void pf_handler(u64 error, u64 cr2);
void pf_handler(u64 error, u64 cr2)
{
	pf_count++;
	pf_error = error;
	pf_cr2 = cr2;
	V(pt_a)[0] = pf_fix;
	invlpg(cr2);
}

static u64 pa(const void *p)
{
	return (u64)(unsigned long)p;	/* RAM is mapped 1:1 */
}

static void setup(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(idt) - 1, pa(idt) };
	u64 a = pa(pf_entry);
	unsigned int i;

	/* Both: RAM 1:1 through 2 MiB pages of the first GiB, the window. */
	for (i = 0; i < 512; i++)
		pd_a[i] = ((u64)i << 21) | P | RW | PS;
	pml4_a[0] = pa(pdpt_a) | P | RW;
	pdpt_a[0] = pa(pd_a) | P | RW;
	pdpt_a[1] = pa(pdw_a) | P | RW;
	pdw_a[0] = pa(pt_a) | P | RW;
	pdw_a[1] = 0 | P | RW | PS;			/* WIN2M */
	pt_a[0] = pa(page_x) | P | RW;
	pml4_b[0] = pa(pdpt_b) | P | RW;
	pdpt_b[0] = pa(pd_a) | P | RW;
	pdpt_b[1] = pa(pdw_b) | P | RW;
	pdw_b[0] = pa(pt_b) | P | RW;
	pt_b[0] = pa(page_y) | P | RW;
	page_y[0] = 0x22;
	page_z[0] = 0x33;

	/* A 64-bit interrupt gate for #PF (SDM 6.14.1). */
	idt[2 * 14] = (a & 0xffff) | (u64)read_cs() << 16 | 0x8e00ULL << 32 |
		      (a >> 16 & 0xffff) << 48;
	idt[2 * 14 + 1] = a >> 32;
	asm volatile("lidt %0" : : "m"(idtr));
}

int main(void)
{
	volatile u64 *win = (volatile u64 *)WIN;
	unsigned long cr0 = read_cr0() | X86_CR0_WP;

	/* The tool starts with CR0.WP clear; a kernel sets it. */
	write_cr0(cr0);
	setup();
	write_cr3(pa(pml4_a));
	*win = 0x11;
	report(V(page_x)[0] == 0x11,
	       "space A: a write through the window lands in page X");
	report(V(pt_a)[0] & A && V(pt_a)[0] & D,
	       "the write set the entry's accessed and dirty flags");

	write_cr3(pa(pml4_b));
	report(*win == 0x22, "space B (MOV to CR3): the window shows page Y");
	write_cr3(pa(pml4_a));
	report(*win == 0x11, "space A again: page X");

	V(pt_a)[0] = pa(page_z) | P | RW;
	invlpg(WIN);
	report(*win == 0x33, "remapped to page Z and INVLPG'd: page Z");
	report((V(pt_a)[0] & (A | D)) == A,
	       "the read set the accessed flag, not the dirty flag");
	*win = 0x34;
	report(V(pt_a)[0] & D && V(page_z)[0] == 0x34,
	       "the first write set the dirty flag and reached page Z");

	/* Not present: #PF, error code 0 (read, kernel), CR2 the address. */
	V(pt_a)[0] = 0;
	invlpg(WIN);
	pf_fix = pa(page_z) | P | RW;
	report(*win == 0x34 && pf_count == 1 && pf_error == 0 &&
	       pf_cr2 == WIN,
	       "a not-present page faults (error 0, CR2 the address); fixed, the read completes");

	/* Read-only: a write faults with P and W (error 3). */
	V(pt_a)[0] = pa(page_z) | P;
	invlpg(WIN);
	*win = 0x35;
	report(pf_count == 2 && pf_error == 3 && pf_cr2 == WIN &&
	       V(page_z)[0] == 0x35,
	       "a write to a read-only page faults (error 3); fixed, the write completes");

	/* CR0.WP clear: the kernel may write a read-only page. */
	V(pt_a)[0] = pa(page_z) | P;
	invlpg(WIN);
	write_cr0(cr0 & ~X86_CR0_WP);
	*win = 0x36;
	write_cr0(cr0);
	report(pf_count == 2 && V(page_z)[0] == 0x36,
	       "with CR0.WP clear the kernel writes a read-only page, no fault");
	*win = 0x37;
	report(pf_count == 3 && pf_error == 3 && V(page_z)[0] == 0x37,
	       "with CR0.WP set again the same write faults");

	/* One page at two addresses. */
	V(pt_a)[1] = pa(page_z) | P | RW;
	win[512] = 0x38;
	report(*win == 0x38, "a page mapped twice: written at one address, read at the other");

	/* A 2 MiB page over guest-physical 0: page Y through it. */
	report(*(volatile u64 *)(WIN2M + pa(page_y)) == 0x22,
	       "a 2 MiB page maps guest-physical memory as it says");
	return report_summary();
}
