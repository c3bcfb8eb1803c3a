// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host against its guests and callers: small guests, written as
 * machine code, that try what REVIEW-kmod.md found a guest could do to
 * the host (CR8, debug registers, RDPMC, SYSCALL without LSTAR, XSETBV,
 * CR4 bits for state that is not switched) and what the CPU must do when
 * minivmx emulates an instruction (RIP wrap, single-step); a SET_SREGS
 * racing a slot deletion; and who may open /dev/minivmx.
 */
#include <cpuid.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define EXIT_REASON_RDPMC	15
#define EXIT_REASON_DR_ACCESS	29
#define EXIT_REASON_XSETBV	55

FIXTURE(hard) {
	struct tvm t;
};

FIXTURE_SETUP(hard)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
}

FIXTURE_TEARDOWN(hard)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

static void on_signal(int sig)
{
}

static struct minivmx_regs get_regs(struct tvm *t)
{
	struct minivmx_regs r;

	memset(&r, 0, sizeof(r));
	ioctl(t->vcpu, MINIVMX_GET_REGS, &r);
	return r;
}

/* Local-timer interrupts taken so far, all CPUs ("LOC:" in /proc/interrupts). */
static unsigned long long timer_interrupts(void)
{
	unsigned long long sum = 0, n;
	char line[512], *p, *end;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "LOC:");
		if (!p)
			continue;
		for (p += 4;; p = end) {
			n = strtoull(p, &end, 10);
			if (end == p)
				break;
			sum += n;
		}
	}
	fclose(f);
	return sum;
}

/*
 * C1: CR8 is the local APIC's task priority.  A guest that raises it to
 * 15 and spins must not take the host's interrupts away: the timer still
 * ticks (the alarm below needs it), and the guest reads back its own 15.
 */
TEST_F(hard, cr8_stays_with_the_guest)
{
	static const uint8_t code[] = {
		0xb8, 0x0f, 0x00, 0x00, 0x00,	/* mov $15, %eax */
		0x44, 0x0f, 0x22, 0xc0,		/* mov %rax, %cr8 */
		0x44, 0x0f, 0x20, 0xc3,		/* mov %cr8, %rbx */
		0xeb, 0xfe,			/* jmp . */
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct itimerval it = { .it_value = { .tv_usec = 300000 } };
	unsigned long long before = timer_interrupts();

	sigaction(SIGALRM, &sa, NULL);
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	setitimer(ITIMER_REAL, &it, NULL);
	/* Without CR8 exiting the host hangs here, for good. */
	EXPECT_EQ(-EINTR, tvm_run(&self->t));
	EXPECT_LT(before, timer_interrupts());
	EXPECT_EQ(15, get_regs(&self->t).rbx);
	EXPECT_EQ(0, usleep(50000));
}

/*
 * H3: the CPU's debug registers hold the host's breakpoints.  The guest
 * sees its own DR0-DR7 (reset values, then what it wrote), never the
 * host's breakpoint address; and the host's breakpoint still fires after
 * the guest ran.
 */
TEST_F(hard, debug_registers_are_the_guests)
{
	static const uint8_t code[] = {
		0x0f, 0x21, 0xc0,		/* mov %dr0, %rax */
		0x0f, 0x21, 0xfb,		/* mov %dr7, %rbx */
		0xb9, 0x34, 0x12, 0x00, 0x00,	/* mov $0x1234, %ecx */
		0x0f, 0x23, 0xc1,		/* mov %rcx, %dr0 */
		0x0f, 0x21, 0xc2,		/* mov %dr0, %rdx */
		0xf4,				/* hlt */
	};
	static volatile int var;
	struct minivmx_regs r;
	int fd = bp_open(&var);

	if (fd < 0)
		SKIP(return, "no hardware breakpoints here: %s", strerror(errno));
	var = 1;
	if (bp_count(fd) != 1) {
		close(fd);
		SKIP(return, "the host's breakpoint does not fire here");
	}
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	r = get_regs(&self->t);
	EXPECT_EQ(0, r.rax);		/* not the host's &var */
	EXPECT_EQ(0x400, r.rbx);
	EXPECT_EQ(0x1234, r.rdx);
	EXPECT_EQ(4, self->t.run->exit_count[EXIT_REASON_DR_ACCESS]);
	var = 2;
	EXPECT_EQ(2, bp_count(fd));
	close(fd);
}

/*
 * The guest's own single step (real mode, TF set with POPF): its #DB is
 * intercepted and handed back, so its DR6 bits never reach the host's
 * DR6, where the host's next #DB -- a watchpoint of this process -- would
 * take them for a single step of its own and send SIGTRAP.  #DB and #AC
 * are always intercepted: a guest could otherwise make the CPU deliver
 * them forever, hanging the host's core (CVE-2015-8104, CVE-2015-5307).
 */
TEST_F(hard, guest_single_step_stays_out_of_host_dr6)
{
	static const uint8_t code[] = {
		0x9c,			/* 0: pushf */
		0x58,			/* 1: pop %ax */
		0x80, 0xcc, 0x01,	/* 2: or $1, %ah (TF) */
		0x50,			/* 5: push %ax */
		0x9d,			/* 6: popf */
		0x90,			/* 7: nop: #DB after it */
		0xf4,			/* 8: hlt, not reached */
		[0x40] = 0xf4,		/* #DB handler: hlt */
	};
	struct minivmx_vmcs_field f = { .encoding = 0x4004 };	/* bitmap */
	struct minivmx_vmcs_read rd = { .nr = 1, .fields = (uintptr_t)&f };
	static volatile int var;
	uint16_t *stack;
	int fd;

	ASSERT_EQ(0, tvm_setup(&self->t, 16, code, sizeof(code)));
	tvm_set_ivt(&self->t, 1, 0x40);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_VMCS, &rd));
	EXPECT_EQ((1 << 1) | (1 << 17) | (1 << 18), f.value);
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	EXPECT_EQ(0x40, self->t.run->guest_rip);
	stack = (uint16_t *)(self->t.mem + get_regs(&self->t).rsp);
	EXPECT_EQ(8, stack[0]);			/* IP after the NOP */
	EXPECT_EQ(0x100, stack[2] & 0x100);	/* its TF, pushed */
	EXPECT_LE(1, self->t.run->exit_count[0]);	/* the #DB exited */

	fd = bp_open(&var);
	if (fd < 0)
		SKIP(return, "no hardware breakpoints here: %s", strerror(errno));
	var = 1;			/* no stale DR6.BS: no SIGTRAP */
	EXPECT_EQ(1, bp_count(fd));
	close(fd);
}

/* M1: RDPMC would read the host's counters: #GP (no IDT: shutdown). */
TEST_F(hard, rdpmc_is_gp)
{
	static const uint8_t code[] = {
		0x31, 0xc9,			/* xor %ecx, %ecx */
		0x0f, 0x33,			/* rdpmc */
		0xf4,
	};
	struct minivmx_run *run = self->t.run;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_SHUTDOWN, run->exit_reason);
	EXPECT_EQ(TVM_CODE + 2, run->shutdown.regs.rip);
	EXPECT_EQ(1, run->exit_count[EXIT_REASON_RDPMC]);
}

/*
 * M2: a guest that turns on EFER.SCE and never writes LSTAR must SYSCALL
 * to its own LSTAR (0, where a HLT waits), not the host's entry point.
 */
TEST_F(hard, syscall_without_lstar_stays_in_the_guest)
{
	static const uint8_t code[] = {
		0xb9, 0x80, 0x00, 0x00, 0xc0,	/* mov $0xc0000080, %ecx */
		0x0f, 0x32,			/* rdmsr */
		0x83, 0xc8, 0x01,		/* or $1, %eax: SCE */
		0x0f, 0x30,			/* wrmsr */
		0x0f, 0x05,			/* syscall */
		0xf4,
	};
	struct minivmx_run *run = self->t.run;

	self->t.mem[0] = 0xf4;
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(0, run->guest_rip);
	EXPECT_EQ(TVM_CODE + sizeof(code) - 1, get_regs(&self->t).rcx);
}

/*
 * C2: XSETBV of a valid XCR0 works; x87 with only half of MPX's pair is
 * #GP, as it is for every unsupported or unpaired value (the pair rules
 * themselves are in the KUnit tests, with a synthetic host XCR0).
 */
TEST_F(hard, xsetbv_checks_xcr0)
{
	static const uint8_t code[] = {
		0x0f, 0x20, 0xe0,		/* mov %cr4, %rax */
		0x48, 0x0f, 0xba, 0xe8, 0x12,	/* bts $18, %rax: OSXSAVE */
		0x0f, 0x22, 0xe0,		/* mov %rax, %cr4 */
		0x31, 0xc9,			/* xor %ecx, %ecx */
		0x31, 0xd2,			/* xor %edx, %edx */
		0xb8, 0x03, 0x00, 0x00, 0x00,	/* mov $3, %eax */
		0x0f, 0x01, 0xd1,		/* xsetbv */
		0xb8, 0x09, 0x00, 0x00, 0x00,	/* mov $9, %eax */
		0x0f, 0x01, 0xd1,		/* xsetbv: #GP */
		0xf4,
	};
	struct minivmx_run *run = self->t.run;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_SHUTDOWN, run->exit_reason);
	EXPECT_EQ(TVM_CODE + 28, run->shutdown.regs.rip);
	EXPECT_EQ(2, run->exit_count[EXIT_REASON_XSETBV]);
}

/* M9: CR4 bits for state minivmx does not switch are refused. */
TEST_F(hard, cr4_bits_without_switched_state_are_refused)
{
	static const uint64_t bits[] = {
		1ULL << 22,	/* PKE: PKRU */
		1ULL << 12,	/* LA57 */
		1ULL << 23,	/* CET */
		1ULL << 13,	/* VMXE */
	};
	struct minivmx_sregs s;
	unsigned int i;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, "\xf4", 1));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
		s.cr4 |= bits[i];
		EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
		EXPECT_EQ(EINVAL, errno);
	}
}

/* CPUID leaf @fn, subleaf @idx, as the guest sees it. */
static int guest_cpuid(struct tvm *t, uint32_t fn, uint32_t idx,
		       struct minivmx_regs *r)
{
	static const uint8_t code[] = { 0x0f, 0xa2, 0xf4 };	/* cpuid; hlt */

	if (tvm_setup(t, 64, code, sizeof(code)))
		return -1;
	*r = get_regs(t);
	r->rax = fn;
	r->rcx = idx;
	if (ioctl(t->vcpu, MINIVMX_SET_REGS, r) || tvm_run(t) ||
	    t->run->exit_reason != MINIVMX_EXIT_HLT)
		return -1;
	*r = get_regs(t);
	return 0;
}

/* L11: CPUID does not offer what minivmx does not virtualise. */
TEST_F(hard, cpuid_hides_what_is_not_virtualised)
{
	struct minivmx_regs r;

	ASSERT_EQ(0, guest_cpuid(&self->t, 7, 0, &r));
	/* PKU, OSPKE, LA57, RDPID */
	EXPECT_EQ(0, r.rcx & (1 << 3 | 1 << 4 | 1 << 16 | 1 << 22));
	/* CET_IBT, AMX, the speculation controls, ARCH_CAPABILITIES */
	EXPECT_EQ(0, r.rdx & 0xfd500000);
	/* INVPCID, MPX */
	EXPECT_EQ(0, r.rbx & (1 << 10 | 1 << 14));
	ASSERT_EQ(0, guest_cpuid(&self->t, 0xd, 1, &r));
	EXPECT_EQ(0, r.rax & (1 << 3));		/* XSAVES */
	ASSERT_EQ(0, guest_cpuid(&self->t, 0xd, 0, &r));
	EXPECT_EQ(0, r.rax & (1 << 9));		/* PKRU */
}

/*
 * CPUID leaf 0xD's sizes are for the guest's XCR0, not the host's (the
 * CPUID exit is handled with the host's XCR0 loaded): with XCR0 = x87 |
 * SSE, the legacy area and the header, 576 bytes, in both formats.  A
 * Linux guest sized its FPU buffers from them and warned ("XSAVE
 * consistency problem") when the compacted size read 0.
 */
TEST_F(hard, cpuid_xsave_sizes_follow_the_guests_xcr0)
{
	static const uint8_t code[] = {
		0x0f, 0x20, 0xe0,		/* mov %cr4, %rax */
		0x48, 0x0f, 0xba, 0xe8, 0x12,	/* bts $18, %rax: OSXSAVE */
		0x0f, 0x22, 0xe0,		/* mov %rax, %cr4 */
		0x31, 0xc9,			/* xor %ecx, %ecx */
		0x31, 0xd2,			/* xor %edx, %edx */
		0xb8, 0x03, 0x00, 0x00, 0x00,	/* mov $3, %eax */
		0x0f, 0x01, 0xd1,		/* xsetbv */
		0xb8, 0x0d, 0x00, 0x00, 0x00,	/* mov $0xd, %eax */
		0x31, 0xc9,			/* xor %ecx, %ecx */
		0x0f, 0xa2,			/* cpuid */
		0x89, 0xde,			/* mov %ebx, %esi */
		0xb8, 0x0d, 0x00, 0x00, 0x00,	/* mov $0xd, %eax */
		0xb9, 0x01, 0x00, 0x00, 0x00,	/* mov $1, %ecx */
		0x0f, 0xa2,			/* cpuid */
		0x89, 0xdf,			/* mov %ebx, %edi */
		0xf4,				/* hlt */
	};
	unsigned int a, b, c, d;
	struct minivmx_regs r;

	__cpuid_count(0xd, 1, a, b, c, d);
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	r = get_regs(&self->t);
	EXPECT_EQ(576, r.rsi);
	/* The compacted size, where XSAVEC is offered. */
	EXPECT_EQ(a & 2 ? 576 : 0, r.rdi);
}

/* L4: outside 64-bit code, RIP wraps at 4 GiB after an emulated CPUID. */
TEST_F(hard, rip_wraps_after_emulated_instruction)
{
	struct minivmx_run *run = self->t.run;
	struct minivmx_regs r;
	struct minivmx_sregs s;

	ASSERT_EQ(0, tvm_setup(&self->t, 32, "\xf4", 1));
	/* CS.base 0x20000 + EIP 0xfffffffe = linear 0x1fffe (mod 4 GiB) */
	self->t.mem[0x1fffe] = 0x0f;	/* cpuid */
	self->t.mem[0x1ffff] = 0xa2;
	self->t.mem[0x20000] = 0xf4;	/* hlt, at EIP 0 */
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	s.cs.base = 0x20000;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
	r = get_regs(&self->t);
	r.rip = 0xfffffffe;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &r));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(0, run->guest_rip);
}

/*
 * L4: with RFLAGS.TF set, an instruction minivmx emulates ends in the
 * single-step #DB right after it, as it would on the CPU.  Real mode:
 * the #DB handler (IVT vector 1) reads DR6 and halts; the IP it saved
 * tells where the trap came.
 */
TEST_F(hard, single_step_trap_after_emulated_instruction)
{
	static const uint8_t code[] = {
		0x9c,				/* 0: pushf */
		0x58,				/* 1: pop %ax */
		0x0d, 0x00, 0x01,		/* 2: or $0x100, %ax: TF */
		0x50,				/* 5: push %ax */
		0x9d,				/* 6: popf */
		0x0f, 0xa2,			/* 7: cpuid: traps after */
		0x90,				/* 9: nop */
		0x90,				/* 10: nop */
		0xf4,				/* 11: hlt */
	};
	struct minivmx_run *run = self->t.run;
	uint16_t *ivt = (uint16_t *)self->t.mem, *stack;

	ivt[2] = 0x500;			/* vector 1: 0000:0500 */
	ivt[3] = 0;
	memcpy(self->t.mem + 0x500, "\x0f\x21\xf0\xf4", 4); /* mov %dr6,%eax; hlt */
	ASSERT_EQ(0, tvm_setup(&self->t, 16, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(0x503, run->guest_rip);
	EXPECT_TRUE(get_regs(&self->t).rax & 0x4000);	/* DR6.BS */
	stack = (uint16_t *)(self->t.mem + 0xfff0 - 6);
	EXPECT_EQ(9, stack[0]);			/* IP right after CPUID */
	EXPECT_EQ(TVM_CODE >> 4, stack[1]);	/* CS */
	EXPECT_TRUE(stack[2] & 0x100);		/* TF, as it was */
}

/*
 * L6: the page walker behind string I/O checks rights and sets flags as
 * the CPU does.  Long mode, CR0.WP = 1, a second 2 MiB page mapped
 * read-only: REP OUTSB from it works and sets its PDE's accessed flag;
 * REP INSB into it is a #PF (present, write) at its address, which the
 * guest's handler sees (CR2 in RAX, the error code in RBX).
 */
TEST_F(hard, string_io_walk_checks_rights)
{
	static const uint8_t code[] = {
		0x48, 0xc7, 0xc6, 0x00, 0x00, 0x20, 0x00, /* mov $0x200000, %rsi */
		0xb9, 0x04, 0x00, 0x00, 0x00,		/* mov $4, %ecx */
		0x66, 0xba, 0x80, 0x00,			/* mov $0x80, %dx */
		0xf3, 0x6e,				/* rep outsb */
		0x48, 0xc7, 0xc7, 0x00, 0x00, 0x20, 0x00, /* mov $0x200000, %rdi */
		0xb9, 0x04, 0x00, 0x00, 0x00,		/* mov $4, %ecx */
		0xf3, 0x6c,				/* rep insb */
		0xf4,
	};
	struct minivmx_memory_region r = {
		.slot = 1, .guest_phys_addr = 0x200000, .memory_size = 0x200000,
	};
	uint64_t *pd = (uint64_t *)(self->t.mem + TVM_PML4 + 0x2000);
	uint64_t *idt = (uint64_t *)(self->t.mem + 0x6000);
	struct minivmx_run *run = self->t.run;
	struct minivmx_sregs s;
	struct minivmx_regs regs;
	uint8_t *ro;

	ro = mmap(NULL, r.memory_size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	r.userspace_addr = (uintptr_t)ro;
	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_MEMORY_REGION, &r));
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	pd[1] = 0x200000 | 0x81;		/* present, 2 MiB, read-only */
	/* #PF gate: 64-bit interrupt gate to 8:0x11000 */
	idt[14 * 2] = 0x1000 | 8 << 16 | 0x8eULL << 40 | 0x0001ULL << 48;
	idt[14 * 2 + 1] = 0;
	memcpy(self->t.mem + 0x11000, "\x0f\x20\xd0\x5b\xf4", 5);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	s.idt.base = 0x6000;
	s.idt.limit = 0xfff;
	s.cr0 |= 1 << 16;			/* WP */
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
	EXPECT_EQ(MINIVMX_IO_OUT, run->io.direction);
	EXPECT_EQ(4, run->io.count);
	EXPECT_TRUE(pd[1] & 0x20);		/* accessed */
	EXPECT_FALSE(pd[1] & 0x40);		/* not dirty */
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
	EXPECT_EQ(MINIVMX_IO_IN, run->io.direction);
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(0x11004, run->guest_rip);	/* in the #PF handler */
	regs = get_regs(&self->t);
	EXPECT_EQ(0x200000, regs.rax);		/* CR2 */
	EXPECT_EQ(3, regs.rbx);			/* present, write */
	munmap(ro, r.memory_size);
}

struct churn {
	int vm;
	uint8_t *page;
	volatile int added, stop;
};

static void *churn_slot(void *arg)
{
	struct churn *c = arg;
	struct minivmx_memory_region r = {
		.slot = 1, .guest_phys_addr = 0x400000, .memory_size = 4096,
		.userspace_addr = (uintptr_t)c->page,
	};
	struct minivmx_memory_region del = { .slot = 1 };

	while (!c->stop) {
		if (!ioctl(c->vm, MINIVMX_SET_MEMORY_REGION, &r))
			c->added++;
		sched_yield();
		ioctl(c->vm, MINIVMX_SET_MEMORY_REGION, &del);
		sched_yield();
	}
	return NULL;
}

/*
 * C3: SET_SREGS with PAE paging reads the PDPTEs from guest memory; a
 * slot deleted meanwhile must make it fail cleanly (EINVAL), never read
 * freed memory (the debug kernel's KASAN watches this one).
 */
TEST_F(hard, set_sregs_races_slot_deletion)
{
	struct churn c = { .vm = self->t.vm };
	struct minivmx_sregs s;
	int i, ok = 0, einval = 0;
	pthread_t th;

	c.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c.page);
	ASSERT_EQ(0, tvm_setup(&self->t, 32, "\xf4", 1));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	s.cr0 |= 0x80000000;		/* PG */
	s.cr4 |= 0x20;			/* PAE */
	s.cr3 = 0x400000;		/* the PDPT, in slot 1 */
	ASSERT_EQ(0, pthread_create(&th, NULL, churn_slot, &c));
	while (!c.added)
		sched_yield();
	for (i = 0; i < 3000; i++) {
		if (!ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s))
			ok++;
		else if (errno == EINVAL)
			einval++;
		sched_yield();
	}
	c.stop = 1;
	pthread_join(th, NULL);
	EXPECT_EQ(3000, ok + einval);
	EXPECT_LT(0, ok);
	TH_LOG("%d accepted, %d refused while the slot was away", ok, einval);
	munmap(c.page, 4096);
}

/* Run a child that becomes @uid with @gid as its only group; its status. */
static int as_user(uid_t uid, gid_t gid, int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		if (setgroups(1, &gid) || setgid(gid) || setuid(uid))
			_exit(100);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int run_a_guest(void)
{
	struct tvm t;
	int ret = 1;

	if (!tvm_create(&t) && !tvm_setup(&t, 64, "\xf4", 1) && !tvm_run(&t))
		ret = t.run->exit_reason == MINIVMX_EXIT_HLT ? 0 : 2;
	else if (errno == EACCES)
		ret = 13;
	tvm_destroy(&t);
	return ret;
}

static int open_device(void)
{
	int fd = open("/dev/minivmx", O_RDWR);

	if (fd >= 0)
		return 0;
	return errno == EACCES ? 13 : 1;
}

/*
 * /dev/minivmx is 0660; udev gives it to group "minivmx"
 * (udev/60-minivmx.rules), which this test does by hand.  A member runs a
 * guest; anyone else gets EACCES.
 */
TEST_F(hard, device_belongs_to_its_group)
{
	const gid_t group = 4242;
	struct stat st;

	ASSERT_EQ(0, stat("/dev/minivmx", &st));
	ASSERT_EQ(0, chown("/dev/minivmx", 0, group));
	EXPECT_EQ(0, as_user(1000, group, run_a_guest));
	EXPECT_EQ(13, as_user(1001, 1001, open_device));
	chown("/dev/minivmx", st.st_uid, st.st_gid);
}

TEST_HARNESS_MAIN
