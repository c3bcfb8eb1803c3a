// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs: the vCPU file descriptor, its registers and the run loop.
 *
 * MINIVMX_RUN runs the guest in batches.  A batch holds the VM's mem_lock
 * for reading and runs with preemption disabled, with the guest's
 * KERNEL_GS_BASE, SYSCALL MSRs and XCR0 loaded; interrupts are enabled
 * between VM entries, so host interrupts (which cause "external interrupt"
 * exits) are handled right after the exit.  NMIs and machine checks that
 * arrive in the guest are handed to the host's handlers before interrupts
 * are enabled.  What VM exit clobbers and the host must not lose - DR7
 * and the hardware breakpoints, IA32_DEBUGCTL, XCR0 - is put back after
 * every exit.  A batch ends when an exit needs userspace, when the
 * scheduler wants the CPU, when a signal is pending or when guest memory
 * changed; the host state is then put back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apic.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/idtentry.h>
#include <asm/mce.h>
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/perf_event.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "ring.h"
#include "trace.h"
#include "vmx_ops.h"

/*
 * L1D flush before VM entry on CPUs with L1TF (Intel's L1TF guidance,
 * KVM's vmentry_l1d_flush): -1 flushes where the CPU has the bug, 1
 * always, 0 never.  Only the IA32_FLUSH_CMD way is
 * implemented: without it the parameter cannot be 1.
 */
static int l1d_flush = -1;
module_param(l1d_flush, int, 0444);
MODULE_PARM_DESC(l1d_flush,
		 "flush the L1 data cache before VM entry: -1 where the CPU has L1TF (default), 0 never, 1 always");
static DEFINE_STATIC_KEY_FALSE(mvx_l1d_flush);

/*
 * Test only: with entry_checks=0, MINIVMX_SET_SREGS and MINIVMX_SET_REGS
 * let through states that fail the VM-entry checks (checks.c), so that
 * the CPU's verdict can be compared with the table's.  The CPU checks
 * the guest state before it loads any of it: the host is not at risk.
 */
bool mvx_entry_checks_on = true;
module_param_named(entry_checks, mvx_entry_checks_on, bool, 0444);
MODULE_PARM_DESC(entry_checks,
		 "refuse register states that fail a VM-entry check (default); 0 is for tests");

/* VPID 0 is the host's; give each vCPU its own (SDM 29.1). */
static DEFINE_IDA(vpid_ida);

/**
 * mvx_vcpu_load() - make the vCPU's VMCS current on this CPU
 * @v: the vCPU; preemption is disabled
 *
 * Flushes what may be stale (SDM 29.4.3).
 */
void mvx_vcpu_load(struct mvx_vcpu *v)
{
	int cpu = smp_processor_id();
	unsigned long gen = READ_ONCE(v->vm->mem_gen);

	if (loaded_vmcs_load(&v->vmcs)) {
		vmcs_load_host_cpu_state(v, cpu);
		/* A shadow is in memory, not in the CPU: it stays. */
		if (!v->vm->shadow)
			v->mem_gen = gen - 1;	/* force the flushes below */
		vmx_flush_vpid(v->vpid);
	}
	if (v->mem_gen != gen) {
		/* The shadow may map pages of a slot that is gone. */
		if (v->vm->shadow)
			mvx_shadow_reset(v);
		else
			vmx_flush_ept(v->vm->eptp);
		v->mem_gen = gen;
	}
}

/*
 * CR3 differs between processes (and with PTI); CR4 can change under us
 * (CR4.PCE follows perf's rdpmc setting by IPI).  As KVM does, compare
 * with what the VMCS holds before every entry.  Interrupts are off.
 */
static __always_inline void vcpu_update_host_cr(struct loaded_vmcs *lv)
{
	unsigned long cr3 = __get_current_cr3_fast(), cr4 = cr4_read_shadow();

	if (unlikely(cr3 != lv->host_cr3)) {
		vmcs_write(HOST_CR3, cr3);
		lv->host_cr3 = cr3;
	}
	if (unlikely(cr4 != lv->host_cr4)) {
		vmcs_write(HOST_CR4, cr4);
		lv->host_cr4 = cr4;
	}
}

/*
 * Before a batch: VM exit loads null DS/ES/FS/GS/LDTR selectors, the host
 * FS and GS bases from the VMCS, and leaves KERNEL_GS_BASE as the guest
 * left it (SWAPGS is not intercepted).  Record what to restore.
 */
static void vcpu_switch_to_guest(struct mvx_vcpu *v)
{
	unsigned long fs_base;

	savesegment(ds, v->host.ds_sel);
	savesegment(es, v->host.es_sel);
	savesegment(fs, v->host.fs_sel);
	savesegment(gs, v->host.gs_sel);
	store_ldt(v->host.ldt_sel);
	/* Host selector fields must have RPL and TI 0 (26.2.3). */
	vmcs_write(HOST_FS_SELECTOR, v->host.fs_sel & 7 ? 0 : v->host.fs_sel);
	vmcs_write(HOST_GS_SELECTOR, v->host.gs_sel & 7 ? 0 : v->host.gs_sel);
	rdmsrl(MSR_FS_BASE, fs_base);
	vmcs_write(HOST_FS_BASE, fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, v->host.kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, v->msr.kernel_gs_base);

	/*
	 * SYSCALL's MSRs, for guests that can execute SYSCALL or that set
	 * them: a guest with EFER.SCE must never reach the host's entry.
	 */
	v->host.syscall_saved = v->msr.syscall_used || (v->efer & EFER_SCE);
	if (v->host.syscall_saved) {
		rdmsrl(MSR_STAR, v->host.star);
		rdmsrl(MSR_LSTAR, v->host.lstar);
		rdmsrl(MSR_CSTAR, v->host.cstar);
		rdmsrl(MSR_SYSCALL_MASK, v->host.sfmask);
		wrmsrl(MSR_STAR, v->msr.star);
		wrmsrl(MSR_LSTAR, v->msr.lstar);
		wrmsrl(MSR_CSTAR, v->msr.cstar);
		wrmsrl(MSR_SYSCALL_MASK, v->msr.sfmask);
	}
}

static void vcpu_switch_to_host(struct mvx_vcpu *v)
{
	if (v->host.syscall_saved) {
		wrmsrl(MSR_STAR, v->host.star);
		wrmsrl(MSR_LSTAR, v->host.lstar);
		wrmsrl(MSR_CSTAR, v->host.cstar);
		wrmsrl(MSR_SYSCALL_MASK, v->host.sfmask);
	}
	rdmsrl(MSR_KERNEL_GS_BASE, v->msr.kernel_gs_base);
	/* VM exit loaded null DS and ES: 32-bit callers need theirs back. */
	if (unlikely(v->host.ds_sel | v->host.es_sel)) {
		loadsegment(ds, v->host.ds_sel);
		loadsegment(es, v->host.es_sel);
	}
	if (v->host.ldt_sel || (v->host.gs_sel & 7)) {
		asm volatile("lldt %0" : : "rm"(v->host.ldt_sel));
		load_gs_index(v->host.gs_sel);
	}
	if (v->host.fs_sel & 7)
		loadsegment(fs, v->host.fs_sel);
	/* VM exit set the TR limit to 0x67 and the GDT limit to 0xffff. */
	invalidate_tss_limit();
	wrmsrl(MSR_KERNEL_GS_BASE, v->host.kernel_gs_base);
	load_fixmap_gdt(raw_smp_processor_id());
}

static bool vcpu_should_leave(struct mvx_vcpu *v)
{
	if (v->leave_batch) {
		v->leave_batch = false;
		return true;
	}
	return need_resched() || signal_pending(current) ||
	       atomic_read(&v->vm->mem_waiters) ||
	       READ_ONCE(v->vm->mem_gen) != v->mem_gen;
}

static bool vcpu_fred(void)
{
#ifdef X86_FEATURE_FRED
	return cpu_feature_enabled(X86_FEATURE_FRED);
#else
	return false;
#endif
}

/*
 * An NMI that arrived in the guest caused the exit and is not pending any
 * more (SDM 27.2.2): run the host's NMI handler on a synthetic interrupt
 * frame, as KVM's vmx_do_nmi_irqoff() does.  Where the kernel does not
 * export that entry, send this CPU an NMI by its APIC ID instead (the
 * "self" shorthand cannot carry an NMI).
 */
static void vcpu_do_nmi(void)
{
#ifdef MVX_NMI_ENTRY
	/* FRED delivers events its own way (KVM: fred_entry_from_kvm()). */
	if (IS_MODULE(CONFIG_KVM_INTEL) && !vcpu_fred()) {
		minivmx_do_nmi_irqoff((unsigned long)MVX_NMI_ENTRY);
		return;
	}
#endif
	apic->send_IPI(smp_processor_id(), NMI_VECTOR);
}

/* A machine check in the guest belongs to the host (KVM's kvm_machine_check). */
static void vcpu_do_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,	/* as from user mode: the guest is not the kernel */
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/* Events that must reach the host before interrupts are enabled again. */
static void vcpu_handle_exit_irqoff(u32 reason)
{
	u32 info;

	if (unlikely((u16)reason == EXIT_REASON_MCE_DURING_VMENTRY)) {
		vcpu_do_machine_check();
		return;
	}
	if ((u16)reason != EXIT_REASON_EXCEPTION_NMI)
		return;
	info = vmcs_read(VM_EXIT_INTR_INFO);
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		vcpu_do_nmi();
	else if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
		vcpu_do_machine_check();
}

/*
 * The DR0-DR3 the CPU needs while the guest runs: the debugger's while it
 * owns the breakpoints, else the guest's while its DR7 enables one, else
 * none.
 */
static const unsigned long *vcpu_hw_breakpoints(struct mvx_vcpu *v)
{
	if (unlikely(v->debug.control & MINIVMX_GUESTDBG_USE_HW_BP))
		return v->debug.db;
	if (v->dr7 & (DR_LOCAL_ENABLE_MASK | DR_GLOBAL_ENABLE_MASK))
		return v->db;
	return NULL;
}

static void vcpu_load_dr(struct mvx_vcpu *v, const unsigned long *db)
{
	set_debugreg(db[0], 0);
	set_debugreg(db[1], 1);
	set_debugreg(db[2], 2);
	set_debugreg(db[3], 3);
	/* A #DB the debugger intercepts leaves DR6 alone (SDM 27.1). */
	set_debugreg(db == v->db ? v->dr6 : DR6_RESERVED, 6);
}

/* ---- PMU isolation: perf's MSRs switched around the guest ---- */

static int autoload_find(struct mvx_msr_list *l, u32 msr)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (l->val[i].index == msr)
			return i;
	return -1;
}

/* Load @msr with @val on entry (guest list) or exit (host list). */
static void autoload_set(struct mvx_msr_list *l, unsigned long count_field,
			 u32 msr, u64 val)
{
	int i = autoload_find(l, msr);

	if (i < 0) {
		if (l->nr == MVX_MAX_AUTOLOAD) {
			pr_warn_once("no room to switch MSR %#x around guests\n",
				     msr);
			return;
		}
		i = l->nr++;
		l->val[i].index = msr;
		vmcs_write(count_field, l->nr);
	}
	l->val[i].value = val;
}

static void autoload_clear(struct mvx_msr_list *l, unsigned long count_field,
			   u32 msr)
{
	int i = autoload_find(l, msr);

	if (i < 0)
		return;
	l->val[i] = l->val[--l->nr];
	vmcs_write(count_field, l->nr);
}

static void vcpu_perf_global_ctrl(struct mvx_vcpu *v, bool on, u64 guest,
				  u64 host)
{
	if (on) {
		vmcs_write(GUEST_IA32_PERF_GLOBAL_CTRL, guest);
		vmcs_write(HOST_IA32_PERF_GLOBAL_CTRL, host);
	}
	if (on == v->perf_global_ctrl)
		return;
	if (on) {
		vmcs_set_bits(VM_ENTRY_CONTROLS, VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
		vmcs_set_bits(VM_EXIT_CONTROLS, VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	} else {
		vmcs_clear_bits(VM_ENTRY_CONTROLS, VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
		vmcs_clear_bits(VM_EXIT_CONTROLS, VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	}
	v->perf_global_ctrl = on;
}

/*
 * Before every entry, with interrupts off: perf says which of its MSRs
 * need other values while the guest runs (host counters that exclude the
 * guest stop; PEBS, which would write the host's records through the
 * guest's page tables, goes off where the CPU does not isolate it).
 * KVM's atomic_switch_perf_msrs(); the global control uses the VMCS's own
 * fields where the CPU has them.  On a CPU without a PMU driver perf
 * returns nothing, and nothing is switched.
 */
static void vcpu_switch_perf_msrs(struct mvx_vcpu *v)
{
	struct perf_guest_switch_msr *msrs;
	int i, nr;

	msrs = perf_guest_get_msrs(&nr, NULL);
	if (!msrs)
		return;
	for (i = 0; i < nr; i++) {
		u32 msr = msrs[i].msr;
		bool same = msrs[i].host == msrs[i].guest;

		if (msr == MSR_CORE_PERF_GLOBAL_CTRL &&
		    (vmx_config.entry & VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL)) {
			vcpu_perf_global_ctrl(v, !same, msrs[i].guest,
					      msrs[i].host);
		} else if (same) {
			autoload_clear(&v->autoload.guest,
				       VM_ENTRY_MSR_LOAD_COUNT, msr);
			autoload_clear(&v->autoload.host,
				       VM_EXIT_MSR_LOAD_COUNT, msr);
		} else {
			/* PEBS needs a quiet period before the switch. */
			if (msr == MSR_IA32_PEBS_ENABLE)
				wrmsrl(MSR_IA32_PEBS_ENABLE, 0);
			autoload_set(&v->autoload.guest,
				     VM_ENTRY_MSR_LOAD_COUNT, msr,
				     msrs[i].guest);
			autoload_set(&v->autoload.host,
				     VM_EXIT_MSR_LOAD_COUNT, msr, msrs[i].host);
		}
	}
}

/*
 * Enter the guest and come back, telling lockdep, RCU and context
 * tracking that the CPU runs a guest meanwhile (KVM's
 * vmx_vcpu_enter_exit()).  Interrupts are off.
 */
static noinstr int vcpu_enter_exit(struct mvx_vcpu *v)
{
	int ret;

	guest_state_enter_irqoff();
	if (native_read_cr2() != v->cr2)
		native_write_cr2(v->cr2);
	if (static_branch_unlikely(&mvx_l1d_flush))
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	ret = minivmx_vmx_run(v->regs, v->vmcs.launched, &v->host_rsp);
	v->cr2 = native_read_cr2();
	guest_state_exit_irqoff();
	return ret;
}

/* exit_time=1: the time from the last exit to this entry (stat.c). */
static void vcpu_time_exit(struct mvx_vcpu *v)
{
	if (v->stat.exit_tsc && v->stat.last < MINIVMX_NR_VMX_EXIT_REASONS)
		v->stat.cycles[v->stat.last] += rdtsc() - v->stat.exit_tsc;
	v->stat.exit_tsc = 0;
}

/*
 * One batch.  Return: 1 to start another batch, 0 when the run structure
 * is filled for userspace, or a negative errno.
 */
static int vcpu_run_batch(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	bool xsave = boot_cpu_has(X86_FEATURE_OSXSAVE);
	u64 host_xcr0 = xsave ? xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
	u64 guest_xcr0 = host_xcr0, host_debugctl = get_debugctlmsr();
	const unsigned long *dr = vcpu_hw_breakpoints(v);
	u32 reason;
	int ret;

	/* The guest's XCR0 counts only once it has set CR4.OSXSAVE. */
	if (xsave && (vmcs_guest_cr4() & X86_CR4_OSXSAVE))
		guest_xcr0 = v->xcr0;
	for (;;) {
		if (mvx_debugging(v)) {
			/* A debugger's stop, from the last exit or a completed one. */
			if (v->debug.stop) {
				if (mvx_recording(v))
					mvx_ring_user(v);
				return mvx_debug_report(v);
			}
		}
		/* Halted or waiting for SIPI: sleep in vcpu_run(). */
		if (v->lapic && unlikely(v->lapic->mp_state != MVX_MP_RUNNABLE ||
					 v->lapic->events) &&
		    !mvx_lapic_runnable(v))
			return 1;
		/* The next event, or the windows to wait for one. */
		if (unlikely(!mvx_events_inject(v)))
			return 0;
		/* A TF step the kernel completed: a new batch. */
		if (mvx_debugging(v) && v->debug.tf && mvx_debug_tf_prepare(v))
			return 1;
		local_irq_disable();
		if (vcpu_should_leave(v)) {
			local_irq_enable();
			return 1;
		}
		/* An event posted since mvx_events_inject(): see kick(). */
		if (v->lapic) {
			/* in_guest before kicked; pairs with mvx_vcpu_kick() */
			smp_store_mb(v->in_guest, true);
			if (READ_ONCE(v->kicked)) {
				WRITE_ONCE(v->in_guest, false);
				local_irq_enable();
				continue;
			}
		}
		vcpu_update_host_cr(&v->vmcs);
		vcpu_switch_perf_msrs(v);
		if (guest_xcr0 != host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, guest_xcr0);
		if (unlikely(dr))
			vcpu_load_dr(v, dr);
		if (mvx_recording(v))
			*v->ring_tsc_entry = rdtsc();
		if (v->lapic)
			mvx_lapic_fold_timer(v);

		if (mvx_debugging(v) && v->debug.tf)
			mvx_debug_tf_enter(v);
		if (static_branch_unlikely(&mvx_exit_time_key))
			vcpu_time_exit(v);

		ret = vcpu_enter_exit(v);
		WRITE_ONCE(v->in_guest, false);
		if (static_branch_unlikely(&mvx_exit_time_key)) {
			v->stat.exit_tsc = rdtsc();
			v->stat.last = vmcs_read(VM_EXIT_REASON) & 0xffff;
		}

		if (mvx_debugging(v) && v->debug.tf)
			mvx_debug_tf_exit(v);

		if (guest_xcr0 != host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
		/* VM exit cleared DEBUGCTL and set DR7 to 0x400 (27.5.1). */
		if (unlikely(dr)) {
			if (dr == v->db)
				get_debugreg(v->dr6, 6);
			set_debugreg(DR6_RESERVED, 6);
		}
		if (host_debugctl)
			update_debugctlmsr(host_debugctl);
		if (hw_breakpoint_active())
			hw_breakpoint_restore();
		if (ret) {
			local_irq_enable();
			run->exit_reason = MINIVMX_EXIT_FAIL_ENTRY;
			run->fail_entry.hardware_exit_reason = 0;
			run->fail_entry.qualification = 0;
			run->fail_entry.vm_instruction_error =
				vmx_insn_error_code();
			run->fail_entry.check = mvx_failed_entry_check();
			trace_minivmx_fail_entry(v->id, 0,
						 run->fail_entry.vm_instruction_error);
			return 0;
		}
		reason = vmcs_read(VM_EXIT_REASON);
		if (mvx_recording(v))
			mvx_ring_exit(v, reason);
		/* A failed entry leaves the launch state as it was (26.7). */
		if (likely(!(reason & VMX_EXIT_REASONS_FAILED_VMENTRY)))
			v->vmcs.launched = true;
		vcpu_handle_exit_irqoff(reason);
		local_irq_enable();

		ret = mvx_handle_exit(v, reason);
		if (ret <= 0) {
			if (mvx_recording(v))
				mvx_ring_user(v);
			return ret;
		}
	}
}

/*
 * A guest fetch hit a non-executable 2 MiB leaf: split it with every vCPU
 * out of the guest.
 */
static int vcpu_split_huge_page(struct mvx_vcpu *v)
{
	struct mvx_vm *vm = v->vm;
	int ret;

	mutex_lock(&vm->lock);
	ret = mvx_mem_write_lock(vm);
	if (!ret) {
		ret = ept_split_2m(vm, v->split_gpa);
		vm->mem_gen++;
		mvx_mem_write_unlock(vm);
	}
	mutex_unlock(&vm->lock);
	v->split_gpa = -1ULL;
	return ret;
}

static int vcpu_run(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	int ret;

	if (run->immediate_exit)
		goto out_intr;

	fpu_swap_kvm_fpstate(&v->guest_fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			fpu_swap_kvm_fpstate(&v->guest_fpu, false);
			goto out_intr;
		}
		/* HLT, or an AP before its start-up IPI. */
		if (v->lapic &&
		    unlikely(v->lapic->mp_state != MVX_MP_RUNNABLE) &&
		    mvx_lapic_block(v)) {
			fpu_swap_kvm_fpstate(&v->guest_fpu, false);
			goto out_intr;
		}
		cond_resched();
		/* Pages for the shadow tables the batch's #PF exits add. */
		if (v->vm->shadow && mvx_shadow_topup(v)) {
			ret = -ENOMEM;
			break;
		}
		down_read(&v->vm->mem_lock);
		preempt_disable();
		mvx_vcpu_load(v);
		/* Real mode needs unrestricted guest, which needs EPT. */
		if (unlikely(v->vm->shadow) &&
		    !(vmcs_guest_cr0() & X86_CR0_PE))
			ret = mvx_shadow_real_mode(v);
		else
			ret = mvx_complete_pending(v);
		if (ret > 0) {
			vcpu_switch_to_guest(v);
			if (v->lapic)
				mvx_lapic_timer_enter(v);
			ret = vcpu_run_batch(v);
			if (v->lapic)
				mvx_lapic_timer_leave(v);
			vcpu_switch_to_host(v);
			mvx_events_cancel(v);
		}
		preempt_enable();
		up_read(&v->vm->mem_lock);
		if (ret > 0 && unlikely(v->split_gpa != -1ULL))
			ret = vcpu_split_huge_page(v) ?: 1;
		if (ret <= 0)
			break;
	}
	fpu_swap_kvm_fpstate(&v->guest_fpu, false);
	return ret;

out_intr:
	run->exit_reason = MINIVMX_EXIT_INTR;
	return -EINTR;
}

/* Run @stmt with the vCPU's VMCS current on this CPU. */
#define WITH_VMCS(v, stmt) do {		\
	preempt_disable();		\
	mvx_vcpu_load(v);			\
	stmt;				\
	preempt_enable();		\
} while (0)

static long vcpu_get_regs(struct mvx_vcpu *v, void __user *arg)
{
	struct minivmx_regs r;

	memcpy(&r, v->regs, sizeof(v->regs));
	WITH_VMCS(v, {
		r.rsp = vmcs_read(GUEST_RSP);
		r.rip = vmcs_read(GUEST_RIP);
		r.rflags = vmcs_read(GUEST_RFLAGS);
	});
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

/* RFLAGS: bit 1 is 1, bits 3, 5, 15 and 22-63 are reserved (SDM 3.4.3). */
#define RFLAGS_RESERVED	(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))

/* The VM-entry checks RIP and RFLAGS take part in; the VMCS is current. */
static unsigned int vcpu_regs_check(const struct minivmx_regs *r)
{
	struct mvx_entry_state st;

	mvx_entry_state_read(&st);
	st.rip = r->rip;
	st.rflags = r->rflags;
	return mvx_entry_check_regs(&st);
}

static long vcpu_set_regs(struct mvx_vcpu *v, const void __user *arg)
{
	struct minivmx_regs r;
	unsigned int check;

	v->run->refused_check = 0;
	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	WITH_VMCS(v, check = vcpu_regs_check(&r));
	if (check && mvx_entry_checks_on) {
		v->run->refused_check = check;
		return -EINVAL;
	}
	if ((r.rflags & RFLAGS_RESERVED) || !(r.rflags & X86_EFLAGS_FIXED))
		return -EINVAL;
	memcpy(v->regs, &r, sizeof(v->regs));
	WITH_VMCS(v, {
		vmcs_write(GUEST_RSP, r.rsp);
		vmcs_write(GUEST_RIP, r.rip);
		vmcs_write(GUEST_RFLAGS, r.rflags);
	});
	/* ... and a fault raised for the old ones (KVM's SET_REGS). */
	mvx_cancel_exception(v);
	/*
	 * New registers cancel what a userspace exit left to complete; not
	 * a routed exit, which userspace answers with them and an action,
	 */
	if (v->pending != MVX_PENDING_ROUTED)
		v->pending = MVX_PENDING_NONE;
	/* and a HLT the kernel was waiting in (not a wait for SIPI). */
	if (v->lapic && v->lapic->mp_state == MVX_MP_HALTED)
		v->lapic->mp_state = MVX_MP_RUNNABLE;
	return 0;
}

static long vcpu_get_sregs(struct mvx_vcpu *v, void __user *arg)
{
	struct minivmx_sregs s;

	WITH_VMCS(v, vmcs_get_sregs(v, &s));
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long vcpu_set_sregs(struct mvx_vcpu *v, const void __user *arg)
{
	struct minivmx_sregs s;
	int ret;

	v->run->refused_check = 0;
	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	/* PAE paging reads the PDPTEs from guest memory: keep slots still. */
	if (down_read_killable(&v->vm->mem_lock))
		return -EINTR;
	WITH_VMCS(v, ret = vmcs_set_sregs(v, &s));
	up_read(&v->vm->mem_lock);
	return ret;
}

static long vcpu_set_cpuid(struct mvx_vcpu *v,
			   const struct minivmx_cpuid __user *arg)
{
	struct minivmx_cpuid_entry *e = NULL;
	struct minivmx_cpuid c;
	unsigned int i;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.pad || c.nr > MINIVMX_MAX_CPUID_ENTRIES)
		return -EINVAL;
	if (c.nr) {
		e = memdup_user(u64_to_user_ptr(c.entries), c.nr * sizeof(*e));
		if (IS_ERR(e))
			return PTR_ERR(e);
		for (i = 0; i < c.nr; i++) {
			if (e[i].pad || (e[i].flags & ~MINIVMX_CPUID_INDEXED)) {
				kfree(e);
				return -EINVAL;
			}
		}
	}
	kfree(v->cpuid);
	v->cpuid = e;
	v->nr_cpuid = c.nr;
	return 0;
}

static long vcpu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct mvx_vcpu *v = filp->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (!mvx_vm_owned(v->vm))
		return -EIO;
	if (mutex_lock_killable(&v->mutex))
		return -EINTR;
	switch (cmd) {
	case MINIVMX_RUN:
		if (arg) {
			ret = -EINVAL;
			break;
		}
		ret = vcpu_run(v);
		WITH_VMCS(v, mvx_events_report(v));
		break;
	case MINIVMX_INTERRUPT:
		ret = mvx_interrupt(v, uarg);
		break;
	case MINIVMX_GET_LAPIC:
		ret = mvx_get_lapic(v, uarg);
		break;
	case MINIVMX_NMI:
		ret = arg ? -EINVAL : mvx_nmi(v);
		break;
	case MINIVMX_GET_REGS:
		ret = vcpu_get_regs(v, uarg);
		break;
	case MINIVMX_SET_REGS:
		ret = vcpu_set_regs(v, uarg);
		break;
	case MINIVMX_GET_SREGS:
		ret = vcpu_get_sregs(v, uarg);
		break;
	case MINIVMX_SET_SREGS:
		ret = vcpu_set_sregs(v, uarg);
		break;
	case MINIVMX_SET_CPUID:
		ret = vcpu_set_cpuid(v, uarg);
		break;
	case MINIVMX_SET_GUEST_DEBUG:
		ret = mvx_set_guest_debug(v, uarg);
		break;
	case MINIVMX_GET_VMCS:
		ret = mvx_get_vmcs(v, uarg);
		break;
	case MINIVMX_SET_EXIT_RING:
		ret = mvx_set_exit_ring(v, uarg);
		break;
	case MINIVMX_TRANSLATE:
		ret = mvx_translate(v, uarg);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&v->mutex);
	return ret;
}

static int vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct mvx_vcpu *v = filp->private_data;

	if (!mvx_vm_owned(v->vm))
		return -EIO;
	if (vma->vm_pgoff == MINIVMX_RING_OFFSET >> PAGE_SHIFT)
		return mvx_ring_mmap(v, vma);
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != MINIVMX_RUN_SIZE)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, virt_to_page(v->run));
}

static void vcpu_free(struct mvx_vcpu *v)
{
	loaded_vmcs_clear(&v->vmcs);
	free_page((unsigned long)v->vmcs.vmcs);
	free_page((unsigned long)v->run);
	if (v->guest_fpu.fpstate)
		fpu_free_guest_fpstate(&v->guest_fpu);
	if (v->vpid)
		ida_free(&vpid_ida, v->vpid);
	kfree(v->cpuid);
	mvx_stat_vcpu_remove(v);
	mvx_lapic_free(v);
	mvx_ring_free(v);
	mvx_debug_free(v);
	mvx_shadow_free(v);
	kfree(v);
}

static int vcpu_release(struct inode *inode, struct file *filp)
{
	struct mvx_vcpu *v = filp->private_data;
	struct mvx_vm *vm = v->vm;

	/*
	 * Its debugfs directory, vcpu<id>, goes before the id is free:
	 * a new vCPU with the id must find the name free too.
	 */
	mvx_stat_vcpu_remove(v);
	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->vcpus[v->id], NULL);
	vm->nr_vcpus--;
	mutex_unlock(&vm->lock);
	/* IPIs and MSIs find vCPUs under RCU (lapic.c). */
	if (v->lapic)
		synchronize_rcu();
	vcpu_free(v);
	mvx_vm_put(vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner = THIS_MODULE,
	.release = vcpu_release,
	.unlocked_ioctl = vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vcpu_mmap,
	.llseek = noop_llseek,
};

static struct mvx_vcpu *vcpu_alloc(struct mvx_vm *vm, unsigned int id)
{
	struct mvx_vcpu *v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	int vpid;

	if (!v)
		return NULL;
	v->vm = vm;
	v->id = id;
	mutex_init(&v->mutex);
	v->vmcs.cpu = -1;
	INIT_LIST_HEAD(&v->vmcs.link);
	v->msr.pat = 0x0007040600070406ULL;	/* the power-up PAT */
	v->msr.misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
	v->dr6 = DR6_RESERVED;			/* DR6 and DR7 after RESET */
	v->dr7 = 0x400;
	v->split_gpa = -1ULL;
	v->vmcs.vmcs = vmx_alloc_vmcs();
	v->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!v->vmcs.vmcs || !v->run || !fpu_alloc_guest_fpstate(&v->guest_fpu))
		goto err_free;
	/* Shadow paging: no VPID, so every entry and exit flushes the TLB. */
	if (vm->shadow && mvx_shadow_create(v))
		goto err_free;
	if ((vmx_config.proc2 & SECONDARY_EXEC_ENABLE_VPID) && !vm->shadow) {
		/* None left: run with VPIDs off (vmcs_setup()). */
		vpid = ida_alloc_range(&vpid_ida, 1, 0xffff, GFP_KERNEL);
		v->vpid = vpid > 0 ? vpid : 0;
	}
	return v;

err_free:
	vcpu_free(v);
	return NULL;
}

/**
 * mvx_create_vcpu() - MINIVMX_CREATE_VCPU
 * @vm: the VM
 * @id: the vCPU's index, below MINIVMX_MAX_VCPUS and unused
 *
 * Return: a new vCPU fd, or a negative errno.
 */
int mvx_create_vcpu(struct mvx_vm *vm, unsigned long id)
{
	struct mvx_vcpu *v;
	int ret;

	if (id >= MINIVMX_MAX_VCPUS)
		return -EINVAL;
	id = array_index_nospec(id, MINIVMX_MAX_VCPUS);
	v = vcpu_alloc(vm, id);
	if (!v)
		return -ENOMEM;

	mutex_lock(&vm->lock);
	ret = -EEXIST;
	if (vm->vcpus[id])
		goto err_unlock;
	WITH_VMCS(v, ret = vmcs_setup(v));
	if (!ret && vm->lapic)
		ret = mvx_lapic_create(v);
	if (ret)
		goto err_unlock;
	mvx_stat_vcpu_add(v);
	refcount_inc(&vm->users);
	ret = anon_inode_getfd("minivmx-vcpu", &vcpu_fops, v, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		refcount_dec(&vm->users);
		goto err_unlock;
	}
	WRITE_ONCE(vm->vcpus[id], v);
	vm->nr_vcpus++;
	mutex_unlock(&vm->lock);
	return ret;

err_unlock:
	mutex_unlock(&vm->lock);
	vcpu_free(v);
	return ret;
}

/**
 * mvx_vcpu_init() - choose the mitigations the entry path applies
 *
 * Return: 0, or -EINVAL when l1d_flush=1 asks for what the CPU cannot do.
 */
int mvx_vcpu_init(void)
{
	bool want = l1d_flush;
	u64 caps = 0;

	if (l1d_flush < 0) {
		if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
			rdmsrl(MSR_IA32_ARCH_CAPABILITIES, caps);
		want = boot_cpu_has_bug(X86_BUG_L1TF) &&
		       !(caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
	}
	if (!want)
		return 0;
	if (!boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		if (l1d_flush > 0) {
			pr_err("l1d_flush=1: this CPU has no IA32_FLUSH_CMD\n");
			return -EINVAL;
		}
		pr_warn("the CPU has L1TF but no IA32_FLUSH_CMD: guests run without an L1D flush on entry\n");
		return 0;
	}
	static_branch_enable(&mvx_l1d_flush);
	return 0;
}
