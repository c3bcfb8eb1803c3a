// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM exits: one table from basic exit reason to handler (SDM Vol. 3D,
 * Appendix C).  A handler returns 1 to re-enter the guest, 0 when it has
 * filled the run structure for userspace, or a negative errno.  An exit a
 * handler must finish after userspace answers (an IN, an MMIO read, a
 * hypercall) records that in mvx_vcpu.pending; mvx_complete_pending() does
 * it at the next MINIVMX_RUN.  A reason without a handler reaches
 * userspace as MINIVMX_EXIT_INTERNAL_ERROR naming it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <asm/apicdef.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include <kunit/visibility.h>

#include "minivmx.h"
#include "trace.h"
#include "vmx_ops.h"

/* x86 register encoding (SDM Vol. 2A 2.1.5) to our index. */
static const u8 x86_reg[16] = {
	MVX_RAX, MVX_RCX, MVX_RDX, MVX_RBX, MVX_RSP, MVX_RBP, MVX_RSI, MVX_RDI,
	MVX_R8, MVX_R9, MVX_R10, MVX_R11, MVX_R12, MVX_R13, MVX_R14, MVX_R15,
};

static u64 gpr_read(struct mvx_vcpu *v, int x86)
{
	int r = x86_reg[x86 & 15];

	return r == MVX_RSP ? vmcs_read(GUEST_RSP) : v->regs[r];
}

static void gpr_write(struct mvx_vcpu *v, int x86, u64 val)
{
	int r = x86_reg[x86 & 15];

	if (r == MVX_RSP)
		vmcs_write(GUEST_RSP, val);
	else
		v->regs[r] = val;
}

/* Write @size bytes of @val to a register as MOV does: 32-bit zero-extends. */
static void gpr_write_sized(struct mvx_vcpu *v, int x86, bool high_byte,
			    int size, u64 val)
{
	u64 old = gpr_read(v, x86);

	switch (size) {
	case 1:
		if (high_byte)
			val = (old & ~0xff00ULL) | (val & 0xff) << 8;
		else
			val = (old & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		val = (old & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		val &= 0xffffffff;
		break;
	}
	gpr_write(v, x86, val);
}

static bool guest_long_mode(struct mvx_vcpu *v)
{
	return (v->efer & EFER_LMA) &&
	       (vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK);
}

/**
 * mvx_guest_cs_bits() - the guest's code size
 * @v: the vCPU, its VMCS current
 *
 * Return: 16, 32 or 64.
 */
int mvx_guest_cs_bits(struct mvx_vcpu *v)
{
	if (guest_long_mode(v))
		return 64;
	return vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_DB_MASK ? 32 : 16;
}

static int guest_cpl(void)
{
	if (!(vmcs_guest_cr0() & X86_CR0_PE))
		return 0;
	return (vmcs_read(GUEST_SS_AR_BYTES) >> VMX_AR_DPL_SHIFT) & 3;
}

/**
 * mvx_skip_insn() - move the guest past the instruction that exited
 * @v: the vCPU
 *
 * As executing it would: RIP wraps at 4 GiB outside 64-bit code, STI and
 * MOV SS blocking end (SDM 26.7.1), and with RFLAGS.TF set the
 * single-step #DB follows, with DR6.BS (KVM's kvm_vcpu_do_singlestep()).
 */
void mvx_skip_insn(struct mvx_vcpu *v)
{
	u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	u64 rip = vmcs_read(GUEST_RIP) + v->insn_len;

	/* Only a RIP past 4 GiB needs to know the code size. */
	if (unlikely(rip >> 32) && mvx_guest_cs_bits(v) != 64)
		rip = (u32)rip;
	vmcs_write(GUEST_RIP, rip);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	if (unlikely(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_TF)) {
		v->dr6 |= DR_STEP;
		mvx_queue_exception(v, X86_TRAP_DB, false, 0);
	}
	/* The CPU did not run it: no monitor-trap-flag exit will count it. */
	if (mvx_debugging(v) && (v->debug.control & MINIVMX_GUESTDBG_SINGLESTEP))
		mvx_debug_step_done(v);
}

static int skip_and_resume(struct mvx_vcpu *v)
{
	v->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	mvx_skip_insn(v);
	return 1;
}

/* Userspace gets the exit; RIP moves on when it runs the vCPU again. */
static int skip_after_user(struct mvx_vcpu *v, u32 exit_reason)
{
	v->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	v->pending = MVX_PENDING_SKIP;
	v->run->exit_reason = exit_reason;
	return 0;
}

static int inject_gp(struct mvx_vcpu *v)
{
	mvx_queue_exception(v, X86_TRAP_GP, true, 0);
	return 1;
}

static int inject_ud(struct mvx_vcpu *v)
{
	mvx_queue_exception(v, X86_TRAP_UD, false, 0);
	return 1;
}

static int internal_error(struct mvx_vcpu *v, u32 suberror, u32 ndata,
			  const u64 *data)
{
	struct minivmx_run *run = v->run;

	run->exit_reason = MINIVMX_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = min_t(u32, ndata, ARRAY_SIZE(run->internal.data));
	memcpy(run->internal.data, data, run->internal.ndata * sizeof(u64));
	return 0;
}

/* ---- the in-kernel devices: console ring and exit status ---- */

/* Return false when the ring is full: userspace must drain it first. */
static bool console_put(struct mvx_vcpu *v, u8 c)
{
	struct minivmx_run *run = v->run;
	u32 len = READ_ONCE(run->console_len);

	if (len >= MINIVMX_CONSOLE_SIZE)
		return false;
	run->console[len] = c;
	WRITE_ONCE(run->console_len, len + 1);
	return true;
}

static int console_full(struct mvx_vcpu *v)
{
	v->run->exit_reason = MINIVMX_EXIT_CONSOLE;
	return 0;	/* RIP not advanced: the instruction runs again */
}

static int guest_exit(struct mvx_vcpu *v, u64 status)
{
	v->run->guest_exit.status = status;
	return skip_after_user(v, MINIVMX_EXIT_GUEST_EXIT);
}

/* ---- CPUID ---- */

static bool cpuid_override(struct mvx_vcpu *v, u32 fn, u32 idx, u32 *out)
{
	unsigned int i;

	for (i = 0; i < v->nr_cpuid; i++) {
		const struct minivmx_cpuid_entry *e = &v->cpuid[i];

		if (e->function == fn &&
		    (!(e->flags & MINIVMX_CPUID_INDEXED) || e->index == idx)) {
			out[0] = e->eax;
			out[1] = e->ebx;
			out[2] = e->ecx;
			out[3] = e->edx;
			return true;
		}
	}
	return false;
}

/*
 * Bytes of an XSAVE area for the components in @xcr0 (SDM Vol. 1 13.4,
 * 13.4.3): the standard format ends with the highest component; the
 * compacted one packs them after the header, some aligned to 64 bytes
 * (KVM's xstate_required_size()).
 */
static u32 xstate_size(u64 xcr0, bool compacted)
{
	u32 size = 512 + 64, eax, ebx, ecx, edx;	/* legacy area, header */
	int i;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		if (!compacted) {
			size = max(size, ebx + eax);
			continue;
		}
		if (ecx & BIT(1))
			size = ALIGN(size, 64);
		size += eax;
	}
	return size;
}

/*
 * The host's answer minus what the guest cannot have: VMX (hidden), the
 * local APIC and its relatives (unless the VM has local APICs, then
 * mvx_lapic_cpuid() adds them), IA32_TSC_ADJUST, MONITOR/MWAIT (they #UD),
 * INVPCID, XSAVES, RDTSCP and RDPID (not enabled: they #UD),
 * PKU, CET, LA57 and AMX (their state is not switched), the speculation
 * controls and ARCH_CAPABILITIES (their MSRs #GP), thermal, power and
 * performance-monitoring leaves (RDPMC #GPs), topology; XSAVE only on a
 * host that uses it, and leaf 0xD only for the XCR0 bits the guest may
 * set.
 */
static void cpuid_filter(struct mvx_vcpu *v, u32 fn, u32 idx, u32 *r)
{
	u64 xcr0;

	switch (fn) {
	case 1:
		r[1] = (r[1] & 0x00ffffff) | v->id << 24;	/* APIC ID */
		r[2] &= ~(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) |
			  BIT(8) | BIT(14) | BIT(15) | BIT(21) | BIT(24) |
			  BIT(27));
		if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
			r[2] &= ~BIT(26);			/* XSAVE */
		if (vmcs_guest_cr4() & X86_CR4_OSXSAVE)
			r[2] |= BIT(27);
		if (v->vm->shadow)
			r[2] &= ~BIT(17);		/* PCID: see shadow.c */
		r[2] |= BIT(31);				/* hypervisor */
		r[3] &= ~(BIT(7) | BIT(9) | BIT(14) | BIT(21) | BIT(22) |
			  BIT(29) | BIT(31));
		break;
	case 6: case 0xa: case 0xb: case 0x1f:
		memset(r, 0, 4 * sizeof(*r));
		break;
	case 7:
		if (idx) {
			memset(r, 0, 4 * sizeof(*r));
			break;
		}
		/* TSC_ADJUST (its MSR #GPs), SGX, INVPCID, MPX, PT */
		r[1] &= ~(BIT(1) | BIT(2) | BIT(10) | BIT(14) | BIT(25));
		/* PKU, OSPKE, WAITPKG, CET_SS, LA57, RDPID, SGX_LC, PKS */
		r[2] &= ~(BIT(3) | BIT(4) | BIT(5) | BIT(7) | BIT(16) |
			  BIT(22) | BIT(30) | BIT(31));
		/* CET_IBT, AMX, speculation controls, ARCH_CAPABILITIES */
		r[3] &= ~(BIT(20) | BIT(22) | BIT(24) | BIT(25) | BIT(26) |
			  BIT(27) | BIT(28) | BIT(29) | BIT(30) | BIT(31));
		break;
	case 0xd:
		/*
		 * The sizes the host's CPU gave are for the host's XCR0 (this
		 * runs after the exit): the guest's are computed.
		 */
		xcr0 = mvx_guest_supported_xcr0(v);
		if (idx == 0) {
			r[0] &= lower_32_bits(xcr0);
			r[3] &= upper_32_bits(xcr0);
			r[1] = xstate_size(v->xcr0 & xcr0, false);
			r[2] = xstate_size(xcr0, false);
		} else if (idx == 1) {
			r[0] &= ~BIT(3);			/* XSAVES */
			/* XCR0 | IA32_XSS in the compacted format; no XSS */
			r[1] = r[0] & BIT(1) ? xstate_size(v->xcr0 & xcr0, true) : 0;
			r[2] = 0;
			r[3] = 0;
		} else if (idx >= 64 || !(xcr0 & BIT_ULL(idx))) {
			memset(r, 0, 4 * sizeof(*r));
		}
		break;
	case 0x80000001:
		r[3] &= ~BIT(27);				/* RDTSCP */
		break;
	case 0x80000008:
		r[1] = 0;	/* AMD's IBPB/IBRS/SSBD bits */
		break;
	}
}

static int handle_cpuid(struct mvx_vcpu *v)
{
	u32 fn = v->regs[MVX_RAX], idx = v->regs[MVX_RCX], r[4];

	if (!cpuid_override(v, fn, idx, r)) {
		if (fn >= 0x40000000 && fn <= 0x4fffffff) {
			/* Our leaves: max leaf, then the signature. */
			memset(r, 0, sizeof(r));
			if (fn == 0x40000000) {
				r[0] = 0x40000000;
				memcpy(&r[1], "minivmx\0\0\0\0", 12);
			}
		} else {
			cpuid_count(fn, idx, &r[0], &r[1], &r[2], &r[3]);
			cpuid_filter(v, fn, idx, r);
			if (v->lapic)
				mvx_lapic_cpuid(v, fn, r);
		}
	}
	v->regs[MVX_RAX] = r[0];
	v->regs[MVX_RBX] = r[1];
	v->regs[MVX_RCX] = r[2];
	v->regs[MVX_RDX] = r[3];
	return skip_and_resume(v);
}

/* ---- HLT, triple fault, NMI, external interrupt, VMCALL ---- */

/*
 * Without local APICs userspace sees every HLT.  With them, a HLT that an
 * interrupt can end sleeps in the kernel (lapic.c); one with RFLAGS.IF =
 * 0 and no NMI coming is the end of the guest (how Linux without ACPI
 * powers off) and goes to userspace as before.
 */
static int handle_hlt(struct mvx_vcpu *v)
{
	if (!v->lapic || (!(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
			  !v->events.nmi_pending &&
			  !atomic_read(&v->lapic->nmi_queued)))
		return skip_after_user(v, MINIVMX_EXIT_HLT);
	skip_and_resume(v);
	return mvx_lapic_halt(v);
}

/**
 * mvx_shutdown() - the guest triple-faulted: MINIVMX_EXIT_SHUTDOWN
 * @v: the vCPU, its VMCS current
 *
 * Return: 0, @v->run filled for userspace.
 */
int mvx_shutdown(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	struct minivmx_regs *r = &run->shutdown.regs;

	memcpy(r, v->regs, sizeof(v->regs));
	r->rsp = vmcs_read(GUEST_RSP);
	r->rip = vmcs_read(GUEST_RIP);
	r->rflags = vmcs_read(GUEST_RFLAGS);
	run->shutdown.cr0 = vmcs_guest_cr0();
	run->shutdown.cr3 = mvx_guest_cr3(v);
	run->shutdown.cr4 = vmcs_guest_cr4();
	run->shutdown.efer = v->efer;
	run->exit_reason = MINIVMX_EXIT_SHUTDOWN;
	return 0;
}

static int handle_exception_nmi(struct mvx_vcpu *v)
{
	u32 info = vmcs_read(VM_EXIT_INTR_INFO);
	u64 data[2] = { EXIT_REASON_EXCEPTION_NMI, info };

	/*
	 * NMIs and machine checks were handed to the host right after the
	 * exit, with interrupts still off (vcpu.c).
	 */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR ||
	    (info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
		return 1;
	/* A miss in the shadow page tables, or the guest's own #PF. */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_PF && v->vm->shadow)
		return mvx_shadow_page_fault(v);
	/* A debugger intercepts more (all of them for TF steps). */
	if (v->debug.control && mvx_debug_exception(v, info) > 0)
		return 1;
	/* MVX_EXCEPTION_BITMAP's: back to the guest. */
	switch (info & INTR_INFO_VECTOR_MASK) {
	case X86_TRAP_DB:
		mvx_reflect_db(v, info, vmcs_read(EXIT_QUALIFICATION));
		return 1;
	case X86_TRAP_AC:
		mvx_queue_exception(v, X86_TRAP_AC, true,
				    vmcs_read(VM_EXIT_INTR_ERROR_CODE));
		return 1;
	}
	return internal_error(v, MINIVMX_INTERNAL_UNHANDLED_EXIT, 2, data);
}

static int handle_external_interrupt(struct mvx_vcpu *v)
{
	return 1;	/* taken by the host when interrupts are enabled */
}

static int handle_preemption_timer(struct mvx_vcpu *v)
{
	if (v->lapic)
		mvx_lapic_timer_due(v);
	if (mvx_debugging(v))
		return mvx_debug_preemption_timer(v);
	return 1;	/* the run loop checks need_resched and signals */
}

static int handle_vmcall(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	u64 nr = v->regs[MVX_RAX];

	v->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	if (guest_cpl()) {
		v->regs[MVX_RAX] = -EPERM;
		return skip_and_resume(v);
	}
	switch (nr) {
	case MINIVMX_HC_NOP:
		v->regs[MVX_RAX] = 0;
		break;
	case MINIVMX_HC_PUTCHAR:
		if (!console_put(v, v->regs[MVX_RBX]))
			return console_full(v);
		v->regs[MVX_RAX] = 0;
		break;
	case MINIVMX_HC_EXIT:
		v->regs[MVX_RAX] = 0;
		return guest_exit(v, v->regs[MVX_RBX]);
	default:
		if (nr < MINIVMX_HC_USER_BASE) {
			v->regs[MVX_RAX] = MINIVMX_HC_ENOSYS;
			break;
		}
		run->exit_reason = MINIVMX_EXIT_HYPERCALL;
		run->hypercall.nr = nr;
		run->hypercall.args[0] = v->regs[MVX_RBX];
		run->hypercall.args[1] = v->regs[MVX_RCX];
		run->hypercall.args[2] = v->regs[MVX_RDX];
		run->hypercall.args[3] = v->regs[MVX_RSI];
		run->hypercall.ret = MINIVMX_HC_ENOSYS;
		v->pending = MVX_PENDING_HYPERCALL;
		return 0;
	}
	mvx_skip_insn(v);
	return 1;
}

/* ---- control registers (qualification: SDM Table 28-3) ---- */

static int handle_cr_access(struct mvx_vcpu *v)
{
	u64 q = vmcs_read(EXIT_QUALIFICATION);
	int cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	u64 val = gpr_read(v, reg), cr0 = vmcs_guest_cr0();
	int ret = 0;

	if (!guest_long_mode(v))
		val &= 0xffffffff;
	switch (type) {
	case 0:		/* MOV to CR */
		if (cr == 0 && v->vm->shadow && !(val & X86_CR0_PE)) {
			return mvx_shadow_real_mode(v);
		} else if (cr == 0) {
			ret = vmcs_set_cr0(v, val);
		} else if (cr == 4) {
			ret = vmcs_set_cr4(v, val);
			v->leave_batch = true;	/* CR4.OSXSAVE gates XCR0 */
		} else if (cr == 3) {
			ret = vmcs_set_cr3(v, val);
		} else if (cr == 8) {
			/*
			 * The task priority is the guest's alone: it never
			 * reaches the host's local APIC (SDM 10.8.6.1).
			 */
			if (val & ~0xfULL)
				ret = -EINVAL;
			else if (v->lapic)
				mvx_lapic_set_cr8(v, val);
			else
				v->tpr = val;
		} else {
			goto unhandled;
		}
		break;
	case 1:		/* MOV from CR: only CR3 and CR8 can exit */
		if (cr == 3)
			gpr_write(v, reg, mvx_guest_cr3(v));
		else if (cr == 8)
			gpr_write(v, reg, v->lapic ? mvx_lapic_get_cr8(v) :
						     v->tpr);
		else
			goto unhandled;
		break;
	case 2:		/* CLTS */
		ret = vmcs_set_cr0(v, cr0 & ~X86_CR0_TS);
		break;
	case 3:		/* LMSW: loads PE, MP, EM, TS; cannot clear PE */
		val = (q >> 16) & 0xf;
		ret = vmcs_set_cr0(v, (cr0 & ~0xeULL) | val);
		break;
	}
	if (ret)
		return inject_gp(v);
	return skip_and_resume(v);

unhandled:
	return internal_error(v, MINIVMX_INTERNAL_UNHANDLED_EXIT, 2,
			      (u64[]){ EXIT_REASON_CR_ACCESS, q });
}

/* ---- INVLPG: it exits with shadow paging only ---- */

static int handle_invlpg(struct mvx_vcpu *v)
{
	/*
	 * The whole shadow goes: the address may lie in a guest large page,
	 * which the shadow maps as many 4 KiB leaves.
	 */
	if (!v->vm->shadow)
		return inject_ud(v);
	mvx_shadow_reset(v);
	return skip_and_resume(v);
}

/* ---- debug registers (qualification: SDM Table 28-4) ---- */

/* The CPU's DR7 is the guest's unless a debugger owns the breakpoints. */
static void guest_dr7_update(struct mvx_vcpu *v)
{
	if (!(v->debug.control & MINIVMX_GUESTDBG_USE_HW_BP))
		vmcs_write(GUEST_DR7, v->dr7);
}

/*
 * MOV to or from DR0-DR7.  The guest never touches the CPU's debug
 * registers directly: they hold the host's breakpoints (SDM 17.2).  Its
 * values live in the vCPU, DR7 in the VMCS (the "load debug controls"
 * entry control), and vcpu.c loads DR0-DR3 only while the guest's DR7
 * enables a breakpoint.
 */
static int handle_dr_access(struct mvx_vcpu *v)
{
	u64 q = vmcs_read(EXIT_QUALIFICATION);
	int dr = q & 7, reg = (q >> 8) & 15;
	bool to_dr = !(q & BIT(4));
	u64 val;

	/* DR4 and DR5 alias DR6 and DR7 unless CR4.DE makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (vmcs_guest_cr4() & X86_CR4_DE)
			return inject_ud(v);
		dr += 2;
	}
	/* General detect: the access is a #DB fault, before the exit. */
	if (v->dr7 & MVX_DR7_GD) {
		v->dr7 &= ~MVX_DR7_GD;
		guest_dr7_update(v);
		v->dr6 = (v->dr6 & ~MVX_DR6_VOLATILE) | MVX_DR6_FIXED_1 | MVX_DR6_BD;
		mvx_queue_exception(v, X86_TRAP_DB, false, 0);
		return 1;
	}
	if (!to_dr) {
		val = dr < 4 ? v->db[dr] : dr == 6 ? v->dr6 : v->dr7;
		if (!guest_long_mode(v))
			val = (u32)val;
		gpr_write(v, reg, val);
		return skip_and_resume(v);
	}
	val = gpr_read(v, reg);
	if (!guest_long_mode(v))
		val = (u32)val;
	switch (dr) {
	case 6:
		if (val >> 32)
			return inject_gp(v);
		v->dr6 = (val & MVX_DR6_VOLATILE) | MVX_DR6_FIXED_1;
		break;
	case 7:
		if (val >> 32)
			return inject_gp(v);
		v->dr7 = (val & MVX_DR7_VOLATILE) | MVX_DR7_FIXED_1;
		guest_dr7_update(v);
		v->leave_batch = true;	/* DR0-DR3 may now need loading */
		break;
	default:
		v->db[dr] = val;
		v->leave_batch = true;
		break;
	}
	return skip_and_resume(v);
}

/* ---- RDPMC: no PMU is virtualised (CPUID leaf 0xA is zero) ---- */

static int handle_rdpmc(struct mvx_vcpu *v)
{
	return inject_gp(v);
}

/* ---- MSRs: an allow-list; anything else is #GP (SDM Vol. 4) ---- */

static bool canonical(u64 a)
{
	return (u64)((s64)a << 16 >> 16) == a;
}

static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (8 * i);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static u64 *syscall_msr(struct mvx_vcpu *v, u32 msr)
{
	switch (msr) {
	case MSR_STAR:
		return &v->msr.star;
	case MSR_LSTAR:
		return &v->msr.lstar;
	case MSR_CSTAR:
		return &v->msr.cstar;
	case MSR_SYSCALL_MASK:
		return &v->msr.sfmask;
	}
	return NULL;
}

static int msr_read(struct mvx_vcpu *v, u32 msr, u64 *val)
{
	u64 *p = syscall_msr(v, msr);
	int ret;

	if (v->lapic) {
		ret = mvx_lapic_rdmsr(v, msr, val);
		if (ret != -ENOENT)
			return ret;
	}
	if (p) {
		*val = *p;
		return 0;
	}
	switch (msr) {
	case MSR_EFER:
		*val = v->efer;
		break;
	case MSR_KERNEL_GS_BASE:	/* the guest's value is loaded now */
		rdmsrl(MSR_KERNEL_GS_BASE, *val);
		break;
	case MSR_FS_BASE:
		*val = vmcs_read(GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*val = vmcs_read(GUEST_GS_BASE);
		break;
	case MSR_IA32_SYSENTER_CS:
		*val = vmcs_read(GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*val = vmcs_read(GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*val = vmcs_read(GUEST_SYSENTER_EIP);
		break;
	case MSR_IA32_TSC:
		*val = mvx_guest_tsc(v);
		break;
	case MSR_IA32_CR_PAT:
		*val = v->msr.pat;
		break;
	case MSR_IA32_APICBASE:		/* no local APIC is emulated */
		*val = APIC_DEFAULT_PHYS_BASE | (v->id ? 0 : MSR_IA32_APICBASE_BSP);
		break;
	case MSR_IA32_FEAT_CTL:		/* locked, VMX off: VMX is hidden */
		*val = FEAT_CTL_LOCKED;
		break;
	case MSR_IA32_MISC_ENABLE:
		*val = v->msr.misc_enable;
		break;
	case MSR_MTRRcap:
	case MSR_MTRRdefType:
	case MSR_IA32_UCODE_REV:
		*val = 0;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int msr_write(struct mvx_vcpu *v, u32 msr, u64 val)
{
	u64 *p = syscall_msr(v, msr);
	int ret;

	if (v->lapic) {
		ret = mvx_lapic_wrmsr(v, msr, val);
		if (ret != -ENOENT)
			return ret;
	}
	if (p) {
		if (msr != MSR_STAR && msr != MSR_SYSCALL_MASK && !canonical(val))
			return -EINVAL;
		if (msr == MSR_SYSCALL_MASK && upper_32_bits(val))
			return -EINVAL;	/* SFMASK[63:32] are reserved */
		*p = val;
		v->msr.syscall_used = true;
		v->leave_batch = true;	/* load them into the CPU */
		return 0;
	}
	switch (msr) {
	case MSR_EFER:
		v->leave_batch = true;	/* EFER.SCE: SYSCALL MSRs to load */
		return vmcs_set_efer(v, val);
	case MSR_KERNEL_GS_BASE:
		if (!canonical(val))
			return -EINVAL;
		wrmsrl(MSR_KERNEL_GS_BASE, val);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!canonical(val))
			return -EINVAL;
		vmcs_write(msr == MSR_FS_BASE ? GUEST_FS_BASE :
			   msr == MSR_GS_BASE ? GUEST_GS_BASE :
			   msr == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP :
			   GUEST_SYSENTER_EIP, val);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, val & 0xffff);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(val))
			return -EINVAL;
		v->msr.pat = val;
		return 0;
	case MSR_IA32_TSC:
		/* The guest's TSC moves; the host's does not (KVM's way). */
		if (vmx_config.proc & CPU_BASED_USE_TSC_OFFSETTING) {
			v->tsc_offset = val - rdtsc();
			vmcs_write(TSC_OFFSET, v->tsc_offset);
		}
		return 0;
	case MSR_IA32_MISC_ENABLE:
		/*
		 * Fast strings and xTPR messages are the guest's to switch;
		 * the other bits describe what minivmx offers (no MWAIT, no
		 * CPUID limit, NX on) and #GP when changed.
		 */
		if ((val ^ v->msr.misc_enable) &
		    ~(MSR_IA32_MISC_ENABLE_FAST_STRING |
		      MSR_IA32_MISC_ENABLE_XTPR_DISABLE))
			return -EINVAL;
		v->msr.misc_enable = val;
		return 0;
	case MSR_IA32_APICBASE:
		/*
		 * No local APIC is emulated: the write is ignored, but what
		 * KVM refuses still #GPs (kvm_set_apic_base()): reserved
		 * bits, and EXTD, as CPUID shows no x2APIC here.
		 */
		if (val & ~(MSR_IA32_APICBASE_BSP | MSR_IA32_APICBASE_ENABLE |
			    GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 12)))
			return -EINVAL;
		return 0;
	case MSR_MTRRdefType:
	case MSR_IA32_UCODE_REV:
		return 0;	/* accepted and ignored */
	default:
		return -EINVAL;
	}
}

static int handle_rdmsr(struct mvx_vcpu *v)
{
	u64 val;

	if (msr_read(v, v->regs[MVX_RCX], &val))
		return inject_gp(v);
	v->regs[MVX_RAX] = lower_32_bits(val);
	v->regs[MVX_RDX] = upper_32_bits(val);
	return skip_and_resume(v);
}

static int handle_wrmsr(struct mvx_vcpu *v)
{
	u64 val = (v->regs[MVX_RDX] << 32) | lower_32_bits(v->regs[MVX_RAX]);
	int ret = msr_write(v, v->regs[MVX_RCX], val);

	if (ret < 0)
		return inject_gp(v);
	if (ret)	/* an x2APIC EOI for userspace's I/O APIC */
		return skip_after_user(v, MINIVMX_EXIT_EOI);
	return skip_and_resume(v);
}

/* ---- XSETBV (SDM Vol. 1 13.3) ---- */

/* XCR0 features whose state the guest FPU can hold and minivmx allows. */
#define MVX_SUPPORTED_XCR0 (XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM | \
			    XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR | \
			    XFEATURE_MASK_AVX512)

/**
 * mvx_guest_supported_xcr0() - the XCR0 bits the guest may set
 * @v: the vCPU
 *
 * What the host has enabled, what the guest's FPU state has room for, and
 * what minivmx switches (no PKRU, no AMX tiles).
 *
 * Return: the mask; 0 on a host that does not use XSAVE.
 */
u64 mvx_guest_supported_xcr0(struct mvx_vcpu *v)
{
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return 0;
	return xgetbv(XCR_XFEATURE_ENABLED_MASK) &
	       v->guest_fpu.fpstate->xfeatures & MVX_SUPPORTED_XCR0;
}

/**
 * mvx_xcr0_valid() - would XSETBV of XCR0 = @xcr0 succeed
 * @xcr0: the value
 * @supported: mvx_guest_supported_xcr0()
 *
 * The #GP rules of SDM Vol. 1 13.3 and KVM's __kvm_set_xcr(): x87 always
 * on; AVX needs SSE; MPX's two components together; AVX-512's three
 * together and with AVX; AMX's two together; nothing unsupported.  A value
 * that passes never makes the host's own XSETBV fault.
 *
 * Return: true if valid.
 */
bool mvx_xcr0_valid(u64 xcr0, u64 supported)
{
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~supported))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (!(xcr0 & XFEATURE_MASK_BNDREGS) != !(xcr0 & XFEATURE_MASK_BNDCSR))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if ((xcr0 & XFEATURE_MASK_XTILE) &&
	    (xcr0 & XFEATURE_MASK_XTILE) != XFEATURE_MASK_XTILE)
		return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mvx_xcr0_valid);

static int handle_xsetbv(struct mvx_vcpu *v)
{
	u64 val = (v->regs[MVX_RDX] << 32) | lower_32_bits(v->regs[MVX_RAX]);

	/* CPUID hides XSAVE from the guest of a host that does not use it. */
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return inject_ud(v);
	if (lower_32_bits(v->regs[MVX_RCX]) != 0 || guest_cpl() ||
	    !mvx_xcr0_valid(val, mvx_guest_supported_xcr0(v)))
		return inject_gp(v);
	v->xcr0 = val;
	v->leave_batch = true;
	return skip_and_resume(v);
}

/* ---- port I/O (qualification: SDM Table 28-5) ---- */

/*
 * Handle @count items of @data for an in-kernel device.  Return the count
 * consumed, or -1 when the device ended the run.
 */
static int io_kernel(struct mvx_vcpu *v, const struct minivmx_port_route *r,
		     const struct mvx_io *op, u8 *data, u32 count)
{
	u32 i;

	if (op->in) {
		memset(data, 0xff, count * op->size);
		return count;
	}
	if (r->handler == MINIVMX_PORT_EXIT) {
		u64 status = 0;

		memcpy(&status, data, op->size);
		guest_exit(v, status);
		return -1;
	}
	for (i = 0; i < count; i++)
		if (!console_put(v, data[i * op->size]))
			break;
	return i;
}

static u32 io_count(struct mvx_vcpu *v, const struct mvx_io *op)
{
	u64 n;

	if (!op->string)
		return 1;
	n = op->rep ? v->regs[MVX_RCX] & op->addr_mask : 1;
	return min_t(u64, n, MINIVMX_IO_DATA_SIZE / op->size);
}

/* The access flags of a data access by the guest at its current CPL. */
unsigned int mvx_guest_access(void)
{
	return guest_cpl() == 3 ? MVX_ACC_USER : 0;
}

/*
 * Copy @count string items between guest memory and @data.  Return 0, or
 * 1 with the guest's #PF or #GP (a buffer outside guest RAM) pending.
 */
static int io_string_copy(struct mvx_vcpu *v, const struct mvx_io *op,
			  u8 *data, u32 count)
{
	int idx = op->in ? MVX_RDI : MVX_RSI;
	unsigned int acc = mvx_guest_access();
	u64 addr = v->regs[idx];
	u32 i;
	int ret;

	for (i = 0; i < count; i++, addr += op->step) {
		u64 gva = op->seg_base + (addr & op->addr_mask);
		u8 *item = data + i * op->size;

		ret = op->in ? mvx_write_gva(v, gva, item, op->size, acc) :
			       mvx_read_gva(v, gva, item, op->size, acc);
		if (ret == -EPERM)
			return mvx_inject_page_fault(v);
		if (ret)
			return inject_gp(v);
	}
	return 0;
}

/*
 * Advance RSI/RDI and RCX past @done items; skip the instruction when the
 * string is finished, else leave RIP so that it runs again (26.5.2).
 */
static void io_string_advance(struct mvx_vcpu *v, const struct mvx_io *op,
			      u32 done)
{
	int idx = op->in ? MVX_RDI : MVX_RSI;
	u64 m = op->addr_mask, left = 0;

	v->regs[idx] = (v->regs[idx] & ~m) |
		       ((v->regs[idx] + (s64)op->step * done) & m);
	if (op->rep) {
		left = ((v->regs[MVX_RCX] & m) - done) & m;
		v->regs[MVX_RCX] = (v->regs[MVX_RCX] & ~m) | left;
	}
	if (!left)
		mvx_skip_insn(v);
}

static void io_decode(struct mvx_vcpu *v, u64 q, struct mvx_io *op)
{
	static const u64 masks[] = { 0xffff, 0xffffffff, ~0ULL };
	u32 info;

	op->size = (q & 7) + 1;
	op->in = q & 8;
	op->string = q & 16;
	op->rep = q & 32;
	op->port = q >> 16;
	if (!op->string)
		return;
	/*
	 * 28.2.5: the instruction-information field gives address size and
	 * segment; INS always writes through ES.
	 */
	info = vmcs_read(VMX_INSTRUCTION_INFO);
	op->addr_mask = masks[min_t(u32, (info >> 7) & 7, 2)];
	op->seg_base = vmcs_read(GUEST_ES_BASE +
				 2 * (op->in ? 0 : (info >> 15) & 7));
	if (guest_long_mode(v) && (op->in || ((info >> 15) & 7) < 4))
		op->seg_base = 0;	/* only FS and GS have bases in 64-bit */
	op->step = vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_DF ? -op->size : op->size;
}

static int handle_io(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	u64 q = vmcs_read(EXIT_QUALIFICATION);
	const struct minivmx_port_route *r;
	u8 *data = (u8 *)run + MINIVMX_IO_DATA_OFFSET;
	struct mvx_io op;
	u32 count;
	int done;

	io_decode(v, q, &op);
	v->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	count = io_count(v, &op);
	if (!count) {			/* REP with RCX = 0 */
		mvx_skip_insn(v);
		return 1;
	}
	if (!op.in) {
		if (!op.string)
			memcpy(data, &v->regs[MVX_RAX], op.size);
		else if (io_string_copy(v, &op, data, count))
			return 1;
	}

	r = mvx_port_route(v->vm, op.port);
	if (r) {
		done = io_kernel(v, r, &op, data, count);
		if (done < 0)
			return 0;
		if (!done)
			return console_full(v);
		if (op.in && !op.string)
			gpr_write_sized(v, 0, false, op.size, ~0ULL);
		else if (op.in && io_string_copy(v, &op, data, done))
			return 1;
		if (op.string)
			io_string_advance(v, &op, done);
		else
			mvx_skip_insn(v);
		return 1;
	}

	run->exit_reason = MINIVMX_EXIT_IO;
	run->io.direction = op.in ? MINIVMX_IO_IN : MINIVMX_IO_OUT;
	run->io.size = op.size;
	run->io.port = op.port;
	run->io.count = count;
	run->io.data_offset = MINIVMX_IO_DATA_OFFSET;
	if (op.string || op.in) {
		v->io = op;
		v->io_count = count;
		v->pending = op.in ? MVX_PENDING_IO_IN : MVX_PENDING_IO_OUT;
	} else {
		v->pending = MVX_PENDING_SKIP;
	}
	return 0;
}

/* ---- EPT violations: MMIO (qualification: SDM Table 28-7) ---- */

/**
 * mvx_fetch_insn() - read up to 15 instruction bytes at CS:RIP
 * @v: the vCPU, its VMCS current
 * @buf: 15 bytes
 * @len: how many could be read
 *
 * Return: 0, -EPERM (a guest #PF) or -EFAULT.
 */
int mvx_fetch_insn(struct mvx_vcpu *v, u8 *buf, unsigned int *len)
{
	u64 rip = vmcs_read(GUEST_CS_BASE) + vmcs_read(GUEST_RIP);
	unsigned int acc = mvx_guest_access() | MVX_ACC_FETCH, first;
	int ret;

	if (mvx_guest_cs_bits(v) != 64)
		rip &= 0xffffffff;
	first = min_t(unsigned int, 15, PAGE_SIZE - offset_in_page(rip));
	ret = mvx_read_gva(v, rip, buf, first, acc);
	if (ret)
		return ret;
	*len = first;
	if (first < 15 &&
	    !mvx_read_gva(v, rip + first, buf + first, 15 - first, acc))
		*len = 15;
	return 0;
}

/* The decoded MOV @v->mmio with a value: finish it as a load would. */
static void mmio_load(struct mvx_vcpu *v, u64 val)
{
	struct mvx_mov *mov = &v->mmio;

	if (mov->zero_extend)
		gpr_write_sized(v, mov->reg, false, mov->dst_size, val);
	else
		gpr_write_sized(v, mov->reg, mov->high_byte, mov->size, val);
}

/* The decoded MOV @v->mmio's value to store. */
static u64 mmio_store_value(struct mvx_vcpu *v)
{
	struct mvx_mov *mov = &v->mmio;
	u64 val = mov->has_imm ? mov->imm : gpr_read(v, mov->reg);

	return mov->high_byte ? val >> 8 : val;
}

/* A MOV to or from the local APIC's page, done here. */
static int lapic_access(struct mvx_vcpu *v, u64 gpa)
{
	struct mvx_mov *mov = &v->mmio;
	int ret = 1;

	v->insn_len = mov->len;
	if (!mov->is_write) {
		mmio_load(v, mvx_lapic_mmio_read(v, gpa, mov->size));
	} else {
		ret = mvx_lapic_mmio_write(v, gpa, mov->size,
					   mmio_store_value(v));
		if (!ret) {	/* MINIVMX_EXIT_EOI: RIP moves on next run */
			v->pending = MVX_PENDING_SKIP;
			return 0;
		}
	}
	mvx_skip_insn(v);
	return ret;
}

static int handle_ept_violation(struct mvx_vcpu *v)
{
	u64 q = vmcs_read(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	struct mvx_slot *slot = mvx_gpa_slot(v->vm, gpa);

	if (q & EPT_VIOLATION_ACC_INSTR) {
		/*
		 * Guest code in RAM mapped by a non-executable 2 MiB leaf
		 * (nx_huge_pages): split it, with vCPUs out of the guest.
		 */
		if (slot) {
			v->split_gpa = gpa;
			v->leave_batch = true;
			return 1;
		}
		return internal_error(v, MINIVMX_INTERNAL_FETCH, 2,
				      (u64[]){ gpa, vmcs_read(GUEST_RIP) });
	}
	/*
	 * Backed and writable: the translation was stale (the EPT changed
	 * since this CPU cached it).  Flush and retry.
	 */
	if (slot && !((q & EPT_VIOLATION_ACC_WRITE) &&
		      (slot->flags & MINIVMX_MEM_READONLY))) {
		vmx_flush_ept(v->vm->eptp);
		return 1;
	}
	/* A guest paging structure in MMIO. */
	if ((q & EPT_VIOLATION_GVA_IS_VALID) &&
	    !(q & EPT_VIOLATION_GVA_TRANSLATED))
		return internal_error(v, MINIVMX_INTERNAL_DELIVERY_EV, 3,
				      (u64[]){ gpa, q,
				      vmcs_read(IDT_VECTORING_INFO_FIELD) });
	return mvx_mmio_exit(v, gpa);
}

/**
 * mvx_mmio_exit() - emulate the access to unbacked guest memory at @gpa
 * @v: the vCPU, its VMCS current, at the exit of the access
 * @gpa: the guest-physical address; -1 for a guest paging structure
 *	outside guest memory (shadow paging)
 *
 * Decodes the MOV that made it: the local APIC's page is the kernel's,
 * the rest is an MMIO exit to userspace.
 *
 * Return: 1 to re-enter the guest, 0 when @v->run is filled.
 */
int mvx_mmio_exit(struct mvx_vcpu *v, u64 gpa)
{
	struct minivmx_run *run = v->run;
	struct mvx_mov *mov = &v->mmio;
	u8 insn[16] = {};
	unsigned int len;
	u64 val;
	int ret;

	/*
	 * MMIO that the CPU touched while delivering an event (an IDT or a
	 * stack in MMIO), or a guest paging structure in MMIO: nothing that
	 * minivmx can emulate (KVM: KVM_INTERNAL_ERROR_DELIVERY_EV).
	 */
	if (gpa == -1ULL ||
	    (vmcs_read(IDT_VECTORING_INFO_FIELD) & VECTORING_INFO_VALID_MASK))
		return internal_error(v, MINIVMX_INTERNAL_DELIVERY_EV, 3,
				      (u64[]){ gpa,
				      vmcs_read(EXIT_QUALIFICATION),
				      vmcs_read(IDT_VECTORING_INFO_FIELD) });
	ret = mvx_fetch_insn(v, insn, &len);
	if (ret == -EPERM)
		return mvx_inject_page_fault(v);
	if (ret)
		return internal_error(v, MINIVMX_INTERNAL_FETCH, 2,
				      (u64[]){ gpa, vmcs_read(GUEST_RIP) });
	if (mvx_decode_mov(insn, len, mvx_guest_cs_bits(v), mov)) {
		u64 data[3] = { gpa, 0, 0 };

		memcpy(&data[1], insn, sizeof(insn));
		return internal_error(v, MINIVMX_INTERNAL_EMULATION, 3, data);
	}

	if (mvx_lapic_is_mmio(v, gpa))
		return lapic_access(v, gpa);

	run->exit_reason = MINIVMX_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = mov->size;
	run->mmio.is_write = mov->is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	v->insn_len = mov->len;
	if (mov->is_write) {
		val = mmio_store_value(v);
		memcpy(run->mmio.data, &val, mov->size);
		v->pending = MVX_PENDING_SKIP;
	} else {
		v->pending = MVX_PENDING_MMIO_READ;
	}
	return 0;
}

static int handle_ept_misconfig(struct mvx_vcpu *v)
{
	return internal_error(v, MINIVMX_INTERNAL_EPT_MISCONFIG, 1,
			      (u64[]){ vmcs_read(GUEST_PHYSICAL_ADDRESS) });
}

/* ---- completing what userspace answered ---- */

typedef int (*exit_handler_t)(struct mvx_vcpu *v);

static const exit_handler_t exit_handlers[MINIVMX_NR_VMX_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI]	= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT]	= mvx_shutdown,
	[EXIT_REASON_INTERRUPT_WINDOW]	= mvx_handle_irq_window,
	[EXIT_REASON_NMI_WINDOW]	= mvx_handle_nmi_window,
	[EXIT_REASON_CPUID]		= handle_cpuid,
	[EXIT_REASON_HLT]		= handle_hlt,
	[EXIT_REASON_INVD]		= skip_and_resume,
	[EXIT_REASON_WBINVD]		= skip_and_resume,
	[EXIT_REASON_VMCALL]		= handle_vmcall,
	[EXIT_REASON_INVLPG]		= handle_invlpg,
	[EXIT_REASON_CR_ACCESS]		= handle_cr_access,
	[EXIT_REASON_DR_ACCESS]		= handle_dr_access,
	[EXIT_REASON_RDPMC]		= handle_rdpmc,
	[EXIT_REASON_IO_INSTRUCTION]	= handle_io,
	[EXIT_REASON_MSR_READ]		= handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= handle_wrmsr,
	[EXIT_REASON_EPT_VIOLATION]	= handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]	= handle_ept_misconfig,
	[EXIT_REASON_XSETBV]		= handle_xsetbv,
	[EXIT_REASON_PREEMPTION_TIMER]	= handle_preemption_timer,
	[EXIT_REASON_MONITOR_TRAP_FLAG]	= mvx_handle_mtf,
	/* VMX is hidden from the guest: its instructions are #UD. */
	[EXIT_REASON_VMCLEAR]		= inject_ud,
	[EXIT_REASON_VMLAUNCH]		= inject_ud,
	[EXIT_REASON_VMPTRLD]		= inject_ud,
	[EXIT_REASON_VMPTRST]		= inject_ud,
	[EXIT_REASON_VMREAD]		= inject_ud,
	[EXIT_REASON_VMRESUME]		= inject_ud,
	[EXIT_REASON_VMWRITE]		= inject_ud,
	[EXIT_REASON_VMOFF]		= inject_ud,
	[EXIT_REASON_VMON]		= inject_ud,
	[EXIT_REASON_INVEPT]		= inject_ud,
	[EXIT_REASON_INVVPID]		= inject_ud,
	[EXIT_REASON_VMFUNC]		= inject_ud,
	/* So is MONITOR/MWAIT (CPUID.1:ECX[3] is clear). */
	[EXIT_REASON_MONITOR_INSTRUCTION] = inject_ud,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= inject_ud,
};

/* ---- exits routed to userspace (MINIVMX_SET_EXIT_ROUTES) ---- */

/* The fields every exit to userspace carries. */
static void exit_to_user(struct mvx_vcpu *v, u16 basic)
{
	struct minivmx_run *run = v->run;

	run->vmx_exit_reason = basic;
	run->exit_qualification = vmcs_read(EXIT_QUALIFICATION);
	run->guest_rip = vmcs_read(GUEST_RIP);
}

static int route_to_user(struct mvx_vcpu *v, u16 basic)
{
	struct minivmx_run *run = v->run;
	bool ept = basic == EXIT_REASON_EPT_VIOLATION;

	run->exit_reason = MINIVMX_EXIT_ROUTED;
	run->routed.gpa = ept ? vmcs_read(GUEST_PHYSICAL_ADDRESS) : 0;
	run->routed.gla = ept ? vmcs_read(GUEST_LINEAR_ADDRESS) : 0;
	/* 28.2.5: an EPT violation has no instruction length. */
	v->insn_len = ept ? 0 : vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	run->routed.insn_len = v->insn_len;
	run->routed.insn_info = vmcs_read(VMX_INSTRUCTION_INFO);
	run->routed.action = MINIVMX_ROUTED_RESUME;
	run->routed.pad = 0;
	v->routed_reason = basic;
	v->pending = MVX_PENDING_ROUTED;
	return 0;
}

/*
 * The next MINIVMX_RUN after a routed exit: what userspace chose.  The
 * VMCS still holds the exit's information fields (no VM entry since),
 * so the kernel's handler can run now as at the exit.
 */
static int complete_routed(struct mvx_vcpu *v)
{
	u8 basic = v->routed_reason;
	int ret;

	switch (READ_ONCE(v->run->routed.action)) {
	case MINIVMX_ROUTED_RESUME:
		return 1;
	case MINIVMX_ROUTED_SKIP:
		if (!v->insn_len)
			break;
		mvx_skip_insn(v);
		return 1;
	case MINIVMX_ROUTED_KERNEL:
		ret = exit_handlers[basic](v);
		if (!ret)
			exit_to_user(v, basic);
		return ret;
	case MINIVMX_ROUTED_GP:
		return inject_gp(v);
	case MINIVMX_ROUTED_UD:
		return inject_ud(v);
	}
	v->pending = MVX_PENDING_ROUTED;	/* nothing is lost */
	return -EINVAL;
}

/**
 * mvx_complete_pending() - finish the exit userspace has just handled
 * @v: the vCPU, its VMCS current
 *
 * Return: 1 to run the guest, 0 when @v->run is filled for userspace
 * again, or a negative errno (-EINVAL: a routed exit's unknown action).
 */
int mvx_complete_pending(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;
	u8 *data = (u8 *)run + MINIVMX_IO_DATA_OFFSET;
	struct mvx_mov *mov = &v->mmio;
	enum mvx_pending p = v->pending;
	u64 val = 0;

	v->pending = MVX_PENDING_NONE;
	switch (p) {
	case MVX_PENDING_NONE:
		break;
	case MVX_PENDING_SKIP:
		mvx_skip_insn(v);
		break;
	case MVX_PENDING_HYPERCALL:
		v->regs[MVX_RAX] = run->hypercall.ret;
		mvx_skip_insn(v);
		break;
	case MVX_PENDING_MMIO_READ:
		memcpy(&val, run->mmio.data, mov->size);
		mmio_load(v, val);
		mvx_skip_insn(v);
		break;
	case MVX_PENDING_IO_IN:
		if (!v->io.string) {
			memcpy(&val, data, v->io.size);
			gpr_write_sized(v, 0, false, v->io.size, val);
			mvx_skip_insn(v);
			break;
		}
		if (io_string_copy(v, &v->io, data, v->io_count))
			break;
		fallthrough;
	case MVX_PENDING_IO_OUT:
		io_string_advance(v, &v->io, v->io_count);
		break;
	case MVX_PENDING_ROUTED:
		return complete_routed(v);
	}
	return 1;
}

/* The kernel's handler for an exit that stays in the kernel. */
static int handle_in_kernel(struct mvx_vcpu *v, u16 basic)
{
	struct minivmx_run *run = v->run;
	int ret;

	if (mvx_debugging(v) && (v->debug.control & MINIVMX_GUESTDBG_EXIT_BP) &&
	    test_bit(basic, v->debug.exit_bitmap))
		mvx_debug_exit_bp(v, basic);
	ret = exit_handlers[basic](v);
	/* Userspace may inject now, as it asked (KVM's vcpu_run()). */
	if (ret > 0 && unlikely(run->request_interrupt_window) &&
	    mvx_ready_for_interrupt(v)) {
		run->exit_reason = MINIVMX_EXIT_IRQ_WINDOW_OPEN;
		ret = 0;
	}
	/* An exit that reaches userspace anyway is its own stop. */
	if (mvx_debugging(v) && !ret)
		v->debug.stop &= ~MINIVMX_DEBUG_EXIT;
	return ret;
}

/**
 * mvx_handle_exit() - dispatch one VM exit
 * @v: the vCPU, its VMCS current, interrupts enabled, preemption disabled
 * @reason: VM_EXIT_REASON
 *
 * Return: 1 to re-enter the guest, 0 when @v->run is filled for userspace,
 * or a negative errno.
 */
int mvx_handle_exit(struct mvx_vcpu *v, u32 reason)
{
	struct minivmx_run *run = v->run;
	u16 basic = reason & 0xffff;
	int ret;

	if (basic < MINIVMX_NR_VMX_EXIT_REASONS) {
		basic = array_index_nospec(basic, MINIVMX_NR_VMX_EXIT_REASONS);
		run->exit_count[basic]++;
		v->stat.exits[basic]++;
	}
	/* The VMREAD is volatile asm: only pay for it while tracing. */
	if (trace_minivmx_exit_enabled())
		trace_minivmx_exit(v->id, reason, vmcs_read(GUEST_RIP));
	/* The injected event: delivered, or to be delivered again. */
	mvx_events_complete(v, reason & VMX_EXIT_REASONS_FAILED_VMENTRY ?
			    0xffff : basic);

	/* 27.8: VM entry failed while loading guest state or MSRs. */
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		run->exit_reason = MINIVMX_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_exit_reason = reason;
		run->fail_entry.qualification = vmcs_read(EXIT_QUALIFICATION);
		run->fail_entry.vm_instruction_error = 0;
		run->fail_entry.check = mvx_failed_entry_check();
		trace_minivmx_fail_entry(v->id, reason, 0);
		ret = 0;
	} else if (basic < MINIVMX_NR_VMX_EXIT_REASONS && exit_handlers[basic]) {
		/* Routable reasons are below 64 (MINIVMX_ROUTABLE_EXITS). */
		if (unlikely(basic < 64 &&
			     (READ_ONCE(v->vm->user_exits) & BIT_ULL(basic))))
			ret = route_to_user(v, basic);
		else
			ret = handle_in_kernel(v, basic);
	} else {
		ret = internal_error(v, MINIVMX_INTERNAL_UNHANDLED_EXIT, 2,
				     (u64[]){ reason,
					      vmcs_read(EXIT_QUALIFICATION) });
	}
	if (!ret)
		exit_to_user(v, basic);
	return ret;
}
