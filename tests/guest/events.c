// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events: external interrupts from MINIVMX_INTERRUPT, NMIs from
 * MINIVMX_NMI, the interrupt and NMI windows, and the double-fault rules,
 * in a real-mode and a long-mode guest whose IDT handlers count what they
 * get in memory and IRET.
 *
 * The VMM side is KVM's protocol: inject when the run structure says
 * ready_for_interrupt_injection, set request_interrupt_window while more
 * are to come.  The guest alternates CLI sections (a flag in memory set,
 * an OUT to port 0x80 while RFLAGS.IF = 0) with STI sections: every
 * interrupt must arrive exactly once, in order, never in a CLI section
 * and never in the shadow of the STI.  NMIs: one is injected, its handler
 * exits to userspace, which sends three more; NMIs are blocked until the
 * handler's IRET, so exactly one more arrives, after it, through an
 * NMI-window exit.  A bad stack turns an injected interrupt's delivery
 * into #PF, then #DF on the IST stack, or, without IST, the shutdown exit;
 * also while a debugger single-steps the guest (with mtf=0 the kernel
 * intercepts every exception and applies the double-fault rules itself).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define EXIT_REASON_INTERRUPT_WINDOW	7
#define EXIT_REASON_NMI_WINDOW		8

/* Guest memory the programs share with the test (identity, DS = 0). */
#define COUNT		0x8000	/* interrupts taken */
#define IN_CLI		0x8004	/* the guest is in a CLI section */
#define ERRORS		0x8008	/* interrupts taken in a CLI section */
#define WANT		0x800c	/* interrupts the guest waits for */
#define IN_SHADOW	0x8010	/* interrupts taken right after STI */
#define NMIS		0x8020	/* NMIs taken */
#define NMI_NESTED	0x8028	/* NMIs taken inside the NMI handler */
#define DF_MARK		0x8030	/* the #DF handler ran: 0xdf */
#define DF_ERROR	0x8034	/* its error code */
#define DF_CR2		0x8038	/* CR2 there */
#define PF_MARK		0x803c	/* the #PF handler ran */
#define LOG		0x8100	/* the i-th interrupt's stub number */
#define IDT64		0x9000
#define IST_STACK	0x7000
#define VECTOR		0x30	/* stubs for 0x30-0x37 */
#define NR_IRQS		64

/*
 * The programs, assembled with GNU as (--32, .code16, linked at 0; and
 * --64, linked at 0x10000).  16-bit:
 *
 * .code16
 * main:
 *     cli
 *     movb $1, 0x8004
 *     outb %al, $0x80
 *     mov $20, %cx
 * 1:    loop 1b
 *     movb $0, 0x8004
 *     sti
 * sti_next:
 *     nop
 *     outb %al, $0x81
 *     mov $20, %cx
 * 2:    loop 2b
 *     mov 0x8000, %ax
 *     cmp 0x800c, %ax
 *     jb main
 *     hlt
 *     jmp main
 * .macro stub k
 * stub\k:
 *     push %ax
 *     mov $\k, %al
 *     jmp common
 * .endm
 *     stub 0
 *     stub 1
 *     stub 2
 *     stub 3
 *     stub 4
 *     stub 5
 *     stub 6
 *     stub 7
 * common:
 *     push %bx
 *     push %bp
 *     mov %sp, %bp
 *     cmpb $0, 0x8004
 *     je 3f
 *     incw 0x8008
 * 3:    cmpw $sti_next, 6(%bp)
 *     jne 4f
 *     incw 0x8010
 * 4:    mov 0x8000, %bx
 *     mov %al, 0x8100(%bx)
 *     incw 0x8000
 *     pop %bp
 *     pop %bx
 *     pop %ax
 *     iret
 * nmi_main:
 *     outb %al, $0x83
 *     mov $50000, %ecx
 * 5:    cmpw $2, 0x8020
 *     jae 6f
 *     addr32 loop 5b
 * 6:    hlt
 * nmi_handler:
 *     cmpb $0, 0x8024
 *     je 7f
 *     incw 0x8028
 * 7:    movb $1, 0x8024
 *     incw 0x8020
 *     outb %al, $0x82
 *     push %cx
 *     mov $50, %cx
 * 8:    loop 8b
 *     pop %cx
 *     movb $0, 0x8024
 *     iret
 *
 * 64-bit, the same plus the #DF program:
 *
 * .code64
 * main:
 *     cli
 *     movb $1, 0x8004
 *     outb %al, $0x80
 *     mov $20, %ecx
 * 1:    loop 1b
 *     movb $0, 0x8004
 *     sti
 * sti_next:
 *     nop
 *     outb %al, $0x81
 *     mov $20, %ecx
 * 2:    loop 2b
 *     mov 0x8000, %eax
 *     cmp 0x800c, %eax
 *     jb main
 *     hlt
 *     jmp main
 * .macro stub k
 * stub\k:
 *     push %rax
 *     mov $\k, %al
 *     jmp common
 * .endm
 *     stub 0
 *     stub 1
 *     stub 2
 *     stub 3
 *     stub 4
 *     stub 5
 *     stub 6
 *     stub 7
 * common:
 *     push %rbx
 *     cmpb $0, 0x8004
 *     je 3f
 *     incl 0x8008
 * 3:    cmpq $sti_next, 16(%rsp)
 *     jne 4f
 *     incl 0x8010
 * 4:    mov 0x8000, %ebx
 *     mov %al, 0x8100(%rbx)
 *     incl 0x8000
 *     pop %rbx
 *     pop %rax
 *     iretq
 * nmi_main:
 *     outb %al, $0x83
 *     mov $50000, %ecx
 * 5:    cmpl $2, 0x8020
 *     jae 6f
 *     loop 5b
 * 6:    hlt
 * nmi_handler:
 *     cmpb $0, 0x8024
 *     je 7f
 *     incl 0x8028
 * 7:    movb $1, 0x8024
 *     incl 0x8020
 *     outb %al, $0x82
 *     push %rcx
 *     mov $50, %ecx
 * 8:    loop 8b
 *     pop %rcx
 *     movb $0, 0x8024
 *     iretq
 * df_main:
 *     mov $0x201000, %rsp
 *     outb %al, $0x85
 *     sti
 * 9:    jmp 9b
 * pf_handler:
 *     movl $1, 0x803c
 *     hlt
 * df_handler:
 *     movl $0xdf, 0x8030
 *     pop %rax
 *     mov %eax, 0x8034
 *     mov %cr2, %rax
 *     mov %rax, 0x8038
 *     hlt
 */
static const uint8_t prog16[] = {
	0xfa, 0xc6, 0x06, 0x04, 0x80, 0x01, 0xe6, 0x80, 0xb9, 0x14, 0x00, 0xe2,
	0xfe, 0xc6, 0x06, 0x04, 0x80, 0x00, 0xfb, 0x90, 0xe6, 0x81, 0xb9, 0x14,
	0x00, 0xe2, 0xfe, 0xa1, 0x00, 0x80, 0x3b, 0x06, 0x0c, 0x80, 0x72, 0xdc,
	0xf4, 0xeb, 0xd9, 0x50, 0xb0, 0x00, 0xeb, 0x23, 0x50, 0xb0, 0x01, 0xeb,
	0x1e, 0x50, 0xb0, 0x02, 0xeb, 0x19, 0x50, 0xb0, 0x03, 0xeb, 0x14, 0x50,
	0xb0, 0x04, 0xeb, 0x0f, 0x50, 0xb0, 0x05, 0xeb, 0x0a, 0x50, 0xb0, 0x06,
	0xeb, 0x05, 0x50, 0xb0, 0x07, 0xeb, 0x00, 0x53, 0x55, 0x89, 0xe5, 0x80,
	0x3e, 0x04, 0x80, 0x00, 0x74, 0x04, 0xff, 0x06, 0x08, 0x80, 0x81, 0x7e,
	0x06, 0x13, 0x00, 0x75, 0x04, 0xff, 0x06, 0x10, 0x80, 0x8b, 0x1e, 0x00,
	0x80, 0x88, 0x87, 0x00, 0x81, 0xff, 0x06, 0x00, 0x80, 0x5d, 0x5b, 0x58,
	0xcf, 0xe6, 0x83, 0x66, 0xb9, 0x50, 0xc3, 0x00, 0x00, 0x83, 0x3e, 0x20,
	0x80, 0x02, 0x73, 0x03, 0x67, 0xe2, 0xf6, 0xf4, 0x80, 0x3e, 0x24, 0x80,
	0x00, 0x74, 0x04, 0xff, 0x06, 0x28, 0x80, 0xc6, 0x06, 0x24, 0x80, 0x01,
	0xff, 0x06, 0x20, 0x80, 0xe6, 0x82, 0x51, 0xb9, 0x32, 0x00, 0xe2, 0xfe,
	0x59, 0xc6, 0x06, 0x24, 0x80, 0x00, 0xcf,
};

static const uint8_t prog64[] = {
	0xfa, 0xc6, 0x04, 0x25, 0x04, 0x80, 0x00, 0x00, 0x01, 0xe6, 0x80, 0xb9,
	0x14, 0x00, 0x00, 0x00, 0xe2, 0xfe, 0xc6, 0x04, 0x25, 0x04, 0x80, 0x00,
	0x00, 0x00, 0xfb, 0x90, 0xe6, 0x81, 0xb9, 0x14, 0x00, 0x00, 0x00, 0xe2,
	0xfe, 0x8b, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00, 0x3b, 0x04, 0x25, 0x0c,
	0x80, 0x00, 0x00, 0x72, 0xcb, 0xf4, 0xeb, 0xc8, 0x50, 0xb0, 0x00, 0xeb,
	0x23, 0x50, 0xb0, 0x01, 0xeb, 0x1e, 0x50, 0xb0, 0x02, 0xeb, 0x19, 0x50,
	0xb0, 0x03, 0xeb, 0x14, 0x50, 0xb0, 0x04, 0xeb, 0x0f, 0x50, 0xb0, 0x05,
	0xeb, 0x0a, 0x50, 0xb0, 0x06, 0xeb, 0x05, 0x50, 0xb0, 0x07, 0xeb, 0x00,
	0x53, 0x80, 0x3c, 0x25, 0x04, 0x80, 0x00, 0x00, 0x00, 0x74, 0x07, 0xff,
	0x04, 0x25, 0x08, 0x80, 0x00, 0x00, 0x48, 0x81, 0x7c, 0x24, 0x10, 0x1b,
	0x00, 0x01, 0x00, 0x75, 0x07, 0xff, 0x04, 0x25, 0x10, 0x80, 0x00, 0x00,
	0x8b, 0x1c, 0x25, 0x00, 0x80, 0x00, 0x00, 0x88, 0x83, 0x00, 0x81, 0x00,
	0x00, 0xff, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00, 0x5b, 0x58, 0x48, 0xcf,
	0xe6, 0x83, 0xb9, 0x50, 0xc3, 0x00, 0x00, 0x83, 0x3c, 0x25, 0x20, 0x80,
	0x00, 0x00, 0x02, 0x73, 0x02, 0xe2, 0xf4, 0xf4, 0x80, 0x3c, 0x25, 0x24,
	0x80, 0x00, 0x00, 0x00, 0x74, 0x07, 0xff, 0x04, 0x25, 0x28, 0x80, 0x00,
	0x00, 0xc6, 0x04, 0x25, 0x24, 0x80, 0x00, 0x00, 0x01, 0xff, 0x04, 0x25,
	0x20, 0x80, 0x00, 0x00, 0xe6, 0x82, 0x51, 0xb9, 0x32, 0x00, 0x00, 0x00,
	0xe2, 0xfe, 0x59, 0xc6, 0x04, 0x25, 0x24, 0x80, 0x00, 0x00, 0x00, 0x48,
	0xcf, 0x48, 0xc7, 0xc4, 0x00, 0x10, 0x20, 0x00, 0xe6, 0x85, 0xfb, 0xeb,
	0xfe, 0xc7, 0x04, 0x25, 0x3c, 0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xf4, 0xc7, 0x04, 0x25, 0x30, 0x80, 0x00, 0x00, 0xdf, 0x00, 0x00, 0x00,
	0x58, 0x89, 0x04, 0x25, 0x34, 0x80, 0x00, 0x00, 0x0f, 0x20, 0xd0, 0x48,
	0x89, 0x04, 0x25, 0x38, 0x80, 0x00, 0x00, 0xf4,
};

/* Offsets of the labels above. */
#define P16_STI_NEXT	0x13
#define P16_STUB0	0x27
#define P16_NMI_MAIN	0x79
#define P16_NMI		0x8c
#define P64_STUB0	0x38
#define P64_NMI_MAIN	0x9c
#define P64_NMI		0xb0
#define P64_DF_MAIN	0xe5
#define P64_PF		0xf1
#define P64_DF		0xfd
#define STUB_LEN	5

FIXTURE(ev) {
	struct tvm t;
	int bits;
};

FIXTURE_VARIANT(ev) {
	int bits;
};

FIXTURE_VARIANT_ADD(ev, real) { .bits = 16 };
FIXTURE_VARIANT_ADD(ev, long) { .bits = 64 };

FIXTURE_SETUP(ev)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
	self->bits = variant->bits;
}

FIXTURE_TEARDOWN(ev)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

static uint32_t mem32(struct tvm *t, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, t->mem + gpa, sizeof(v));
	return v;
}

static void put32(struct tvm *t, uint64_t gpa, uint32_t v)
{
	memcpy(t->mem + gpa, &v, sizeof(v));
}

/*
 * Load the program for the variant's mode with its handlers in the IVT
 * or IDT, and start it at @entry (an offset in the program).
 */
static int setup(struct tvm *t, int bits, unsigned int entry)
{
	struct minivmx_regs r;
	struct minivmx_sregs s;
	int ret, i;

	if (bits == 16) {
		uint16_t *ivt = (uint16_t *)t->mem;

		ret = tvm_setup(t, 16, prog16, sizeof(prog16));
		for (i = 0; i < 8; i++) {
			ivt[(VECTOR + i) * 2] = P16_STUB0 + i * STUB_LEN;
			ivt[(VECTOR + i) * 2 + 1] = TVM_CODE >> 4;
		}
		ivt[2 * 2] = P16_NMI;
		ivt[2 * 2 + 1] = TVM_CODE >> 4;
	} else {
		ret = tvm_setup(t, 64, prog64, sizeof(prog64));
		for (i = 0; i < 8; i++)
			tvm_gate64(t, IDT64, VECTOR + i,
				   TVM_CODE + P64_STUB0 + i * STUB_LEN, 0);
		tvm_gate64(t, IDT64, 2, TVM_CODE + P64_NMI, 0);
		tvm_gate64(t, IDT64, 14, TVM_CODE + P64_PF, 0);
		tvm_gate64(t, IDT64, 8, TVM_CODE + P64_DF, 1);
		/* The TSS is at 0 (tvm_setup()): IST1 at offset 0x24. */
		memset(t->mem, 0, 0x68);
		put32(t, 0x24, IST_STACK);
		if (ret || ioctl(t->vcpu, MINIVMX_GET_SREGS, &s))
			return ret ?: -errno;
		s.idt.base = IDT64;
		s.idt.limit = 256 * 16 - 1;
		if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s))
			return -errno;
	}
	if (ret || ioctl(t->vcpu, MINIVMX_GET_REGS, &r))
		return ret ?: -errno;
	r.rip += entry;
	return ioctl(t->vcpu, MINIVMX_SET_REGS, &r) ? -errno : 0;
}

static int interrupt(struct tvm *t, uint32_t vector)
{
	struct minivmx_interrupt irq = { .vector = vector };

	return ioctl(t->vcpu, MINIVMX_INTERRUPT, &irq) ? -errno : 0;
}

/* Every interrupt once, in order, none with IF = 0 or after STI. */
static void check_irqs(struct __test_metadata *_metadata, struct tvm *t)
{
	int i;

	EXPECT_EQ(NR_IRQS, mem32(t, COUNT) & 0xffff);
	EXPECT_EQ(0, mem32(t, ERRORS) & 0xffff);
	EXPECT_EQ(0, mem32(t, IN_SHADOW) & 0xffff);
	for (i = 0; i < NR_IRQS; i++)
		EXPECT_EQ(i % 8, t->mem[LOG + i]) TH_LOG("interrupt %d", i);
}

/*
 * A device raises an interrupt at each of the guest's OUTs, one in its
 * CLI section (IF = 0: the window is requested and opens after the STI
 * and its shadow) and one in its STI section (ready at once).
 */
TEST_F(ev, interrupts_as_a_kvm_vmm_injects_them)
{
	struct tvm *t = &self->t;
	struct minivmx_run *run = t->run;
	uint64_t windows = run->exit_count[EXIT_REASON_INTERRUPT_WINDOW];
	unsigned int raised = 0, next = 0, opened = 0, cli = 0, n;

	ASSERT_EQ(0, setup(t, self->bits, 0));
	put32(t, WANT, NR_IRQS);
	for (n = 0; n < 100000; n++) {
		if (run->ready_for_interrupt_injection && next < raised) {
			ASSERT_EQ(0, interrupt(t, VECTOR + next % 8));
			next++;
		}
		run->request_interrupt_window = next < raised;
		ASSERT_EQ(0, tvm_run(t));
		if (run->exit_reason == MINIVMX_EXIT_HLT)
			break;
		if (run->exit_reason == MINIVMX_EXIT_IRQ_WINDOW_OPEN) {
			EXPECT_EQ(1, run->if_flag);
			EXPECT_EQ(1, run->ready_for_interrupt_injection);
			opened++;
			continue;
		}
		ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
		if (run->io.port == 0x80) {
			/* In the CLI section: nothing may go in. */
			EXPECT_EQ(0, run->if_flag);
			EXPECT_EQ(0, run->ready_for_interrupt_injection);
			cli++;
		} else {
			ASSERT_EQ(0x81, run->io.port);
			EXPECT_EQ(1, run->if_flag);
		}
		if (raised < NR_IRQS)
			raised++;
	}
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(NR_IRQS, next);
	check_irqs(_metadata, t);
	/* Half of them waited for a window the guest opened with STI. */
	EXPECT_LE(NR_IRQS / 2 - 1, cli);
	EXPECT_LE(NR_IRQS / 2 - 1, opened);
	EXPECT_LE(NR_IRQS / 2 - 1,
		  run->exit_count[EXIT_REASON_INTERRUPT_WINDOW] - windows);
}

/*
 * Queued while RFLAGS.IF = 0: the kernel waits for the window itself, and
 * a second vector is refused until the first is in.
 */
TEST_F(ev, interrupt_queued_while_blocked_waits_for_the_window)
{
	struct tvm *t = &self->t;
	struct minivmx_run *run = t->run;
	uint64_t windows = run->exit_count[EXIT_REASON_INTERRUPT_WINDOW];
	unsigned int next = 0, n;

	ASSERT_EQ(0, setup(t, self->bits, 0));
	put32(t, WANT, NR_IRQS);
	for (n = 0; n < 100000; n++) {
		ASSERT_EQ(0, tvm_run(t));
		if (run->exit_reason == MINIVMX_EXIT_HLT)
			break;
		ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
		if (run->io.port != 0x80 || next == NR_IRQS)
			continue;
		EXPECT_EQ(0, run->ready_for_interrupt_injection);
		ASSERT_EQ(0, interrupt(t, VECTOR + next % 8));
		EXPECT_EQ(-EEXIST, interrupt(t, VECTOR));
		next++;
	}
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	check_irqs(_metadata, t);
	EXPECT_LE(NR_IRQS, run->exit_count[EXIT_REASON_INTERRUPT_WINDOW] -
			   windows);
}

/*
 * One NMI; in its handler (NMIs blocked) three more are sent: one waits
 * for the IRET (KVM keeps one pending while NMIs are blocked).
 */
TEST_F(ev, nmi_blocked_until_iret)
{
	struct tvm *t = &self->t;
	struct minivmx_run *run = t->run;
	uint64_t windows = run->exit_count[EXIT_REASON_NMI_WINDOW];
	unsigned int in_handler = 0, n;

	if (ioctl(t->dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_NMI) <= 0) {
		EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_NMI, 0));
		EXPECT_EQ(ENODEV, errno);
		SKIP(return, "no virtual NMIs");
	}
	ASSERT_EQ(0, setup(t, self->bits,
			   self->bits == 16 ? P16_NMI_MAIN : P64_NMI_MAIN));
	for (n = 0; n < 1000; n++) {
		ASSERT_EQ(0, tvm_run(t));
		if (run->exit_reason == MINIVMX_EXIT_HLT)
			break;
		ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
		if (run->io.port == 0x83) {
			ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_NMI, 0));
		} else if (run->io.port == 0x82 && !in_handler++) {
			ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_NMI, 0));
			ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_NMI, 0));
			ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_NMI, 0));
		}
	}
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(2, mem32(t, NMIS) & 0xffff);
	EXPECT_EQ(0, mem32(t, NMI_NESTED) & 0xffff);
	EXPECT_EQ(2, in_handler);
	EXPECT_LE(1, run->exit_count[EXIT_REASON_NMI_WINDOW] - windows);
}

/* Bad inputs: each has its errno, and nothing is queued by them. */
TEST_F(ev, bad_inputs)
{
	struct tvm *t = &self->t;
	struct minivmx_interrupt irq = { .vector = VECTOR, .pad = 1 };

	EXPECT_EQ(1, ioctl(t->dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_INTERRUPT));
	EXPECT_EQ(-EINVAL, interrupt(t, 0));
	EXPECT_EQ(-EINVAL, interrupt(t, 31));
	EXPECT_EQ(-EINVAL, interrupt(t, 256));
	EXPECT_EQ(-EINVAL, interrupt(t, 0x100 | VECTOR));
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_INTERRUPT, &irq));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_INTERRUPT, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_NMI, 1));
	EXPECT_EQ(EINVAL, errno);
	/* On a VM fd or /dev/minivmx they are unknown. */
	EXPECT_EQ(-1, ioctl(t->vm, MINIVMX_NMI, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(t->dev, MINIVMX_INTERRUPT, &irq));
	EXPECT_EQ(ENOTTY, errno);
	/* One vector at a time, as KVM_INTERRUPT. */
	EXPECT_EQ(0, interrupt(t, 32));
	EXPECT_EQ(-EEXIST, interrupt(t, 255));
}

/*
 * The long-mode guest moves RSP to a page its tables do not map, and an
 * interrupt is injected: its delivery faults (#PF), the #PF's delivery
 * faults again, and #DF runs on its IST stack.  Without the IST, #DF's
 * delivery faults too: a triple fault, the shutdown exit.
 */
static void df_run(struct __test_metadata *_metadata, struct tvm *t, int ist)
{
	uint64_t *pd = (uint64_t *)(t->mem + TVM_PML4 + 0x2000);
	struct minivmx_run *run = t->run;

	ASSERT_EQ(0, setup(t, 64, P64_DF_MAIN));
	tvm_gate64(t, IDT64, 8, TVM_CODE + P64_DF, ist);
	pd[1] = 0;			/* 2-4 MiB: not present */
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
	ASSERT_EQ(0x85, run->io.port);
	/* RFLAGS.IF = 0 still: the kernel waits for the STI. */
	ASSERT_EQ(0, interrupt(t, VECTOR));
	ASSERT_EQ(0, tvm_run(t));
}

FIXTURE(df) {
	struct tvm t;
};

/*
 * "stepped": a debugger single-steps the guest.  With the monitor trap
 * flag the CPU still delivers the faults; with RFLAGS.TF (mtf=0) every
 * exception is intercepted, and the kernel's double-fault rules decide.
 */
FIXTURE_VARIANT(df) {
	bool stepped;
};

FIXTURE_VARIANT_ADD(df, plain) { .stepped = false };
FIXTURE_VARIANT_ADD(df, stepped) { .stepped = true };

FIXTURE_SETUP(df)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
	if (variant->stepped) {
		struct minivmx_guest_debug d = {
			.control = MINIVMX_GUESTDBG_ENABLE |
				   MINIVMX_GUESTDBG_SINGLESTEP,
			.steps = 1000000,	/* never reached */
		};

		ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_GUEST_DEBUG, &d));
	}
}

FIXTURE_TEARDOWN(df)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

TEST_F(df, fault_delivering_an_interrupt_is_a_double_fault)
{
	struct tvm *t = &self->t;

	df_run(_metadata, t, 1);
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(0xdf, mem32(t, DF_MARK));
	EXPECT_EQ(0, mem32(t, DF_ERROR));
	EXPECT_EQ(0x200000, mem32(t, DF_CR2) & ~0xfffU);
	EXPECT_EQ(0, mem32(t, PF_MARK));
}

TEST_F(df, fault_delivering_a_double_fault_is_a_shutdown)
{
	struct tvm *t = &self->t;

	df_run(_metadata, t, 0);
	ASSERT_EQ(MINIVMX_EXIT_SHUTDOWN, t->run->exit_reason);
	EXPECT_EQ(0, mem32(t, DF_MARK));
	EXPECT_EQ(0, mem32(t, PF_MARK));
}

TEST_HARNESS_MAIN
