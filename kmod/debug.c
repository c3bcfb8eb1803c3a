// SPDX-License-Identifier: GPL-2.0-only
/*
 * The debugger's view of a vCPU: MINIVMX_SET_GUEST_DEBUG (single steps
 * and step N, software and hardware breakpoints, watchpoints, exit
 * breakpoints) and MINIVMX_GET_VMCS.
 *
 * Single steps use the monitor trap flag.  A CPU without it (or mtf=0)
 * steps with RFLAGS.TF instead, hidden from the guest: see "Single steps
 * with RFLAGS.TF" below.
 *
 * A stop is collected in mvx_debug.stop while exits are handled and
 * reported by the run loop before the next VM entry, so an instruction
 * completed by a handler (in the kernel or after a userspace exit) counts
 * as a step just as one the CPU ran, and one MINIVMX_EXIT_DEBUG can carry
 * several reasons (a step that ended at an exit breakpoint).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>
#include <asm/page.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

/* On while any vCPU has debugging on: see mvx_debugging(). */
DEFINE_STATIC_KEY_FALSE(mvx_debug_key);

/* Test only: mtf=0 steps with RFLAGS.TF, as on a CPU without MTF. */
static bool mtf = true;
module_param(mtf, bool, 0444);
MODULE_PARM_DESC(mtf,
		 "single-step with the monitor trap flag where the CPU has it (default); 0 uses RFLAGS.TF, for tests");

static bool use_mtf(void)
{
	return mtf && vmx_has_mtf();
}

/* What the last entry did for a TF step (mvx_debug.tf_entry). */
enum mvx_tf_entry {
	MVX_TF_NONE,
	MVX_TF_STEP,	/* RFLAGS.TF set: a #DB trap after one instruction */
	MVX_TF_EVENT,	/* an event delivered, then an exit (timer 0) */
};

/* Instructions a TF step must know it ran (mvx_debug.tf_insn). */
enum mvx_tf_insn {
	MVX_TF_OTHER,
	MVX_TF_PUSHF,	/* pushed RFLAGS with our TF: clear it in the image */
	MVX_TF_LOADS,	/* POPF, IRET, SYSRET: TF afterwards is the guest's */
};

#define GUESTDBG_ALL	(MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_SINGLESTEP | \
			 MINIVMX_GUESTDBG_USE_SW_BP | MINIVMX_GUESTDBG_USE_HW_BP | \
			 MINIVMX_GUESTDBG_EXIT_BP | MINIVMX_GUESTDBG_INJECT_BP)

/* DR7 bits a debugger may set: L0-G3, LE, GE, bit 10, RW0-LEN3 (17.2.4). */
#define DR7_DEBUGGER	(GENMASK_ULL(31, 16) | GENMASK_ULL(10, 0))

/**
 * mvx_guest_debug_caps() - the MINIVMX_GUESTDBG_* bits this CPU supports
 *
 * Return: the mask MINIVMX_CHECK_CAP(MINIVMX_CAP_GUEST_DEBUG) answers:
 * all of them (single steps use RFLAGS.TF where there is no monitor trap
 * flag).
 */
u32 mvx_guest_debug_caps(void)
{
	return GUESTDBG_ALL;
}

static unsigned int dr7_rw(unsigned long dr7, int i)
{
	return (dr7 >> (16 + 4 * i)) & 3;
}

static unsigned int dr7_len(unsigned long dr7, int i)
{
	return (dr7 >> (18 + 4 * i)) & 3;
}

/*
 * The debugger's breakpoints go into the CPU's DR0-DR3 while the guest
 * runs: a non-canonical address would make MOV to DR fault in the host.
 * I/O breakpoints depend on the guest's CR4.DE, and an instruction
 * breakpoint must have LEN 0 (SDM 17.2.5): refuse both.
 */
static bool hw_bp_valid(const struct minivmx_guest_debug *d)
{
	int i;

	if (d->dr7 & ~DR7_DEBUGGER)
		return false;
	for (i = 0; i < 4; i++) {
		if (!__is_canonical_address(d->db[i], 48))
			return false;
		if (!(d->dr7 & (3UL << (2 * i))))
			continue;
		if (dr7_rw(d->dr7, i) == 2 ||
		    (dr7_rw(d->dr7, i) == 0 && dr7_len(d->dr7, i)))
			return false;
	}
	return true;
}

static void debug_arm_steps(struct mvx_debug *dbg)
{
	dbg->steps_left = dbg->steps ?: 1;
}

/* The exceptions intercepted with the debugger on, TF steps aside. */
static u32 debug_exception_bitmap(struct mvx_vcpu *v, struct mvx_debug *dbg)
{
	u32 bitmap = mvx_exception_bitmap(v);

	if (dbg->control & MINIVMX_GUESTDBG_USE_SW_BP)
		bitmap |= BIT(X86_TRAP_BP);
	return bitmap;
}

/* Put the VMCS in line with @dbg->control.  The VMCS is current. */
static void debug_update_vmcs(struct mvx_vcpu *v)
{
	struct mvx_debug *dbg = &v->debug;
	bool step = dbg->control & MINIVMX_GUESTDBG_SINGLESTEP;

	dbg->tf = step && !use_mtf();
	dbg->tf_entry = MVX_TF_NONE;
	if (step && !dbg->tf)
		vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL,
			      CPU_BASED_MONITOR_TRAP_FLAG);
	else
		vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL,
				CPU_BASED_MONITOR_TRAP_FLAG);
	if (dbg->control & MINIVMX_GUESTDBG_USE_HW_BP)
		vmcs_write(GUEST_DR7, dbg->dr7 | MVX_DR7_FIXED_1);
	else
		vmcs_write(GUEST_DR7, v->dr7);
	/* With TF, every exception's delivery is a step to stop after. */
	vmcs_write(EXCEPTION_BITMAP,
		   dbg->tf ? ~0U : debug_exception_bitmap(v, dbg));
}

/* Deliver the INT3 a SW_BP stop reported, as the guest would have had it. */
static int debug_inject_bp(struct mvx_vcpu *v)
{
	if (mvx_event_queued(v))
		return -EBUSY;
	mvx_queue_soft_exception(v, X86_TRAP_BP, INTR_TYPE_SOFT_EXCEPTION,
				 v->debug.bp_len ?: 1);
	return 0;
}

/**
 * mvx_set_guest_debug() - MINIVMX_SET_GUEST_DEBUG
 * @v: the vCPU, its mutex held
 * @arg: user pointer to a struct minivmx_guest_debug
 *
 * Return: 0; -EFAULT; -EINVAL for reserved fields, unknown or unsupported
 * control bits, a non-canonical breakpoint address or a DR7 the debugger
 * may not set; -EBUSY for INJECT_BP while an event is already queued.
 */
long mvx_set_guest_debug(struct mvx_vcpu *v, const void __user *arg)
{
	struct mvx_debug *dbg = &v->debug;
	struct minivmx_guest_debug d;
	bool was_on = dbg->control;
	int ret = 0;

	if (copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	if (d.pad || memchr_inv(d.reserved, 0, sizeof(d.reserved)) ||
	    (d.control & ~mvx_guest_debug_caps()))
		return -EINVAL;
	if (!(d.control & MINIVMX_GUESTDBG_ENABLE))
		d.control = 0;
	if ((d.control & MINIVMX_GUESTDBG_USE_HW_BP) && !hw_bp_valid(&d))
		return -EINVAL;
	if ((d.control & MINIVMX_GUESTDBG_EXIT_BP) &&
	    (d.exit_bitmap[1] >> (MINIVMX_NR_VMX_EXIT_REASONS - 64)))
		return -EINVAL;

	preempt_disable();
	mvx_vcpu_load(v);
	if (d.control & MINIVMX_GUESTDBG_INJECT_BP)
		ret = debug_inject_bp(v);
	if (!ret) {
		dbg->control = d.control & ~MINIVMX_GUESTDBG_INJECT_BP;
		dbg->steps = d.steps;
		debug_arm_steps(dbg);
		memcpy(dbg->db, d.db, sizeof(dbg->db));
		dbg->dr7 = d.dr7;
		bitmap_from_arr64(dbg->exit_bitmap, d.exit_bitmap,
				  MINIVMX_NR_VMX_EXIT_REASONS);
		dbg->stop = 0;
		debug_update_vmcs(v);
	}
	preempt_enable();
	/* Static keys change with preemption on (they take a mutex). */
	if (!was_on && dbg->control)
		static_branch_inc(&mvx_debug_key);
	else if (was_on && !dbg->control)
		static_branch_dec(&mvx_debug_key);
	return ret;
}

/**
 * mvx_debug_free() - a vCPU goes: drop its part of the static key
 * @v: the vCPU
 */
void mvx_debug_free(struct mvx_vcpu *v)
{
	if (v->debug.control)
		static_branch_dec(&mvx_debug_key);
}

/**
 * mvx_debug_step_done() - an instruction completed while single-stepping
 * @v: the vCPU, SINGLESTEP on
 *
 * Called for each monitor-trap-flag exit and for each instruction a
 * handler completed instead of the CPU (no MTF exit follows those).
 */
void mvx_debug_step_done(struct mvx_vcpu *v)
{
	struct mvx_debug *dbg = &v->debug;

	if (--dbg->steps_left == 0)
		dbg->stop |= MINIVMX_DEBUG_STEP;
}

/* Exit reason 37: the guest ran one instruction or delivered an event. */
int mvx_handle_mtf(struct mvx_vcpu *v)
{
	if (v->debug.control & MINIVMX_GUESTDBG_SINGLESTEP)
		mvx_debug_step_done(v);
	return 1;
}

/*
 * Single steps with RFLAGS.TF, where there is no monitor trap flag (or
 * with mtf=0, which tests this path).  As KVM does for its guest
 * debugging, TF is set in the guest's RFLAGS for each entry and #DB is
 * intercepted; unlike KVM, the guest does not see it:
 *
 * - TF is taken out of GUEST_RFLAGS at every exit, so handlers and
 *   MINIVMX_GET_REGS see the guest's own TF, which is kept (its own
 *   single-step #DB still reaches it);
 * - the RFLAGS image a PUSHF stored is mended after the step;
 * - every exception is intercepted and delivered again by injection, and
 *   an INT n (which cannot be intercepted) is injected instead of run,
 *   so no event pushes an image with our TF; the entry that delivers an
 *   event has a VMX-preemption timer of 0, which makes an exit before the
 *   handler's first instruction (SDM 26.7.4), and the delivery counts as
 *   a step, as with the monitor trap flag;
 * - SYSCALL, whose IA32_FMASK may clear TF and so run the guest's kernel
 *   untrapped to its SYSRET, is completed in the kernel;
 * - STI and MOV SS blocking are dropped before a step, as KVM does: with
 *   TF set the entry would need a pending single-step trap (26.3.1.5).
 *
 * A CPU without the monitor trap flag may lack the preemption timer too:
 * there a step over an event runs the handler to its IRET, and the
 * pushed image shows TF (Documentation/debugging.rst).
 */

/* Legacy prefixes, and REX in 64-bit code. */
static bool insn_prefix(u8 b, int bits)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return bits == 64 && (b & 0xf0) == 0x40;
}

/* SYSCALL in 64-bit code, completed as the CPU would (SDM Vol. 2B). */
static void debug_tf_syscall(struct mvx_vcpu *v, u64 rflags)
{
	u16 cs = (v->msr.star >> 32) & 0xfffc;

	v->regs[MVX_RCX] = vmcs_read(GUEST_RIP) + v->insn_len;
	v->regs[MVX_R11] = rflags & ~X86_EFLAGS_RF;
	rflags = (rflags & ~v->msr.sfmask & ~X86_EFLAGS_RF) | X86_EFLAGS_FIXED;
	vmcs_write(GUEST_RFLAGS, rflags);
	vmcs_write(GUEST_RIP, v->msr.lstar);
	vmcs_write(GUEST_CS_SELECTOR, cs);
	vmcs_write(GUEST_CS_BASE, 0);
	vmcs_write(GUEST_CS_LIMIT, 0xffffffff);
	vmcs_write(GUEST_CS_AR_BYTES, 0xa09b);	/* code, DPL 0, L, G */
	vmcs_write(GUEST_SS_SELECTOR, cs + 8);
	vmcs_write(GUEST_SS_BASE, 0);
	vmcs_write(GUEST_SS_LIMIT, 0xffffffff);
	vmcs_write(GUEST_SS_AR_BYTES, 0xc093);	/* data, DPL 0, B, G */
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
		   vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		   ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	/* The guest's own TF, if FMASK left it: its single-step trap. */
	if (rflags & X86_EFLAGS_TF) {
		v->dr6 |= DR_STEP;
		mvx_queue_exception(v, X86_TRAP_DB, false, 0);
	}
	mvx_debug_step_done(v);
}

/**
 * mvx_debug_tf_prepare() - look at the instruction a TF step will run
 * @v: the vCPU, stepping with TF
 *
 * Called before the entry, interrupts on.  An INT n is queued as an
 * injected software interrupt, a SYSCALL is completed here; PUSHF, POPF,
 * IRET and SYSRET are noted for mvx_debug_tf_exit() and the step's #DB.
 *
 * Return: true when an instruction was completed here (a stop may be
 * due: start the run loop over).
 */
bool mvx_debug_tf_prepare(struct mvx_vcpu *v)
{
	struct mvx_debug *dbg = &v->debug;
	unsigned int len, i = 0;
	u64 rflags;
	u8 insn[15];
	int bits;

	dbg->tf_insn = MVX_TF_OTHER;
	if (vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK)
		return false;		/* a delivery: no instruction runs */
	/* Not readable: the CPU faults on the fetch, and that is a step. */
	if (mvx_fetch_insn(v, insn, &len))
		return false;
	bits = mvx_guest_cs_bits(v);
	while (i < len && insn_prefix(insn[i], bits))
		i++;
	if (i >= len)
		return false;
	dbg->tf_rip = vmcs_read(GUEST_RIP);
	rflags = vmcs_read(GUEST_RFLAGS);
	switch (insn[i]) {
	case 0x9c:
		dbg->tf_insn = MVX_TF_PUSHF;
		break;
	case 0x9d:
	case 0xcf:
		dbg->tf_insn = MVX_TF_LOADS;
		break;
	case 0xcd:
		/* INT n: its delivery, as the CPU would do it (26.6.1.1). */
		if (i || len < 2 || (rflags & X86_EFLAGS_VM))
			break;
		mvx_queue_soft_intr(v, insn[1], 2);
		mvx_events_inject(v);
		break;
	case 0x0f:
		if (i + 1 >= len)
			break;
		if (insn[i + 1] == 0x07) {
			dbg->tf_insn = MVX_TF_LOADS;
		} else if (insn[i + 1] == 0x05 && bits == 64 &&
			   (v->efer & EFER_SCE)) {
			v->insn_len = i + 2;
			debug_tf_syscall(v, rflags);
			return true;
		}
		break;
	}
	return false;
}

/**
 * mvx_debug_tf_enter() - set up the entry of a TF step
 * @v: the vCPU, stepping with TF
 *
 * Called right before the entry, interrupts off.
 */
void mvx_debug_tf_enter(struct mvx_vcpu *v)
{
	struct mvx_debug *dbg = &v->debug;
	u64 rflags = vmcs_read(GUEST_RFLAGS);
	u32 intr;

	if ((vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) &&
	    (vmx_config.pin & PIN_BASED_VMX_PREEMPTION_TIMER)) {
		mvx_set_preemption_timer(v, 0);
		dbg->tf_entry = MVX_TF_EVENT;
		return;
	}
	dbg->tf_guest = rflags & X86_EFLAGS_TF;
	if (!dbg->tf_guest)
		vmcs_write(GUEST_RFLAGS, rflags | X86_EFLAGS_TF);
	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	dbg->tf_entry = MVX_TF_STEP;
}

/**
 * mvx_debug_tf_exit() - undo mvx_debug_tf_enter() after the exit
 * @v: the vCPU, stepping with TF
 *
 * Called right after the exit (or a failed entry), before any handler.
 */
void mvx_debug_tf_exit(struct mvx_vcpu *v)
{
	struct mvx_debug *dbg = &v->debug;
	u64 rflags;

	if (dbg->tf_entry == MVX_TF_EVENT) {
		mvx_set_preemption_timer(v, mvx_timer_period());
		return;
	}
	if (dbg->tf_entry != MVX_TF_STEP || dbg->tf_guest)
		return;
	/* After POPF, IRET or SYSRET ran, TF is what the guest loaded. */
	if (dbg->tf_insn == MVX_TF_LOADS &&
	    vmcs_read(GUEST_RIP) != dbg->tf_rip)
		return;
	rflags = vmcs_read(GUEST_RFLAGS);
	if (rflags & X86_EFLAGS_TF)
		vmcs_write(GUEST_RFLAGS, rflags & ~X86_EFLAGS_TF);
}

/* The RFLAGS image a PUSHF stored has our TF: bit 8, in its second byte. */
static void debug_tf_mend_pushf(struct mvx_vcpu *v)
{
	unsigned int acc = mvx_guest_access();
	u64 sp = vmcs_read(GUEST_RSP);
	u8 b;

	if (mvx_guest_cs_bits(v) != 64) {
		if (!(vmcs_read(GUEST_SS_AR_BYTES) & VMX_AR_DB_MASK))
			sp = (u16)sp;
		sp = (u32)(vmcs_read(GUEST_SS_BASE) + sp);
	}
	if (!mvx_read_gva(v, sp + 1, &b, 1, acc) && (b & 1)) {
		b &= ~1;
		mvx_write_gva(v, sp + 1, &b, 1, acc);
	}
}

/* The #DB trap of a TF step: the instruction completed. */
static void debug_tf_step(struct mvx_vcpu *v)
{
	struct mvx_debug *dbg = &v->debug;

	if (dbg->tf_insn == MVX_TF_PUSHF && !dbg->tf_guest &&
	    vmcs_read(GUEST_RIP) != dbg->tf_rip)
		debug_tf_mend_pushf(v);
	mvx_debug_step_done(v);
}

/*
 * An exception intercepted while stepping with TF: deliver it as the CPU
 * would have, by injection.  One raised while delivering another (the
 * IDT-vectoring information was valid, and mvx_events_complete() queued
 * that event again) meets the double-fault rules in events.c: #DF, the
 * shutdown exit, or the newer one alone, as the CPU would decide.
 */
static void debug_tf_reflect(struct mvx_vcpu *v, u32 info)
{
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	/* An IRET that unblocked NMIs: mvx_events_complete() blocked them. */
	if (type == INTR_TYPE_SOFT_EXCEPTION) {		/* INT3, INTO */
		mvx_queue_soft_exception(v, vector, type,
					 vmcs_read(VM_EXIT_INSTRUCTION_LEN));
		return;
	}
	/* The CPU does not write CR2 for a #PF that exits (27.1). */
	if (vector == X86_TRAP_PF)
		v->cr2 = vmcs_read(EXIT_QUALIFICATION);
	mvx_queue_exception(v, vector, info & INTR_INFO_DELIVER_CODE_MASK,
			    vmcs_read(VM_EXIT_INTR_ERROR_CODE));
}

/**
 * mvx_debug_preemption_timer() - a preemption-timer exit while debugging
 * @v: the vCPU
 *
 * Return: 1.  After the entry of a TF step that delivered an event, the
 * delivery was the step.
 */
int mvx_debug_preemption_timer(struct mvx_vcpu *v)
{
	if (v->debug.tf_entry == MVX_TF_EVENT)
		mvx_debug_step_done(v);
	return 1;
}

/**
 * mvx_reflect_db() - give the guest a #DB that exited
 * @v: the vCPU
 * @info: VM_EXIT_INTR_INFO
 * @dr6: the exit qualification: DR6's B0-B3, BD and BS (SDM 28.2.1)
 *
 * A #DB the debugger did not cause (the guest's own single step,
 * breakpoints, ICEBP, general detect) goes to the guest, its DR6 updated
 * as the CPU would (SDM 17.2.3; KVM's kvm_deliver_exception_payload()).
 */
void mvx_reflect_db(struct mvx_vcpu *v, u32 info, u64 dr6)
{
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	v->dr6 = (v->dr6 & ~(u64)(DR_TRAP_BITS | DR_STEP)) | MVX_DR6_FIXED_1 |
		 (dr6 & MVX_DR6_VOLATILE);
	if (type == INTR_TYPE_PRIV_SW_EXCEPTION) {
		mvx_queue_soft_exception(v, X86_TRAP_DB, type,
					 vmcs_read(VM_EXIT_INSTRUCTION_LEN));
		return;
	}
	mvx_queue_exception(v, X86_TRAP_DB, false, 0);
}

/**
 * mvx_debug_exception() - an intercepted #BP or #DB
 * @v: the vCPU
 * @info: VM_EXIT_INTR_INFO
 *
 * Return: 1 when handled (a stop is recorded or the event went back to
 * the guest), -ENOENT when the exception is not the debugger's.
 */
int mvx_debug_exception(struct mvx_vcpu *v, u32 info)
{
	struct mvx_debug *dbg = &v->debug;
	u8 vector = info & INTR_INFO_VECTOR_MASK;
	u64 q;
	int i;

	if (vector == X86_TRAP_BP &&
	    (dbg->control & MINIVMX_GUESTDBG_USE_SW_BP)) {
		/* RIP is at the INT3; SET_GUEST_DEBUG(INJECT_BP) delivers it. */
		dbg->bp_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
		dbg->stop |= MINIVMX_DEBUG_SW_BP;
		return 1;
	}
	if (vector != X86_TRAP_DB) {
		if (!dbg->tf)
			return -ENOENT;
		debug_tf_reflect(v, info);
		return 1;
	}
	if (!(dbg->control & MINIVMX_GUESTDBG_USE_HW_BP) && !dbg->tf)
		return -ENOENT;

	/* The qualification has DR6's B0-B3, BD and BS (SDM 28.2.1). */
	q = vmcs_read(EXIT_QUALIFICATION);
	if (dbg->tf_entry == MVX_TF_STEP && (q & DR_STEP)) {
		debug_tf_step(v);
		if (!dbg->tf_guest)
			q &= ~(u64)DR_STEP;	/* ours alone */
	}
	for (i = 0; i < 4 && (dbg->control & MINIVMX_GUESTDBG_USE_HW_BP); i++) {
		if (!(q & BIT(i)) || !(dbg->dr7 & (3UL << (2 * i))))
			continue;
		if (dr7_rw(dbg->dr7, i) == 0) {
			/*
			 * A fault, before the instruction: RF lets it run
			 * when the guest resumes (SDM 17.3.1.1).
			 */
			dbg->stop |= MINIVMX_DEBUG_HW_BP;
			vmcs_write(GUEST_RFLAGS,
				   vmcs_read(GUEST_RFLAGS) | X86_EFLAGS_RF);
		} else {
			dbg->stop |= MINIVMX_DEBUG_WATCH;
		}
	}
	if (dbg->stop & (MINIVMX_DEBUG_HW_BP | MINIVMX_DEBUG_WATCH)) {
		dbg->dr6 = DR6_RESERVED | (q & MVX_DR6_VOLATILE);
		return 1;
	}
	/* The guest's own #DB: its single step, its breakpoints, ICEBP. */
	if ((q & MVX_DR6_VOLATILE) ||
	    (info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXCEPTION)
		mvx_reflect_db(v, info, q);
	return 1;
}

/**
 * mvx_debug_exit_bp() - note an exit an exit breakpoint asked for
 * @v: the vCPU
 * @basic: the basic exit reason, its bit set in the exit bitmap
 *
 * Called before the handler, which may change what the VMCS says.
 */
void mvx_debug_exit_bp(struct mvx_vcpu *v, u32 basic)
{
	struct mvx_debug *dbg = &v->debug;

	dbg->stop |= MINIVMX_DEBUG_EXIT;
	dbg->exit.reason = basic;
	dbg->exit.rip = vmcs_read(GUEST_RIP);
	dbg->exit.qualification = vmcs_read(EXIT_QUALIFICATION);
	dbg->exit.intr_info = vmcs_read(VM_EXIT_INTR_INFO);
	dbg->exit.idt_vectoring_info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	dbg->exit.insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	dbg->exit.insn_info = vmcs_read(VMX_INSTRUCTION_INFO);
	if (basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG) {
		dbg->exit.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		dbg->exit.gla = vmcs_read(GUEST_LINEAR_ADDRESS);
	} else {
		dbg->exit.gpa = 0;
		dbg->exit.gla = 0;
	}
}

/**
 * mvx_debug_report() - fill the run structure with the stop
 * @v: the vCPU, a stop recorded
 *
 * A step stop re-arms the step count; other stops leave it running.
 *
 * Return: 0 (an exit to userspace).
 */
int mvx_debug_report(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	struct mvx_debug *dbg = &v->debug;

	memset(&run->debug, 0, sizeof(run->debug));
	run->exit_reason = MINIVMX_EXIT_DEBUG;
	run->debug.reasons = dbg->stop;
	run->debug.rip = vmcs_read(GUEST_RIP);
	run->debug.steps = (dbg->steps ?: 1) - dbg->steps_left;
	run->debug.dr7 = dbg->dr7;
	if (dbg->stop & (MINIVMX_DEBUG_HW_BP | MINIVMX_DEBUG_WATCH))
		run->debug.dr6 = dbg->dr6;
	if (dbg->stop & MINIVMX_DEBUG_EXIT) {
		run->debug.vmx_exit_reason = dbg->exit.reason;
		run->debug.exit_rip = dbg->exit.rip;
		run->debug.exit_qualification = dbg->exit.qualification;
		run->debug.gpa = dbg->exit.gpa;
		run->debug.gla = dbg->exit.gla;
		run->debug.intr_info = dbg->exit.intr_info;
		run->debug.idt_vectoring_info = dbg->exit.idt_vectoring_info;
		run->debug.insn_len = dbg->exit.insn_len;
		run->debug.insn_info = dbg->exit.insn_info;
	}
	run->guest_rip = run->debug.rip;
	run->vmx_exit_reason = vmcs_read(VM_EXIT_REASON) & 0xffff;
	run->exit_qualification = 0;
	if (dbg->stop & MINIVMX_DEBUG_STEP)
		debug_arm_steps(dbg);
	dbg->stop = 0;
	return 0;
}

/* ---- MINIVMX_GET_VMCS ---- */

/* An encoding: access type, index, type (11:10), width (14:13) (B.1). */
#define VMCS_ENC_RESERVED	(GENMASK(31, 15) | BIT(12))
#define VMCS_ENC_TYPE(e)	(((e) >> 10) & 3)
#define VMCS_TYPE_HOST		3

/*
 * 64-bit control fields that hold host-physical addresses (B.2.1): their
 * address bits would tell the caller where the host keeps things.
 */
static const u16 vmcs_address_fields[] = {
	IO_BITMAP_A, IO_BITMAP_B, MSR_BITMAP, VM_EXIT_MSR_STORE_ADDR,
	VM_EXIT_MSR_LOAD_ADDR, VM_ENTRY_MSR_LOAD_ADDR,
	0x200c,				/* executive-VMCS pointer */
	PML_ADDRESS, VIRTUAL_APIC_PAGE_ADDR, APIC_ACCESS_ADDR,
	POSTED_INTR_DESC_ADDR, EPT_POINTER,
	0x2024, 0x2026, 0x2028,		/* EPTP list, VMREAD/VMWRITE bitmaps */
	0x202a,				/* virtualization-exception info */
	0x2030,				/* SPP table pointer */
	0x2038, 0x203a, 0x203c,		/* PASID directories, shared EPTP */
	0x2040,				/* HLAT pointer */
};

static u64 vmcs_field_sanitize(u32 enc, u64 val)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmcs_address_fields); i++) {
		if ((enc & ~1U) != vmcs_address_fields[i])
			continue;
		/* The high half (access type 1) is all address. */
		return enc & 1 ? 0 : val & ~PAGE_MASK;
	}
	return val;
}

/**
 * mvx_get_vmcs() - MINIVMX_GET_VMCS
 * @v: the vCPU, its mutex held
 * @arg: user pointer to a struct minivmx_vmcs_read
 *
 * Return: 0; -EFAULT; -EINVAL for a pad, too many fields, or an encoding
 * the CPU does not have; -EPERM for a host-state field; -ENOMEM.
 */
long mvx_get_vmcs(struct mvx_vcpu *v, void __user *arg)
{
	struct minivmx_vmcs_field *f;
	struct minivmx_vmcs_read r;
	unsigned int i;
	int ret = 0;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.pad || r.nr > MINIVMX_MAX_VMCS_FIELDS)
		return -EINVAL;
	if (!r.nr)
		return 0;
	f = memdup_user(u64_to_user_ptr(r.fields), r.nr * sizeof(*f));
	if (IS_ERR(f))
		return PTR_ERR(f);
	for (i = 0; i < r.nr && !ret; i++) {
		if (f[i].pad || (f[i].encoding & VMCS_ENC_RESERVED))
			ret = -EINVAL;
		else if (VMCS_ENC_TYPE(f[i].encoding) == VMCS_TYPE_HOST)
			ret = -EPERM;
	}
	if (ret)
		goto out;

	preempt_disable();
	mvx_vcpu_load(v);
	for (i = 0; i < r.nr && !ret; i++) {
		ret = vmcs_read_checked(f[i].encoding, &f[i].value);
		f[i].value = vmcs_field_sanitize(f[i].encoding, f[i].value);
	}
	preempt_enable();
	if (!ret && copy_to_user(u64_to_user_ptr(r.fields), f,
				 r.nr * sizeof(*f)))
		ret = -EFAULT;
out:
	kfree(f);
	return ret;
}
