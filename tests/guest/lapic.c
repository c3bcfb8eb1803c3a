// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel local APIC (MINIVMX_CREATE_LAPIC): its timer in one-shot,
 * periodic and TSC-deadline modes waking a guest from HLT in the kernel;
 * the current count falling; self-IPIs held back by the task priority
 * (CR8) and by a higher vector in service until its EOI; IPIs to logical
 * destinations and an NMI IPI; MSIs from
 * userspace waking a halted vCPU from another thread, level-triggered
 * ones reported at their EOI; a signal ending a HLT without losing it;
 * an application processor started by INIT and a start-up IPI; what CPUID
 * says; a periodic timer that asks for 1 ns held to 200 us; TSC deadlines
 * reaching a guest that runs through VMX-preemption-timer exits; bad
 * ioctls.
 *
 * The guest is 64-bit code assembled with this test (lapic_guest below),
 * copied to TVM_CODE; every interrupt vector 0x40-0x6f goes through a
 * stub to one handler that counts, logs the vector and the TSC, and
 * writes EOI unless told not to.  Each program ends with CLI; HLT, which
 * ends the run with MINIVMX_EXIT_HLT.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

/* Guest memory the programs and the test share. */
#define COUNT		0x8000	/* interrupts taken */
#define NO_EOI		0x8008	/* non-zero: the handler writes no EOI */
#define TSC_START	0x8010
#define TSC_END		0x8018
#define CCR1		0x8020	/* TMCCT read twice */
#define CCR2		0x8024
#define DEADLINE	0x8028	/* the TSC deadline armed */
#define DEADLINE_AFTER	0x8030	/* IA32_TSC_DEADLINE after it fired */
#define MASKED_COUNT	0x8040	/* count while the TPR masked 0x45 */
#define IRR_WORD2	0x8044	/* IRR bits 64-95 then */
#define ISR_COUNT	0x8048	/* count while 0x65 was in service */
#define PPR_END		0x804c
#define AP_FLAG		0x8050	/* the AP writes 0x1234 */
#define CPUID_1		0x8060	/* ECX, EDX of leaf 1 */
#define CPUID_6		0x8068	/* EAX of leaf 6 */
#define CPUID_15	0x8070	/* EAX, EBX, ECX of leaf 0x15 */
#define APIC_BASE_MSR	0x807c
#define TSC_READ	0x8080	/* RDTSC after the TSC was set to 2^60 */
#define TSC_MSR		0x8088	/* IA32_TSC then */
#define MISC_ENABLE	0x8090	/* IA32_MISC_ENABLE, then after clearing bit 0 */
#define LOG		0x8100	/* the vectors taken, in order */
#define LOG_TSC		0x8200	/* the TSC at each */
#define DEADLINES	0x8300	/* g_spin's deadlines */
#define IDT		0x9000
#define AP_CODE		0x20000	/* start-up vector 0x20 */
#define READY_PORT	0x10

/* Basic exit reasons (SDM Vol. 3D, Appendix C) the tests count. */
#define EXIT_REASON_EXTERNAL_INTERRUPT	1
#define EXIT_REASON_PREEMPTION_TIMER	52

asm(".pushsection .rodata.lapic_guest, \"a\"\n"
	".balign 16\n"
	"lapic_guest:\n"
	/* One-shot, 2 ms at divide-by-1; TMCCT twice; STI; HLT. */
	"g_oneshot:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"		/* SVR: enabled */
	"	movl $0xb, 0x3e0(%rsi)\n"		/* TDCR: divide by 1 */
	"	movl $0x40, 0x320(%rsi)\n"		/* LVTT: one-shot, 0x40 */
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8010\n"
	"	movl $2000000, 0x380(%rsi)\n"		/* TMICT */
	"	mov 0x390(%rsi), %eax\n"
	"	mov %eax, 0x8020\n"
	"	mov 0x390(%rsi), %eax\n"
	"	mov %eax, 0x8024\n"
	"	sti\n"
	"	hlt\n"
	"	cli\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8018\n"
	"	hlt\n"
	/* Periodic, 1 ms: HLT until five ticks, then mask it. */
	"g_periodic:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0xb, 0x3e0(%rsi)\n"
	"	movl $0x20041, 0x320(%rsi)\n"		/* periodic, 0x41 */
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8010\n"
	"	movl $1000000, 0x380(%rsi)\n"
	"	sti\n"
	"1:	hlt\n"
	"	cmpl $5, 0x8000\n"
	"	jb 1b\n"
	"	cli\n"
	"	movl $0x10000, 0x320(%rsi)\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8018\n"
	"	hlt\n"
	/* The TSC set to 2^60 (an offset), then as g_deadline. */
	"g_tsc:\n"
	"	xor %eax, %eax\n"
	"	mov $0x10000000, %edx\n"
	"	mov $0x10, %ecx\n"
	"	wrmsr\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8080\n"
	"	mov $0x10, %ecx\n"
	"	rdmsr\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8088\n"
	/* TSC deadline: now + RBP; HLT; IA32_TSC_DEADLINE afterwards. */
	"g_deadline:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0x40042, 0x320(%rsi)\n"		/* TSC-deadline, 0x42 */
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
	"	mov $0x6e0, %ecx\n"
	"	rdmsr\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8030\n"
	"	hlt\n"
	/* A deadline of 2^62: still armed after RBP cycles with IF = 1. */
	"g_far:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0x40042, 0x320(%rsi)\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	lea (%rax,%rbp), %rdi\n"
	"	mov $0x6e0, %ecx\n"
	"	xor %eax, %eax\n"
	"	mov $0x40000000, %edx\n"
	"	wrmsr\n"
	"	sti\n"
	"1:	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	cmp %rdi, %rax\n"
	"	jb 1b\n"
	"	cli\n"
	"	mov $0x6e0, %ecx\n"
	"	rdmsr\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8030\n"
	"	hlt\n"
	/*
	 * Twenty TSC deadlines RBP cycles apart, each awaited spinning with
	 * IF = 1 (no HLT): the vCPU's thread stays in the guest meanwhile.
	 */
	"g_spin:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0x40042, 0x320(%rsi)\n"
	"	xor %ebx, %ebx\n"
	"	sti\n"
	"1:	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	add %rbp, %rax\n"
	"	mov %rax, 0x8300(,%rbx,8)\n"		/* the deadlines */
	"	mov %rax, %rdx\n"
	"	shr $32, %rdx\n"
	"	mov $0x6e0, %ecx\n"
	"	wrmsr\n"
	"	inc %ebx\n"
	"2:	cmpl %ebx, 0x8000\n"
	"	jb 2b\n"
	"	cmp $20, %ebx\n"
	"	jb 1b\n"
	"	cli\n"
	"	hlt\n"
	/* Self-IPIs against the TPR and the vector in service. */
	"g_priority:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	mov $5, %eax\n"
	"	mov %rax, %cr8\n"
	"	movl $0x40045, 0x300(%rsi)\n"		/* ICR: self, fixed, 0x45 */
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	mov 0x8000, %eax\n"
	"	mov %eax, 0x8040\n"
	"	mov 0x220(%rsi), %eax\n"
	"	mov %eax, 0x8044\n"
	"	xor %eax, %eax\n"
	"	mov %rax, %cr8\n"
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	movb $1, 0x8008\n"
	"	movl $0x40065, 0x300(%rsi)\n"
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	movl $0x40055, 0x300(%rsi)\n"
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	mov 0x8000, %eax\n"
	"	mov %eax, 0x8048\n"
	"	movb $0, 0x8008\n"
	"	movl $0, 0xb0(%rsi)\n"			/* EOI for 0x65 */
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	mov 0xa0(%rsi), %eax\n"
	"	mov %eax, 0x804c\n"
	"	hlt\n"
	/* Enable the APIC, tell the test, wait for an interrupt. */
	"g_wait:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	out %al, $0x10\n"
	"	sti\n"
	"	hlt\n"
	"	cli\n"
	"	hlt\n"
	/* The BSP starts the AP (APIC ID 1) at 0x20000 and waits for it. */
	"g_bsp:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0x01000000, 0x310(%rsi)\n"	/* ICR2: APIC ID 1 */
	"	movl $0x4500, 0x300(%rsi)\n"		/* INIT, assert */
	"	movl $0x4620, 0x300(%rsi)\n"		/* start-up, vector 0x20 */
	"	mov $2000000, %ecx\n"
	"1:	cmpw $0x1234, 0x8050\n"
	"	je 2f\n"
	"	pause\n"
	"	loop 1b\n"
	"2:	hlt\n"
	/* Logical destinations (flat) and an NMI sent to itself. */
	"g_ipis:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0x01000000, 0xd0(%rsi)\n"		/* LDR: logical bit 0 */
	"	movl $0x01000000, 0x310(%rsi)\n"	/* ICR2: logical 0x01 */
	"	movl $0x846, 0x300(%rsi)\n"		/* fixed, logical, 0x46 */
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	movl $0x02000000, 0x310(%rsi)\n"	/* logical 0x02: not us */
	"	movl $0x847, 0x300(%rsi)\n"
	"	sti\n"
	"	nop\n"
	"	nop\n"
	"	cli\n"
	"	movl $0x40400, 0x300(%rsi)\n"		/* NMI, to itself */
	"	nop\n"
	"	nop\n"
	"	hlt\n"
	/* What CPUID and IA32_APIC_BASE say. */
	"g_cpuid:\n"
	"	mov $1, %eax\n"
	"	cpuid\n"
	"	mov %ecx, 0x8060\n"
	"	mov %edx, 0x8064\n"
	"	mov $6, %eax\n"
	"	xor %ecx, %ecx\n"
	"	cpuid\n"
	"	mov %eax, 0x8068\n"
	"	mov $0x15, %eax\n"
	"	xor %ecx, %ecx\n"
	"	cpuid\n"
	"	mov %eax, 0x8070\n"
	"	mov %ebx, 0x8074\n"
	"	mov %ecx, 0x8078\n"
	"	mov $0x1b, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, 0x807c\n"
	"	mov $0x1a0, %ecx\n"			/* IA32_MISC_ENABLE */
	"	rdmsr\n"
	"	mov %eax, 0x8090\n"
	"	and $~1, %eax\n"			/* fast strings off */
	"	wrmsr\n"
	"	rdmsr\n"
	"	mov %eax, 0x8094\n"
	"	hlt\n"
	/* A periodic timer of 1 ns, counted for RBP TSC cycles. */
	"g_flood:\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0x1ff, 0xf0(%rsi)\n"
	"	movl $0xb, 0x3e0(%rsi)\n"
	"	movl $0x20043, 0x320(%rsi)\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8010\n"
	"	lea (%rax,%rbp), %rdi\n"
	"	movl $1, 0x380(%rsi)\n"
	"	sti\n"
	"1:	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	cmp %rdi, %rax\n"
	"	jb 1b\n"
	"	cli\n"
	"	movl $0x10000, 0x320(%rsi)\n"
	"	hlt\n"
	/* The NMI: logged as vector 2 (the EOI it writes finds nothing). */
	"lapic_nmi:\n"
	"	push %rax\n"
	"	push %rbx\n"
	"	mov $2, %eax\n"
	"	jmp lapic_common\n"
	/* The interrupt handler: count, log vector and TSC, EOI. */
	"lapic_common:\n"
	"	push %rdx\n"
	"	push %rsi\n"
	"	mov 0x8000, %ebx\n"
	"	mov %al, 0x8100(%rbx)\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	mov %rax, 0x8200(,%rbx,8)\n"
	"	incl 0x8000\n"
	"	cmpb $0, 0x8008\n"
	"	jne 1f\n"
	"	mov $0xfee00000, %esi\n"
	"	movl $0, 0xb0(%rsi)\n"
	"1:	pop %rsi\n"
	"	pop %rdx\n"
	"	pop %rbx\n"
	"	pop %rax\n"
	"	iretq\n"
	/* Stubs for vectors 0x40-0x6f, 16 bytes apart. */
	".balign 16\n"
	"lapic_stubs:\n"
	".set lapic_vec, 0x40\n"
	".rept 48\n"
	".balign 16\n"
	"	push %rax\n"
	"	push %rbx\n"
	"	mov $lapic_vec, %eax\n"
	"	jmp lapic_common\n"
	".set lapic_vec, lapic_vec + 1\n"
	".endr\n"
	"lapic_guest_end:\n"
	/* The AP, in real mode after the start-up IPI (DS base 0). */
	".code16\n"
	"lapic_ap:\n"
	"	movw $0x1234, 0x8050\n"
	"	cli\n"
	"	hlt\n"
	"lapic_ap_end:\n"
	".code64\n"
	".popsection\n");

extern const uint8_t lapic_guest[], lapic_guest_end[], lapic_stubs[];
extern const uint8_t g_oneshot[], g_periodic[], g_deadline[], g_priority[];
extern const uint8_t g_tsc[], g_ipis[], lapic_nmi[], g_far[];
extern const uint8_t g_wait[], g_bsp[], g_cpuid[], g_flood[], g_spin[];
extern const uint8_t lapic_ap[], lapic_ap_end[];

#define GUEST_ADDR(sym)	(TVM_CODE + (uint64_t)((sym) - lapic_guest))
#define FIRST_STUB	0x40
#define NR_STUBS	48

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

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* TSC cycles per millisecond, measured (the guest's TSC is the host's). */
static uint64_t tsc_per_ms(void)
{
	uint64_t t0 = __rdtsc();
	double m0 = now_ms();

	usleep(20000);
	return (__rdtsc() - t0) / (now_ms() - m0);
}

/* Load the programs, the IDT, and start at @entry with RBP = @rbp. */
static int setup(struct tvm *t, const uint8_t *entry, uint64_t rbp)
{
	int i, ret;

	ret = tvm_setup(t, 64, lapic_guest, lapic_guest_end - lapic_guest);
	if (ret)
		return ret;
	for (i = 0; i < NR_STUBS; i++)
		tvm_gate64(t, IDT, FIRST_STUB + i,
			   GUEST_ADDR(lapic_stubs) + 16 * i, 0);
	tvm_gate64(t, IDT, 2, GUEST_ADDR(lapic_nmi), 0);
	return tvm_start64(t, IDT, GUEST_ADDR(entry), rbp);
}

static int get_lapic(int vcpu, struct minivmx_lapic_state *s)
{
	return ioctl(vcpu, MINIVMX_GET_LAPIC, s) ? -errno : 0;
}

static uint32_t lapic_reg(const struct minivmx_lapic_state *s, unsigned int off)
{
	uint32_t v;

	memcpy(&v, s->regs + off, sizeof(v));
	return v;
}

static void on_signal(int sig)
{
}

/* MINIVMX_RUN in a thread: the test meanwhile signals or sends MSIs. */
struct runner {
	pthread_t thread;
	int fd, ret, err;
	volatile int done;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = ioctl(r->fd, MINIVMX_RUN, 0);
	r->err = errno;
	r->done = 1;
	return NULL;
}

static int start_runner(struct runner *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	return pthread_create(&r->thread, NULL, run_thread, r);
}

/* Wait up to @ms for the runner; then interrupt it.  Return: it was done. */
static int wait_runner(struct runner *r, int ms)
{
	int done;

	while (!r->done && ms-- > 0)
		usleep(1000);
	done = r->done;
	if (!done)
		pthread_kill(r->thread, SIGUSR1);
	pthread_join(r->thread, NULL);
	return done;
}

static int msi(struct tvm *t, uint32_t dest, uint32_t data)
{
	struct minivmx_msi m = { .address = 0xfee00000 | dest << 12,
				 .data = data };

	return ioctl(t->vm, MINIVMX_SIGNAL_MSI, &m);
}

FIXTURE(lapic) {
	struct tvm t;
};

FIXTURE_SETUP(lapic)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	/* No SA_RESTART: a signal ends MINIVMX_RUN with EINTR. */
	sigaction(SIGUSR1, &sa, NULL);
	ASSERT_EQ(0, tvm_create_opt(&self->t, 1));
}

FIXTURE_TEARDOWN(lapic)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

TEST_F(lapic, one_shot_timer_wakes_hlt_in_the_kernel)
{
	struct tvm *t = &self->t;
	double start;

	ASSERT_EQ(0, setup(t, g_oneshot, 0));
	start = now_ms();
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	/* The STI; HLT slept in the kernel: one interrupt, vector 0x40. */
	EXPECT_EQ(1, mem32(t, COUNT));
	EXPECT_EQ(0x40, t->mem[LOG]);
	EXPECT_GE(now_ms() - start, 2.0);
	EXPECT_GE(mem64(t, LOG_TSC), mem64(t, TSC_START));
	/* The current count starts at most at the initial one and falls. */
	EXPECT_LE(mem32(t, CCR1), 2000000);
	EXPECT_GT(mem32(t, CCR1), 0);
	EXPECT_LT(mem32(t, CCR2), mem32(t, CCR1));
	EXPECT_EQ(2, t->run->exit_count[12]);	/* the two HLTs */
}

TEST_F(lapic, periodic_timer_ticks)
{
	struct tvm *t = &self->t;
	uint64_t per_ms = tsc_per_ms();

	ASSERT_EQ(0, setup(t, g_periodic, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(5, mem32(t, COUNT));
	EXPECT_EQ(0x41, t->mem[LOG + 4]);
	/* Five ticks of 1 ms: at least 5 ms after the start. */
	EXPECT_GE(mem64(t, LOG_TSC + 4 * 8) - mem64(t, TSC_START), 5 * per_ms)
		TH_LOG("%.2f ms per tick",
		       (double)(mem64(t, LOG_TSC + 32) - mem64(t, TSC_START)) /
		       per_ms / 5);
}

TEST_F(lapic, tsc_deadline_fires_at_or_after_its_deadline)
{
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(t, g_deadline, 3 * tsc_per_ms()));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(1, mem32(t, COUNT));
	EXPECT_EQ(0x42, t->mem[LOG]);
	EXPECT_GE(mem64(t, LOG_TSC), mem64(t, DEADLINE));
	/* IA32_TSC_DEADLINE reads 0 once it fired. */
	EXPECT_EQ(0, mem64(t, DEADLINE_AFTER));
}

/*
 * While the guest runs, its timer is the VMX-preemption timer's: each of
 * twenty deadlines 0.2 ms apart ends an entry by a preemption-timer exit
 * (without the folding, the timer's own period gives about four in those
 * 4 ms), and each interrupt comes at or after its deadline.
 */
TEST_F(lapic, tsc_deadline_in_a_running_guest_comes_by_the_preemption_timer)
{
	struct tvm *t = &self->t;
	__u64 preempt, extint;
	int i;

	ASSERT_EQ(0, setup(t, g_spin, tsc_per_ms() / 5));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(20, mem32(t, COUNT));
	for (i = 0; i < 20; i++) {
		EXPECT_EQ(0x42, t->mem[LOG + i]);
		EXPECT_GE(mem64(t, LOG_TSC + 8 * i), mem64(t, DEADLINES + 8 * i))
			TH_LOG("interrupt %d before its deadline", i);
	}
	/*
	 * Each deadline ends the spin by a preemption-timer exit, unless a
	 * host interrupt's exit came first when it was due (seen: 19 and 1
	 * in one debug-kernel run).  The timer must bring nearly all.
	 */
	preempt = t->run->exit_count[EXIT_REASON_PREEMPTION_TIMER];
	extint = t->run->exit_count[EXIT_REASON_EXTERNAL_INTERRUPT];
	EXPECT_GE(preempt + extint, 20)
		TH_LOG("%llu preemption-timer and %llu external-interrupt exits",
		       (unsigned long long)preempt, (unsigned long long)extint);
	EXPECT_GT(preempt, 2 * extint)
		TH_LOG("%llu preemption-timer and %llu external-interrupt exits",
		       (unsigned long long)preempt, (unsigned long long)extint);
}

TEST_F(lapic, tsc_deadline_centuries_away_does_not_fire)
{
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(t, g_far, 5 * tsc_per_ms()));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(0, mem32(t, COUNT));
	EXPECT_EQ(1ULL << 62, mem64(t, DEADLINE_AFTER));	/* still armed */
}

TEST_F(lapic, tsc_write_is_an_offset_and_the_deadline_follows_it)
{
	struct tvm *t = &self->t;
	uint64_t per_ms = tsc_per_ms(), host = __rdtsc();

	ASSERT_EQ(0, setup(t, g_tsc, 3 * per_ms));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	/* The guest's TSC runs on from 2^60; the host's was not touched. */
	EXPECT_GE(mem64(t, TSC_READ), 1ULL << 60);
	EXPECT_LT(mem64(t, TSC_READ) - (1ULL << 60), 1000 * per_ms);
	EXPECT_GE(mem64(t, TSC_MSR), mem64(t, TSC_READ));
	EXPECT_LT(__rdtsc() - host, 1000000 * per_ms);
	EXPECT_EQ(1, mem32(t, COUNT));
	EXPECT_GE(mem64(t, LOG_TSC), mem64(t, DEADLINE));
	/* The deadline, in the guest's TSC, came after about 3 ms. */
	EXPECT_LT(mem64(t, LOG_TSC) - mem64(t, DEADLINE), 1000 * per_ms);
}

TEST_F(lapic, task_priority_and_in_service_vector_hold_interrupts_back)
{
	struct tvm *t = &self->t;
	struct minivmx_lapic_state s;
	unsigned int off;

	ASSERT_EQ(0, setup(t, g_priority, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	/* CR8 = 5 kept 0x45 in IRR; CR8 = 0 let it in. */
	EXPECT_EQ(0, mem32(t, MASKED_COUNT));
	EXPECT_EQ(1U << 5, mem32(t, IRR_WORD2));
	/* 0x55 waited while 0x65 was in service, until its EOI. */
	EXPECT_EQ(2, mem32(t, ISR_COUNT));
	ASSERT_EQ(3, mem32(t, COUNT));
	EXPECT_EQ(0x45, t->mem[LOG]);
	EXPECT_EQ(0x65, t->mem[LOG + 1]);
	EXPECT_EQ(0x55, t->mem[LOG + 2]);
	EXPECT_EQ(0, mem32(t, PPR_END));

	/* MINIVMX_GET_LAPIC shows it: nothing pending, nothing in service. */
	ASSERT_EQ(0, get_lapic(t->vcpu, &s));
	EXPECT_EQ(0xfee00900, s.apic_base);
	EXPECT_EQ(MINIVMX_MP_RUNNABLE, s.mp_state);
	EXPECT_EQ(0x1ff, lapic_reg(&s, 0xf0));		/* SVR */
	EXPECT_EQ(0x50014, lapic_reg(&s, 0x30));	/* version */
	EXPECT_EQ(0, lapic_reg(&s, 0xa0));		/* PPR */
	for (off = 0x100; off < 0x280; off += 0x10)	/* ISR, TMR, IRR */
		EXPECT_EQ(0, lapic_reg(&s, off)) TH_LOG("offset %#x", off);
}

TEST_F(lapic, ipis_to_logical_destinations_and_an_nmi)
{
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(t, g_ipis, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	/* 0x46 to logical 0x01 (ours), not 0x47 to 0x02; the NMI with IF = 0. */
	ASSERT_EQ(2, mem32(t, COUNT));
	EXPECT_EQ(0x46, t->mem[LOG]);
	EXPECT_EQ(2, t->mem[LOG + 1]);
}

TEST_F(lapic, msi_from_another_thread_wakes_a_halted_vcpu)
{
	struct tvm *t = &self->t;
	struct runner r;

	ASSERT_EQ(0, setup(t, g_wait, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_IO, t->run->exit_reason);
	ASSERT_EQ(READY_PORT, t->run->io.port);
	ASSERT_EQ(0, start_runner(&r, t->vcpu));
	usleep(50000);
	EXPECT_FALSE(r.done) TH_LOG("HLT with IF=1 went to userspace");
	EXPECT_EQ(1, msi(t, 0, 0x47));
	ASSERT_TRUE(wait_runner(&r, 10000));
	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(1, mem32(t, COUNT));
	EXPECT_EQ(0x47, t->mem[LOG]);
}

TEST_F(lapic, signal_ends_the_run_and_the_vcpu_stays_halted)
{
	struct tvm *t = &self->t;
	struct minivmx_lapic_state s;
	struct runner r;

	ASSERT_EQ(0, setup(t, g_wait, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(0, start_runner(&r, t->vcpu));
	usleep(50000);
	pthread_kill(r.thread, SIGUSR1);
	ASSERT_TRUE(wait_runner(&r, 10000));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(MINIVMX_EXIT_INTR, t->run->exit_reason);
	ASSERT_EQ(0, get_lapic(t->vcpu, &s));
	EXPECT_EQ(MINIVMX_MP_HALTED, s.mp_state);
	/* Still halted: the next run sleeps until the MSI. */
	ASSERT_EQ(0, start_runner(&r, t->vcpu));
	usleep(50000);
	EXPECT_FALSE(r.done);
	EXPECT_EQ(1, msi(t, 0, 0x47));
	ASSERT_TRUE(wait_runner(&r, 10000));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(1, mem32(t, COUNT));

	/* Halted again, then new registers: the HLT is over. */
	ASSERT_EQ(0, setup(t, g_wait, 0));
	ASSERT_EQ(0, tvm_run(t));			/* the OUT */
	ASSERT_EQ(0, start_runner(&r, t->vcpu));
	usleep(50000);
	pthread_kill(r.thread, SIGUSR1);
	ASSERT_TRUE(wait_runner(&r, 10000));
	ASSERT_EQ(0, get_lapic(t->vcpu, &s));
	ASSERT_EQ(MINIVMX_MP_HALTED, s.mp_state);
	ASSERT_EQ(0, setup(t, g_cpuid, 0));
	ASSERT_EQ(0, get_lapic(t->vcpu, &s));
	EXPECT_EQ(MINIVMX_MP_RUNNABLE, s.mp_state);
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(0xfee00900, mem32(t, APIC_BASE_MSR));	/* g_cpuid ran */
}

TEST_F(lapic, level_triggered_msi_reports_its_eoi)
{
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(t, g_wait, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_IO, t->run->exit_reason);
	/* Level, asserted, vector 0x48. */
	EXPECT_EQ(1, msi(t, 0, 0xc048));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_EOI, t->run->exit_reason);
	EXPECT_EQ(0x48, t->run->eoi.vector);
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(1, mem32(t, COUNT));
	/* No APIC ID 1 in this VM; lowest priority to all (logical) is one. */
	EXPECT_EQ(0, msi(t, 1, 0x49));
	struct minivmx_msi m = { .address = 0xfee00000 | 0xff << 12 | 4,
				 .data = 0x100 | 0x4a };

	EXPECT_EQ(1, ioctl(t->vm, MINIVMX_SIGNAL_MSI, &m));
}

TEST_F(lapic, init_and_startup_ipi_start_an_application_processor)
{
	struct tvm *t = &self->t;
	struct minivmx_lapic_state ls;
	struct minivmx_run *ap_run;
	struct minivmx_sregs s;
	struct runner r;
	int ap;

	ap = ioctl(t->vm, MINIVMX_CREATE_VCPU, 1);
	ASSERT_LE(0, ap);
	ap_run = mmap(NULL, MINIVMX_RUN_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, ap, 0);
	ASSERT_NE(MAP_FAILED, ap_run);
	memcpy(t->mem + AP_CODE, lapic_ap, lapic_ap_end - lapic_ap);
	ASSERT_EQ(0, setup(t, g_bsp, 0));
	ASSERT_EQ(0, get_lapic(ap, &ls));
	EXPECT_EQ(MINIVMX_MP_WAIT_SIPI, ls.mp_state);
	EXPECT_EQ(0xfee00800, ls.apic_base);		/* no BSP flag */
	EXPECT_EQ(1U << 24, lapic_reg(&ls, 0x20));	/* APIC ID 1 */

	/* The AP waits for its start-up IPI in the kernel. */
	ASSERT_EQ(0, start_runner(&r, ap));
	usleep(50000);
	EXPECT_FALSE(r.done);
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	ASSERT_TRUE(wait_runner(&r, 10000));
	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(MINIVMX_EXIT_HLT, ap_run->exit_reason);
	EXPECT_EQ(0x1234, mem32(t, AP_FLAG));
	ASSERT_EQ(0, ioctl(ap, MINIVMX_GET_SREGS, &s));
	EXPECT_EQ(0x2000, s.cs.selector);
	EXPECT_EQ(AP_CODE, s.cs.base);
	munmap(ap_run, MINIVMX_RUN_SIZE);
	close(ap);
}

TEST_F(lapic, cpuid_shows_the_apic_and_its_timer)
{
	struct tvm *t = &self->t;
	uint64_t per_ms = tsc_per_ms();

	ASSERT_EQ(0, setup(t, g_cpuid, 0));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_TRUE(mem32(t, CPUID_1 + 4) & (1U << 9));		/* APIC */
	EXPECT_TRUE(mem32(t, CPUID_1) & (1U << 24));		/* TSC deadline */
	EXPECT_TRUE(mem32(t, CPUID_1) & (1U << 21));		/* x2APIC */
	EXPECT_TRUE(mem32(t, CPUID_6) & (1U << 2));		/* ARAT */
	/*
	 * Leaf 0x15: a 1 GHz crystal times EBX / EAX is the TSC rate, the
	 * TSC measured here within 20%; and Linux's 32-bit product of the
	 * crystal's kHz and EBX does not overflow.
	 */
	uint64_t eax = mem32(t, CPUID_15), ebx = mem32(t, CPUID_15 + 4);

	EXPECT_EQ(1000000000U, mem32(t, CPUID_15 + 8));
	ASSERT_NE(0, eax);
	EXPECT_GE(1000000 * ebx / eax, per_ms * 8 / 10);
	EXPECT_LE(1000000 * ebx / eax, per_ms * 12 / 10);
	EXPECT_LT(1000000 * ebx, 1ULL << 32);
	EXPECT_EQ(0xfee00900, mem32(t, APIC_BASE_MSR));
	/* IA32_MISC_ENABLE: fast strings on, and the guest may turn them off. */
	EXPECT_EQ(1, mem32(t, MISC_ENABLE));
	EXPECT_EQ(0, mem32(t, MISC_ENABLE + 4));
}

TEST_F(lapic, periodic_timer_of_one_nanosecond_is_held_to_200_us)
{
	struct tvm *t = &self->t;
	uint64_t per_ms = tsc_per_ms();
	uint32_t n;

	ASSERT_EQ(0, setup(t, g_flood, 20 * per_ms));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	n = mem32(t, COUNT);
	/* 20 ms at one tick per 200 us at most; a few for rounding. */
	EXPECT_GE(n, 1);
	EXPECT_LE(n, 105) TH_LOG("%u ticks in 20 ms", n);
}

TEST(lapic_bad_inputs)
{
	struct minivmx_msi m = { .address = 0xfee00000, .data = 0x40 };
	struct minivmx_lapic_state ls;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	EXPECT_EQ(1, ioctl(t.dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_LAPIC));
	/* Too late: a vCPU exists.  And no MSIs without local APICs. */
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_CREATE_LAPIC, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_LAPIC, &ls));
	EXPECT_EQ(ENXIO, errno);
	tvm_destroy(&t);

	ASSERT_EQ(0, tvm_create_opt(&t, 1));
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_CREATE_LAPIC, 0));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, NULL));
	EXPECT_EQ(EFAULT, errno);
	m.address = 0xfed00000;				/* not 0xFEE */
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(EINVAL, errno);
	m.address = 0x1fee00000ULL;			/* bits 63:32 */
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(EINVAL, errno);
	m.address = 0xfee00000;
	m.data = 0x240;					/* SMI */
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(EINVAL, errno);
	m.data = 0x40;
	m.flags = 1;
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(EINVAL, errno);
	m.flags = 0;
	m.pad[15] = 1;
	EXPECT_EQ(-1, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(EINVAL, errno);
	m.pad[15] = 0;
	/* The APIC is software-disabled after reset: nobody accepts it. */
	EXPECT_EQ(0, ioctl(t.vm, MINIVMX_SIGNAL_MSI, &m));
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_LAPIC, NULL));
	EXPECT_EQ(EFAULT, errno);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

TEST_HARNESS_MAIN
