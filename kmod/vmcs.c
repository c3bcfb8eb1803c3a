// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMCS of a vCPU: controls, host state, and the guest's special
 * registers with the validation a CPU would do (SDM Vol. 3C 25, 27.2-27.3).
 *
 * CR0 and CR4 are owned by the host in every bit (guest/host masks all
 * ones): reads come from the read shadows, which hold the values the guest
 * chose, and every write exits so that minivmx can keep the bits VMX forces
 * (CR0.NE, CR4.VMXE) set in the real registers and follow long-mode
 * transitions, which the VMM must do itself (SDM 27.2.1, 24.8.1).
 * All functions run with the vCPU's VMCS current on this CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

/* The VM-exit entry point in vmenter.S. */
extern const char minivmx_vmx_exit[];

#define CR0_KNOWN	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | \
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | \
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)
/* Caching is not the guest's to disable under EPT (KVM does the same). */
#define CR0_ALWAYS_OFF	(X86_CR0_NW | X86_CR0_CD)
#define EFER_KNOWN	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static const struct {
	u32 selector, base, limit, ar;
} seg_fields[] = {
#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, \
		 GUEST_##s##_AR_BYTES }
	SEG(CS), SEG(DS), SEG(ES), SEG(FS), SEG(GS), SEG(SS), SEG(TR), SEG(LDTR),
#undef SEG
};

static u64 host_efer;
/* CR4 bits a guest may not set: see vmcs_init_cr4_reserved(). */
static u64 cr4_reserved;

/**
 * vmcs_init_cr4_reserved() - the CR4 bits guests may not set
 *
 * Those the CPU cannot set in VMX operation (IA32_VMX_CR4_FIXED1), those
 * for features the host does not have (as KVM's __cr4_reserved_bits()),
 * and those whose state minivmx does not switch or virtualise: VMXE
 * (VMX is hidden), SMXE, PKE (PKRU), LA57 (the page walker has four
 * levels), CET and Key Locker.
 */
void vmcs_init_cr4_reserved(void)
{
	static const struct {
		u16 feature;
		u64 cr4;
	} needs[] = {
		{ X86_FEATURE_OSXSAVE, X86_CR4_OSXSAVE },
		{ X86_FEATURE_SMEP, X86_CR4_SMEP },
		{ X86_FEATURE_SMAP, X86_CR4_SMAP },
		{ X86_FEATURE_FSGSBASE, X86_CR4_FSGSBASE },
		{ X86_FEATURE_PCID, X86_CR4_PCIDE },
		{ X86_FEATURE_UMIP, X86_CR4_UMIP },
	};
	u64 r = ~vmx_config.msrs.cr4_fixed1 | X86_CR4_VMXE | X86_CR4_SMXE |
		X86_CR4_PKE | X86_CR4_LA57 | X86_CR4_CET | BIT_ULL(19);
	int i;

	for (i = 0; i < ARRAY_SIZE(needs); i++)
		if (!boot_cpu_has(needs[i].feature))
			r |= needs[i].cr4;
	cr4_reserved = r;
}

/*
 * CR4 bits a shadow cannot honour: PCIDs (the shadow is flushed whole),
 * 5-level paging (the shadow is 4-level at most), protection keys (the
 * leaves carry key 0).  CPUID hides them (exits.c).
 */
static u64 vmcs_cr4_shadow_reserved(struct mvx_vcpu *v)
{
	return v->vm->shadow ? X86_CR4_PCIDE | X86_CR4_LA57 | X86_CR4_PKE : 0;
}

u64 vmcs_guest_cr0(void)
{
	return vmcs_read(CR0_READ_SHADOW);
}

u64 vmcs_guest_cr4(void)
{
	return vmcs_read(CR4_READ_SHADOW);
}

/* Host state that differs between CPUs; written when the VMCS moves. */
void vmcs_load_host_cpu_state(struct mvx_vcpu *v, int cpu)
{
	vmcs_write(HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	vmcs_write(HOST_IA32_SYSENTER_ESP,
		   (unsigned long)(cpu_entry_stack(cpu) + 1));
	vmcs_write(HOST_GS_BASE, cpu_kernelmode_gs_base(cpu));
}

static void vmcs_setup_host(struct mvx_vcpu *v)
{
	struct desc_ptr idt;
	u64 msr;

	vmcs_write(HOST_CR0, read_cr0());
	v->vmcs.host_cr3 = __read_cr3();
	vmcs_write(HOST_CR3, v->vmcs.host_cr3);
	v->vmcs.host_cr4 = cr4_read_shadow();
	vmcs_write(HOST_CR4, v->vmcs.host_cr4);
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	vmcs_write(HOST_RIP, (unsigned long)minivmx_vmx_exit);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_write(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, host_efer);
	vmcs_write(HOST_IA32_EFER, host_efer);
}

/* Architectural state after RESET (SDM Vol. 3A 9.1.1, Table 9-1). */
void vmcs_setup_guest(struct mvx_vcpu *v)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(seg_fields); i++) {
		vmcs_write(seg_fields[i].selector, 0);
		vmcs_write(seg_fields[i].base, 0);
		vmcs_write(seg_fields[i].limit, 0xffff);
		vmcs_write(seg_fields[i].ar, VMX_AR_P_MASK | VMX_AR_S_MASK | 3);
	}
	vmcs_write(GUEST_CS_SELECTOR, 0xf000);
	vmcs_write(GUEST_CS_BASE, 0xffff0000);
	vmcs_write(GUEST_CS_AR_BYTES, VMX_AR_P_MASK | VMX_AR_S_MASK | 0xb);
	/* 26.3.1.2: TR must be a busy TSS; LDTR may be unusable. */
	vmcs_write(GUEST_TR_AR_BYTES, VMX_AR_P_MASK | VMX_AR_TYPE_BUSY_32_TSS);
	vmcs_write(GUEST_LDTR_AR_BYTES, VMX_AR_UNUSABLE_MASK);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_RIP, 0xfff0);
	vmcs_write(GUEST_RSP, 0);
	vmcs_write(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_write(GUEST_DR7, 0x400);	/* DR7 after RESET: bit 10 is 1 */
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_CR3, 0);
	v->shadow.cr3 = 0;
	vmcs_write(VMCS_LINK_POINTER, -1ULL);
	v->efer = 0;
	v->xcr0 = XFEATURE_MASK_FP;
	vmcs_set_efer(v, 0);
	vmcs_set_cr4(v, 0);
	vmcs_set_cr0(v, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
}

/**
 * mvx_timer_period() - the VMX-preemption timer's value at every entry
 *
 * About a millisecond: the timer counts at the TSC rate shifted right by
 * IA32_VMX_MISC[4:0].
 *
 * Return: the value, at least 1 (0 makes an exit before the guest's
 * first instruction).
 */
u32 mvx_timer_period(void)
{
	return max(1U, tsc_khz >> (vmx_config.msrs.misc & 0x1f));
}

/**
 * mvx_set_preemption_timer() - the VMX-preemption timer for the next entries
 * @v: the vCPU, its VMCS current
 * @value: in the timer's units (the TSC shifted right by IA32_VMX_MISC[4:0]);
 *	0 exits before the guest's first instruction
 *
 * VM entry loads the value each time (the exit does not save what is
 * left), so it holds until it is set again.
 */
void mvx_set_preemption_timer(struct mvx_vcpu *v, u32 value)
{
	if (value != v->preemption_timer) {
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, value);
		v->preemption_timer = value;
	}
}

/**
 * vmcs_setup() - initialize the current VMCS for @v
 * @v: the vCPU
 *
 * Return: 0.
 */
int vmcs_setup(struct mvx_vcpu *v)
{
	u32 proc = vmx_config.proc, proc2 = vmx_config.proc2;

	/* Out of VPIDs: untagged, which flushes on every entry and exit. */
	if (!v->vpid)
		proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	/*
	 * Shadow paging (shadow.c): the CPU walks the shadow, so what changes
	 * the guest's translations exits; without EPT there is no
	 * unrestricted guest.
	 */
	if (v->vm->shadow) {
		proc2 &= ~(SECONDARY_EXEC_ENABLE_EPT |
			   SECONDARY_EXEC_UNRESTRICTED_GUEST);
		proc |= CPU_BASED_CR3_LOAD_EXITING |
			CPU_BASED_CR3_STORE_EXITING | CPU_BASED_INVLPG_EXITING;
	}
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_config.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, proc);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, proc2);
	vmcs_write(VM_EXIT_CONTROLS,
		   vmx_config.exit & ~VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	vmcs_write(VM_ENTRY_CONTROLS,
		   vmx_config.entry & ~VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
	/* A machine check while the guest runs is the host's (KVM does so). */
	vmcs_write(EXCEPTION_BITMAP, mvx_exception_bitmap(v));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_ADDR, __pa(v->autoload.host.val));
	vmcs_write(VM_ENTRY_MSR_LOAD_ADDR, __pa(v->autoload.guest.val));
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	if (!v->vm->shadow)
		vmcs_write(EPT_POINTER, v->vm->eptp);
	/*
	 * The VMX-preemption timer bounds each stay in the guest to about a
	 * millisecond, so the run loop sees need_resched and signals even if
	 * external-interrupt exits do not come (Bochs delivers none to a
	 * guest running with RFLAGS.IF = 0).  The value is not saved on exit,
	 * so every entry starts a full period (SDM 26.5.1).
	 */
	if (vmx_config.pin & PIN_BASED_VMX_PREEMPTION_TIMER) {
		v->preemption_timer = mvx_timer_period();
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, v->preemption_timer);
	}
	if (v->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, v->vpid);
	if (vmx_config.proc & CPU_BASED_USE_TSC_OFFSETTING)
		vmcs_write(TSC_OFFSET, v->tsc_offset);
	/* Every CR0/CR4 bit is host-owned: see the comment at the top. */
	vmcs_write(CR0_GUEST_HOST_MASK, ~0UL);
	vmcs_write(CR4_GUEST_HOST_MASK, ~0UL);
	vmcs_setup_host(v);
	vmcs_setup_guest(v);
	return 0;
}

/* The real CR0/CR4 the guest runs with: its choice plus the fixed bits. */
static u64 vmcs_hw_cr0(struct mvx_vcpu *v, u64 cr0)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	/* The CPU walks the shadow, with the guest's paging or without. */
	if (v->vm->shadow)
		return (cr0 & ~CR0_ALWAYS_OFF) | m->cr0_fixed0 |
		       X86_CR0_PE | X86_CR0_PG | X86_CR0_WP;
	/* Unrestricted guest frees PE and PG from IA32_VMX_CR0_FIXED0. */
	return (cr0 & ~CR0_ALWAYS_OFF) |
	       (m->cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG));
}

/*
 * CR4.MCE stays on: a machine check must not shut the CPU down.  A shadow
 * is PAE or 4-level, without global pages; with the guest's paging off
 * the CPU's user/supervisor checks have nothing of the guest's to check.
 */
static u64 vmcs_hw_cr4(struct mvx_vcpu *v, u64 cr4, u64 cr0)
{
	cr4 |= vmx_config.msrs.cr4_fixed0 | X86_CR4_MCE;
	if (!v->vm->shadow)
		return cr4;
	cr4 = (cr4 | X86_CR4_PAE) & ~X86_CR4_PGE;
	if (!(cr0 & X86_CR0_PG))
		cr4 &= ~(X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE);
	return cr4;
}

/*
 * The real EFER: with shadow paging and the guest's paging off the CPU
 * pages anyway, and LME would make that long mode.
 */
static u64 vmcs_hw_efer(struct mvx_vcpu *v, u64 cr0)
{
	if (v->vm->shadow && !(cr0 & X86_CR0_PG))
		return v->efer & ~EFER_LME;
	return v->efer;
}

/*
 * Shadow paging: the CPU's CR0, CR4 and EFER follow the guest's, and the
 * shadow goes where the guest's translations may have changed.
 */
static void vmcs_sync_shadow(struct mvx_vcpu *v, bool flush)
{
	u64 cr0 = vmcs_guest_cr0();

	if (!v->vm->shadow)
		return;
	vmcs_write(GUEST_CR0, vmcs_hw_cr0(v, cr0));
	vmcs_write(GUEST_CR4, vmcs_hw_cr4(v, vmcs_guest_cr4(), cr0));
	vmcs_write(GUEST_IA32_EFER, vmcs_hw_efer(v, cr0));
	if (flush)
		mvx_shadow_reset(v);
}

/* 27.3.1.1 wants a busy TSS of the right kind for the mode. */
static void vmcs_fix_tr_type(bool ia32e)
{
	u32 ar = vmcs_read(GUEST_TR_AR_BYTES);

	if (ia32e && (ar & VMX_AR_TYPE_MASK) != VMX_AR_TYPE_BUSY_64_TSS)
		vmcs_write(GUEST_TR_AR_BYTES,
			   (ar & ~VMX_AR_TYPE_MASK) | VMX_AR_TYPE_BUSY_64_TSS);
}

/*
 * PAE paging outside long mode: read the four PDPTEs CR3 points to into
 * @pdpte.  Return: 1 when read, 0 when the mode has none, -EINVAL when
 * they are not in guest memory.
 */
static int vmcs_read_pdptes(struct mvx_vcpu *v, u64 cr0, u64 cr3, u64 cr4,
			    u64 efer, u64 *pdpte)
{
	if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) || (efer & EFER_LMA))
		return 0;
	if (mvx_read_gpa(v->vm, cr3 & ~0x1fULL, pdpte, 4 * sizeof(*pdpte)))
		return -EINVAL;
	return 1;
}

/*
 * PAE paging outside long mode: VM entry loads the PDPTEs from the VMCS
 * (26.3.2.4), so load them from guest memory as MOV to CR0/CR3/CR4 would.
 * With @apply false only check them.
 */
static int vmcs_load_pdptes(struct mvx_vcpu *v, u64 cr0, u64 cr3, u64 cr4,
			    u64 efer, bool apply)
{
	u64 pdpte[4];
	int i;

	if (!vmcs_read_pdptes(v, cr0, cr3, cr4, efer, pdpte))
		return 0;

	if (!pdpte[4 - 1] && pdpte[0] == -1ULL)
		return -EINVAL;
	/* Present entries with reserved bits set: #GP (4.4.1). */
	for (i = 0; i < 4; i++)
		if ((pdpte[i] & 1) &&
		    ((pdpte[i] & 0x1e6) ||
		     (pdpte[i] >> boot_cpu_data.x86_phys_bits)))
			return -EINVAL;
	for (i = 0; apply && i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + 2 * i, pdpte[i]);
	return 0;
}

/* Switch VM-entry's "IA-32e mode guest" and EFER.LMA together. */
static void vmcs_set_lma(struct mvx_vcpu *v, bool lma)
{
	if (lma) {
		v->efer |= EFER_LMA;
		vmcs_set_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
		vmcs_fix_tr_type(true);
	} else {
		v->efer &= ~EFER_LMA;
		vmcs_clear_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
	}
	vmcs_write(GUEST_IA32_EFER, v->efer);
}

/**
 * vmcs_set_cr0() - what MOV to CR0 does, with the checks a CPU makes
 * @v: the vCPU
 * @cr0: the value the guest asked for
 *
 * Return: 0, or -EINVAL where the CPU would raise #GP (SDM Vol. 3A 2.5).
 */
int vmcs_set_cr0(struct mvx_vcpu *v, u64 cr0)
{
	u64 old = vmcs_guest_cr0(), cr4 = vmcs_guest_cr4(), efer = v->efer;
	bool pg = cr0 & X86_CR0_PG;

	/* The EFER.LMA this write makes: PG with LME activates long mode. */
	if (efer & EFER_LME)
		efer = pg ? efer | EFER_LMA : efer & ~EFER_LMA;
	cr0 |= X86_CR0_ET;	/* hardwired to 1 since the i486 */
	if ((cr0 & ~CR0_KNOWN) || (pg && !(cr0 & X86_CR0_PE)) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)))
		return -EINVAL;
	if (pg && !(old & X86_CR0_PG) && (v->efer & EFER_LME) &&
	    !(cr4 & X86_CR4_PAE))
		return -EINVAL;

	/*
	 * The PDPTEs load when PG, CD or NW change (SDM 4.4.1), in PAE
	 * paging only: not when the write turns on long mode, whose PML4
	 * entries would fail a PDPTE's reserved-bit checks.
	 */
	if (((cr0 ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)) &&
	    vmcs_load_pdptes(v, cr0, mvx_guest_cr3(v), cr4, efer, false))
		return -EINVAL;

	if ((v->efer & EFER_LME) && pg != !!(old & X86_CR0_PG))
		vmcs_set_lma(v, pg);
	if ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW))
		vmcs_load_pdptes(v, cr0, mvx_guest_cr3(v), cr4, efer, true);
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, vmcs_hw_cr0(v, cr0));
	/* Paging or write protection changed: cached translations go. */
	if ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_WP))
		vmx_flush_vpid(v->vpid);
	vmcs_sync_shadow(v, (cr0 ^ old) & (X86_CR0_PG | X86_CR0_WP));
	return 0;
}

/* CR4 bits whose change invalidates cached translations (SDM 4.10.4.1). */
#define CR4_FLUSH_BITS	(X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE | \
			 X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP)

/**
 * vmcs_set_cr4() - what MOV to CR4 does, with the checks a CPU makes
 * @v: the vCPU
 * @cr4: the value the guest asked for
 *
 * Bits the CPU cannot set in VMX operation (IA32_VMX_CR4_FIXED1) and
 * CR4.VMXE (VMX is hidden from guests) are reserved.
 *
 * Return: 0, or -EINVAL where the CPU would raise #GP.
 */
int vmcs_set_cr4(struct mvx_vcpu *v, u64 cr4)
{
	u64 cr0 = vmcs_guest_cr0(), old = vmcs_guest_cr4();

	if (cr4 & (cr4_reserved | vmcs_cr4_shadow_reserved(v)))
		return -EINVAL;
	if ((v->efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	/* PCIDE: only in long mode, and only with CR3[11:0] = 0. */
	if ((cr4 & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) &&
	    (!(v->efer & EFER_LMA) || (mvx_guest_cr3(v) & 0xfff)))
		return -EINVAL;
	if (((cr4 ^ old) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_SMEP |
			    X86_CR4_PGE)) &&
	    vmcs_load_pdptes(v, cr0, mvx_guest_cr3(v), cr4, v->efer, true))
		return -EINVAL;
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, vmcs_hw_cr4(v, cr4, cr0));
	if ((cr4 ^ old) & CR4_FLUSH_BITS)
		vmx_flush_vpid(v->vpid);
	vmcs_sync_shadow(v, (cr4 ^ old) & (CR4_FLUSH_BITS | X86_CR4_PKE));
	return 0;
}

/**
 * vmcs_set_cr3() - what MOV to CR3 does, where it exits
 * @v: the vCPU
 * @cr3: the value the guest asked for
 *
 * Return: 0, or -EINVAL where the CPU would raise #GP (reserved bits,
 * bad PAE PDPTEs).
 */
int vmcs_set_cr3(struct mvx_vcpu *v, u64 cr3)
{
	bool noflush = false;

	/* With CR4.PCIDE, bit 63 asks to keep the PCID's translations. */
	if (vmcs_guest_cr4() & X86_CR4_PCIDE) {
		noflush = cr3 & BIT_ULL(63);
		cr3 &= ~BIT_ULL(63);
	}
	if (cr3 >> boot_cpu_data.x86_phys_bits)
		return -EINVAL;
	if (vmcs_load_pdptes(v, vmcs_guest_cr0(), cr3, vmcs_guest_cr4(),
			     v->efer, true))
		return -EINVAL;
	/* Shadow paging: a new address space, an empty shadow. */
	if (v->vm->shadow) {
		v->shadow.cr3 = cr3;
		mvx_shadow_reset(v);
		return 0;
	}
	vmcs_write(GUEST_CR3, cr3);
	if (!noflush)
		vmx_flush_vpid(v->vpid);
	return 0;
}

/**
 * vmcs_set_efer() - what WRMSR to IA32_EFER does
 * @v: the vCPU
 * @efer: the value; LMA is computed, not taken
 *
 * Return: 0, or -EINVAL for reserved bits or a change of LME while paging
 * is on (#GP).
 */
int vmcs_set_efer(struct mvx_vcpu *v, u64 efer)
{
	bool pg = vmcs_guest_cr0() & X86_CR0_PG;
	u64 old;

	if ((efer & ~EFER_KNOWN) ||
	    ((efer & EFER_NX) && !boot_cpu_has(X86_FEATURE_NX)))
		return -EINVAL;
	if (pg && ((efer ^ v->efer) & EFER_LME))
		return -EINVAL;
	old = v->efer;
	v->efer = (efer & ~EFER_LMA) | (v->efer & EFER_LMA);
	vmcs_set_lma(v, pg && (efer & EFER_LME));
	vmcs_sync_shadow(v, (old ^ v->efer) & (EFER_NX | EFER_LMA));
	return 0;
}

static u32 seg_ar(const struct minivmx_segment *s)
{
	if (s->unusable)
		return VMX_AR_UNUSABLE_MASK;
	return s->type | s->s << 4 | s->dpl << VMX_AR_DPL_SHIFT |
	       s->present << 7 | s->avl << 12 | s->l << 13 | s->db << 14 |
	       s->g << 15;
}

static bool seg_valid(const struct minivmx_segment *s)
{
	return s->type <= 15 && s->s <= 1 && s->dpl <= 3 && s->present <= 1 &&
	       s->avl <= 1 && s->l <= 1 && s->db <= 1 && s->g <= 1 &&
	       s->unusable <= 1 && !s->pad && !(s->l && s->db);
}

static void seg_get(int i, struct minivmx_segment *s)
{
	u32 ar = vmcs_read(seg_fields[i].ar);

	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read(seg_fields[i].selector);
	s->base = vmcs_read(seg_fields[i].base);
	s->limit = vmcs_read(seg_fields[i].limit);
	s->unusable = !!(ar & VMX_AR_UNUSABLE_MASK);
	s->type = ar & VMX_AR_TYPE_MASK;
	s->s = !!(ar & VMX_AR_S_MASK);
	s->dpl = (ar >> VMX_AR_DPL_SHIFT) & 3;
	s->present = !!(ar & VMX_AR_P_MASK);
	s->avl = !!(ar & (1 << 12));
	s->l = !!(ar & VMX_AR_L_MASK);
	s->db = !!(ar & VMX_AR_DB_MASK);
	s->g = !!(ar & VMX_AR_G_MASK);
}

static void seg_set(int i, const struct minivmx_segment *s)
{
	vmcs_write(seg_fields[i].selector, s->selector);
	vmcs_write(seg_fields[i].base, s->base);
	vmcs_write(seg_fields[i].limit, s->limit);
	vmcs_write(seg_fields[i].ar, seg_ar(s));
}

static const struct minivmx_segment *sregs_seg(const struct minivmx_sregs *s,
					       int i)
{
	return &(&s->cs)[i];
}

/**
 * vmcs_get_segments() - the guest's segment registers for the entry checks
 * @st: gets the selector, base, limit and access rights of each
 */
void vmcs_get_segments(struct mvx_entry_state *st)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(seg_fields); i++) {
		st->seg[i].sel = vmcs_read(seg_fields[i].selector);
		st->seg[i].base = vmcs_read(seg_fields[i].base);
		st->seg[i].limit = vmcs_read(seg_fields[i].limit);
		st->seg[i].ar = vmcs_read(seg_fields[i].ar);
	}
}

void vmcs_get_sregs(struct mvx_vcpu *v, struct minivmx_sregs *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(seg_fields); i++)
		seg_get(i, (struct minivmx_segment *)sregs_seg(s, i));
	s->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	s->cr0 = vmcs_guest_cr0();
	s->cr2 = v->cr2;
	s->cr3 = mvx_guest_cr3(v);
	s->cr4 = vmcs_guest_cr4();
	s->efer = v->efer;
}

/* The checks of vmcs_set_cr0(), vmcs_set_cr4() and vmcs_set_efer() at once. */
static bool sregs_cr_valid(struct mvx_vcpu *v, const struct minivmx_sregs *s)
{
	u64 cr0 = s->cr0, cr4 = s->cr4, efer = s->efer;
	bool lma = (cr0 & X86_CR0_PG) && (efer & EFER_LME);

	if ((cr0 & ~CR0_KNOWN) ||
	    ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)))
		return false;
	if ((cr4 & (cr4_reserved | vmcs_cr4_shadow_reserved(v))) ||
	    ((cr4 & X86_CR4_PCIDE) && !lma))
		return false;
	if ((efer & ~EFER_KNOWN) ||
	    ((efer & EFER_NX) && !boot_cpu_has(X86_FEATURE_NX)))
		return false;
	/* LMA must agree with LME and CR0.PG; long mode needs PAE. */
	if (!!(efer & EFER_LMA) != lma || (lma && !(cr4 & X86_CR4_PAE)))
		return false;
	return !(s->cr3 >> boot_cpu_data.x86_phys_bits);
}

/*
 * The VM-entry checks special registers take part in, on the state
 * vmcs_set_sregs() would load.  Return: the failed check, or 0.
 */
static unsigned int vmcs_sregs_check(struct mvx_vcpu *v,
				     const struct minivmx_sregs *s)
{
	struct mvx_entry_state st;
	bool lma = s->efer & EFER_LMA;
	int i;

	mvx_entry_state_read(&st);
	for (i = 0; i < ARRAY_SIZE(seg_fields); i++) {
		const struct minivmx_segment *seg = sregs_seg(s, i);

		st.seg[i].sel = seg->selector;
		st.seg[i].base = seg->base;
		st.seg[i].limit = seg->limit;
		st.seg[i].ar = seg_ar(seg);
	}
	/* vmcs_set_lma() makes a 16- or 32-bit busy TSS a 64-bit one. */
	if (lma && !(st.seg[6].ar & VMX_AR_UNUSABLE_MASK))
		st.seg[6].ar = (st.seg[6].ar & ~VMX_AR_TYPE_MASK) |
			       VMX_AR_TYPE_BUSY_64_TSS;
	st.gdtr_base = s->gdt.base;
	st.gdtr_limit = s->gdt.limit;
	st.idtr_base = s->idt.base;
	st.idtr_limit = s->idt.limit;
	st.cr0 = vmcs_hw_cr0(v, s->cr0 | X86_CR0_ET);
	st.cr3 = v->vm->shadow ? __pa(v->shadow.root) : s->cr3;
	st.cr4 = vmcs_hw_cr4(v, s->cr4, s->cr0);
	st.efer = s->efer;
	if (v->vm->shadow && !(s->cr0 & X86_CR0_PG))
		st.efer &= ~EFER_LME;
	if (lma)
		st.entry |= VM_ENTRY_IA32E_MODE;
	else
		st.entry &= ~VM_ENTRY_IA32E_MODE;
	/* A shadow's PDPTEs are the shadow's own: none yet. */
	if (v->vm->shadow ||
	    vmcs_read_pdptes(v, s->cr0, s->cr3, s->cr4, s->efer, st.pdpte) < 0)
		memset(st.pdpte, 0, sizeof(st.pdpte));
	return mvx_entry_check_sregs(&st);
}

/**
 * vmcs_set_sregs() - MINIVMX_SET_SREGS, all or nothing
 * @v: the vCPU
 * @s: the new special registers
 *
 * Return: 0, or -EINVAL for anything a CPU would refuse; when it is one
 * of the VM-entry checks, its id is in the run structure's
 * refused_check.  Nothing is changed on failure.
 */
int vmcs_set_sregs(struct mvx_vcpu *v, const struct minivmx_sregs *s)
{
	bool lma = s->efer & EFER_LMA;
	unsigned int check;
	int i;

	if (memchr_inv(s->reserved, 0, sizeof(s->reserved)) ||
	    memchr_inv(s->gdt.pad, 0, sizeof(s->gdt.pad)) ||
	    memchr_inv(s->idt.pad, 0, sizeof(s->idt.pad)))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(seg_fields); i++)
		if (!seg_valid(sregs_seg(s, i)))
			return -EINVAL;
	/* No unrestricted guest without EPT: no real mode (shadow.c). */
	if (v->vm->shadow && !(s->cr0 & X86_CR0_PE))
		return -EINVAL;
	check = vmcs_sregs_check(v, s);
	if (check && mvx_entry_checks_on) {
		v->run->refused_check = check;
		return -EINVAL;
	}
	if (!sregs_cr_valid(v, s) ||
	    vmcs_load_pdptes(v, s->cr0, s->cr3, s->cr4, s->efer, false))
		return -EINVAL;

	/* Nothing below can fail. */
	for (i = 0; i < ARRAY_SIZE(seg_fields); i++)
		seg_set(i, sregs_seg(s, i));
	vmcs_write(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s->idt.limit);
	if (v->vm->shadow)
		v->shadow.cr3 = s->cr3;
	else
		vmcs_write(GUEST_CR3, s->cr3);
	v->cr2 = s->cr2;
	vmcs_write(CR0_READ_SHADOW, s->cr0 | X86_CR0_ET);
	vmcs_write(GUEST_CR0, vmcs_hw_cr0(v, s->cr0 | X86_CR0_ET));
	vmcs_write(CR4_READ_SHADOW, s->cr4);
	vmcs_write(GUEST_CR4, vmcs_hw_cr4(v, s->cr4, s->cr0));
	v->efer = s->efer;
	vmcs_set_lma(v, lma);
	vmcs_load_pdptes(v, s->cr0, s->cr3, s->cr4, s->efer, true);
	vmcs_sync_shadow(v, true);
	/* A queued exception's error code follows CR0.PE at entry (events.c). */
	return 0;
}
