// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMX capabilities: read the capability MSRs once, decide which controls
 * minivmx uses, and refuse to load - naming what is missing - on a CPU that
 * cannot run our guests.  Everything else asks the small predicates below.
 *
 * SDM references are to the Intel SDM, Vol. 3D, Appendix A ("VMX Capability
 * Reporting Facility").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

struct vmx_config vmx_config;

/*
 * IA32_VMX_BASIC (SDM A.1), spelled out here: the kernel's names for these
 * fields changed in Linux 6.12.
 */
#define MVX_BASIC_VMCS_SIZE(b)	(((b) >> 32) & 0x1fff)
#define MVX_BASIC_32BIT_ONLY	BIT_ULL(48)
#define MVX_BASIC_MEM_TYPE(b)	(((b) >> 50) & 0xf)
#define MVX_BASIC_MEM_TYPE_WB	6
#define MVX_BASIC_TRUE_CTLS	BIT_ULL(55)

/* One control minivmx cannot work without, and its SDM name. */
struct vmx_ctl_req {
	u32 bit;
	const char *name;
};

static const struct vmx_ctl_req pin_required[] = {
	{ PIN_BASED_EXT_INTR_MASK, "external-interrupt exiting" },
	{ PIN_BASED_NMI_EXITING, "NMI exiting" },
};

static const struct vmx_ctl_req proc_required[] = {
	/* Every port and every MSR exits: no I/O or MSR bitmaps. */
	{ CPU_BASED_HLT_EXITING, "HLT exiting" },
	/* CR8 is the local APIC's TPR: the host's, without these. */
	{ CPU_BASED_CR8_LOAD_EXITING, "CR8-load exiting" },
	{ CPU_BASED_CR8_STORE_EXITING, "CR8-store exiting" },
	/* DR0-DR7 hold the host's breakpoints; the PMCs count the host. */
	{ CPU_BASED_MOV_DR_EXITING, "MOV-DR exiting" },
	{ CPU_BASED_RDPMC_EXITING, "RDPMC exiting" },
	{ CPU_BASED_UNCOND_IO_EXITING, "unconditional I/O exiting" },
	{ CPU_BASED_MONITOR_EXITING, "MONITOR exiting" },
	{ CPU_BASED_MWAIT_EXITING, "MWAIT exiting" },
	{ CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, "activate secondary controls" },
};

static const struct vmx_ctl_req proc2_required[] = {
	{ SECONDARY_EXEC_ENABLE_EPT, "enable EPT" },
	{ SECONDARY_EXEC_UNRESTRICTED_GUEST, "unrestricted guest" },
};

static const struct vmx_ctl_req exit_required[] = {
	{ VM_EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size" },
	{ VM_EXIT_SAVE_DEBUG_CONTROLS, "save debug controls" },
	{ VM_EXIT_SAVE_IA32_EFER, "save IA32_EFER" },
	{ VM_EXIT_LOAD_IA32_EFER, "load IA32_EFER" },
};

static const struct vmx_ctl_req entry_required[] = {
	{ VM_ENTRY_LOAD_IA32_EFER, "load IA32_EFER" },
	{ VM_ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls" },
};

/**
 * vmx_adjust_controls() - fit wanted controls to what the CPU allows
 * @min: controls that must be 1
 * @opt: controls that should be 1 when the CPU allows it
 * @msr: the capability MSR: bits 31:0 are the allowed 0-settings (a 1 there
 *	means the control must be 1), bits 63:32 the allowed 1-settings
 *	(SDM A.3.1)
 * @result: the controls to write to the VMCS
 *
 * Return: the bits of @min the CPU does not allow to be 1 (0 on success).
 */
u32 vmx_adjust_controls(u32 min, u32 opt, u64 msr, u32 *result)
{
	u32 must_be_1 = lower_32_bits(msr);
	u32 may_be_1 = upper_32_bits(msr);

	*result = ((min | opt) & may_be_1) | must_be_1;
	return min & ~may_be_1;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_adjust_controls);

static int vmx_require(const char *group, const struct vmx_ctl_req *req,
		       size_t n, u32 opt, u64 msr, u32 *result)
{
	u32 min = 0, missing;
	size_t i;

	for (i = 0; i < n; i++)
		min |= req[i].bit;
	missing = vmx_adjust_controls(min, opt, msr, result);
	for (i = 0; i < n; i++)
		if (missing & req[i].bit)
			pr_err("the CPU cannot set the %s control \"%s\" (bit %lu), which minivmx requires\n",
			       group, req[i].name, __ffs(req[i].bit));
	return missing ? -ENODEV : 0;
}

/* The SDM's rules for which capability MSRs exist (A.1, A.3.3, A.10, A.11). */
static int vmx_read_msrs(struct minivmx_vmx_msrs *m)
{
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &m->feature_control) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &m->basic) ||
	    rdmsrl_safe(MSR_IA32_VMX_PINBASED_CTLS, &m->pinbased_ctls) ||
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS, &m->procbased_ctls) ||
	    rdmsrl_safe(MSR_IA32_VMX_EXIT_CTLS, &m->exit_ctls) ||
	    rdmsrl_safe(MSR_IA32_VMX_ENTRY_CTLS, &m->entry_ctls) ||
	    rdmsrl_safe(MSR_IA32_VMX_MISC, &m->misc) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &m->cr0_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &m->cr0_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &m->cr4_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &m->cr4_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_VMCS_ENUM, &m->vmcs_enum))
		return -EIO;

	if (upper_32_bits(m->procbased_ctls) &
	    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS &&
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &m->procbased_ctls2))
		return -EIO;

	if (upper_32_bits(m->procbased_ctls2) &
	    (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID) &&
	    rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &m->ept_vpid_cap))
		return -EIO;

	if (m->basic & MVX_BASIC_TRUE_CTLS &&
	    (rdmsrl_safe(MSR_IA32_VMX_TRUE_PINBASED_CTLS, &m->true_pinbased_ctls) ||
	     rdmsrl_safe(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, &m->true_procbased_ctls) ||
	     rdmsrl_safe(MSR_IA32_VMX_TRUE_EXIT_CTLS, &m->true_exit_ctls) ||
	     rdmsrl_safe(MSR_IA32_VMX_TRUE_ENTRY_CTLS, &m->true_entry_ctls)))
		return -EIO;

	if (upper_32_bits(m->procbased_ctls2) & SECONDARY_EXEC_ENABLE_VMFUNC &&
	    rdmsrl_safe(MSR_IA32_VMX_VMFUNC, &m->vmfunc))
		return -EIO;

	return 0;
}

/* With IA32_VMX_BASIC[55], the TRUE_* MSRs give the real allowed 0-settings. */
/**
 * vmx_ctl_msr() - the capability MSR that says which controls may be set
 * @m: the capability MSRs
 * @plain: the IA32_VMX_*_CTLS MSR
 * @true_msr: its IA32_VMX_TRUE_*_CTLS counterpart
 *
 * Return: @true_msr where IA32_VMX_BASIC says it exists (A.2), else @plain.
 */
u64 vmx_ctl_msr(const struct minivmx_vmx_msrs *m, u64 plain, u64 true_msr)
{
	return m->basic & MVX_BASIC_TRUE_CTLS ? true_msr : plain;
}

static int vmx_check_basic(const struct minivmx_vmx_msrs *m)
{
	u64 mem_type = MVX_BASIC_MEM_TYPE(m->basic);
	u32 size = MVX_BASIC_VMCS_SIZE(m->basic);

	if (size == 0 || size > PAGE_SIZE) {
		pr_err("IA32_VMX_BASIC = %#llx: VMCS size %u does not fit a page\n",
		       m->basic, size);
		return -ENODEV;
	}
	/* A.1: bit 48 limits VMX structures to 32-bit addresses. */
	if (m->basic & MVX_BASIC_32BIT_ONLY) {
		pr_err("IA32_VMX_BASIC = %#llx: VMX structures limited to 32-bit physical addresses\n",
		       m->basic);
		return -ENODEV;
	}
	if (mem_type != MVX_BASIC_MEM_TYPE_WB) {
		pr_err("IA32_VMX_BASIC = %#llx: VMCS memory type %llu is not write-back\n",
		       m->basic, mem_type);
		return -ENODEV;
	}
	return 0;
}

static int vmx_check_ept(const struct minivmx_vmx_msrs *m)
{
	static const struct {
		u64 bit;
		const char *name;
	} ept_required[] = {
		{ VMX_EPT_PAGE_WALK_4_BIT, "4-level page walk" },
		{ VMX_EPTP_WB_BIT, "write-back paging structures" },
		{ VMX_EPT_INVEPT_BIT, "INVEPT" },
	};
	int i, ret = 0;

	for (i = 0; i < ARRAY_SIZE(ept_required); i++) {
		if (!(m->ept_vpid_cap & ept_required[i].bit)) {
			pr_err("IA32_VMX_EPT_VPID_CAP = %#llx: no EPT %s (bit %lu), which minivmx requires\n",
			       m->ept_vpid_cap, ept_required[i].name,
			       (unsigned long)__ffs64(ept_required[i].bit));
			ret = -ENODEV;
		}
	}
	if (!(m->ept_vpid_cap &
	      (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT))) {
		pr_err("IA32_VMX_EPT_VPID_CAP = %#llx: INVEPT supports neither single-context nor all-context\n",
		       m->ept_vpid_cap);
		ret = -ENODEV;
	}
	return ret;
}

/**
 * vmx_read_config() - check this CPU and fill @cfg
 * @cfg: the configuration to fill
 *
 * Explains every refusal in the kernel log.
 *
 * Return: 0, or -ENODEV when the CPU cannot run minivmx's guests.
 */
int vmx_read_config(struct vmx_config *cfg)
{
	struct minivmx_vmx_msrs *m = &cfg->msrs;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31))) {
		pr_err("this CPU has no VMX (CPUID.1:ECX[5] = 0): minivmx needs Intel VT-x, or a VM with nested VMX\n");
		return -ENODEV;
	}
	if (vmx_read_msrs(m)) {
		pr_err("reading the VMX capability MSRs faulted\n");
		return -ENODEV;
	}
	if ((m->feature_control & FEAT_CTL_LOCKED) &&
	    !(m->feature_control & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("VMX is disabled by the firmware: IA32_FEATURE_CONTROL = %#llx is locked with VMX outside SMX off; enable VT-x in the firmware setup\n",
		       m->feature_control);
		return -ENODEV;
	}

	ret = vmx_check_basic(m);
	if (ret)
		return ret;
	cfg->vmcs_revision = m->basic & 0x7fffffff;
	cfg->vmcs_size = MVX_BASIC_VMCS_SIZE(m->basic);

	ret = vmx_require("pin-based", pin_required, ARRAY_SIZE(pin_required),
			  PIN_BASED_VIRTUAL_NMIS | PIN_BASED_VMX_PREEMPTION_TIMER,
			  vmx_ctl_msr(m, m->pinbased_ctls, m->true_pinbased_ctls),
			  &cfg->pin);
	ret |= vmx_require("primary processor-based", proc_required,
			   ARRAY_SIZE(proc_required),
			   CPU_BASED_USE_TSC_OFFSETTING,
			   vmx_ctl_msr(m, m->procbased_ctls, m->true_procbased_ctls),
			   &cfg->proc);
	ret |= vmx_require("secondary processor-based", proc2_required,
			   ARRAY_SIZE(proc2_required),
			   SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_WBINVD_EXITING,
			   m->procbased_ctls2, &cfg->proc2);
	/* Where the CPU has them, perf's global control switches in the VMCS. */
	ret |= vmx_require("VM-exit", exit_required, ARRAY_SIZE(exit_required),
			   VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL,
			   vmx_ctl_msr(m, m->exit_ctls, m->true_exit_ctls),
			   &cfg->exit);
	ret |= vmx_require("VM-entry", entry_required,
			   ARRAY_SIZE(entry_required),
			   VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL,
			   vmx_ctl_msr(m, m->entry_ctls, m->true_entry_ctls),
			   &cfg->entry);
	if (ret)
		return -ENODEV;

	ret = vmx_check_ept(m);
	if (ret)
		return ret;

	/* Both or neither; vmcs_setup() leaves them off until perf asks. */
	if (!(cfg->exit & VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL) ||
	    !(cfg->entry & VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL)) {
		cfg->exit &= ~VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL;
		cfg->entry &= ~VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL;
	}

	/* VPIDs are worth it only with a way to flush them (A.10). */
	if (!vmx_has_vpid())
		cfg->proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	return 0;
}

bool vmx_has_vpid(void)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;
	u32 vpid_cap = upper_32_bits(m->ept_vpid_cap);

	return (upper_32_bits(m->procbased_ctls2) & SECONDARY_EXEC_ENABLE_VPID) &&
	       (vpid_cap & VMX_VPID_INVVPID_BIT) &&
	       (vpid_cap & (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT |
			    VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT));
}

bool vmx_has_mtf(void)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return upper_32_bits(vmx_ctl_msr(m, m->procbased_ctls,
					 m->true_procbased_ctls)) &
	       CPU_BASED_MONITOR_TRAP_FLAG;
}

bool vmx_has_preemption_timer(void)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return upper_32_bits(vmx_ctl_msr(m, m->pinbased_ctls,
					 m->true_pinbased_ctls)) &
	       PIN_BASED_VMX_PREEMPTION_TIMER;
}

bool vmx_has_ept_2m(void)
{
	return vmx_config.msrs.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT;
}

bool vmx_has_ept_ad(void)
{
	return vmx_config.msrs.ept_vpid_cap & VMX_EPT_AD_BIT;
}

bool vmx_has_invept_global(void)
{
	return vmx_config.msrs.ept_vpid_cap & VMX_EPT_EXTENT_GLOBAL_BIT;
}

/**
 * vmx_flush_ept() - drop the CPU's cached translations of @eptp
 * @eptp: the EPT pointer
 *
 * Single-context INVEPT where the CPU has it, else all-context (KVM's
 * ept_sync_context()); load time made sure one of the two exists.
 */
void vmx_flush_ept(u64 eptp)
{
	bool single = vmx_config.msrs.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT;
	int ret;

	ret = single ? vmx_invept(VMX_EPT_EXTENT_CONTEXT, eptp) :
		       vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	if (ret)
		vmx_insn_error("INVEPT", eptp);
}

/**
 * vmx_flush_vpid() - drop the CPU's cached translations tagged @vpid
 * @vpid: the VPID; 0 (untagged) needs no flush: every VM entry and exit
 *	flushes it
 *
 * Single-context INVVPID where the CPU has it, else all-context (KVM's
 * vpid_sync_context()).
 */
void vmx_flush_vpid(u16 vpid)
{
	u32 cap = upper_32_bits(vmx_config.msrs.ept_vpid_cap);
	int ret;

	if (!vpid)
		return;
	ret = cap & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT ?
	      vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vpid, 0) :
	      vmx_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0, 0);
	if (ret)
		vmx_insn_error("INVVPID", vpid);
}
