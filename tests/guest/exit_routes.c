// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exits a student takes over (MINIVMX_SET_EXIT_ROUTES): CPUID, RDMSR and
 * WRMSR, HLT, control-register accesses and EPT violations reach
 * userspace as MINIVMX_EXIT_ROUTED, which answers with an action: resume
 * as it left the registers, skip the instruction, let the kernel handle
 * it after all, or inject #GP or #UD.  Routes are per VM; the exits that
 * keep the host safe cannot be routed.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define EXIT_CPUID	10
#define EXIT_HLT	12
#define EXIT_CR_ACCESS	28
#define EXIT_RDMSR	31
#define EXIT_WRMSR	32
#define EXIT_EPT_VIOL	48

#define IDT		0x5000
#define GP_HANDLER	(TVM_CODE + 0x100)	/* each is a HLT */
#define UD_HANDLER	(TVM_CODE + 0x200)

FIXTURE(route) {
	struct tvm t;
};

FIXTURE_SETUP(route)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
}

FIXTURE_TEARDOWN(route)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

static int set_routes(struct tvm *t, uint64_t user)
{
	struct minivmx_exit_routes r = { .user = { user } };

	return ioctl(t->vm, MINIVMX_SET_EXIT_ROUTES, &r) ? -errno : 0;
}

/* 64-bit @code at TVM_CODE, with #GP and #UD handlers that halt. */
static int start(struct tvm *t, const void *code, size_t len)
{
	int ret = tvm_setup(t, 64, code, len);

	if (ret)
		return ret;
	t->mem[GP_HANDLER] = 0xf4;
	t->mem[UD_HANDLER] = 0xf4;
	tvm_gate64(t, IDT, 13, GP_HANDLER, 0);
	tvm_gate64(t, IDT, 6, UD_HANDLER, 0);
	return tvm_start64(t, IDT, TVM_CODE, 0);
}

static struct minivmx_regs regs(struct tvm *t)
{
	struct minivmx_regs r;

	memset(&r, 0, sizeof(r));
	ioctl(t->vcpu, MINIVMX_GET_REGS, &r);
	return r;
}

/* Run; true when it stopped with a routed exit of basic reason @reason. */
static bool routed(struct tvm *t, unsigned int reason)
{
	if (tvm_run(t))
		return false;
	return t->run->exit_reason == MINIVMX_EXIT_ROUTED &&
	       t->run->vmx_exit_reason == reason &&
	       t->run->routed.action == MINIVMX_ROUTED_RESUME;
}

/* Run; the guest's HLT at @rip (one past it is where RIP stops). */
static bool halted_at(struct tvm *t, uint64_t rip)
{
	if (tvm_run(t) || t->run->exit_reason != MINIVMX_EXIT_HLT)
		return false;
	return t->run->guest_rip == rip;
}

/* Every routable reason is taken, every other one refused. */
TEST_F(route, only_routable_reasons_are_taken)
{
	struct minivmx_exit_routes r = {};
	int cap, bit;

	cap = ioctl(self->t.dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_EXIT_ROUTES);
	EXPECT_EQ(1, cap);
	for (bit = 0; bit < 64; bit++) {
		int want = MINIVMX_ROUTABLE_EXITS & 1ULL << bit ? 0 : -EINVAL;

		EXPECT_EQ(want, set_routes(&self->t, 1ULL << bit))
			TH_LOG("exit reason %d", bit);
	}
	/* External interrupts, NMIs and exceptions stay with the host. */
	EXPECT_EQ(-EINVAL, set_routes(&self->t, MINIVMX_ROUTABLE_EXITS | 3));
	r.user[1] = 1;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_EXIT_ROUTES, &r));
	EXPECT_EQ(EINVAL, errno);
	r.user[1] = 0;
	r.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_EXIT_ROUTES, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_EXIT_ROUTES, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* A VM's routes, not a vCPU's. */
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_EXIT_ROUTES, &r));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(0, set_routes(&self->t, 0));
}

/* A CPUID answered in userspace; SKIP moves past the instruction. */
TEST_F(route, cpuid_answered_by_userspace)
{
	static const uint8_t code[] = {
		0xb8, 0x23, 0x01, 0x00, 0x40,	/* mov $0x40000123, %eax */
		0x0f, 0xa2,			/* cpuid */
		0xf4,				/* hlt */
	};
	struct minivmx_regs r;

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_CPUID));
	ASSERT_TRUE(routed(&self->t, EXIT_CPUID));
	EXPECT_EQ(TVM_CODE + 5, self->t.run->guest_rip);
	EXPECT_EQ(2, self->t.run->routed.insn_len);
	EXPECT_EQ(1, self->t.run->exit_count[EXIT_CPUID]);
	r = regs(&self->t);
	EXPECT_EQ(0x40000123, r.rax);
	r.rax = 0x11;
	r.rbx = 0x22;
	r.rcx = 0x33;
	r.rdx = 0x44;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &r));
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 7));
	r = regs(&self->t);
	EXPECT_EQ(0x11, r.rax);
	EXPECT_EQ(0x22, r.rbx);
	EXPECT_EQ(0x33, r.rcx);
	EXPECT_EQ(0x44, r.rdx);
}

/* KERNEL: the kernel's own answer, as if the exit had not been routed. */
TEST_F(route, kernel_action_gives_the_kernels_answer)
{
	static const uint8_t code[] = {
		0x31, 0xc0,			/* xor %eax, %eax */
		0x0f, 0xa2,			/* cpuid */
		0xf4,				/* hlt */
		0x31, 0xc0,			/* xor %eax, %eax */
		0x0f, 0xa2,			/* cpuid */
		0xf4,				/* hlt */
	};
	struct minivmx_regs in_kernel;

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 4));
	in_kernel = regs(&self->t);
	ASSERT_NE(0, in_kernel.rbx);		/* the vendor string */
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_CPUID));
	ASSERT_TRUE(routed(&self->t, EXIT_CPUID));
	EXPECT_EQ(TVM_CODE + 7, self->t.run->guest_rip);
	self->t.run->routed.action = MINIVMX_ROUTED_KERNEL;
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 9));
	EXPECT_EQ(in_kernel.rbx, regs(&self->t).rbx);
	EXPECT_EQ(in_kernel.rcx, regs(&self->t).rcx);
	EXPECT_EQ(in_kernel.rdx, regs(&self->t).rdx);
}

/* An MSR the kernel does not know (#GP), kept by userspace instead. */
TEST_F(route, msr_kept_by_userspace)
{
	static const uint8_t code[] = {
		0xb9, 0x99, 0x00, 0x00, 0x4b,	/* mov $0x4b000099, %ecx */
		0xb8, 0x05, 0x00, 0x00, 0x00,	/* mov $5, %eax */
		0xba, 0x06, 0x00, 0x00, 0x00,	/* mov $6, %edx */
		0x0f, 0x30,			/* wrmsr */
		0x31, 0xc0,			/* xor %eax, %eax */
		0x31, 0xd2,			/* xor %edx, %edx */
		0x0f, 0x32,			/* rdmsr */
		0xf4,				/* hlt */
	};
	struct minivmx_regs r;
	uint64_t kept;

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_RDMSR |
					  1ULL << EXIT_WRMSR));
	ASSERT_TRUE(routed(&self->t, EXIT_WRMSR));
	r = regs(&self->t);
	EXPECT_EQ(0x4b000099, r.rcx);
	kept = r.rdx << 32 | (uint32_t)r.rax;
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	ASSERT_TRUE(routed(&self->t, EXIT_RDMSR));
	EXPECT_EQ(TVM_CODE + 21, self->t.run->guest_rip);
	r = regs(&self->t);
	r.rax = (uint32_t)kept;
	r.rdx = kept >> 32;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &r));
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 23));
	EXPECT_EQ(5, regs(&self->t).rax);
	EXPECT_EQ(6, regs(&self->t).rdx);
}

/* GP and UD deliver the exception at the instruction, through the IDT. */
TEST_F(route, gp_and_ud_actions_inject)
{
	static const uint8_t code[] = {
		0x31, 0xc9,			/* xor %ecx, %ecx */
		0x0f, 0x32,			/* rdmsr */
		0xf4,				/* hlt */
	};

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_RDMSR));
	ASSERT_TRUE(routed(&self->t, EXIT_RDMSR));
	self->t.run->routed.action = MINIVMX_ROUTED_GP;
	ASSERT_TRUE(halted_at(&self->t, GP_HANDLER));

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_TRUE(routed(&self->t, EXIT_RDMSR));
	self->t.run->routed.action = MINIVMX_ROUTED_UD;
	ASSERT_TRUE(halted_at(&self->t, UD_HANDLER));
}

/* HLT reaches userspace routed, not as MINIVMX_EXIT_HLT, until unrouted. */
TEST_F(route, hlt_routed_then_given_back)
{
	static const uint8_t code[] = { 0xf4, 0xf4, 0xf4 };

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_HLT));
	ASSERT_TRUE(routed(&self->t, EXIT_HLT));
	EXPECT_EQ(TVM_CODE, self->t.run->guest_rip);
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	ASSERT_TRUE(routed(&self->t, EXIT_HLT));
	EXPECT_EQ(TVM_CODE + 1, self->t.run->guest_rip);
	/* Given back while the exit is pending: that one is still routed. */
	ASSERT_EQ(0, set_routes(&self->t, 0));
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 2));
}

/* An unknown action fails MINIVMX_RUN and the exit waits for a good one. */
TEST_F(route, unknown_action_keeps_the_exit)
{
	static const uint8_t code[] = {
		0x0f, 0xa2,			/* cpuid */
		0xf4,				/* hlt */
	};

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_CPUID));
	ASSERT_TRUE(routed(&self->t, EXIT_CPUID));
	self->t.run->routed.action = 99;
	EXPECT_EQ(-EINVAL, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_ROUTED, self->t.run->exit_reason);
	EXPECT_EQ(TVM_CODE, tvm_rip(&self->t));
	EXPECT_EQ(1, self->t.run->exit_count[EXIT_CPUID]);
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 2));
}

/*
 * An EPT violation: its addresses, no instruction length (SKIP refused);
 * KERNEL turns it into the usual MMIO exit.
 */
TEST_F(route, ept_violation_routed_then_mmio)
{
	static const uint8_t code[] = {
		0x8b, 0x04, 0x25, 0x00, 0x00, 0x30, 0x00, /* mov 0x300000, %eax */
		0xf4,				/* hlt */
	};
	uint32_t val = 0x1234abcd;

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_EPT_VIOL));
	ASSERT_TRUE(routed(&self->t, EXIT_EPT_VIOL));
	EXPECT_EQ(0x300000, self->t.run->routed.gpa);
	EXPECT_EQ(0x300000, self->t.run->routed.gla);
	EXPECT_EQ(0, self->t.run->routed.insn_len);
	EXPECT_EQ(TVM_CODE, self->t.run->guest_rip);
	self->t.run->routed.action = MINIVMX_ROUTED_SKIP;
	EXPECT_EQ(-EINVAL, tvm_run(&self->t));
	/* RESUME runs the access again: the same exit. */
	self->t.run->routed.action = MINIVMX_ROUTED_RESUME;
	ASSERT_TRUE(routed(&self->t, EXIT_EPT_VIOL));
	self->t.run->routed.action = MINIVMX_ROUTED_KERNEL;
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, self->t.run->exit_reason);
	EXPECT_EQ(0x300000, self->t.run->mmio.phys_addr);
	EXPECT_EQ(4, self->t.run->mmio.len);
	EXPECT_EQ(0, self->t.run->mmio.is_write);
	memcpy(self->t.run->mmio.data, &val, sizeof(val));
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 7));
	EXPECT_EQ(val, regs(&self->t).rax);
}

/* MOV to and from CR8, seen in userspace and done by the kernel. */
TEST_F(route, cr_access_seen_then_done_by_the_kernel)
{
	static const uint8_t code[] = {
		0xb8, 0x07, 0x00, 0x00, 0x00,	/* mov $7, %eax */
		0x44, 0x0f, 0x22, 0xc0,		/* mov %rax, %cr8 */
		0x44, 0x0f, 0x20, 0xc3,		/* mov %cr8, %rbx */
		0xf4,				/* hlt */
	};

	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_CR_ACCESS));
	ASSERT_TRUE(routed(&self->t, EXIT_CR_ACCESS));
	/* SDM Table 28-3: CR 8, MOV to CR (type 0), from RAX (0). */
	EXPECT_EQ(0x008, self->t.run->exit_qualification & 0xfff);
	EXPECT_EQ(TVM_CODE + 5, self->t.run->guest_rip);
	self->t.run->routed.action = MINIVMX_ROUTED_KERNEL;
	ASSERT_TRUE(routed(&self->t, EXIT_CR_ACCESS));
	/* MOV from CR (type 1) to RBX (3). */
	EXPECT_EQ(0x318, self->t.run->exit_qualification & 0xfff);
	self->t.run->routed.action = MINIVMX_ROUTED_KERNEL;
	ASSERT_TRUE(halted_at(&self->t, TVM_CODE + 13));
	EXPECT_EQ(7, regs(&self->t).rbx);
}

/* Routes are the VM's: another VM's CPUID stays in its kernel. */
TEST_F(route, routes_belong_to_one_vm)
{
	static const uint8_t code[] = {
		0x31, 0xc0,			/* xor %eax, %eax */
		0x0f, 0xa2,			/* cpuid */
		0xf4,				/* hlt */
	};
	struct tvm other;

	ASSERT_EQ(0, tvm_create(&other));
	ASSERT_EQ(0, set_routes(&self->t, 1ULL << EXIT_CPUID));
	ASSERT_EQ(0, start(&self->t, code, sizeof(code)));
	ASSERT_EQ(0, start(&other, code, sizeof(code)));
	EXPECT_TRUE(halted_at(&other, TVM_CODE + 4));
	EXPECT_TRUE(routed(&self->t, EXIT_CPUID));
	tvm_destroy(&other);
}

TEST_HARNESS_MAIN
