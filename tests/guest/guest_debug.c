// SPDX-License-Identifier: GPL-2.0-only
/*
 * MINIVMX_SET_GUEST_DEBUG and MINIVMX_GET_VMCS, as a debugger uses them:
 * single steps and step N counted against guests whose instruction counts
 * are known by construction, in real, protected, paged and long mode;
 * steps across in-kernel exits, userspace exits and into events;
 * software and hardware breakpoints, watchpoints on writes and reads;
 * exit breakpoints for CPUID, I/O and CR access; the VMCS by encoding;
 * and the inputs both ioctls must refuse.
 *
 * Single steps use the monitor trap flag, or RFLAGS.TF where the CPU has
 * none: run the program again with MINIVMX_PARAMS=mtf=0 for that path.
 * Either way the guest sees the same: its own TF, INT n, SYSCALL and
 * PUSHF behave as without a debugger.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define EXIT_REASON_EXCEPTION_NMI	0
#define EXIT_REASON_CPUID		10
#define EXIT_REASON_CR_ACCESS		28
#define EXIT_REASON_IO_INSTRUCTION	30
#define EXIT_REASON_MTF			37
#define EXIT_REASON_EPT_VIOLATION	48

/* VMCS encodings (SDM Vol. 3D, Appendix B) */
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_CS_SELECTOR		0x0802
#define VMCS_EPT_POINTER		0x201a
#define VMCS_EPT_POINTER_HIGH		0x201b
#define VMCS_EXIT_REASON		0x4402
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_RIP			0x6c16
#define VMCS_EXCEPTION_BITMAP		0x4004

#define DATA	0x8000		/* what the watchpoints watch */
#define PD32	0x5000		/* 32-bit paging: one 4 MiB page at 0 */

enum mode { REAL, PROT, PAGED, LONG };

FIXTURE(dbg) {
	struct tvm t;
	int bits;
	uint64_t code;		/* linear address of the code */
	uint64_t cs_base;
};

FIXTURE_VARIANT(dbg) {
	enum mode mode;
};

FIXTURE_VARIANT_ADD(dbg, real) { .mode = REAL };
FIXTURE_VARIANT_ADD(dbg, protected) { .mode = PROT };
FIXTURE_VARIANT_ADD(dbg, paged) { .mode = PAGED };
FIXTURE_VARIANT_ADD(dbg, long) { .mode = LONG };

FIXTURE_SETUP(dbg)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
	self->bits = variant->mode == REAL ? 16 : variant->mode == LONG ? 64 : 32;
	self->code = TVM_CODE;
	self->cs_base = variant->mode == REAL ? TVM_CODE : 0;
}

FIXTURE_TEARDOWN(dbg)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

/* Load @code in the variant's mode; paged mode adds 32-bit paging. */
static int setup(struct __test_metadata *_metadata, FIXTURE_DATA(dbg) *self,
		 enum mode mode, const uint8_t *code, size_t len)
{
	struct minivmx_sregs s;
	uint32_t *pd = (uint32_t *)(self->t.mem + PD32);
	int ret = tvm_setup(&self->t, self->bits, code, len);

	if (ret || mode != PAGED)
		return ret;
	pd[0] = 0x83;			/* 4 MiB at 0: present, RW, PS */
	if (ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s))
		return -errno;
	s.cr3 = PD32;
	s.cr4 |= 0x10;			/* PSE */
	s.cr0 |= 0x80000000;		/* PG */
	return ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s) ? -errno : 0;
}

static int set_debug(struct tvm *t, uint32_t control, uint64_t steps)
{
	struct minivmx_guest_debug d = {
		.control = control | MINIVMX_GUESTDBG_ENABLE,
		.steps = steps,
	};

	return ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d) ? -errno : 0;
}

/* Run until an exit other than port I/O (which is simply resumed). */
static uint32_t run_to_stop(struct tvm *t)
{
	do {
		if (tvm_run(t))
			return MINIVMX_EXIT_UNKNOWN;
	} while (t->run->exit_reason == MINIVMX_EXIT_IO);
	return t->run->exit_reason;
}

static int vmcs_get(struct tvm *t, uint32_t enc, uint64_t *val)
{
	struct minivmx_vmcs_field f = { .encoding = enc };
	struct minivmx_vmcs_read r = { .nr = 1, .fields = (uintptr_t)&f };

	if (ioctl(t->vcpu, MINIVMX_GET_VMCS, &r))
		return -errno;
	*val = f.value;
	return 0;
}

/*
 * The exit each single step the CPU runs costs: the monitor trap flag's,
 * or with RFLAGS.TF (mtf=0, or a CPU without it) the #DB exception's.
 */
static unsigned int step_exit(struct tvm *t)
{
	char c = 'Y';
	FILE *f = fopen("/sys/module/minivmx/parameters/mtf", "r");

	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	if (c == 'Y' && ioctl(t->dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_MTF) > 0)
		return EXIT_REASON_MTF;
	return EXIT_REASON_EXCEPTION_NMI;
}

static struct minivmx_regs regs(struct tvm *t)
{
	struct minivmx_regs r;

	memset(&r, 0, sizeof(r));
	ioctl(t->vcpu, MINIVMX_GET_REGS, &r);
	return r;
}

/*
 * 13 instructions before the HLT, the same bytes in every mode: CPUID
 * (handled in the kernel), OUT to port 0x80 (handled by userspace), then
 * a loop of five.
 */
static const uint8_t counted[] = {
	0x0f, 0xa2,		/* 0: cpuid */
	0xe6, 0x80,		/* 2: out %al, $0x80 */
	0xb1, 0x05,		/* 4: mov $5, %cl */
	0xfe, 0xc9,		/* 6: dec %cl */
	0x75, 0xfc,		/* 8: jnz 6 */
	0xf4,			/* 10: hlt */
};
#define COUNTED_STEPS	13
#define COUNTED_HLT	10

TEST_F(dbg, single_steps_count_every_instruction)
{
	static const uint8_t after[COUNTED_STEPS] = {
		2, 4, 6, 8, 6, 8, 6, 8, 6, 8, 6, 8, 10,
	};
	uint64_t mtf_before;
	unsigned int n = 0;
	uint32_t why;

	ASSERT_EQ(0, setup(_metadata, self, variant->mode, counted,
			   sizeof(counted)));
	ASSERT_EQ(0, set_debug(&self->t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	mtf_before = self->t.run->exit_count[step_exit(&self->t)];
	while ((why = run_to_stop(&self->t)) == MINIVMX_EXIT_DEBUG) {
		ASSERT_GT(COUNTED_STEPS, n);
		EXPECT_EQ(MINIVMX_DEBUG_STEP, self->t.run->debug.reasons);
		EXPECT_EQ(1, self->t.run->debug.steps);
		EXPECT_EQ(self->code + after[n] - self->cs_base,
			  self->t.run->debug.rip) TH_LOG("step %u", n + 1);
		/* The guest's RFLAGS, without a debugger's TF. */
		EXPECT_EQ(0, regs(&self->t).rflags & 0x100);
		n++;
	}
	ASSERT_EQ(MINIVMX_EXIT_HLT, why);
	EXPECT_EQ(COUNTED_STEPS, n);
	EXPECT_EQ(self->code + COUNTED_HLT - self->cs_base,
		  self->t.run->guest_rip);
	/* The CPU ran 11 of them; CPUID and OUT were completed for it. */
	EXPECT_EQ(COUNTED_STEPS - 2,
		  self->t.run->exit_count[step_exit(&self->t)] - mtf_before);
}

TEST_F(dbg, step_n_is_n_single_steps)
{
	struct minivmx_regs one, many;
	struct tvm *t = &self->t;
	int i;

	/* Seven single steps... */
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, counted,
			   sizeof(counted)));
	ASSERT_EQ(0, set_debug(t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	for (i = 0; i < 7; i++)
		ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	one = regs(t);

	/* ...against one step of seven, across the userspace exit. */
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, counted,
			   sizeof(counted)));
	ASSERT_EQ(0, set_debug(t, MINIVMX_GUESTDBG_SINGLESTEP, 7));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_IO, t->run->exit_reason);
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP, t->run->debug.reasons);
	EXPECT_EQ(7, t->run->debug.steps);
	many = regs(t);
	EXPECT_EQ(one.rip, many.rip);
	EXPECT_EQ(one.rcx & 0xff, many.rcx & 0xff);
	EXPECT_EQ(self->code + 6 - self->cs_base, many.rip);
	EXPECT_EQ(3, many.rcx & 0xff);

	/* More steps than the guest has: it reaches its HLT. */
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, counted,
			   sizeof(counted)));
	ASSERT_EQ(0, set_debug(t, MINIVMX_GUESTDBG_SINGLESTEP, 1000000));
	EXPECT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));
}

/*
 * Breakpoints and watchpoints: set BX to DATA, write DATA, read it, then
 * INT3 (or a NOP), a NOP for the instruction breakpoint, HLT.
 */
struct bp_prog {
	uint8_t code[32];
	size_t len;
	unsigned int write_end, read_end, int3, nop, hlt;
};

static void bp_prog(struct bp_prog *p, int bits, bool int3)
{
	uint8_t *c = p->code;
	size_t n = 0;

	c[n++] = 0xbb;				/* mov $DATA, %(e)bx */
	c[n++] = DATA & 0xff;
	c[n++] = DATA >> 8;
	if (bits != 16) {
		c[n++] = 0;
		c[n++] = 0;
	}
	c[n++] = 0x88;				/* mov %al, (%bx) or (%ebx) */
	c[n++] = bits == 16 ? 0x07 : 0x03;
	p->write_end = n;
	c[n++] = 0x8a;				/* mov (%bx), %al */
	c[n++] = bits == 16 ? 0x07 : 0x03;
	p->read_end = n;
	p->int3 = n;
	c[n++] = int3 ? 0xcc : 0x90;
	p->nop = n;
	c[n++] = 0x90;
	p->hlt = n;
	c[n++] = 0xf4;
	p->len = n;
}

TEST_F(dbg, software_breakpoint_stops_at_int3)
{
	struct tvm *t = &self->t;
	struct minivmx_regs r;
	struct bp_prog p;

	bp_prog(&p, self->bits, true);
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, p.code, p.len));
	ASSERT_EQ(0, set_debug(t, MINIVMX_GUESTDBG_USE_SW_BP, 0));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_SW_BP, t->run->debug.reasons);
	EXPECT_EQ(self->code + p.int3 - self->cs_base, t->run->debug.rip);
	/* As gdb does: move past it and go on. */
	r = regs(t);
	r.rip++;
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_REGS, &r));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));
	EXPECT_EQ(self->code + p.hlt - self->cs_base, t->run->guest_rip);
}

TEST_F(dbg, hardware_breakpoint_stops_before_the_instruction)
{
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_USE_HW_BP,
		.dr7 = 1 << 4,		/* L2: execute, length 1 */
	};
	struct tvm *t = &self->t;
	struct bp_prog p;

	bp_prog(&p, self->bits, false);
	d.db[2] = self->code + p.nop;
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, p.code, p.len));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_HW_BP, t->run->debug.reasons);
	EXPECT_EQ(self->code + p.nop - self->cs_base, t->run->debug.rip);
	EXPECT_EQ(1 << 2, t->run->debug.dr6 & 0xf);
	/* RF lets the instruction run: the next stop is the HLT. */
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));
	EXPECT_EQ(self->code + p.hlt - self->cs_base, t->run->guest_rip);
}

TEST_F(dbg, watchpoints_stop_after_writes_and_reads)
{
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_USE_HW_BP,
		.db = { 0, DATA },
		/* L1, RW1 = 01 (writes), LEN1 = 00 (1 byte) */
		.dr7 = (1 << 2) | (1ULL << 20),
	};
	struct tvm *t = &self->t;
	struct bp_prog p;

	bp_prog(&p, self->bits, false);
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, p.code, p.len));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_WATCH, t->run->debug.reasons);
	EXPECT_EQ(self->code + p.write_end - self->cs_base, t->run->debug.rip);
	EXPECT_EQ(1 << 1, t->run->debug.dr6 & 0xf);
	/* Writes only: the read does not stop. */
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));

	/* RW1 = 11: reads and writes, two stops. */
	d.dr7 = (1 << 2) | (3ULL << 20);
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, p.code, p.len));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(self->code + p.write_end - self->cs_base, t->run->debug.rip);
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_WATCH, t->run->debug.reasons);
	EXPECT_EQ(self->code + p.read_end - self->cs_base, t->run->debug.rip);
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));
}

/*
 * CPUID, OUT to the in-kernel debug console, MOV to CR0 (that sets TS: a
 * write of the value CR0 has does not exit), HLT.
 */
static const uint8_t exiting[] = {
	0x0f, 0xa2,		/* 0: cpuid */
	0xe6, 0xe9,		/* 2: out %al, $0xe9 */
	0x0f, 0x20, 0xc0,	/* 4: mov %cr0, %eax */
	0x34, 0x08,		/* 7: xor $8, %al */
	0x0f, 0x22, 0xc0,	/* 9: mov %eax, %cr0 */
	0xf4,			/* 12: hlt */
};

TEST_F(dbg, exit_breakpoints_stop_after_in_kernel_exits)
{
	static const struct {
		uint32_t reason, rip, len;
		uint64_t qualification;
	} want[] = {
		{ EXIT_REASON_CPUID, 0, 2, 0 },
		/* port 0xe9, immediate, OUT, one byte (SDM Table 28-5) */
		{ EXIT_REASON_IO_INSTRUCTION, 2, 2, (0xe9ULL << 16) | 0x40 },
		/* CR0, MOV to CR, from RAX (Table 28-3) */
		{ EXIT_REASON_CR_ACCESS, 9, 3, 0 },
	};
	struct minivmx_port_route route = {
		.first_port = 0xe9, .nr_ports = 1,
		.handler = MINIVMX_PORT_DEBUGCON,
	};
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_EXIT_BP,
		.exit_bitmap = { (1ULL << EXIT_REASON_CPUID) |
				 (1ULL << EXIT_REASON_CR_ACCESS) |
				 (1ULL << EXIT_REASON_IO_INSTRUCTION) },
	};
	struct tvm *t = &self->t;
	static uint64_t val;
	unsigned int i;

	ASSERT_EQ(0, ioctl(t->vm, MINIVMX_SET_PORT_ROUTE, &route));
	ASSERT_EQ(0, setup(_metadata, self, variant->mode, exiting,
			   sizeof(exiting)));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t)) TH_LOG("stop %u", i);
		EXPECT_EQ(MINIVMX_DEBUG_EXIT, t->run->debug.reasons);
		EXPECT_EQ(want[i].reason, t->run->debug.vmx_exit_reason);
		EXPECT_EQ(self->code + want[i].rip - self->cs_base,
			  t->run->debug.exit_rip);
		EXPECT_EQ(want[i].len, t->run->debug.insn_len);
		EXPECT_EQ(want[i].qualification,
			  t->run->debug.exit_qualification);
		/* Handled already: RIP is past the instruction. */
		EXPECT_EQ(self->code + want[i].rip + want[i].len - self->cs_base,
			  t->run->debug.rip);
		/* What the VMCS says agrees. */
		ASSERT_EQ(0, vmcs_get(t, VMCS_EXIT_REASON, &val));
		EXPECT_EQ(want[i].reason, val & 0xffff);
	}
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));
	EXPECT_EQ(1, t->run->console_len);
}

/* A step that ends at an exit breakpoint says both. */
TEST_F(dbg, one_stop_carries_every_reason)
{
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_EXIT_BP |
			   MINIVMX_GUESTDBG_SINGLESTEP,
		.steps = 1,
		.exit_bitmap = { 1ULL << EXIT_REASON_CPUID },
	};
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(_metadata, self, variant->mode, counted,
			   sizeof(counted)));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP | MINIVMX_DEBUG_EXIT,
		  t->run->debug.reasons);
	EXPECT_EQ(EXIT_REASON_CPUID, t->run->debug.vmx_exit_reason);
}

/* An exit breakpoint's stop leaves a step count of five running. */
TEST_F(dbg, exit_stops_leave_the_step_count_running)
{
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_EXIT_BP |
			   MINIVMX_GUESTDBG_SINGLESTEP,
		.steps = 5,
		.exit_bitmap = { 1ULL << EXIT_REASON_CPUID },
	};
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(_metadata, self, variant->mode, counted,
			   sizeof(counted)));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_EXIT, t->run->debug.reasons);
	EXPECT_EQ(1, t->run->debug.steps);
	/* CPUID, OUT, MOV, DEC, JNZ: back at the DEC. */
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP, t->run->debug.reasons);
	EXPECT_EQ(5, t->run->debug.steps);
	EXPECT_EQ(self->code + 6 - self->cs_base, t->run->debug.rip);
	/* The step stop re-armed it: five more. */
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(5, t->run->debug.steps);
}

/*
 * Real mode, with an IVT: RDPMC gets #GP from the kernel, UD2 gets #UD
 * from the CPU; each step stops at the first instruction of the handler.
 * Then a software breakpoint handed back to the guest with INJECT_BP.
 */
TEST(steps_enter_events_and_int3_goes_back_to_the_guest)
{
	static const uint8_t code[] = {
		0x0f, 0x33,		/* 0: rdpmc -> #GP */
		[0x40] = 0x0f, 0x0b,	/* #GP handler: ud2 -> #UD */
		[0x50] = 0xcc,		/* #UD handler: int3 */
		[0x60] = 0xf4,		/* #BP handler: hlt */
	};
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 16, code, sizeof(code)));
	tvm_set_ivt(&t, 13, 0x40);
	tvm_set_ivt(&t, 6, 0x50);
	tvm_set_ivt(&t, 3, 0x60);
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_SINGLESTEP |
			       MINIVMX_GUESTDBG_USE_SW_BP, 1));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP, t.run->debug.reasons);
	EXPECT_EQ(0x40, t.run->debug.rip);
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP, t.run->debug.reasons);
	EXPECT_EQ(0x50, t.run->debug.rip);
	/* The INT3 is intercepted before it counts as a step. */
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
	EXPECT_EQ(MINIVMX_DEBUG_SW_BP, t.run->debug.reasons);
	EXPECT_EQ(0x50, t.run->debug.rip);
	/* The guest's own INT3: deliver it; its handler halts. */
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_USE_SW_BP |
			       MINIVMX_GUESTDBG_INJECT_BP, 0));
	EXPECT_EQ(-EBUSY, set_debug(&t, MINIVMX_GUESTDBG_USE_SW_BP |
				    MINIVMX_GUESTDBG_INJECT_BP, 0));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(&t));
	EXPECT_EQ(0x60, t.run->guest_rip);
	/* The return address on the stack is past the INT3. */
	EXPECT_EQ(0x51, *(uint16_t *)(t.mem + regs(&t).rsp));
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/*
 * Real mode: a step across HLT (an exit to userspace), into the #UD the
 * kernel injects for VMXOFF, and across the MOV to CR0 that enters
 * protected mode.
 */
TEST(steps_across_hlt_injected_ud_and_a_mode_switch)
{
	static const uint8_t code[] = {
		0xf4,			/* 0: hlt */
		0x0f, 0x01, 0xc4,	/* 1: vmxoff -> #UD from the kernel */
		[0x40] = 0x0f, 0x20, 0xc0,	/* #UD handler: mov %cr0, %eax */
		0x0c, 0x01,		/* 0x43: or $1, %al */
		0x0f, 0x22, 0xc0,	/* 0x45: mov %eax, %cr0 (PE) */
		0xf4,			/* 0x48: hlt */
	};
	static const uint64_t stops[] = { 0x01, 0x40, 0x43, 0x45, 0x48 };
	struct minivmx_sregs s;
	struct tvm t;
	unsigned int i;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 16, code, sizeof(code)));
	tvm_set_ivt(&t, 6, 0x40);
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	ASSERT_EQ(0, tvm_run(&t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t.run->exit_reason);
	for (i = 0; i < ARRAY_SIZE(stops); i++) {
		ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t)) TH_LOG("stop %u", i);
		EXPECT_EQ(MINIVMX_DEBUG_STEP, t.run->debug.reasons);
		EXPECT_EQ(stops[i], t.run->debug.rip) TH_LOG("stop %u", i);
	}
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_GET_SREGS, &s));
	EXPECT_EQ(1, s.cr0 & 1);
	EXPECT_EQ(MINIVMX_EXIT_HLT, run_to_stop(&t));
	EXPECT_EQ(0x48, t.run->guest_rip);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/* PUSHF, stepped, stores the guest's own flags: no debugger's TF. */
TEST_F(dbg, pushf_stores_the_guests_own_flags)
{
	static const uint8_t code[] = {
		0x9c,			/* pushf */
		0x58,			/* pop %(e/r)ax */
		0xf4,			/* hlt */
	};
	struct tvm *t = &self->t;

	ASSERT_EQ(0, setup(_metadata, self, variant->mode, code,
			   sizeof(code)));
	ASSERT_EQ(0, set_debug(t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(self->code + 1 - self->cs_base, t->run->debug.rip);
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(t));
	EXPECT_EQ(self->code + 2 - self->cs_base, t->run->debug.rip);
	EXPECT_EQ(MINIVMX_EXIT_HLT, run_to_stop(t));
	EXPECT_EQ(0, regs(t).rax & 0x100);
	EXPECT_EQ(2, regs(t).rax & 0x2);	/* the fixed bit: it is RFLAGS */
}

/*
 * Real mode: the guest sets its own TF with POPF while stepped.  Its
 * single-step #DB still comes after the next instruction, its handler
 * sees TF in the pushed FLAGS, and entering the handler is a step.
 */
TEST(steps_keep_the_guests_own_trap_flag)
{
	static const uint8_t code[] = {
		0x9c,			/* 0: pushf */
		0x58,			/* 1: pop %ax */
		0x80, 0xcc, 0x01,	/* 2: or $1, %ah (TF) */
		0x50,			/* 5: push %ax */
		0x9d,			/* 6: popf */
		0x90,			/* 7: nop: the guest's #DB after it */
		0xf4,			/* 8: hlt, not reached */
		[0x40] = 0xf4,		/* #DB handler: hlt */
	};
	bool saw_popf = false, saw_handler = false;
	unsigned int stops = 0;
	uint16_t *stack;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 16, code, sizeof(code)));
	tvm_set_ivt(&t, 1, 0x40);
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	while (run_to_stop(&t) == MINIVMX_EXIT_DEBUG && stops++ < 20) {
		EXPECT_EQ(MINIVMX_DEBUG_STEP, t.run->debug.reasons);
		saw_popf |= t.run->debug.rip == 7;
		saw_handler |= t.run->debug.rip == 0x40;
	}
	ASSERT_EQ(MINIVMX_EXIT_HLT, t.run->exit_reason);
	EXPECT_EQ(0x40, t.run->guest_rip);
	EXPECT_TRUE(saw_popf);
	EXPECT_TRUE(saw_handler);
	/* IP, CS, FLAGS as the CPU pushed them for the guest's #DB. */
	stack = (uint16_t *)(t.mem + regs(&t).rsp);
	EXPECT_EQ(8, stack[0]);
	EXPECT_EQ(0x100, stack[2] & 0x100);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/* Real mode: a step of INT n stops at its handler; FLAGS pushed clean. */
TEST(steps_enter_int_n)
{
	static const uint8_t code[] = {
		0xcd, 0x20,		/* 0: int $0x20 */
		0xf4,			/* 2: hlt, not reached */
		[0x40] = 0xf4,		/* INT 0x20 handler: hlt */
	};
	uint16_t *stack;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 16, code, sizeof(code)));
	tvm_set_ivt(&t, 0x20, 0x40);
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP, t.run->debug.reasons);
	EXPECT_EQ(1, t.run->debug.steps);
	EXPECT_EQ(0x40, t.run->debug.rip);
	stack = (uint16_t *)(t.mem + regs(&t).rsp);
	EXPECT_EQ(2, stack[0]);
	EXPECT_EQ(TVM_CODE >> 4, stack[1]);
	EXPECT_EQ(0, stack[2] & 0x100);
	EXPECT_EQ(MINIVMX_EXIT_HLT, run_to_stop(&t));
	EXPECT_EQ(0x40, t.run->guest_rip);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/*
 * Long mode: the guest sets up SYSCALL (IA32_FMASK clears TF, as Linux's
 * does); a single step of SYSCALL stops at the first instruction at
 * LSTAR, with RCX and R11 as the CPU leaves them.
 */
TEST(steps_enter_syscall)
{
	static const uint8_t code[] = {
		0xb9, 0x82, 0x00, 0x00, 0xc0,	/* mov $LSTAR, %ecx */
		0xb8, 0x00, 0x01, 0x01, 0x00,	/* mov $0x10100, %eax */
		0x31, 0xd2,			/* xor %edx, %edx */
		0x0f, 0x30,			/* wrmsr */
		0xb9, 0x84, 0x00, 0x00, 0xc0,	/* mov $FMASK, %ecx */
		0xb8, 0x00, 0x01, 0x00, 0x00,	/* mov $0x100 (TF), %eax */
		0x0f, 0x30,			/* wrmsr */
		0xb9, 0x81, 0x00, 0x00, 0xc0,	/* mov $STAR, %ecx */
		0x31, 0xc0,			/* xor %eax, %eax */
		0xba, 0x08, 0x00, 0x00, 0x00,	/* mov $8, %edx: CS 8, SS 16 */
		0x0f, 0x30,			/* wrmsr */
		0xb9, 0x80, 0x00, 0x00, 0xc0,	/* mov $EFER, %ecx */
		0x0f, 0x32,			/* rdmsr */
		0x0c, 0x01,			/* or $1, %al (SCE) */
		0x0f, 0x30,			/* wrmsr */
		0x0f, 0x05,			/* 51: syscall */
		0xf4,				/* 53: hlt, not reached */
		[0x100] = 0xf4,			/* LSTAR: hlt */
	};
	struct minivmx_sregs s;
	struct minivmx_regs r;
	unsigned int stops = 0;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 64, code, sizeof(code)));
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_SINGLESTEP, 1));
	do {
		ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
		ASSERT_GT(20, ++stops);
	} while (t.run->debug.rip != TVM_CODE + 51);
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
	EXPECT_EQ(MINIVMX_DEBUG_STEP, t.run->debug.reasons);
	EXPECT_EQ(TVM_CODE + 0x100, t.run->debug.rip);
	r = regs(&t);
	EXPECT_EQ(TVM_CODE + 53, r.rcx);
	EXPECT_EQ(2, r.r11 & 0x102);		/* RFLAGS, no debugger's TF */
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_GET_SREGS, &s));
	EXPECT_EQ(8, s.cs.selector);
	EXPECT_EQ(16, s.ss.selector);
	EXPECT_EQ(MINIVMX_EXIT_HLT, run_to_stop(&t));
	EXPECT_EQ(TVM_CODE + 0x100, t.run->guest_rip);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/* With debugging off again, #BP goes to the guest and MTF is off. */
TEST(debugging_off_restores_the_guest)
{
	static const uint8_t code[] = {
		0xcc,			/* int3 */
		[0x60] = 0xf4,		/* #BP handler: hlt */
	};
	struct minivmx_guest_debug off = { 0 };
	struct tvm t;
	uint64_t bitmap = 0, mtf;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 16, code, sizeof(code)));
	tvm_set_ivt(&t, 3, 0x60);
	ASSERT_EQ(0, set_debug(&t, MINIVMX_GUESTDBG_SINGLESTEP |
			       MINIVMX_GUESTDBG_USE_SW_BP |
			       MINIVMX_GUESTDBG_USE_HW_BP, 1));
	ASSERT_EQ(0, vmcs_get(&t, VMCS_EXCEPTION_BITMAP, &bitmap));
	/* With TF steps every exception: each delivery is a step. */
	EXPECT_EQ(step_exit(&t) == EXIT_REASON_MTF ?
		  (1 << 1) | (1 << 3) | (1 << 17) | (1 << 18) : 0xffffffff,
		  bitmap);
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_SET_GUEST_DEBUG, &off));
	ASSERT_EQ(0, vmcs_get(&t, VMCS_EXCEPTION_BITMAP, &bitmap));
	EXPECT_EQ((1 << 1) | (1 << 17) | (1 << 18), bitmap);	/* #DB, #AC, #MC */
	mtf = t.run->exit_count[step_exit(&t)];
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(&t));
	EXPECT_EQ(0x60, t.run->guest_rip);
	EXPECT_EQ(mtf, t.run->exit_count[step_exit(&t)]);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/*
 * The debugger's breakpoints live in the CPU only while the guest runs:
 * the host's own breakpoint still fires afterwards.
 */
TEST(debugger_breakpoints_leave_the_hosts_alone)
{
	static const uint8_t code[] = { 0x90, 0x90, 0xf4 };
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_USE_HW_BP,
		.db = { TVM_CODE + 1, TVM_CODE + 1, TVM_CODE + 1, TVM_CODE + 1 },
		.dr7 = 0x2,		/* G0: execute */
	};
	static volatile int var;
	struct tvm t;
	int fd, ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	fd = bp_open(&var);
	if (fd < 0)
		SKIP(return, "no hardware breakpoints here: %s", strerror(errno));
	var = 1;
	ASSERT_EQ(1, bp_count(fd));
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 64, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	ASSERT_EQ(MINIVMX_EXIT_DEBUG, run_to_stop(&t));
	EXPECT_EQ(MINIVMX_DEBUG_HW_BP, t.run->debug.reasons);
	ASSERT_EQ(MINIVMX_EXIT_HLT, run_to_stop(&t));
	var = 2;
	EXPECT_EQ(2, bp_count(fd));
	close(fd);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

static int translate(struct tvm *t, uint64_t gva, uint32_t access,
		     struct minivmx_translate *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->gva = gva;
	tr->access = access;
	return ioctl(t->vcpu, MINIVMX_TRANSLATE, tr) ? -errno : 0;
}

/* The EPT leaf and the host address agree (the caller is root here). */
static bool ept_leaf_matches(const struct minivmx_walk_level *l, uint64_t hpa)
{
	uint64_t leaf, page;

	if (l->ept_levels < 3 || l->ept_levels > 4)
		return false;
	leaf = l->ept[l->ept_levels - 1];
	page = l->ept_levels == 4 ? 0xfff : 0x1fffff;
	return (leaf & 7) == 7 && ((leaf & 0xffffffffff000ULL & ~page) |
				   (l->gpa & page)) == hpa;
}

TEST_F(dbg, translate_walks_both_dimensions)
{
	static const uint8_t code[] = { 0xf4 };
	uint32_t *pd = (uint32_t *)(self->t.mem + PD32);
	uint32_t *pt = (uint32_t *)(self->t.mem + PD32 + 0x1000);
	uint64_t *pml4 = (uint64_t *)(self->t.mem + TVM_PML4);
	struct minivmx_translate tr;
	struct tvm *t = &self->t;
	unsigned int i;

	ASSERT_EQ(0, setup(_metadata, self, variant->mode, code, sizeof(code)));
	ASSERT_EQ(1, ioctl(t->dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_TRANSLATE));

	switch (variant->mode) {
	case REAL:
	case PROT:
		/* No paging: linear is physical, only EPT is walked. */
		ASSERT_EQ(0, translate(t, 0x12345, 0, &tr));
		EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
		EXPECT_EQ(0, tr.levels);
		EXPECT_EQ(0x12345, tr.gpa);
		break;
	case PAGED:
		/* 4 MiB page: one level. */
		ASSERT_EQ(0, translate(t, 0x12345, 0, &tr));
		EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
		EXPECT_EQ(1, tr.levels);
		EXPECT_EQ(PD32, tr.level[0].gpa);
		EXPECT_EQ(0x83, tr.level[0].entry);
		EXPECT_EQ(0x12345, tr.gpa);
		/* 4 KiB pages: PD[1] -> page table, PTE 5 -> 0x13000. */
		pd[1] = (PD32 + 0x1000) | 3;
		pt[5] = 0x13000 | 3;
		ASSERT_EQ(0, translate(t, 0x405678, 0, &tr));
		EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
		EXPECT_EQ(2, tr.levels);
		EXPECT_EQ(PD32 + 4, tr.level[0].gpa);
		EXPECT_EQ(PD32 + 0x1000 + 5 * 4, tr.level[1].gpa);
		EXPECT_EQ(0x13003, tr.level[1].entry);
		EXPECT_EQ(0x13678, tr.gpa);
		/* A user write to a supervisor, read-only page faults. */
		pd[2] = 0x800000 | 0x81;
		ASSERT_EQ(0, translate(t, 0x800010,
				       MINIVMX_WALK_WRITE | MINIVMX_WALK_USER, &tr));
		EXPECT_EQ(MINIVMX_WALK_PAGE_FAULT, tr.status);
		EXPECT_EQ(7, tr.error);		/* P | W | U */
		EXPECT_EQ(0, tr.gpa);
		/* The same as a supervisor read is fine (and no RAM). */
		ASSERT_EQ(0, translate(t, 0x800010, 0, &tr));
		EXPECT_EQ(MINIVMX_WALK_NO_MEMORY, tr.status);
		break;
	case LONG:
		ASSERT_EQ(0, translate(t, TVM_CODE, MINIVMX_WALK_FETCH, &tr));
		EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
		EXPECT_EQ(3, tr.levels);	/* PML4E, PDPTE, 2 MiB PDE */
		EXPECT_EQ(TVM_PML4, tr.level[0].gpa);
		EXPECT_EQ(TVM_PML4 + 0x1003, tr.level[0].entry);
		EXPECT_EQ(TVM_PML4 + 0x1000, tr.level[1].gpa);
		EXPECT_EQ(TVM_PML4 + 0x2000, tr.level[2].gpa);
		EXPECT_EQ(0x83, tr.level[2].entry);
		EXPECT_EQ(TVM_CODE, tr.gpa);
		/* The walk set no accessed flag. */
		EXPECT_EQ(0, pml4[0] & 0x20);
		/* Nothing at PML4 index 1: not present, a read. */
		ASSERT_EQ(0, translate(t, 1ULL << 39, 0, &tr));
		EXPECT_EQ(MINIVMX_WALK_PAGE_FAULT, tr.status);
		EXPECT_EQ(0, tr.error);
		EXPECT_EQ(1, tr.levels);
		/* A 1 GiB page beyond RAM: translated, but no memory. */
		ASSERT_EQ(0, translate(t, 0x40000000, 0, &tr));
		EXPECT_EQ(MINIVMX_WALK_NO_MEMORY, tr.status);
		EXPECT_EQ(2, tr.levels);
		ASSERT_EQ(0, translate(t, TVM_CODE, MINIVMX_WALK_FETCH, &tr));
		break;
	}
	/* Each guest entry's own address went through EPT, as did the data. */
	for (i = 0; i < tr.levels; i++)
		EXPECT_LE(3, tr.level[i].ept_levels);
	ASSERT_EQ(0, translate(t, self->code, MINIVMX_WALK_FETCH, &tr));
	EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
	EXPECT_NE(0, tr.hpa);
	EXPECT_TRUE(ept_leaf_matches(&tr.data, tr.hpa));
	/* Bad input. */
	tr.flags = 1;
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_TRANSLATE, &tr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, translate(t, 0, 1, &tr));
	tr.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_TRANSLATE, &tr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_TRANSLATE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * PAE paging (32-bit protected mode): the PDPTE comes from the VMCS,
 * where MINIVMX_SET_SREGS loaded it (no address, no EPT walk), then the
 * page directory and table from guest memory.
 */
TEST(translate_walks_pae)
{
	static const uint8_t code[] = { 0xf4 };
	struct minivmx_translate tr;
	struct minivmx_sregs s;
	uint64_t *pdpt, *pd, *pt;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 32, code, sizeof(code)));
	pdpt = (uint64_t *)(t.mem + 0x5000);
	pd = (uint64_t *)(t.mem + 0x6000);
	pt = (uint64_t *)(t.mem + 0x7000);
	pdpt[0] = 0x6000 | 1;		/* present; no rights in PAE PDPTEs */
	pd[0] = 0x83;			/* 2 MiB at 0: present, RW, PS */
	pd[1] = 0x7000 | 3;		/* 4 KiB pages at 2 MiB, supervisor */
	pt[5] = 0x13000 | 3;
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_GET_SREGS, &s));
	s.cr3 = 0x5000;
	s.cr4 |= 0x20;			/* PAE */
	s.cr0 |= 0x80000000;		/* PG */
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_SET_SREGS, &s));

	ASSERT_EQ(0, translate(&t, 0x12345, 0, &tr));
	EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
	EXPECT_EQ(2, tr.levels);	/* PDPTE, 2 MiB PDE */
	EXPECT_EQ(0x6001, tr.level[0].entry);
	EXPECT_EQ(0, tr.level[0].ept_levels);
	EXPECT_EQ(0x6000, tr.level[1].gpa);
	EXPECT_EQ(0x83, tr.level[1].entry);
	EXPECT_LE(3, tr.level[1].ept_levels);
	EXPECT_EQ(0x12345, tr.gpa);

	ASSERT_EQ(0, translate(&t, 0x205678, 0, &tr));
	EXPECT_EQ(MINIVMX_WALK_OK, tr.status);
	EXPECT_EQ(3, tr.levels);	/* PDPTE, PDE, PTE */
	EXPECT_EQ(0x6008, tr.level[1].gpa);
	EXPECT_EQ(0x7000 + 5 * 8, tr.level[2].gpa);
	EXPECT_EQ(0x13003, tr.level[2].entry);
	EXPECT_EQ(0x13678, tr.gpa);

	/* A user read of a supervisor page: P | U. */
	ASSERT_EQ(0, translate(&t, 0x205678, MINIVMX_WALK_USER, &tr));
	EXPECT_EQ(MINIVMX_WALK_PAGE_FAULT, tr.status);
	EXPECT_EQ(5, tr.error);
	/* PDPTE 1 is not present: the walk ends there. */
	ASSERT_EQ(0, translate(&t, 0x40000000, 0, &tr));
	EXPECT_EQ(MINIVMX_WALK_PAGE_FAULT, tr.status);
	EXPECT_EQ(0, tr.error);
	EXPECT_EQ(1, tr.levels);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

TEST(vmcs_fields_by_encoding)
{
	static const uint8_t code[] = { 0xf4 };
	struct minivmx_vmcs_field f[4] = {
		{ .encoding = VMCS_GUEST_RIP },
		{ .encoding = VMCS_GUEST_CR3 },
		{ .encoding = VMCS_GUEST_CS_SELECTOR },
		{ .encoding = VMCS_EPT_POINTER },
	};
	struct minivmx_vmcs_read r = { .nr = 4, .fields = (uintptr_t)f };
	uint64_t val = 0;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(1, ioctl(t.dev = mvx_open(), MINIVMX_CHECK_CAP,
			   MINIVMX_CAP_GET_VMCS));
	close(t.dev);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 64, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_GET_VMCS, &r));
	EXPECT_EQ(TVM_CODE, f[0].value);
	EXPECT_EQ(TVM_PML4, f[1].value);
	EXPECT_EQ(8, f[2].value);
	/* EPTP: write-back, 4 levels, maybe A/D; no host address. */
	EXPECT_EQ(6, f[3].value & 7);
	EXPECT_EQ(3, (f[3].value >> 3) & 7);
	EXPECT_EQ(0, f[3].value >> 12);
	ASSERT_EQ(0, vmcs_get(&t, VMCS_EPT_POINTER_HIGH, &val));
	EXPECT_EQ(0, val);
	ASSERT_EQ(0, tvm_run(&t));
	ASSERT_EQ(0, vmcs_get(&t, VMCS_GUEST_RIP, &val));
	EXPECT_EQ(regs(&t).rip, val);

	/* The host's state is the host's. */
	EXPECT_EQ(-EPERM, vmcs_get(&t, VMCS_HOST_CR3, &val));
	EXPECT_EQ(-EPERM, vmcs_get(&t, VMCS_HOST_RIP, &val));
	/* No such field (a 32-bit control of index 511), reserved bits. */
	EXPECT_EQ(-EINVAL, vmcs_get(&t, 0x43fe, &val));
	EXPECT_EQ(-EINVAL, vmcs_get(&t, VMCS_GUEST_RIP | 0x1000, &val));
	EXPECT_EQ(-EINVAL, vmcs_get(&t, VMCS_GUEST_RIP | 0x10000, &val));
	/* One bad field: nothing is written back. */
	f[0].value = 0x1234;
	f[2].encoding = 0x43fe;
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_VMCS, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x1234, f[0].value);
	f[2].encoding = VMCS_GUEST_CS_SELECTOR;
	f[1].pad = 1;
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_VMCS, &r));
	EXPECT_EQ(EINVAL, errno);
	f[1].pad = 0;
	r.nr = MINIVMX_MAX_VMCS_FIELDS + 1;
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_VMCS, &r));
	EXPECT_EQ(EINVAL, errno);
	r.nr = 4;
	r.pad = 1;
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_VMCS, &r));
	EXPECT_EQ(EINVAL, errno);
	r.pad = 0;
	r.fields = 8;
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_VMCS, &r));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_GET_VMCS, NULL));
	EXPECT_EQ(EFAULT, errno);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

TEST(guest_debug_refuses_what_it_cannot_do)
{
	struct minivmx_guest_debug d;
	long caps;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	caps = ioctl(t.dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_GUEST_DEBUG);
	EXPECT_EQ(0x3f, caps);	/* single steps with MTF or with TF */
#define REFUSED(err, field, value) do {					\
		memset(&d, 0, sizeof(d));				\
		d.control = MINIVMX_GUESTDBG_ENABLE |			\
			    MINIVMX_GUESTDBG_USE_HW_BP;			\
		d.field = value;					\
		EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_SET_GUEST_DEBUG, &d)) \
			TH_LOG(#field " = " #value);			\
		EXPECT_EQ(err, errno) TH_LOG(#field " = " #value);	\
	} while (0)
	REFUSED(EINVAL, control, 1U << 6);
	REFUSED(EINVAL, pad, 1);
	REFUSED(EINVAL, reserved[3], 1);
	/* MOV to DR0 would fault in the host. */
	REFUSED(EINVAL, db[1], 0x0000800000000000ULL);
	REFUSED(EINVAL, db[3], 0x8000000000000000ULL);
	REFUSED(EINVAL, dr7, 1U << 13);			/* GD */
	REFUSED(EINVAL, dr7, 1U << 12);			/* reserved */
	REFUSED(EINVAL, dr7, 1ULL << 32);
	REFUSED(EINVAL, dr7, 1 | (2U << 16));		/* I/O breakpoint */
	REFUSED(EINVAL, dr7, 1 | (1U << 18));		/* execute, LEN 1 */
	memset(&d, 0, sizeof(d));
	d.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_EXIT_BP;
	d.exit_bitmap[1] = 1ULL << (MINIVMX_NR_VMX_EXIT_REASONS - 64);
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(t.vcpu, MINIVMX_SET_GUEST_DEBUG, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	/* Without ENABLE, the rest is ignored: debugging is off. */
	d.control = MINIVMX_GUESTDBG_USE_HW_BP;
	d.db[0] = 0x8000000000000000ULL;
	EXPECT_EQ(0, ioctl(t.vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

TEST_HARNESS_MAIN
