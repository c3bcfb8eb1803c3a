// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM-entry checks (SDM Vol. 3C 26.2-26.3) as one table, the one
 * MINIVMX_ENTRY_CHECKS in the uapi header lists: each check has its id,
 * what fails and its SDM section there, and its test here.  The tests read
 * a struct mvx_entry_state, filled from the VMCS as it is (to name the
 * check behind a VM entry the CPU refused) or from the VMCS with the
 * registers MINIVMX_SET_SREGS or MINIVMX_SET_REGS would load (to refuse
 * them before the CPU does).  A check returns true when the state passes.
 */
#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

/* Segment indexes, in the order of struct minivmx_sregs. */
enum { CS, DS, ES, FS, GS, SS, TR, LDTR };

#define SEG_TYPE(ar)	((ar) & 15)
#define SEG_S		BIT(4)
#define SEG_DPL(ar)	(((ar) >> 5) & 3)
#define SEG_P		BIT(7)
#define SEG_L		BIT(13)
#define SEG_DB		BIT(14)
#define SEG_G		BIT(15)
#define SEG_UNUSABLE	BIT(16)
#define SEG_RESERVED	(GENMASK(31, 17) | GENMASK(11, 8))

static bool canonical(u64 a)
{
	return __is_canonical_address(a, boot_cpu_data.x86_virt_bits);
}

static bool usable(const struct mvx_entry_state *st, int seg)
{
	return !(st->seg[seg].ar & SEG_UNUSABLE);
}

static bool ia32e(const struct mvx_entry_state *st)
{
	return st->entry & VM_ENTRY_IA32E_MODE;
}

static bool unrestricted(const struct mvx_entry_state *st)
{
	return (st->proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) &&
	       (st->proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST);
}

static bool fixed_ok(u64 val, u64 fixed0, u64 fixed1)
{
	return (val & fixed0) == fixed0 && !(val & ~fixed1);
}

static bool ctl_ok(u32 val, u64 msr)
{
	return (val & (u32)msr) == (u32)msr && !(val & ~upper_32_bits(msr));
}

/* ---- 26.2.1: VM-execution, VM-exit and VM-entry control fields ---- */

static bool ctrl_pin(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return ctl_ok(st->pin, vmx_ctl_msr(m, m->pinbased_ctls,
					   m->true_pinbased_ctls));
}

static bool ctrl_proc(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return ctl_ok(st->proc, vmx_ctl_msr(m, m->procbased_ctls,
					    m->true_procbased_ctls));
}

static bool ctrl_proc2(const struct mvx_entry_state *st)
{
	return !(st->proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ||
	       ctl_ok(st->proc2, vmx_config.msrs.procbased_ctls2);
}

static bool ctrl_exit(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return ctl_ok(st->exit, vmx_ctl_msr(m, m->exit_ctls,
					    m->true_exit_ctls));
}

static bool ctrl_entry(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return ctl_ok(st->entry, vmx_ctl_msr(m, m->entry_ctls,
					     m->true_entry_ctls));
}

static bool ctrl_cr3_targets(const struct mvx_entry_state *st)
{
	return st->cr3_targets <= ((vmx_config.msrs.misc >> 16) & 0x1ff);
}

static bool ctrl_eptp(const struct mvx_entry_state *st)
{
	u64 cap = vmx_config.msrs.ept_vpid_cap, e = st->eptp;

	if (!(st->proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ||
	    !(st->proc2 & SECONDARY_EXEC_ENABLE_EPT))
		return true;
	if (!((e & 7) == 0 && (cap & BIT(8))) && !((e & 7) == 6 && (cap & BIT(14))))
		return false;			/* memory type UC or WB */
	if (((e >> 3) & 7) != 3)		/* a 4-level walk */
		return false;
	if ((e & BIT(6)) && !(cap & BIT(21)))	/* accessed and dirty flags */
		return false;
	return !(e & GENMASK_ULL(11, 7)) && !(e >> boot_cpu_data.x86_phys_bits);
}

static bool ctrl_vpid(const struct mvx_entry_state *st)
{
	return !(st->proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ||
	       !(st->proc2 & SECONDARY_EXEC_ENABLE_VPID) || st->vpid;
}

#define INTR_TYPE(i)	(((i) >> 8) & 7)

static bool ctrl_entry_intr(const struct mvx_entry_state *st)
{
	u32 i = st->intr_info, vector = i & 0xff, type = INTR_TYPE(i);
	bool code;

	if (!(i & INTR_INFO_VALID_MASK))
		return true;
	if ((i & GENMASK(30, 12)) || type == 1)
		return false;
	if (type == 2 && vector != 2)				/* NMI */
		return false;
	if (type == 3 && vector > 31)				/* exception */
		return false;
	if (type == 7 && (vector || !vmx_has_mtf()))		/* MTF */
		return false;
	code = type == 3 && (st->cr0 & X86_CR0_PE) &&
	       (vector == 8 || (vector >= 10 && vector <= 14) ||
		vector == 17 || vector == 21);
	return code == !!(i & INTR_INFO_DELIVER_CODE_MASK);
}

static bool ctrl_entry_insn_len(const struct mvx_entry_state *st)
{
	u32 type = INTR_TYPE(st->intr_info);

	if (!(st->intr_info & INTR_INFO_VALID_MASK) || type < 4 || type > 6)
		return true;
	/* IA32_VMX_MISC bit 30: the CPU takes a length of 0. */
	return st->insn_len <= 15 &&
	       (st->insn_len || (vmx_config.msrs.misc & BIT(30)));
}

/* ---- 26.2.2-26.2.4: host state ---- */

static bool host_cr0(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return fixed_ok(st->host_cr0, m->cr0_fixed0, m->cr0_fixed1);
}

static bool host_cr4(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return fixed_ok(st->host_cr4, m->cr4_fixed0, m->cr4_fixed1);
}

static bool host_selectors(const struct mvx_entry_state *st)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(st->host_sel); i++)
		if (st->host_sel[i] & 7)
			return false;
	return st->host_sel[CS] && st->host_sel[TR];
}

static bool host_addr_space(const struct mvx_entry_state *st)
{
	return st->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE;
}

static bool host_canonical(const struct mvx_entry_state *st)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(st->host_addr); i++)
		if (!canonical(st->host_addr[i]))
			return false;
	return true;
}

/* ---- 26.3.1: guest state ---- */

static bool guest_cr0(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;
	u64 fixed0 = m->cr0_fixed0;

	if (unrestricted(st))
		fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	return fixed_ok(st->cr0, fixed0, m->cr0_fixed1) &&
	       !((st->cr0 & X86_CR0_PG) && !(st->cr0 & X86_CR0_PE));
}

static bool guest_cr4(const struct mvx_entry_state *st)
{
	const struct minivmx_vmx_msrs *m = &vmx_config.msrs;

	return fixed_ok(st->cr4, m->cr4_fixed0, m->cr4_fixed1) &&
	       !((st->cr4 & X86_CR4_PCIDE) && !ia32e(st));
}

static bool guest_cr3(const struct mvx_entry_state *st)
{
	return !(st->cr3 >> boot_cpu_data.x86_phys_bits);
}

static bool guest_ia32e(const struct mvx_entry_state *st)
{
	return !ia32e(st) ||
	       ((st->cr0 & X86_CR0_PG) && (st->cr4 & X86_CR4_PAE));
}

static bool guest_efer(const struct mvx_entry_state *st)
{
	bool lma = st->efer & EFER_LMA;

	if (!(st->entry & VM_ENTRY_LOAD_IA32_EFER))
		return true;
	if (st->efer & (GENMASK_ULL(63, 12) | BIT(9) | GENMASK_ULL(7, 1)))
		return false;
	return lma == ia32e(st) &&
	       (!(st->cr0 & X86_CR0_PG) || lma == !!(st->efer & EFER_LME));
}

static bool guest_dr7(const struct mvx_entry_state *st)
{
	return !(st->entry & VM_ENTRY_LOAD_DEBUG_CONTROLS) || !(st->dr7 >> 32);
}

static bool guest_tr(const struct mvx_entry_state *st)
{
	u32 ar = st->seg[TR].ar, type = SEG_TYPE(ar);

	if ((st->seg[TR].sel & 4) || (ar & (SEG_UNUSABLE | SEG_S)) || !(ar & SEG_P))
		return false;
	return ia32e(st) ? type == 11 : type == 3 || type == 11;
}

static bool guest_ldtr(const struct mvx_entry_state *st)
{
	u32 ar = st->seg[LDTR].ar;

	return !usable(st, LDTR) ||
	       (!(st->seg[LDTR].sel & 4) && SEG_TYPE(ar) == 2 && !(ar & SEG_S) &&
		(ar & SEG_P));
}

static bool guest_seg_base(const struct mvx_entry_state *st)
{
	static const int high_zero[] = { SS, DS, ES };
	int i;

	if (!canonical(st->seg[TR].base) || !canonical(st->seg[FS].base) ||
	    !canonical(st->seg[GS].base) ||
	    (usable(st, LDTR) && !canonical(st->seg[LDTR].base)) ||
	    st->seg[CS].base >> 32)
		return false;
	for (i = 0; i < ARRAY_SIZE(high_zero); i++)
		if (usable(st, high_zero[i]) && st->seg[high_zero[i]].base >> 32)
			return false;
	return true;
}

static bool guest_cs_type(const struct mvx_entry_state *st)
{
	u32 type = SEG_TYPE(st->seg[CS].ar);

	return type == 9 || type == 11 || type == 13 || type == 15 ||
	       (type == 3 && unrestricted(st));
}

static bool guest_ss_type(const struct mvx_entry_state *st)
{
	u32 type = SEG_TYPE(st->seg[SS].ar);

	return !usable(st, SS) || type == 3 || type == 7;
}

static bool guest_data_type(const struct mvx_entry_state *st)
{
	static const int segs[] = { DS, ES, FS, GS };
	int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		u32 type = SEG_TYPE(st->seg[segs[i]].ar);

		if (usable(st, segs[i]) &&
		    (!(type & 1) || ((type & 8) && !(type & 2))))
			return false;
	}
	return true;
}

/* CS always, the others while usable. */
static bool each_used_seg(const struct mvx_entry_state *st, u32 mask, u32 want)
{
	static const int segs[] = { CS, SS, DS, ES, FS, GS };
	int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if ((segs[i] == CS || usable(st, segs[i])) &&
		    (st->seg[segs[i]].ar & mask) != want)
			return false;
	return true;
}

static bool guest_seg_s(const struct mvx_entry_state *st)
{
	return each_used_seg(st, SEG_S, SEG_S);
}

static bool guest_cs_dpl(const struct mvx_entry_state *st)
{
	u32 type = SEG_TYPE(st->seg[CS].ar), dpl = SEG_DPL(st->seg[CS].ar);
	u32 ss_dpl = SEG_DPL(st->seg[SS].ar);

	if (type == 3)
		return dpl == 0;
	if (type == 9 || type == 11)
		return dpl == ss_dpl;
	return dpl <= ss_dpl;
}

static bool guest_ss_dpl(const struct mvx_entry_state *st)
{
	u32 dpl = SEG_DPL(st->seg[SS].ar);

	if (!unrestricted(st) && dpl != (st->seg[SS].sel & 3))
		return false;
	return dpl == 0 || ((st->cr0 & X86_CR0_PE) &&
			    SEG_TYPE(st->seg[CS].ar) != 3);
}

static bool guest_seg_present(const struct mvx_entry_state *st)
{
	return each_used_seg(st, SEG_P, SEG_P);
}

static bool guest_seg_ar(const struct mvx_entry_state *st)
{
	return each_used_seg(st, SEG_RESERVED, 0) &&
	       !(st->seg[TR].ar & SEG_RESERVED) &&
	       (!usable(st, LDTR) || !(st->seg[LDTR].ar & SEG_RESERVED));
}

static bool guest_seg_limit(const struct mvx_entry_state *st)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(st->seg); i++) {
		u32 limit = st->seg[i].limit;
		bool g = st->seg[i].ar & SEG_G;

		if (i != CS && i != TR && !usable(st, i))
			continue;
		if (((limit & 0xfff) != 0xfff && g) || (limit > 0xfffff && !g))
			return false;
	}
	return true;
}

static bool guest_cs_l_d(const struct mvx_entry_state *st)
{
	u32 ar = st->seg[CS].ar;

	return !ia32e(st) || !(ar & SEG_L) || !(ar & SEG_DB);
}

static bool guest_dtable(const struct mvx_entry_state *st)
{
	return canonical(st->gdtr_base) && canonical(st->idtr_base) &&
	       st->gdtr_limit <= 0xffff && st->idtr_limit <= 0xffff;
}

static bool guest_rip(const struct mvx_entry_state *st)
{
	if (ia32e(st) && (st->seg[CS].ar & SEG_L))
		return canonical(st->rip);
	return !(st->rip >> 32);
}

static bool guest_rflags(const struct mvx_entry_state *st)
{
	u64 f = st->rflags;

	if ((f & (GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))) ||
	    !(f & X86_EFLAGS_FIXED))
		return false;
	return !((f & X86_EFLAGS_VM) && (ia32e(st) || !(st->cr0 & X86_CR0_PE)));
}

static bool guest_rflags_if(const struct mvx_entry_state *st)
{
	return !(st->intr_info & INTR_INFO_VALID_MASK) ||
	       INTR_TYPE(st->intr_info) != 0 || (st->rflags & X86_EFLAGS_IF);
}

static bool guest_activity(const struct mvx_entry_state *st)
{
	u32 a = st->activity;

	if (a > GUEST_ACTIVITY_WAIT_SIPI)
		return false;
	/* IA32_VMX_MISC bits 6-8: HLT, shutdown, wait-for-SIPI. */
	if (a && !(vmx_config.msrs.misc & BIT(5 + a)))
		return false;
	return a != GUEST_ACTIVITY_HLT || SEG_DPL(st->seg[SS].ar) == 0;
}

static bool guest_interruptibility(const struct mvx_entry_state *st)
{
	u32 i = st->intr_state;

	if (i & GENMASK(31, 5))
		return false;
	if ((i & GUEST_INTR_STATE_STI) && (i & GUEST_INTR_STATE_MOV_SS))
		return false;
	return !(i & GUEST_INTR_STATE_STI) || (st->rflags & X86_EFLAGS_IF);
}

static bool guest_pending_dbg(const struct mvx_entry_state *st)
{
	u64 p = st->pending_dbg;
	bool bs = p & BIT(14), tf = st->rflags & X86_EFLAGS_TF;
	bool btf = st->debugctl & DEBUGCTLMSR_BTF;

	if (p & (GENMASK_ULL(63, 17) | BIT(15) | BIT(13) | GENMASK_ULL(11, 4)))
		return false;
	if (!(st->intr_state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	    st->activity != GUEST_ACTIVITY_HLT)
		return true;
	return bs == (tf && !btf);
}

static bool guest_link_pointer(const struct mvx_entry_state *st)
{
	return st->link == ~0ULL;
}

static bool guest_pdpte(const struct mvx_entry_state *st)
{
	u64 rsvd = GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1);
	int i;

	if (!(st->cr0 & X86_CR0_PG) || !(st->cr4 & X86_CR4_PAE) || ia32e(st))
		return true;
	for (i = 0; i < 4; i++)
		if ((st->pdpte[i] & 1) &&
		    ((st->pdpte[i] & rsvd) ||
		     (st->pdpte[i] >> boot_cpu_data.x86_phys_bits)))
			return false;
	return true;
}

/*
 * What a set of registers can make fail: checked before they are set.
 * RIP is SET_REGS's alone, so that a mode switch by SET_SREGS then
 * SET_REGS (the usual order) is never refused for the old RIP.
 */
#define BY_SREGS	BIT(0)
#define BY_REGS		BIT(1)

/* Indexed by MINIVMX_CHECK_*, in the order of MINIVMX_ENTRY_CHECKS. */
static const struct {
	bool (*ok)(const struct mvx_entry_state *st);
	u8 by;
} entry_checks[] = {
	[MINIVMX_CHECK_CTRL_PIN]		= { ctrl_pin },
	[MINIVMX_CHECK_CTRL_PROC]		= { ctrl_proc },
	[MINIVMX_CHECK_CTRL_PROC2]		= { ctrl_proc2 },
	[MINIVMX_CHECK_CTRL_EXIT]		= { ctrl_exit },
	[MINIVMX_CHECK_CTRL_ENTRY]		= { ctrl_entry },
	[MINIVMX_CHECK_CTRL_CR3_TARGETS]	= { ctrl_cr3_targets },
	[MINIVMX_CHECK_CTRL_EPTP]		= { ctrl_eptp },
	[MINIVMX_CHECK_CTRL_VPID]		= { ctrl_vpid },
	[MINIVMX_CHECK_CTRL_ENTRY_INTR]		= { ctrl_entry_intr },
	[MINIVMX_CHECK_CTRL_ENTRY_INSN_LEN]	= { ctrl_entry_insn_len },
	[MINIVMX_CHECK_HOST_CR0]		= { host_cr0 },
	[MINIVMX_CHECK_HOST_CR4]		= { host_cr4 },
	[MINIVMX_CHECK_HOST_SELECTORS]		= { host_selectors },
	[MINIVMX_CHECK_HOST_ADDR_SPACE]		= { host_addr_space },
	[MINIVMX_CHECK_HOST_CANONICAL]		= { host_canonical },
	[MINIVMX_CHECK_GUEST_CR0]		= { guest_cr0, BY_SREGS },
	[MINIVMX_CHECK_GUEST_CR4]		= { guest_cr4, BY_SREGS },
	[MINIVMX_CHECK_GUEST_CR3]		= { guest_cr3, BY_SREGS },
	[MINIVMX_CHECK_GUEST_IA32E]		= { guest_ia32e, BY_SREGS },
	[MINIVMX_CHECK_GUEST_EFER]		= { guest_efer, BY_SREGS },
	[MINIVMX_CHECK_GUEST_DR7]		= { guest_dr7 },
	[MINIVMX_CHECK_GUEST_TR]		= { guest_tr, BY_SREGS },
	[MINIVMX_CHECK_GUEST_LDTR]		= { guest_ldtr, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SEG_BASE]		= { guest_seg_base, BY_SREGS },
	[MINIVMX_CHECK_GUEST_CS_TYPE]		= { guest_cs_type, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SS_TYPE]		= { guest_ss_type, BY_SREGS },
	[MINIVMX_CHECK_GUEST_DATA_TYPE]		= { guest_data_type, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SEG_S]		= { guest_seg_s, BY_SREGS },
	[MINIVMX_CHECK_GUEST_CS_DPL]		= { guest_cs_dpl, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SS_DPL]		= { guest_ss_dpl, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SEG_PRESENT]	= { guest_seg_present, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SEG_AR]		= { guest_seg_ar, BY_SREGS },
	[MINIVMX_CHECK_GUEST_SEG_LIMIT]		= { guest_seg_limit, BY_SREGS },
	[MINIVMX_CHECK_GUEST_CS_L_D]		= { guest_cs_l_d, BY_SREGS },
	[MINIVMX_CHECK_GUEST_DTABLE]		= { guest_dtable, BY_SREGS },
	[MINIVMX_CHECK_GUEST_RIP]		= { guest_rip, BY_REGS },
	[MINIVMX_CHECK_GUEST_RFLAGS]		= { guest_rflags, BY_REGS },
	[MINIVMX_CHECK_GUEST_RFLAGS_IF]		= { guest_rflags_if },
	[MINIVMX_CHECK_GUEST_ACTIVITY]		= { guest_activity },
	[MINIVMX_CHECK_GUEST_INTERRUPTIBILITY]	= { guest_interruptibility },
	[MINIVMX_CHECK_GUEST_PENDING_DBG]	= { guest_pending_dbg },
	[MINIVMX_CHECK_GUEST_LINK_POINTER]	= { guest_link_pointer },
	[MINIVMX_CHECK_GUEST_PDPTE]		= { guest_pdpte, BY_SREGS },
};

/* Every id MINIVMX_ENTRY_CHECKS lists has its test (KUnit checks it). */
bool mvx_entry_checks_complete(void)
{
	static const unsigned int listed[] = {
#define CHECK_ID(id, name, text, sdm) id,
		MINIVMX_ENTRY_CHECKS(CHECK_ID)
#undef CHECK_ID
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(listed); i++)
		if (listed[i] >= ARRAY_SIZE(entry_checks) ||
		    !entry_checks[listed[i]].ok)
			return false;
	return ARRAY_SIZE(listed) == ARRAY_SIZE(entry_checks) - 1;
}
EXPORT_SYMBOL_IF_KUNIT(mvx_entry_checks_complete);

static unsigned int entry_check(const struct mvx_entry_state *st, u8 by)
{
	unsigned int id;

	for (id = 1; id < ARRAY_SIZE(entry_checks); id++)
		if ((!by || (entry_checks[id].by & by)) && entry_checks[id].ok &&
		    !entry_checks[id].ok(st))
			return id;
	return 0;
}

/**
 * mvx_entry_state_read() - the VM-entry state, as the current VMCS has it
 * @st: filled from the VMCS
 */
void mvx_entry_state_read(struct mvx_entry_state *st)
{
	static const u32 host_sel[] = {
		[CS] = HOST_CS_SELECTOR, [DS] = HOST_DS_SELECTOR,
		[ES] = HOST_ES_SELECTOR, [FS] = HOST_FS_SELECTOR,
		[GS] = HOST_GS_SELECTOR, [SS] = HOST_SS_SELECTOR,
		[TR] = HOST_TR_SELECTOR,
	};
	static const u32 host_addr[] = {
		HOST_RIP, HOST_FS_BASE, HOST_GS_BASE, HOST_TR_BASE,
		HOST_GDTR_BASE, HOST_IDTR_BASE,
	};
	int i;

	vmcs_get_segments(st);
	st->gdtr_base = vmcs_read(GUEST_GDTR_BASE);
	st->gdtr_limit = vmcs_read(GUEST_GDTR_LIMIT);
	st->idtr_base = vmcs_read(GUEST_IDTR_BASE);
	st->idtr_limit = vmcs_read(GUEST_IDTR_LIMIT);
	st->cr0 = vmcs_read(GUEST_CR0);
	st->cr3 = vmcs_read(GUEST_CR3);
	st->cr4 = vmcs_read(GUEST_CR4);
	st->dr7 = vmcs_read(GUEST_DR7);
	st->debugctl = vmcs_read(GUEST_IA32_DEBUGCTL);
	st->rip = vmcs_read(GUEST_RIP);
	st->rflags = vmcs_read(GUEST_RFLAGS);
	st->efer = vmcs_read(GUEST_IA32_EFER);
	st->pending_dbg = vmcs_read(GUEST_PENDING_DBG_EXCEPTIONS);
	st->link = vmcs_read(VMCS_LINK_POINTER);
	for (i = 0; i < 4; i++)
		st->pdpte[i] = vmcs_read(GUEST_PDPTR0 + 2 * i);
	st->activity = vmcs_read(GUEST_ACTIVITY_STATE);
	st->intr_state = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	st->pin = vmcs_read(PIN_BASED_VM_EXEC_CONTROL);
	st->proc = vmcs_read(CPU_BASED_VM_EXEC_CONTROL);
	st->proc2 = vmcs_read(SECONDARY_VM_EXEC_CONTROL);
	st->exit = vmcs_read(VM_EXIT_CONTROLS);
	st->entry = vmcs_read(VM_ENTRY_CONTROLS);
	st->cr3_targets = vmcs_read(CR3_TARGET_COUNT);
	st->eptp = vmcs_read(EPT_POINTER);
	st->vpid = st->proc2 & SECONDARY_EXEC_ENABLE_VPID ?
		   vmcs_read(VIRTUAL_PROCESSOR_ID) : 0;
	st->intr_info = vmcs_read(VM_ENTRY_INTR_INFO_FIELD);
	st->insn_len = vmcs_read(VM_ENTRY_INSTRUCTION_LEN);
	st->host_cr0 = vmcs_read(HOST_CR0);
	st->host_cr4 = vmcs_read(HOST_CR4);
	for (i = 0; i < ARRAY_SIZE(host_sel); i++)
		st->host_sel[i] = vmcs_read(host_sel[i]);
	for (i = 0; i < ARRAY_SIZE(host_addr); i++)
		st->host_addr[i] = vmcs_read(host_addr[i]);
}

/**
 * mvx_entry_check() - the first VM-entry check @st fails
 * @st: the state
 *
 * Return: a MINIVMX_CHECK_* id, or 0 when it passes them all.
 */
unsigned int mvx_entry_check(const struct mvx_entry_state *st)
{
	return entry_check(st, 0);
}

/**
 * mvx_failed_entry_check() - name the check behind a failed VM entry
 *
 * Reads the current VMCS as it is after the failure (out of line: the
 * state is large for the run loop's stack frame).
 *
 * Return: a MINIVMX_CHECK_* id, or 0 when the table finds nothing.
 */
noinline unsigned int mvx_failed_entry_check(void)
{
	struct mvx_entry_state st;

	mvx_entry_state_read(&st);
	return mvx_entry_check(&st);
}

/**
 * mvx_entry_check_sregs() - the first check that special registers fail
 * @st: the state with the registers MINIVMX_SET_SREGS would load
 *
 * Return: a MINIVMX_CHECK_* id, or 0.
 */
unsigned int mvx_entry_check_sregs(const struct mvx_entry_state *st)
{
	return entry_check(st, BY_SREGS);
}

/**
 * mvx_entry_check_regs() - the first check that RIP and RFLAGS fail
 * @st: the state with the RIP and RFLAGS MINIVMX_SET_REGS would load
 *
 * Return: a MINIVMX_CHECK_* id, or 0.
 */
unsigned int mvx_entry_check_regs(const struct mvx_entry_state *st)
{
	return entry_check(st, BY_REGS);
}
