// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events for the guest: one pending exception, NMIs, and the external
 * interrupt userspace queued, injected at VM entry through the VM-entry
 * interruption-information field (SDM Vol. 3C 26.6), as KVM's x86.c and
 * vmx.c do.
 *
 * An event is "pending" until an entry injects it, then "injected" until
 * the next exit: the exit either saw it delivered, or left it in the
 * IDT-vectoring information (SDM 27.2.4), and then it is injected again
 * as it was (KVM's __vmx_complete_interrupts()).  Every entry injects at
 * most one event, in this order: an exception (injected, then pending),
 * an NMI being delivered again, an interrupt being delivered again, a
 * pending NMI if NMIs are not blocked, the pending interrupt if
 * RFLAGS.IF = 1 and no STI or MOV SS blocking holds.  What must wait
 * asks for an NMI-window or interrupt-window exit (exit reasons 8 and 7),
 * whose handlers just let the next entry inject it.
 *
 * An exception raised while another is queued follows the double-fault
 * rules (SDM Vol. 3A 6.15, Table 6-5): a contributory exception after a
 * contributory one, or a page fault or contributory exception after a
 * page fault, becomes #DF; any exception after #DF is a triple fault, the
 * shutdown exit; otherwise the newer one replaces the older, which the
 * guest's re-executed instruction raises again (KVM's
 * kvm_multiple_exception()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include <kunit/visibility.h>

#include "minivmx.h"
#include "vmx_ops.h"

/* Table 6-4: the classes the double-fault rules name. */
enum { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGE_FAULT };

static int exception_class(u8 vector)
{
	switch (vector) {
	case X86_TRAP_PF:
		return EXC_PAGE_FAULT;
	case X86_TRAP_DE:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
		return EXC_CONTRIBUTORY;
	}
	return EXC_BENIGN;
}

/**
 * mvx_exception_merge() - the double-fault rules (SDM Vol. 3A Table 6-5)
 * @first: the exception being delivered
 * @second: the exception raised meanwhile
 *
 * Return: @second when the two are handled one after the other (the first
 * is raised again when its instruction runs again), X86_TRAP_DF, or
 * MVX_TRIPLE_FAULT when @first is a #DF.
 */
unsigned int mvx_exception_merge(u8 first, u8 second)
{
	int c1 = exception_class(first), c2 = exception_class(second);

	if (first == X86_TRAP_DF)
		return MVX_TRIPLE_FAULT;
	if ((c1 == EXC_CONTRIBUTORY && c2 == EXC_CONTRIBUTORY) ||
	    (c1 == EXC_PAGE_FAULT && c2 != EXC_BENIGN))
		return X86_TRAP_DF;
	return second;
}
EXPORT_SYMBOL_IF_KUNIT(mvx_exception_merge);

/*
 * A fault pushes RFLAGS with RF set, so that an instruction breakpoint
 * does not hit again on return (SDM 17.3.1.1); injection pushes
 * GUEST_RFLAGS as it is.  Traps and aborts do not (KVM's exception_type()).
 */
static bool exception_is_fault(u8 vector)
{
	switch (vector) {
	case X86_TRAP_DB:
	case X86_TRAP_BP:
	case X86_TRAP_OF:
	case X86_TRAP_DF:
	case X86_TRAP_MC:
		return false;
	}
	return true;
}

/* Queue an exception of @type (INTR_TYPE_*) after what is queued already. */
static void queue_exception(struct mvx_vcpu *v, u8 vector, u32 type,
			    bool has_error, u32 error, u8 len)
{
	struct mvx_exception *exc = &v->events.exc;

	if (exc->pending || exc->injected) {
		unsigned int merged = mvx_exception_merge(exc->vector, vector);

		if (merged == MVX_TRIPLE_FAULT) {
			v->events.triple_fault = true;
			exc->pending = false;
			exc->injected = false;
			return;
		}
		if (merged == X86_TRAP_DF) {
			vector = X86_TRAP_DF;
			type = INTR_TYPE_HARD_EXCEPTION;
			has_error = true;
			error = 0;
		}
	}
	exc->pending = true;
	exc->injected = false;
	exc->vector = vector;
	exc->type = type >> 8;
	exc->has_error = has_error;
	exc->error = error;
	exc->len = len;
}

/**
 * mvx_queue_exception() - raise a hardware exception in the guest
 * @v: the vCPU
 * @vector: the exception vector
 * @has_error: it pushes @error (dropped in real mode when injected)
 * @error: the error code
 *
 * The exception is injected at the next entry, RFLAGS.RF set for faults.
 */
void mvx_queue_exception(struct mvx_vcpu *v, u8 vector, bool has_error,
			 u32 error)
{
	queue_exception(v, vector, INTR_TYPE_HARD_EXCEPTION, has_error, error,
			0);
}

/**
 * mvx_queue_soft_exception() - raise INT3, INTO or INT1 in the guest
 * @v: the vCPU
 * @vector: X86_TRAP_BP, X86_TRAP_OF or X86_TRAP_DB
 * @type: INTR_TYPE_SOFT_EXCEPTION, or INTR_TYPE_PRIV_SW_EXCEPTION for INT1
 * @len: length of the instruction: the pushed RIP follows it
 */
void mvx_queue_soft_exception(struct mvx_vcpu *v, u8 vector, u32 type, u8 len)
{
	queue_exception(v, vector, type, false, 0, len);
}

/**
 * mvx_queue_soft_intr() - deliver INT n in place of the instruction
 * @v: the vCPU
 * @vector: n
 * @len: length of the INT n instruction
 *
 * Injected at the next entry whatever RFLAGS.IF says, as the instruction
 * would have been run.
 */
void mvx_queue_soft_intr(struct mvx_vcpu *v, u8 vector, u8 len)
{
	struct mvx_events *e = &v->events;

	e->irq_injected = true;
	e->irq_soft = true;
	e->irq_vector = vector;
	e->irq_len = len;
}

/**
 * mvx_event_queued() - is an event waiting for the next entry, come what may
 * @v: the vCPU
 *
 * Return: true when the next entry injects an exception or delivers an
 * NMI or interrupt again.  Pending NMIs and interrupts wait for their
 * window and do not count.
 */
bool mvx_event_queued(struct mvx_vcpu *v)
{
	struct mvx_events *e = &v->events;

	return e->exc.pending || e->exc.injected || e->nmi_injected ||
	       e->irq_injected;
}

/**
 * mvx_cancel_exception() - forget the queued exception
 * @v: the vCPU
 *
 * New registers cancel a fault raised for the old ones (KVM's SET_REGS).
 */
void mvx_cancel_exception(struct mvx_vcpu *v)
{
	v->events.exc.pending = false;
	v->events.exc.injected = false;
}

static bool nmi_blocked(u32 intr)
{
	return intr & (GUEST_INTR_STATE_MOV_SS | GUEST_INTR_STATE_STI |
		       GUEST_INTR_STATE_NMI);
}

static bool irq_blocked(u32 intr)
{
	return !(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF) ||
	       (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/**
 * mvx_ready_for_interrupt() - could MINIVMX_INTERRUPT's vector go in now
 * @v: the vCPU, its VMCS current
 *
 * Return: true when RFLAGS.IF is set, no STI or MOV SS blocking holds, no
 * interrupt is pending already and no event is queued for delivery (KVM's
 * kvm_vcpu_ready_for_interrupt_injection()).
 */
bool mvx_ready_for_interrupt(struct mvx_vcpu *v)
{
	return !v->events.irq_pending && !mvx_event_queued(v) &&
	       !irq_blocked(vmcs_read(GUEST_INTERRUPTIBILITY_INFO));
}

/**
 * mvx_events_report() - the run structure's view of interrupts
 * @v: the vCPU, its VMCS current; MINIVMX_RUN is returning
 */
void mvx_events_report(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;

	run->if_flag = !!(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = mvx_ready_for_interrupt(v);
}

/*
 * NMIs from IPIs and MSIs join the queue: two at most while NMIs are
 * unblocked, one while one is being handled (KVM's process_nmi()).
 */
static void add_nmis(struct mvx_vcpu *v, unsigned int n, u32 intr)
{
	struct mvx_events *e = &v->events;
	unsigned int limit = 2;

	if ((intr & GUEST_INTR_STATE_NMI) || e->nmi_injected)
		limit = 1;
	e->nmi_pending = min(e->nmi_pending + n, limit);
}

/* What other threads posted for the local APIC's vCPU. */
static void lapic_collect(struct mvx_vcpu *v)
{
	unsigned int n;

	if (!READ_ONCE(v->kicked))
		return;
	WRITE_ONCE(v->kicked, false);
	smp_mb();	/* cleared before what the kick announced is read */
	n = atomic_xchg(&v->lapic->nmi_queued, 0);
	if (n && mvx_has_vnmi())
		add_nmis(v, n, vmcs_read(GUEST_INTERRUPTIBILITY_INFO));
}

/* Set the window-exiting controls to @want (CPU_BASED_*_WINDOW_EXITING). */
static void set_windows(struct mvx_vcpu *v, u32 want)
{
	struct mvx_events *e = &v->events;

	if (want == e->windows)
		return;
	vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL, want & ~e->windows);
	vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL, e->windows & ~want);
	e->windows = want;
}

/* The VM-entry interruption information of the queued exception. */
static u32 exception_info(struct mvx_vcpu *v)
{
	struct mvx_exception *exc = &v->events.exc;
	u32 info = exc->vector | (u32)exc->type << 8 | INTR_INFO_VALID_MASK;

	/* 26.2.1.3: no error code in real mode. */
	if (exc->has_error && (vmcs_guest_cr0() & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, exc->error);
	}
	if (exc->type << 8 != INTR_TYPE_HARD_EXCEPTION)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN, exc->len);
	return info;
}

static u32 irq_info(struct mvx_vcpu *v)
{
	struct mvx_events *e = &v->events;

	if (!e->irq_soft)
		return e->irq_vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK;
	vmcs_write(VM_ENTRY_INSTRUCTION_LEN, e->irq_len);
	return e->irq_vector | INTR_TYPE_SOFT_INTR | INTR_INFO_VALID_MASK;
}

#define NMI_INFO	(X86_TRAP_NMI | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK)

/*
 * The NMI window: NMI-window exiting, except under STI blocking, which
 * some CPUs do not end with an NMI-window exit; the interrupt window
 * opens right after it (KVM's vmx_enable_nmi_window()).
 */
static u32 nmi_window(u32 intr)
{
	if (intr & GUEST_INTR_STATE_STI)
		return CPU_BASED_INTR_WINDOW_EXITING;
	return CPU_BASED_NMI_WINDOW_EXITING;
}

/**
 * mvx_events_inject() - put the next event into the VMCS before an entry
 * @v: the vCPU, its VMCS current, preemption disabled
 *
 * Called before every entry; the VM-entry interruption-information field
 * is written only here.  A triple fault a handler raised ends the run
 * instead, with MINIVMX_EXIT_SHUTDOWN.
 *
 * Return: true to enter the guest, false when @v->run is filled for
 * userspace.
 */
bool mvx_events_inject(struct mvx_vcpu *v)
{
	struct mvx_events *e = &v->events;
	struct mvx_exception *exc = &e->exc;
	u32 info = 0, windows = 0, intr;
	int vec = -1;

	if (likely(!mvx_event_queued(v) && !e->nmi_pending &&
		   !e->irq_pending && !e->triple_fault && !e->windows &&
		   !e->entry_info && !v->run->request_interrupt_window &&
		   (!v->lapic || (!READ_ONCE(v->kicked) &&
				  !READ_ONCE(v->lapic->irr_pending)))))
		return true;
	if (v->lapic)
		lapic_collect(v);
	if (unlikely(e->triple_fault)) {
		e->triple_fault = false;
		e->nmi_injected = false;
		e->irq_injected = false;
		mvx_shutdown(v);
		return false;
	}
	if (exc->pending) {
		/*
		 * A fault raised while an NMI or interrupt was being
		 * delivered comes first; that event is not delivered again
		 * (KVM's kvm_check_and_inject_events()).
		 */
		exc->pending = false;
		exc->injected = true;
		e->nmi_injected = false;
		e->irq_injected = false;
		if (exc->type << 8 == INTR_TYPE_HARD_EXCEPTION &&
		    exception_is_fault(exc->vector))
			vmcs_write(GUEST_RFLAGS,
				   vmcs_read(GUEST_RFLAGS) | X86_EFLAGS_RF);
	}
	if (exc->injected)
		info = exception_info(v);
	else if (e->nmi_injected)
		info = NMI_INFO;
	else if (e->irq_injected)
		info = irq_info(v);

	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	if (e->nmi_pending) {
		if (!info && !nmi_blocked(intr)) {
			e->nmi_pending--;
			e->nmi_injected = true;
			info = NMI_INFO;
		}
		if (e->nmi_pending)
			windows |= nmi_window(intr);
	}
	if (e->irq_pending) {
		if (!info && !irq_blocked(intr)) {
			e->irq_pending = false;
			e->irq_injected = true;
			e->irq_soft = false;
			e->irq_vector = e->irq_pending_vector;
			info = irq_info(v);
		} else {
			windows |= CPU_BASED_INTR_WINDOW_EXITING;
		}
	}
	/* The local APIC's, after the one userspace queued (an ExtINT). */
	if (v->lapic && !e->irq_pending)
		vec = mvx_lapic_interrupt(v);
	if (vec >= 0) {
		if (!info && !irq_blocked(intr)) {
			mvx_lapic_ack(v, vec);
			e->irq_injected = true;
			e->irq_soft = false;
			e->irq_vector = vec;
			info = irq_info(v);
		} else {
			windows |= CPU_BASED_INTR_WINDOW_EXITING;
		}
	}
	/* Userspace wants to know when it may inject (KVM's req_int_win). */
	if (v->run->request_interrupt_window)
		windows |= CPU_BASED_INTR_WINDOW_EXITING;
	set_windows(v, windows);
	if (info || e->entry_info)
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
	e->entry_info = info;
	return true;
}

/**
 * mvx_events_cancel() - take back what mvx_events_inject() put in the VMCS
 * @v: the vCPU, its VMCS current
 *
 * Called when the run loop returns without entering again: the event stays
 * queued as injected, and the VMCS field is clear for the ioctls between
 * runs (KVM's vmx_cancel_injection()).
 */
void mvx_events_cancel(struct mvx_vcpu *v)
{
	if (v->events.entry_info) {
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
		v->events.entry_info = 0;
	}
}

/**
 * mvx_events_reset() - forget every event, as INIT does
 * @v: the vCPU, its VMCS current
 */
void mvx_events_reset(struct mvx_vcpu *v)
{
	set_windows(v, 0);
	mvx_events_cancel(v);
	memset(&v->events, 0, sizeof(v->events));
}

/* Exits that can interrupt event delivery (SDM 27.2.4). */
static bool exit_may_vector(u16 basic)
{
	return basic == EXIT_REASON_EXCEPTION_NMI ||
	       basic == EXIT_REASON_EXTERNAL_INTERRUPT ||
	       basic == EXIT_REASON_TASK_SWITCH ||
	       basic == EXIT_REASON_EPT_VIOLATION ||
	       basic == EXIT_REASON_EPT_MISCONFIG;
}

/*
 * An exception or EPT violation in an IRET that had unblocked NMIs: the
 * guest's handler runs with NMIs blocked again (SDM 27.2.2, 27.2.3;
 * KVM's vmx_recover_nmi_blocking()).  Not when the exit interrupted an
 * event's delivery: the bit is undefined then.
 */
static void recover_nmi_blocking(u16 basic)
{
	u32 info;

	if (!(vmx_config.pin & PIN_BASED_VIRTUAL_NMIS))
		return;
	if (basic == EXIT_REASON_EXCEPTION_NMI) {
		info = vmcs_read(VM_EXIT_INTR_INFO);
		if (!(info & INTR_INFO_UNBLOCK_NMI) ||
		    (info & INTR_INFO_VECTOR_MASK) == X86_TRAP_DF)
			return;
	} else if (basic != EXIT_REASON_EPT_VIOLATION ||
		   !(vmcs_read(EXIT_QUALIFICATION) & INTR_INFO_UNBLOCK_NMI)) {
		return;
	}
	vmcs_set_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
}

/**
 * mvx_events_complete() - after an exit: what became of the injected event
 * @v: the vCPU, its VMCS current
 * @basic: the basic exit reason; a failed entry delivered nothing
 *
 * Called before the exit's handler.  The event the entry injected was
 * delivered, unless the exit left it in the IDT-vectoring information:
 * then it is queued to be injected again, as it was.  A handler that
 * raises an exception now applies the double-fault rules to it.
 */
void mvx_events_complete(struct mvx_vcpu *v, u16 basic)
{
	struct mvx_events *e = &v->events;
	u32 info, type;
	u8 vector;

	/* The CPU clears the field's valid bit on every exit (27.2.1). */
	e->entry_info = 0;
	e->exc.injected = false;
	e->nmi_injected = false;
	e->irq_injected = false;
	if (!exit_may_vector(basic))
		return;
	info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	if (likely(!(info & VECTORING_INFO_VALID_MASK))) {
		recover_nmi_blocking(basic);
		return;
	}
	vector = info & VECTORING_INFO_VECTOR_MASK;
	type = info & VECTORING_INFO_TYPE_MASK;
	switch (type) {
	case INTR_TYPE_NMI_INTR:
		e->nmi_injected = true;
		/* 27.7.1.2: the NMI's delivery did not block NMIs yet. */
		vmcs_clear_bits(GUEST_INTERRUPTIBILITY_INFO,
				GUEST_INTR_STATE_NMI);
		break;
	case INTR_TYPE_EXT_INTR:
	case INTR_TYPE_SOFT_INTR:
		e->irq_injected = true;
		e->irq_soft = type == INTR_TYPE_SOFT_INTR;
		e->irq_vector = vector;
		e->irq_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
		break;
	case INTR_TYPE_HARD_EXCEPTION:
	case INTR_TYPE_SOFT_EXCEPTION:
	case INTR_TYPE_PRIV_SW_EXCEPTION:
		e->exc.injected = true;
		e->exc.vector = vector;
		e->exc.type = type >> 8;
		e->exc.has_error = info & VECTORING_INFO_DELIVER_CODE_MASK;
		e->exc.error = e->exc.has_error ?
			       vmcs_read(IDT_VECTORING_ERROR_CODE) : 0;
		e->exc.len = type == INTR_TYPE_HARD_EXCEPTION ? 0 :
			     vmcs_read(VM_EXIT_INSTRUCTION_LEN);
		break;
	}
}

/* Exit reason 7: the guest can take an interrupt now. */
int mvx_handle_irq_window(struct mvx_vcpu *v)
{
	set_windows(v, v->events.windows & ~CPU_BASED_INTR_WINDOW_EXITING);
	/* Userspace asked to be told, and has nothing queued (KVM). */
	if (v->run->request_interrupt_window && !v->events.irq_pending) {
		v->run->exit_reason = MINIVMX_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}
	return 1;
}

/* Exit reason 8: NMIs are no longer blocked. */
int mvx_handle_nmi_window(struct mvx_vcpu *v)
{
	set_windows(v, v->events.windows & ~CPU_BASED_NMI_WINDOW_EXITING);
	return 1;
}

/**
 * mvx_has_vnmi() - can NMIs be injected and their window awaited
 *
 * Return: true with virtual NMIs and NMI-window exiting (SDM A.3.1, A.3.2).
 */
bool mvx_has_vnmi(void)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return (vmx_config.pin & PIN_BASED_VIRTUAL_NMIS) &&
	       (upper_32_bits(vmx_ctl_msr(m, m->procbased_ctls,
					  m->true_procbased_ctls)) &
		CPU_BASED_NMI_WINDOW_EXITING);
}

/**
 * mvx_interrupt() - MINIVMX_INTERRUPT
 * @v: the vCPU, its mutex held
 * @arg: user pointer to a struct minivmx_interrupt
 *
 * Return: 0; -EFAULT; -EINVAL for a vector below 32 or a non-zero pad;
 * -EEXIST while an interrupt queued earlier waits (KVM_INTERRUPT's rule).
 */
long mvx_interrupt(struct mvx_vcpu *v, const void __user *arg)
{
	struct minivmx_interrupt irq;

	if (copy_from_user(&irq, arg, sizeof(irq)))
		return -EFAULT;
	if (irq.vector < 32 || irq.vector > 255 || irq.pad)
		return -EINVAL;
	if (v->events.irq_pending)
		return -EEXIST;
	v->events.irq_pending = true;
	v->events.irq_pending_vector = irq.vector;
	return 0;
}

/**
 * mvx_nmi() - MINIVMX_NMI
 * @v: the vCPU, its mutex held
 *
 * As KVM_NMI: NMIs that arrive while one waits are one, and while an NMI
 * handler runs a second one waits for its IRET: two at most are pending
 * when NMIs are unblocked, one when blocked.
 *
 * Return: 0, or -ENODEV without virtual NMIs.
 */
long mvx_nmi(struct mvx_vcpu *v)
{
	u32 intr;

	if (!mvx_has_vnmi())
		return -ENODEV;
	preempt_disable();
	mvx_vcpu_load(v);
	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	preempt_enable();
	add_nmis(v, 1, intr);
	return 0;
}
