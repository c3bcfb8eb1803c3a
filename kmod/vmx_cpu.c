// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMX operation on every CPU: VMXON when a CPU comes online (and on every
 * online CPU at load), VMXOFF when it goes down, at unload, on reboot and
 * kexec (reboot notifier), on panic (the panicking CPU) and across suspend.
 *
 * A CPU whose CR4.VMXE is already set belongs to another hypervisor: we
 * refuse it with -EBUSY and cpuhp_setup_state() undoes VMXON on every CPU
 * that had succeeded, so the load fails with no CPU left in VMX operation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/syscore_ops.h>
#include <asm/nospec-branch.h>
#include <asm/perf_event.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

/**
 * struct vmx_cpu - minivmx's VMX state on one CPU
 * @vmxon_region: the 4 KiB VMXON region (SDM Vol. 3C 25.11.5), allocated
 *	the first time the CPU comes online, freed at unload
 * @on: this CPU is in VMX operation because of us
 */
struct vmx_cpu {
	void *vmxon_region;
	bool on;
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);
/* VMCSs active on each CPU, and the current one (SDM 25.1). */
static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(void *, current_vmcs);
static enum cpuhp_state vmx_hp_state;
/* Set once the machine goes down: no CPU may enter VMX operation again. */
static bool vmx_stopping;

/* CR0 and CR4 must respect the fixed bits in VMX operation (SDM A.7, A.8). */
static bool vmx_cr_ok(const char *name, u64 cr, u64 fixed0, u64 fixed1)
{
	if ((cr & fixed0) == fixed0 && !(cr & ~fixed1))
		return true;
	pr_err("CPU %d: %s = %#llx violates the VMX fixed bits (must be 1: %#llx, may be 1: %#llx)\n",
	       smp_processor_id(), name, cr, fixed0, fixed1);
	return false;
}

/* Enter VMX operation on this CPU.  Interrupts are off. */
static int vmx_on(struct vmx_cpu *vc)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;
	int cpu = smp_processor_id();
	u64 feat;
	int ret;

	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("CPU %d: VMX is already in use (CR4.VMXE = 1): another hypervisor holds it. If it is KVM, stop its VMs and run 'rmmod kvm_intel' (since Linux 6.12 kvm_intel turns VMX on when it loads unless booted with kvm.enable_virt_at_load=0); stop VirtualBox or VMware likewise\n",
		       cpu);
		return -EBUSY;
	}

	/*
	 * The firmware normally locks IA32_FEATURE_CONTROL with VMX allowed,
	 * and Linux does so on the other CPUs.  Never write it once locked.
	 */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat))
		return -ENODEV;
	if (!(feat & FEAT_CTL_LOCKED)) {
		feat |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
		if (wrmsrl_safe(MSR_IA32_FEAT_CTL, feat))
			return -ENODEV;
	} else if (!(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("CPU %d: IA32_FEATURE_CONTROL = %#llx is locked with VMX off\n",
		       cpu, feat);
		return -ENODEV;
	}

	if (!vmx_cr_ok("CR0", read_cr0(), m->cr0_fixed0, m->cr0_fixed1) ||
	    !vmx_cr_ok("CR4", cr4_read_shadow() | X86_CR4_VMXE,
		       m->cr4_fixed0, m->cr4_fixed1))
		return -ENODEV;

	*(u32 *)vc->vmxon_region = vmx_config.vmcs_revision;
	intel_pt_handle_vmx(1);
	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	ret = vmx_vmxon(__pa(vc->vmxon_region));
	if (ret) {
		pr_err("CPU %d: VMXON %s (IA32_FEATURE_CONTROL = %#llx)\n", cpu,
		       ret == -EFAULT ? "faulted" : "failed", feat);
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		intel_pt_handle_vmx(0);
		return ret;
	}
	vc->on = true;

	/* Drop any EPT translations a previous VMX user left cached. */
	if (vmx_has_invept_global())
		vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	return 0;
}

/* VMCLEAR @lv on this CPU, where it is active.  Interrupts are off. */
static void __loaded_vmcs_clear(void *arg)
{
	struct loaded_vmcs *lv = arg;

	if (lv->cpu != smp_processor_id())
		return;	/* cleared meanwhile, by CPU offline */
	vmx_vmclear(__pa(lv->vmcs));
	if (this_cpu_read(current_vmcs) == lv->vmcs)
		this_cpu_write(current_vmcs, NULL);
	list_del(&lv->link);
	/* The list removal must be visible before the CPU is (SDM 25.11.3). */
	smp_wmb();
	lv->cpu = -1;
	lv->launched = false;
}

/**
 * loaded_vmcs_clear() - VMCLEAR a VMCS wherever it is active
 * @lv: the VMCS
 *
 * Context: process context, preemption enabled or disabled.
 */
void loaded_vmcs_clear(struct loaded_vmcs *lv)
{
	int cpu = READ_ONCE(lv->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, __loaded_vmcs_clear, lv, 1);
}

/**
 * loaded_vmcs_load() - make @lv the current VMCS on this CPU
 * @lv: the VMCS
 *
 * Clears it on the CPU where it was active before, since a VMCS may be
 * active on one CPU only (SDM 25.11.1).
 *
 * Context: preemption disabled, interrupts enabled.
 * Return: true if @lv moved to this CPU: per-CPU host state must be
 * written and cached translations flushed.
 */
bool loaded_vmcs_load(struct loaded_vmcs *lv)
{
	int cpu = smp_processor_id();
	bool moved = lv->cpu != cpu;

	if (moved) {
		loaded_vmcs_clear(lv);
		/* Pairs with smp_wmb() in __loaded_vmcs_clear(). */
		smp_rmb();
		local_irq_disable();
		list_add(&lv->link, this_cpu_ptr(&loaded_vmcss));
		lv->cpu = cpu;
		local_irq_enable();
	}
	if (this_cpu_read(current_vmcs) != lv->vmcs) {
		vmx_vmptrld(__pa(lv->vmcs));
		this_cpu_write(current_vmcs, lv->vmcs);
		/*
		 * Another vCPU ran here: keep its branch predictions from
		 * steering this one (KVM does the same on a VMCS switch).
		 */
		indirect_branch_prediction_barrier();
	}
	return moved;
}

/**
 * vmx_alloc_vmcs() - allocate a VMCS region with our revision identifier
 *
 * Return: the region, or NULL.
 */
void *vmx_alloc_vmcs(void)
{
	u32 *vmcs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (vmcs)
		*vmcs = vmx_config.vmcs_revision;
	return vmcs;
}

/* VM_INSTRUCTION_ERROR of the current VMCS, read without error reporting. */
unsigned long vmx_insn_error_code(void)
{
	unsigned long value = 0;

	asm volatile("1: vmread %[field], %[value]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r"(value)
		     : [field] "r"((unsigned long)VM_INSTRUCTION_ERROR) : "cc");
	return value;
}

void vmx_vmread_error(unsigned long field)
{
	pr_err_ratelimited("VMREAD of field %#lx failed: VM-instruction error %lu\n",
			   field, vmx_insn_error_code());
}

void vmx_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited("VMWRITE of %#lx to field %#lx failed: VM-instruction error %lu\n",
			   value, field, vmx_insn_error_code());
}

void vmx_insn_error(const char *insn, u64 phys)
{
	pr_err_ratelimited("%s of %#llx failed on CPU %d: VM-instruction error %lu\n",
			   insn, phys, raw_smp_processor_id(),
			   vmx_insn_error_code());
}

/* Leave VMX operation on this CPU, if we entered it.  Interrupts are off. */
static void vmx_off(struct vmx_cpu *vc)
{
	struct loaded_vmcs *lv, *tmp;

	if (!vc->on)
		return;
	list_for_each_entry_safe(lv, tmp, this_cpu_ptr(&loaded_vmcss), link)
		__loaded_vmcs_clear(lv);
	if (vmx_vmxoff())
		pr_err("CPU %d: VMXOFF faulted: the CPU was not in VMX operation\n",
		       smp_processor_id());
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
	vc->on = false;
}

static int vmx_cpu_online(unsigned int cpu)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	unsigned long flags;
	int ret = 0;

	if (!vc->vmxon_region) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO, 0);

		if (!page)
			return -ENOMEM;
		vc->vmxon_region = page_address(page);
	}

	local_irq_save(flags);
	if (!READ_ONCE(vmx_stopping))
		ret = vmx_on(vc);
	local_irq_restore(flags);
	return ret;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	vmx_off(this_cpu_ptr(&vmx_cpu));
	local_irq_restore(flags);
	return 0;
}

static void vmx_off_ipi(void *unused)
{
	vmx_off(this_cpu_ptr(&vmx_cpu));
}

/* Reboot, halt, power-off and kexec: VMX blocks INIT, so leave it first. */
static int vmx_reboot(struct notifier_block *nb, unsigned long action,
		      void *unused)
{
	WRITE_ONCE(vmx_stopping, true);
	on_each_cpu(vmx_off_ipi, NULL, 1);
	return NOTIFY_OK;
}

/*
 * Panic: the other CPUs are already stopped; leave VMX on this one.
 * (Linux's own emergency path only knows KVM's callback, see
 * Documentation/design.rst.)
 */
static int vmx_panic(struct notifier_block *nb, unsigned long action,
		     void *unused)
{
	WRITE_ONCE(vmx_stopping, true);
	vmx_off(this_cpu_ptr(&vmx_cpu));
	return NOTIFY_DONE;
}

static struct notifier_block vmx_reboot_nb = { .notifier_call = vmx_reboot };
static struct notifier_block vmx_panic_nb = { .notifier_call = vmx_panic };

/* Suspend runs on the last online CPU with interrupts off. */
static int vmx_suspend(void)
{
	vmx_off(this_cpu_ptr(&vmx_cpu));
	return 0;
}

static void vmx_resume(void)
{
	if (vmx_on(this_cpu_ptr(&vmx_cpu)))
		pr_err("CPU %d: VMX could not be turned on again after resume\n",
		       smp_processor_id());
}

/*
 * Kernels with the reworked syscore API (Debian's 6.12.117 has it) register
 * a struct syscore whose callbacks take a data pointer; Kbuild defines
 * MVX_SYSCORE_DATA where <linux/syscore_ops.h> declares register_syscore().
 */
#ifdef MVX_SYSCORE_DATA
static int vmx_syscore_suspend(void *data)
{
	return vmx_suspend();
}

static void vmx_syscore_resume(void *data)
{
	vmx_resume();
}

static const struct syscore_ops vmx_syscore_ops = {
	.suspend = vmx_syscore_suspend,
	.resume = vmx_syscore_resume,
};

static struct syscore vmx_syscore = { .ops = &vmx_syscore_ops };

static void vmx_register_syscore(void)
{
	register_syscore(&vmx_syscore);
}

static void vmx_unregister_syscore(void)
{
	unregister_syscore(&vmx_syscore);
}
#else
static struct syscore_ops vmx_syscore_ops = {
	.suspend = vmx_suspend,
	.resume = vmx_resume,
};

static void vmx_register_syscore(void)
{
	register_syscore_ops(&vmx_syscore_ops);
}

static void vmx_unregister_syscore(void)
{
	unregister_syscore_ops(&vmx_syscore_ops);
}
#endif

static void vmx_free_regions(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu, cpu);

		if (vc->vmxon_region)
			free_page((unsigned long)vc->vmxon_region);
		vc->vmxon_region = NULL;
	}
}

/**
 * vmx_cpus_enable() - enter VMX operation on every online CPU
 *
 * CPUs that come online later enter it too, until vmx_cpus_disable().
 *
 * Return: 0, or the error of the first CPU that failed, with VMX left off
 * on every CPU.
 */
int vmx_cpus_enable(void)
{
	unsigned int cpu;
	int ret;

	WRITE_ONCE(vmx_stopping, false);
	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(per_cpu_ptr(&loaded_vmcss, cpu));
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "minivmx:online",
				vmx_cpu_online, vmx_cpu_offline);
	if (ret < 0)
		goto err_free_regions;
	vmx_hp_state = ret;

	ret = register_reboot_notifier(&vmx_reboot_nb);
	if (ret)
		goto err_remove_state;
	atomic_notifier_chain_register(&panic_notifier_list, &vmx_panic_nb);
	vmx_register_syscore();
	return 0;

err_remove_state:
	cpuhp_remove_state(vmx_hp_state);
err_free_regions:
	vmx_free_regions();
	return ret;
}

/**
 * vmx_cpus_disable() - leave VMX operation on every CPU
 */
void vmx_cpus_disable(void)
{
	vmx_unregister_syscore();
	atomic_notifier_chain_unregister(&panic_notifier_list, &vmx_panic_nb);
	unregister_reboot_notifier(&vmx_reboot_nb);
	cpuhp_remove_state(vmx_hp_state);
	vmx_free_regions();
}

/**
 * vmx_cpu_is_on() - whether minivmx holds VMX operation on @cpu
 * @cpu: the CPU
 *
 * Return: true if VMXON succeeded there and VMXOFF has not run since.
 */
bool vmx_cpu_is_on(unsigned int cpu)
{
	return READ_ONCE(per_cpu_ptr(&vmx_cpu, cpu)->on);
}
