// SPDX-License-Identifier: GPL-2.0-only
/*
 * popek: why x86 before VT-x could not be virtualised by trap-and-emulate
 * alone (Popek and Goldberg, 1974; Documentation/concepts.rst).  A
 * classic VMM runs the guest kernel deprivileged, at CPL 3, and relies on
 * every sensitive instruction trapping there.  This guest drops to CPL 3
 * and shows which do not:
 *
 * - CLI is sensitive and privileged: at CPL 3 (IOPL 0) it raises #GP, so
 *   a VMM could emulate it;
 * - POPF is sensitive but not privileged: at CPL 3 it silently leaves IF
 *   alone -- a guest kernel re-enabling interrupts would never be seen;
 * - reading CS shows the CPL in its low bits, and SGDT the GDT's address,
 *   with no trap: a deprivileged kernel can tell it is not at CPL 0.
 *
 * Under VT-x the guest kernel keeps CPL 0 (root and non-root modes are
 * orthogonal to rings): POPF sets IF there as on bare metal, and the
 * VMM traps what it chooses through the VMCS instead -- CPUID exits
 * unconditionally, at any CPL, which the host counts (NR_CPUID below).
 *
 * Protected mode.  Host: nothing beyond the tool.  Serial: the reports;
 * exit status 0.
 */
#include "libguest.h"

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define KCODE	0x08
#define KDATA	0x10
#define UCODE	(0x18 | 3)
#define UDATA	(0x20 | 3)
#define TSS_SEL	0x28

#define NR_CPUID 8	/* CPUIDs at each CPL: the host sees 2 x this many */

struct dtr {
	u16 limit;
	u32 base;
} __packed;

/* What the CPL 3 code saw, written by it; read back at CPL 0. */
struct user_view {
	u32 cs;			/* MOV from CS */
	struct dtr gdt;		/* SGDT */
	u32 flags_before;	/* PUSHF, then POPF with IF set, then PUSHF */
	u32 flags_after;
};

static u64 gdt[6] __attribute__((aligned(8)));
static u64 idt[256] __attribute__((aligned(8)));
static u32 tss[26];
static u8 kstack[4096] __attribute__((aligned(16)));
u8 ustack[4096] __attribute__((aligned(16)));	/* CPL 3 stack */

struct user_view uview;
u32 gp_count, gp_eip;	/* #GPs taken from CPL 3 and where */
u32 kernel_esp;		/* the CPL 0 stack while CPL 3 runs */

/*
 * user_code runs at CPL 3 and ends with INT 0x80, whose gate (DPL 3)
 * enters back_to_kernel at CPL 0; gp_entry takes the #GP of CLI and
 * returns past it (CLI is one byte).  enter_user is called at CPL 0.
 */
extern char user_code[], cli_insn[];
void enter_user(void);
void gp_entry(void);
void back_to_kernel(void);

asm(".pushsection .text\n"
    ".globl enter_user\n"
    "enter_user:\n"
    "	pushal\n"
    "	movl %esp, kernel_esp\n"
    "	movw $" __stringify(UDATA) ", %ax\n"
    "	movw %ax, %ds\n"
    "	movw %ax, %es\n"
    "	pushl $" __stringify(UDATA) "\n"	/* SS */
    "	pushl $ustack + 4096\n"			/* ESP */
    "	pushl $0x2\n"				/* EFLAGS: IF 0, IOPL 0 */
    "	pushl $" __stringify(UCODE) "\n"	/* CS */
    "	pushl $user_code\n"			/* EIP */
    "	iretl\n"

    ".globl user_code\n"
    "user_code:\n"
    "	movl %cs, %eax\n"
    "	movl %eax, uview\n"
    "	sgdt uview + 4\n"
    "	pushfl\n"
    "	popl %eax\n"
    "	movl %eax, uview + 12\n"
    "	orl $0x200, %eax\n"			/* IF */
    "	pushl %eax\n"
    "	popfl\n"
    "	pushfl\n"
    "	popl %eax\n"
    "	movl %eax, uview + 16\n"
    "	movl $" __stringify(NR_CPUID) ", %esi\n"
    "1:	xorl %eax, %eax\n"
    "	cpuid\n"
    "	decl %esi\n"
    "	jnz 1b\n"
    ".globl cli_insn\n"
    "cli_insn:\n"
    "	cli\n"
    "	int $0x80\n"

    ".globl gp_entry\n"
    "gp_entry:\n"
    "	pushl %eax\n"
    "	incl gp_count\n"
    "	movl 8(%esp), %eax\n"			/* EIP, past the error code */
    "	movl %eax, gp_eip\n"
    "	incl 8(%esp)\n"
    "	popl %eax\n"
    "	addl $4, %esp\n"
    "	iretl\n"

    ".globl back_to_kernel\n"
    "back_to_kernel:\n"
    "	movw $" __stringify(KDATA) ", %ax\n"
    "	movw %ax, %ds\n"
    "	movw %ax, %es\n"
    "	movw %ax, %fs\n"
    "	movw %ax, %gs\n"
    "	movl kernel_esp, %esp\n"
    "	popal\n"
    "	ret\n"
    ".popsection\n");

/* A flat 4 GiB segment: @type (with S set) and @dpl. */
static u64 flat(u8 type, u8 dpl)
{
	return 0x00cf00000000ffffULL | (u64)(0x90 | dpl << 5 | type) << 40;
}

static u64 system_desc(u32 base, u32 limit, u8 access)
{
	return (limit & 0xffff) | (u64)(base & 0xffffff) << 16 |
	       (u64)access << 40 | (u64)(limit >> 16 & 0xf) << 48 |
	       (u64)(base >> 24) << 56;
}

static void gate(unsigned int vector, void (*fn)(void), u8 dpl)
{
	u32 a = (u32)(unsigned long)fn;

	idt[vector] = (a & 0xffff) | (u64)KCODE << 16 |
		      (u64)(0x8e | dpl << 5) << 40 | (u64)(a >> 16) << 48;
}

static void setup(void)
{
	struct dtr g = { sizeof(gdt) - 1, (u32)(unsigned long)gdt };
	struct dtr i = { sizeof(idt) - 1, (u32)(unsigned long)idt };

	gdt[1] = flat(0xb, 0);		/* code, execute/read, accessed */
	gdt[2] = flat(0x3, 0);		/* data, read/write, accessed */
	gdt[3] = flat(0xb, 3);
	gdt[4] = flat(0x3, 3);
	gdt[5] = system_desc((u32)(unsigned long)tss, sizeof(tss) - 1, 0x89);
	tss[1] = (u32)(unsigned long)(kstack + sizeof(kstack));	/* ESP0 */
	tss[2] = KDATA;						/* SS0 */
	gate(13, gp_entry, 0);
	gate(0x80, back_to_kernel, 3);
	asm volatile("lgdt %0\n\t"
		     "ljmp $" __stringify(KCODE) ", $1f\n"
		     "1:\tmovw %w1, %%ds\n\t"
		     "movw %w1, %%es\n\t"
		     "movw %w1, %%ss\n\t"
		     "ltr %w2\n\t"
		     "lidt %3"
		     : : "m"(g), "r"(KDATA), "r"(TSS_SEL), "m"(i) : "memory");
}

int main(void)
{
	unsigned long flags;
	int n;

	setup();

	/* At CPL 0 -- a VT-x guest kernel's ring -- POPF sets IF. */
	asm volatile("pushfl\n\torl $0x200, (%%esp)\n\tpopfl\n\t"
		     "pushfl\n\tpopl %0\n\tcli" : "=r"(flags) : : "memory");
	report(flags & X86_EFLAGS_IF, "POPF at CPL 0 sets IF");
	for (n = 0; n < NR_CPUID; n++)
		cpuid(0, 0);

	enter_user();

	printf("CPL 3 saw CS %#x, GDT base %#x limit %#x, EFLAGS %#x then %#x\n",
	       uview.cs, uview.gdt.base, uview.gdt.limit, uview.flags_before,
	       uview.flags_after);
	report(gp_count == 1 && gp_eip == (u32)(unsigned long)cli_insn,
	       "CLI at CPL 3 raises #GP: a VMM could trap and emulate it");
	report(!(uview.flags_after & X86_EFLAGS_IF),
	       "POPF at CPL 3 leaves IF clear, and raises nothing");
	report((uview.cs & 3) == 3,
	       "MOV from CS at CPL 3 shows CPL 3, and raises nothing");
	report(uview.gdt.base == (u32)(unsigned long)gdt &&
	       uview.gdt.limit == sizeof(gdt) - 1,
	       "SGDT at CPL 3 reads the real GDT's address, and raises nothing");
	return report_summary();
}
