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

/* Leave VMX operation on this CPU, if we entered it.  Interrupts are off. */
static void vmx_off(struct vmx_cpu *vc)
{
	if (!vc->on)
		return;
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

static struct syscore_ops vmx_syscore_ops = {
	.suspend = vmx_suspend,
	.resume = vmx_resume,
};

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
	int ret;

	WRITE_ONCE(vmx_stopping, false);
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "minivmx:online",
				vmx_cpu_online, vmx_cpu_offline);
	if (ret < 0)
		goto err_free_regions;
	vmx_hp_state = ret;

	ret = register_reboot_notifier(&vmx_reboot_nb);
	if (ret)
		goto err_remove_state;
	atomic_notifier_chain_register(&panic_notifier_list, &vmx_panic_nb);
	register_syscore_ops(&vmx_syscore_ops);
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
	unregister_syscore_ops(&vmx_syscore_ops);
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
