// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel local APIC in x2APIC mode (SDM Vol. 3A 11.12): CPUID
 * offering it only with MINIVMX_CREATE_LAPIC; the guest entering it by
 * WRMSR to IA32_APIC_BASE and reading its ID, version and logical ID
 * through the MSRs, the xAPIC page no longer the APIC's; self-IPIs by
 * SELF_IPI and by the 64-bit ICR (the shorthand, physical, cluster
 * logical and broadcast destinations), EOI by MSR, the task priority by
 * MSR and CR8; the TSC-deadline and one-shot timers; the EOI of a
 * level-triggered MSI by MSR ending the run for userspace; the #GPs
 * (x2APIC MSRs in xAPIC mode, illegal IA32_APIC_BASE transitions,
 * read-only, write-only and missing registers, reserved bits); and an
 * IPI from one vCPU to another, both in x2APIC mode, the other started
 * by INIT and start-up IPIs sent through the ICR MSR.
 *
 * The guest is 64-bit code assembled with this test (x2_guest below),
 * copied to TVM_CODE; vectors 0x40-0x4f go through stubs to one handler
 * that counts, logs the vector and writes EOI by WRMSR to MSR 0x80b; the
 * #GP handler logs ECX (the MSR) and skips the RDMSR or WRMSR.  The
 * second vCPU runs real-mode code (x2_ap) with its own handlers in the
 * IVT.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <unistd.h>
#include <x86intrin.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

/* Guest memory the programs and the test share. */
#define COUNT		0x8000	/* interrupts taken */
#define ICR_READ	0x8010	/* RDMSR 0x830: EAX, EDX */
#define DEADLINE	0x8028	/* the TSC deadline armed */
#define TSC_WOKEN	0x8030	/* RDTSC after the deadline's HLT */
#define TMCCT_READ	0x8038	/* MSR 0x839 after TMICT was written */
#define MASKED_COUNT	0x8040	/* count while TPR was 0x50 */
#define IRR_WORD2	0x8044	/* MSR 0x822 then */
#define CR8_READ	0x8048	/* CR8 then */
#define TPR_READ	0x804c	/* MSR 0x808 then */
#define AP_READY	0x8050	/* the AP writes 0x1234 */
#define AP_COUNT	0x8054	/* interrupts the AP took */
#define AP_LOG		0x8058	/* their vectors */
#define AP_ID		0x8060	/* the AP's MSR 0x802 and 0x80d */
#define AP_LDR		0x8064
#define PPR_READ	0x8078
#define BASE_XAPIC	0x8080	/* IA32_APIC_BASE before and after */
#define BASE_X2APIC	0x8084
#define ID_READ		0x8088	/* MSRs 0x802, 0x803, 0x80d, 0x80f */
#define VERSION_READ	0x808c
#define LDR_READ	0x8090
#define SVR_READ	0x8094
#define CPUID_1_ECX	0x8098
#define LOG		0x8100	/* the vectors taken, in order */
#define GP_COUNT	0x8400	/* #GPs taken */
#define GP_LOG		0x8410	/* ECX at each */
#define IDT		0x9000
#define AP_CODE		0x20000	/* start-up vector 0x20 */
#define READY_PORT	0x10

asm(".pushsection .rodata.x2_guest, \"a\"\n"
	".balign 16\n"
	"x2_guest:\n"
	/* EN | EXTD in IA32_APIC_BASE, then SVR: enabled, spurious 0xff. */
	"x2_enable:\n"
	"	mov $0x1b, %ecx\n"
	"	rdmsr\n"
	"	or $0xc00, %eax\n"
	"	wrmsr\n"
	"	mov $0x80f, %ecx\n"
	"	mov $0x1ff, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	ret\n"
	/* IA32_APIC_BASE, x2APIC on, the IDs; then a load from the page. */
	"g_regs:\n"
	"	mov $1, %eax\n"
	"	cpuid\n"
	"	mov %ecx, 0x8098\n"
	"	mov $0x1b, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, 0x8080\n"
	"	call x2_enable\n"
	"	mov $0x1b, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, 0x8084\n"
	"	mov $0x802, %ecx\n"			/* ID */
	"	rdmsr\n"
	"	mov %eax, 0x8088\n"
	"	mov $0x803, %ecx\n"			/* version */
	"	rdmsr\n"
	"	mov %eax, 0x808c\n"
	"	mov $0x80d, %ecx\n"			/* LDR */
	"	rdmsr\n"
	"	mov %eax, 0x8090\n"
	"	mov $0x80f, %ecx\n"			/* SVR */
	"	rdmsr\n"
	"	mov %eax, 0x8094\n"
	"	mov $0xfee00030, %esi\n"
	"	mov (%rsi), %eax\n"			/* MMIO, not the APIC */
	"	hlt\n"
	/* Self-IPIs by SELF_IPI and ICR; the TPR by MSR against one. */
	"g_ipi:\n"
	"	call x2_enable\n"
	"	sti\n"
	"	nop\n"
	"	mov $0x83f, %ecx\n"			/* SELF_IPI */
	"	mov $0x44, %eax\n"
	"	wrmsr\n"
	"	mov $0x830, %ecx\n"			/* ICR */
	"	mov $0x40045, %eax\n"			/* shorthand self */
	"	wrmsr\n"
	"	mov $0x46, %eax\n"			/* physical, ID 0 */
	"	wrmsr\n"
	"	mov $1, %edx\n"
	"	mov $0x847, %eax\n"			/* logical: cluster 0, bit 0 */
	"	wrmsr\n"
	"	mov $2, %edx\n"
	"	mov $0x848, %eax\n"			/* cluster 0, bit 1: nobody */
	"	wrmsr\n"
	"	mov $0xffffffff, %edx\n"
	"	mov $0x49, %eax\n"			/* physical broadcast */
	"	wrmsr\n"
	"	mov $0x10001, %edx\n"
	"	mov $0x84c, %eax\n"			/* cluster 1, bit 0: nobody */
	"	wrmsr\n"
	"	rdmsr\n"
	"	mov %eax, 0x8010\n"
	"	mov %edx, 0x8014\n"
	"	mov $0x808, %ecx\n"			/* TPR 0x50 */
	"	mov $0x50, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	mov $0x83f, %ecx\n"
	"	mov $0x4a, %eax\n"			/* held back */
	"	wrmsr\n"
	"	nop\n"
	"	mov 0x8000, %eax\n"
	"	mov %eax, 0x8040\n"
	"	mov $0x822, %ecx\n"			/* IRR, vectors 64-95 */
	"	rdmsr\n"
	"	mov %eax, 0x8044\n"
	"	mov %cr8, %rax\n"
	"	mov %eax, 0x8048\n"
	"	mov $0x808, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, 0x804c\n"
	"	mov $0x80a, %ecx\n"			/* PPR */
	"	rdmsr\n"
	"	mov %eax, 0x8078\n"
	"	mov $0x808, %ecx\n"			/* TPR 0: 0x4a comes */
	"	xor %eax, %eax\n"
	"	wrmsr\n"
	"	nop\n"
	"	cli\n"
	"	hlt\n"
	/* TSC deadline (now + RBP), then one-shot 2 ms, both by MSR. */
	"g_timer:\n"
	"	call x2_enable\n"
	"	mov $0x832, %ecx\n"			/* LVTT: deadline, 0x42 */
	"	mov $0x40042, %eax\n"
	"	wrmsr\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	add %rbp, %rax\n"
	"	mov %rax, 0x8028\n"
	"	mov %rax, %rdx\n"
	"	shr $32, %rdx\n"
	"	mov $0x6e0, %ecx\n"
	"	wrmsr\n"
	"	sti\n"
	"	hlt\n"
	"	cli\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8030\n"
	"	mov $0x832, %ecx\n"			/* LVTT: one-shot, 0x40 */
	"	mov $0x40, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	mov $0x83e, %ecx\n"			/* TDCR: divide by 1 */
	"	mov $0xb, %eax\n"
	"	wrmsr\n"
	"	mov $0x838, %ecx\n"			/* TMICT: 2 ms */
	"	mov $2000000, %eax\n"
	"	wrmsr\n"
	"	mov $0x839, %ecx\n"			/* TMCCT */
	"	rdmsr\n"
	"	mov %eax, 0x8038\n"
	"	sti\n"
	"	hlt\n"
	"	cli\n"
	"	hlt\n"
	/* x2APIC on, tell the test, wait for an interrupt. */
	"g_wait:\n"
	"	call x2_enable\n"
	"	out %al, $0x10\n"
	"	sti\n"
	"	hlt\n"
	"	cli\n"
	"	hlt\n"
	/* What #GPs, in order; interrupts on to catch a refused IPI sent. */
	"g_gp:\n"
	"	sti\n"
	"	mov $0x802, %ecx\n"			/* xAPIC mode: ID */
	"	rdmsr\n"
	"	mov $0x808, %ecx\n"			/* xAPIC mode: TPR */
	"	xor %eax, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	mov $0x1b, %ecx\n"
	"	mov $0xfee00400, %eax\n"		/* EXTD without EN */
	"	wrmsr\n"
	"	mov $0xfee00a00, %eax\n"		/* reserved bit 9 */
	"	wrmsr\n"
	"	mov $0xfee00000, %eax\n"		/* disabled: fine */
	"	wrmsr\n"
	"	mov $0xfee00c00, %eax\n"		/* disabled to x2APIC */
	"	wrmsr\n"
	"	mov $0xfee00800, %eax\n"		/* xAPIC: fine */
	"	wrmsr\n"
	"	mov $0xfee00c00, %eax\n"		/* x2APIC: fine */
	"	wrmsr\n"
	"	mov $0xfee00800, %eax\n"		/* x2APIC to xAPIC */
	"	wrmsr\n"
	"	mov $0x80f, %ecx\n"			/* SVR: fine */
	"	mov $0x1ff, %eax\n"
	"	wrmsr\n"
	"	mov $0x802, %ecx\n"			/* ID: read-only */
	"	wrmsr\n"
	"	mov $0x80d, %ecx\n"			/* LDR: read-only */
	"	wrmsr\n"
	"	mov $0x80e, %ecx\n"			/* DFR: none */
	"	rdmsr\n"
	"	mov $0x83f, %ecx\n"			/* SELF_IPI: write-only */
	"	rdmsr\n"
	"	mov $0x80b, %ecx\n"			/* EOI: write-only */
	"	rdmsr\n"
	"	mov $1, %eax\n"				/* EOI: not 0 */
	"	wrmsr\n"
	"	mov $0x830, %ecx\n"
	"	mov $0x2040, %eax\n"			/* ICR: bit 13 */
	"	wrmsr\n"
	"	mov $0x100041, %eax\n"			/* ICR: bit 20 */
	"	wrmsr\n"
	"	mov $0x808, %ecx\n"
	"	mov $0x10, %eax\n"
	"	mov $1, %edx\n"				/* TPR: bit 32 */
	"	wrmsr\n"
	"	xor %edx, %edx\n"
	"	mov $0x100, %eax\n"			/* TPR: bit 8 */
	"	wrmsr\n"
	"	mov $0x831, %ecx\n"			/* no ICR2 */
	"	rdmsr\n"
	"	mov $0x840, %ecx\n"			/* past the registers */
	"	rdmsr\n"
	"	mov $0x8ff, %ecx\n"
	"	rdmsr\n"
	"	mov $0x803, %ecx\n"			/* version: fine */
	"	rdmsr\n"
	"	mov %eax, 0x808c\n"
	"	nop\n"
	"	cli\n"
	"	hlt\n"
	/* The BSP: INIT and start-up to x2APIC ID 1, then two IPIs to it. */
	"g_pair:\n"
	"	call x2_enable\n"
	"	mov $0x830, %ecx\n"
	"	mov $1, %edx\n"
	"	mov $0x4500, %eax\n"			/* INIT, assert */
	"	wrmsr\n"
	"	mov $0x4620, %eax\n"			/* start-up, vector 0x20 */
	"	wrmsr\n"
	"	mov $50000000, %ebx\n"
	"1:	cmpw $0x1234, 0x8050\n"
	"	je 2f\n"
	"	pause\n"
	"	dec %ebx\n"
	"	jnz 1b\n"
	"	hlt\n"
	"2:	mov $0x830, %ecx\n"
	"	mov $1, %edx\n"
	"	mov $0x50, %eax\n"			/* physical, ID 1 */
	"	wrmsr\n"
	"	mov $2, %edx\n"
	"	mov $0x851, %eax\n"			/* logical: cluster 0, bit 1 */
	"	wrmsr\n"
	"	mov $1, %edx\n"
	"	mov $0x852, %eax\n"			/* cluster 0, bit 0: the BSP */
	"	wrmsr\n"
	"	mov $50000000, %ebx\n"
	"3:	cmpw $2, 0x8054\n"
	"	jae 4f\n"
	"	pause\n"
	"	dec %ebx\n"
	"	jnz 3b\n"
	"4:	hlt\n"
	/* #GP: log ECX, skip the 2-byte RDMSR or WRMSR. */
	"x2_gp:\n"
	"	push %rax\n"
	"	push %rbx\n"
	"	mov 0x8400, %ebx\n"
	"	mov %ecx, 0x8410(,%rbx,4)\n"
	"	incl 0x8400\n"
	"	addq $2, 24(%rsp)\n"			/* RIP, above the error code */
	"	pop %rbx\n"
	"	pop %rax\n"
	"	add $8, %rsp\n"
	"	iretq\n"
	/* The interrupt handler: count, log the vector, EOI by MSR. */
	"x2_common:\n"
	"	push %rcx\n"
	"	push %rdx\n"
	"	mov 0x8000, %ebx\n"
	"	mov %al, 0x8100(%rbx)\n"
	"	incl 0x8000\n"
	"	mov $0x80b, %ecx\n"
	"	xor %eax, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	pop %rdx\n"
	"	pop %rcx\n"
	"	pop %rbx\n"
	"	pop %rax\n"
	"	iretq\n"
	/* Stubs for vectors 0x40-0x4f, 16 bytes apart. */
	".balign 16\n"
	"x2_stubs:\n"
	".set x2_vec, 0x40\n"
	".rept 16\n"
	".balign 16\n"
	"	push %rax\n"
	"	push %rbx\n"
	"	mov $x2_vec, %eax\n"
	"	jmp x2_common\n"
	".set x2_vec, x2_vec + 1\n"
	".endr\n"
	"x2_guest_end:\n"
	/*
	 * The AP, in real mode after the start-up IPI (CS 0x2000, DS and SS
	 * base 0): x2APIC on, its ID and LDR, ready; then HLT until two
	 * interrupts, vectors 0x50 and 0x51 by the IVT.
	 */
	".code16\n"
	"x2_ap:\n"
	"	xor %ax, %ax\n"
	"	mov %ax, %ss\n"
	"	mov $0x7000, %sp\n"
	"	mov $0x1b, %ecx\n"
	"	rdmsr\n"
	"	or $0xc00, %eax\n"
	"	wrmsr\n"
	"	mov $0x80f, %ecx\n"
	"	mov $0x1ff, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	mov $0x802, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, 0x8060\n"
	"	mov $0x80d, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, 0x8064\n"
	"	movw $0x1234, 0x8050\n"
	"	sti\n"
	"1:	hlt\n"
	"	cmpw $2, 0x8054\n"
	"	jb 1b\n"
	"	cli\n"
	"	hlt\n"
	"x2_ap_50:\n"
	"	pushl %eax\n"
	"	mov $0x50, %al\n"
	"	jmp x2_ap_common\n"
	"x2_ap_51:\n"
	"	pushl %eax\n"
	"	mov $0x51, %al\n"
	"x2_ap_common:\n"
	"	pushl %ebx\n"
	"	pushl %ecx\n"
	"	pushl %edx\n"
	"	mov 0x8054, %bx\n"
	"	mov %al, 0x8058(%bx)\n"
	"	incw 0x8054\n"
	"	mov $0x80b, %ecx\n"
	"	xor %eax, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	popl %edx\n"
	"	popl %ecx\n"
	"	popl %ebx\n"
	"	popl %eax\n"
	"	iret\n"
	"x2_ap_end:\n"
	".code64\n"
	".popsection\n");

extern const uint8_t x2_guest[], x2_guest_end[], x2_stubs[], x2_gp[];
extern const uint8_t g_regs[], g_ipi[], g_timer[], g_wait[], g_gp[];
extern const uint8_t g_pair[];
extern const uint8_t x2_ap[], x2_ap_50[], x2_ap_51[], x2_ap_end[];

#define GUEST_ADDR(sym)	(TVM_CODE + (uint64_t)((sym) - x2_guest))
#define FIRST_STUB	0x40
#define NR_STUBS	16

static uint32_t mem32(struct tvm *t, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, t->mem + gpa, sizeof(v));
	return v;
}

static uint64_t mem64(struct tvm *t, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, t->mem + gpa, sizeof(v));
	return v;
}

/* TSC cycles per millisecond, measured (the guest's TSC is the host's). */
static uint64_t tsc_per_ms(void)
{
	struct timespec a, b;
	uint64_t t0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = __rdtsc();
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (__rdtsc() - t0) * 1000000 /
	       ((b.tv_sec - a.tv_sec) * 1000000000ULL + b.tv_nsec - a.tv_nsec);
}

/* Load the programs, the IDT, and start at @entry with RBP = @rbp. */
static int setup(struct tvm *t, const uint8_t *entry, uint64_t rbp)
{
	int i, ret;

	ret = tvm_setup(t, 64, x2_guest, x2_guest_end - x2_guest);
	if (ret)
		return ret;
	for (i = 0; i < NR_STUBS; i++)
		tvm_gate64(t, IDT, FIRST_STUB + i,
			   GUEST_ADDR(x2_stubs) + 16 * i, 0);
	tvm_gate64(t, IDT, 13, GUEST_ADDR(x2_gp), 0);
	return tvm_start64(t, IDT, GUEST_ADDR(entry), rbp);
}

static uint32_t lapic_reg(const struct minivmx_lapic_state *s, unsigned int off)
{
	uint32_t v;

	memcpy(&v, s->regs + off, sizeof(v));
	return v;
}

FIXTURE(x2apic) {
	struct tvm t;
};

FIXTURE_SETUP(x2apic)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create_opt(&self->t, 1));
}

FIXTURE_TEARDOWN(x2apic)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

TEST_F(x2apic, wrmsr_to_apic_base_enters_x2apic_mode)
{
	struct tvm *t = &self->t;
	struct minivmx_lapic_state s;

	ASSERT_EQ(0, setup(t, g_regs, 0));
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_TRUE(mem32(t, CPUID_1_ECX) & (1U << 21));	/* x2APIC */
	EXPECT_EQ(0xfee00900, mem32(t, BASE_XAPIC));
	EXPECT_EQ(0xfee00d00, mem32(t, BASE_X2APIC));		/* EXTD */
	EXPECT_EQ(0, mem32(t, ID_READ));			/* 32-bit ID 0 */
	EXPECT_EQ(0x50014, mem32(t, VERSION_READ));
	EXPECT_EQ(1, mem32(t, LDR_READ));			/* cluster 0, bit 0 */
	EXPECT_EQ(0x1ff, mem32(t, SVR_READ));
	/* The xAPIC page is not the APIC now: the load is the VMM's MMIO. */
	ASSERT_EQ(MINIVMX_EXIT_MMIO, t->run->exit_reason);
	EXPECT_EQ(0xfee00030, t->run->mmio.phys_addr);
	EXPECT_EQ(0, t->run->mmio.is_write);
	/* MINIVMX_GET_LAPIC shows the mode and the x2APIC IDs. */
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_LAPIC, &s));
	EXPECT_EQ(0xfee00d00, s.apic_base);
	EXPECT_EQ(0, lapic_reg(&s, 0x20));
	EXPECT_EQ(1, lapic_reg(&s, 0xd0));
}

TEST_F(x2apic, self_ipis_by_self_ipi_and_icr_msrs_and_tpr_by_msr)
{
	struct tvm *t = &self->t;
	static const uint8_t want[] = { 0x44, 0x45, 0x46, 0x47, 0x49, 0x4a };
	unsigned int i;

	ASSERT_EQ(0, setup(t, g_ipi, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	/*
	 * SELF_IPI, the self shorthand, physical ID 0, cluster 0 bit 0 and
	 * the broadcast reach it; cluster 0 bit 1 and cluster 1 do not.
	 * Each EOI by MSR let the next one in.
	 */
	ASSERT_EQ(ARRAY_SIZE(want), mem32(t, COUNT));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		EXPECT_EQ(want[i], t->mem[LOG + i]) TH_LOG("interrupt %u", i);
	/* The ICR reads back whole: destination in bits 63:32. */
	EXPECT_EQ(0x84c, mem32(t, ICR_READ));
	EXPECT_EQ(0x10001, mem32(t, ICR_READ + 4));
	/* TPR 0x50 by MSR held 0x4a in IRR; CR8 and PPR say the same. */
	EXPECT_EQ(5, mem32(t, MASKED_COUNT));
	EXPECT_EQ(1U << (0x4a - 64), mem32(t, IRR_WORD2));
	EXPECT_EQ(5, mem32(t, CR8_READ));
	EXPECT_EQ(0x50, mem32(t, TPR_READ));
	EXPECT_EQ(0x50, mem32(t, PPR_READ));
}

TEST_F(x2apic, tsc_deadline_and_one_shot_timers_by_msr)
{
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(t, g_timer, 3 * tsc_per_ms()));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	ASSERT_EQ(2, mem32(t, COUNT));
	EXPECT_EQ(0x42, t->mem[LOG]);
	EXPECT_EQ(0x40, t->mem[LOG + 1]);
	EXPECT_GE(mem64(t, TSC_WOKEN), mem64(t, DEADLINE));
	EXPECT_GT(mem32(t, TMCCT_READ), 0);
	EXPECT_LE(mem32(t, TMCCT_READ), 2000000);
}

TEST_F(x2apic, eoi_msr_of_a_level_triggered_msi_reports_it)
{
	struct tvm *t = &self->t;
	struct minivmx_msi m = { .address = 0xfee00000, .data = 0xc048 };

	ASSERT_EQ(0, setup(t, g_wait, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_IO, t->run->exit_reason);
	ASSERT_EQ(READY_PORT, t->run->io.port);
	/* Level, asserted, vector 0x48 to APIC ID 0. */
	EXPECT_EQ(1, ioctl(t->vm, MINIVMX_SIGNAL_MSI, &m));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_EOI, t->run->exit_reason);
	EXPECT_EQ(0x48, t->run->eoi.vector);
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(1, mem32(t, COUNT));
	/* An MSI's 8-bit broadcast reaches an APIC in x2APIC mode. */
	m.address = 0xfee00000 | 0xff << 12;
	m.data = 0x49;
	EXPECT_EQ(1, ioctl(t->vm, MINIVMX_SIGNAL_MSI, &m));
}

TEST_F(x2apic, gp_for_bad_msrs_transitions_and_reserved_bits)
{
	struct tvm *t = &self->t;
	static const uint32_t want[] = {
		0x802, 0x808,			/* x2APIC MSRs in xAPIC mode */
		0x1b, 0x1b,			/* EXTD without EN, bit 9 */
		0x1b, 0x1b,			/* disabled to x2APIC, back */
		0x802, 0x80d,			/* read-only ID, LDR */
		0x80e, 0x83f, 0x80b,		/* no DFR; write-only */
		0x80b, 0x830, 0x830,		/* EOI 1; ICR bits 13, 20 */
		0x808, 0x808,			/* TPR bits 32, 8 */
		0x831, 0x840, 0x8ff,		/* no such register */
	};
	struct minivmx_lapic_state s;
	unsigned int i;

	ASSERT_EQ(0, setup(t, g_gp, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(ARRAY_SIZE(want), mem32(t, GP_COUNT));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		EXPECT_EQ(want[i], mem32(t, GP_LOG + 4 * i))
			TH_LOG("#GP %u", i);
	/* The refused ICR writes sent nothing; a legal read still works. */
	EXPECT_EQ(0, mem32(t, COUNT));
	EXPECT_EQ(0x50014, mem32(t, VERSION_READ));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_LAPIC, &s));
	EXPECT_EQ(0xfee00d00, s.apic_base);
}

/* MINIVMX_RUN of the AP in a thread. */
struct runner {
	pthread_t thread;
	int fd, ret;
	volatile int done;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = ioctl(r->fd, MINIVMX_RUN, 0);
	r->done = 1;
	return NULL;
}

TEST_F(x2apic, ipis_between_two_vcpus_in_x2apic_mode)
{
	struct tvm *t = &self->t;
	struct minivmx_lapic_state ls;
	struct minivmx_run *ap_run;
	uint16_t *ivt = (uint16_t *)t->mem;
	struct runner r = {};
	int ap, ms;

	ap = ioctl(t->vm, MINIVMX_CREATE_VCPU, 1);
	ASSERT_LE(0, ap);
	ap_run = mmap(NULL, MINIVMX_RUN_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, ap, 0);
	ASSERT_NE(MAP_FAILED, ap_run);
	ASSERT_EQ(0, setup(t, g_pair, 0));
	memcpy(t->mem + AP_CODE, x2_ap, x2_ap_end - x2_ap);
	ivt[0x50 * 2] = x2_ap_50 - x2_ap;
	ivt[0x50 * 2 + 1] = AP_CODE >> 4;
	ivt[0x51 * 2] = x2_ap_51 - x2_ap;
	ivt[0x51 * 2 + 1] = AP_CODE >> 4;

	/* The AP waits for INIT and its start-up IPI in the kernel. */
	r.fd = ap;
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	for (ms = 0; !r.done && ms < 10000; ms++)
		usleep(1000);
	ASSERT_TRUE(r.done);
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(MINIVMX_EXIT_HLT, ap_run->exit_reason);

	EXPECT_EQ(0x1234, mem32(t, AP_READY));
	/* The AP's x2APIC ID is its vCPU id; its LDR cluster 0, bit 1. */
	EXPECT_EQ(1, mem32(t, AP_ID));
	EXPECT_EQ(2, mem32(t, AP_LDR));
	/*
	 * Physical ID 1 and logical cluster 0 bit 1 reached it; bit 0 not.
	 * In either order: where the AP runs on a CPU of its own, both may
	 * wait in its IRR, and the higher vector is taken first.
	 */
	ASSERT_EQ(2, mem32(t, AP_COUNT));
	EXPECT_EQ(0x50, MIN(t->mem[AP_LOG], t->mem[AP_LOG + 1]));
	EXPECT_EQ(0x51, MAX(t->mem[AP_LOG], t->mem[AP_LOG + 1]));
	ASSERT_EQ(0, ioctl(ap, MINIVMX_GET_LAPIC, &ls));
	EXPECT_EQ(0xfee00c00, ls.apic_base);		/* EN | EXTD, no BSP */
	EXPECT_EQ(1, lapic_reg(&ls, 0x20));
	/* The BSP's own 0x52 waits in its IRR (IF was 0). */
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_LAPIC, &ls));
	EXPECT_EQ(1U << (0x52 - 64), lapic_reg(&ls, 0x220));
	munmap(ap_run, MINIVMX_RUN_SIZE);
	close(ap);
}

/* Without MINIVMX_CREATE_LAPIC: no x2APIC in CPUID, its MSRs #GP. */
TEST(x2apic_needs_the_in_kernel_lapic)
{
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, setup(&t, g_regs, 0));
	ASSERT_EQ(0, tvm_run(&t));
	EXPECT_EQ(MINIVMX_EXIT_MMIO, t.run->exit_reason);
	EXPECT_FALSE(mem32(&t, CPUID_1_ECX) & (1U << 21));
	/*
	 * IA32_APIC_BASE with EXTD (reserved without x2APIC in CPUID, as
	 * KVM has it), SVR's WRMSR, then the RDMSRs of 0x802, 0x803, 0x80d
	 * and 0x80f.
	 */
	EXPECT_EQ(6, mem32(&t, GP_COUNT));
	EXPECT_EQ(0x1b, mem32(&t, GP_LOG));
	EXPECT_EQ(0x80f, mem32(&t, GP_LOG + 4));
	EXPECT_EQ(0x802, mem32(&t, GP_LOG + 8));
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

TEST_HARNESS_MAIN
