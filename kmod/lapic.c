// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC, one per vCPU once MINIVMX_CREATE_LAPIC was called (SDM
 * Vol. 3A chapter 11): in xAPIC mode the register page at IA32_APIC_BASE
 * handled in the kernel as it is touched (EPT violations, exits.c), in
 * x2APIC mode the MSRs 0x800-0x83f (11.12), the task priority also
 * through CR8, interrupts in IRR/ISR/TMR with their
 * priorities, EOI, the timer in one-shot, periodic and TSC-deadline modes
 * on an hrtimer (lapic-timer.c), IPIs (fixed, lowest priority, NMI, INIT, start-up;
 * physical and flat or cluster logical destinations, x2APIC's 32-bit
 * ones; the shorthands) and
 * the MSIs of userspace devices.  It is in the kernel because it is on
 * the hot path of every interrupt and crosses vCPU threads; the I/O APIC
 * is in userspace and reaches it through MINIVMX_SIGNAL_MSI and the
 * MINIVMX_EXIT_EOI exit.  The model is KVM's lapic.c, without APIC
 * virtualization: every access exits.
 *
 * Other threads (IPIs from other vCPUs, MSIs, the timer's interrupt) only
 * set IRR bits, count NMIs and post INIT and SIPI, then kick the vCPU:
 * mvx_vcpu_kick() wakes it if it sleeps (HLT, wait-for-SIPI) and sends an
 * IPI to its CPU if it is in the guest.  The vCPU's own thread moves the
 * rest: it acknowledges interrupts as it injects them (events.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "lapic.h"
#include "minivmx.h"
#include "vmx_ops.h"

#define LAPIC_VERSION	0x50014		/* 6 LVT entries, version 0x14 */
#define LVT_MASK_ALL	(APIC_LVT_MASKED | APIC_VECTOR_MASK | APIC_MODE_MASK | \
			 APIC_INPUT_POLARITY | APIC_LVT_REMOTE_IRR | \
			 APIC_LVT_LEVEL_TRIGGER)
#define APIC_SHORT_MASK	0xc0000		/* ICR destination shorthand */
#define X2APIC_BROADCAST	0xffffffff	/* physical destination: all */
/* ICR bits that #GP in x2APIC mode: 31:20, 17:16, 13 (KVM's, 11.12.9) */
#define X2APIC_ICR_RSVD	(GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | BIT(13))
/* ESR bits (11.5.3), as bit numbers */
#define ESR_SEND_ILLEGAL	5
#define ESR_RECV_ILLEGAL	6

/* IRR, ISR and TMR: eight 32-bit words, 16 bytes apart. */
static unsigned long *vec_word(struct mvx_lapic *a, unsigned int base, u8 vec)
{
	return (unsigned long *)&a->regs[(base >> 2) + (vec >> 5) * 4];
}

static int highest_vector(struct mvx_lapic *a, unsigned int base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = reg_get(a, base + i * 0x10);

		if (w)
			return i * 32 + __fls(w);
	}
	return -1;
}

static bool sw_enabled(struct mvx_lapic *a)
{
	return reg_get(a, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

static bool hw_enabled(struct mvx_lapic *a)
{
	return READ_ONCE(a->base) & MSR_IA32_APICBASE_ENABLE;
}

/* IA32_APIC_BASE.EXTD: the registers are MSRs, the IDs 32 bits (11.12). */
static bool x2apic_mode(struct mvx_lapic *a)
{
	return READ_ONCE(a->base) & X2APIC_ENABLE;
}

/* PPR: the higher of TPR and the class of the vector in service (11.8.3.1). */
static void update_ppr(struct mvx_lapic *a)
{
	u32 tpr = reg_get(a, APIC_TASKPRI) & 0xff;
	int isrv = highest_vector(a, APIC_ISR);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	reg_set(a, APIC_PROCPRI, (tpr & 0xf0) >= isr_class ? tpr : isr_class);
}

/* ---- kicks and acceptance ---- */

/**
 * mvx_vcpu_kick() - make a vCPU look at the events posted for it
 * @v: the vCPU; any thread, also hard IRQ context
 *
 * Pairs with the entry path in vcpu.c: that sets @in_guest, then reads
 * @kicked; here @kicked is set, then @in_guest read.  One of the two sees
 * the other's write, so either the entry is skipped or the IPI makes the
 * guest exit.
 */
void mvx_vcpu_kick(struct mvx_vcpu *v)
{
	int cpu, me;

	WRITE_ONCE(v->kicked, true);
	smp_mb();	/* kicked before in_guest; pairs with vcpu.c's store */
	if (READ_ONCE(v->in_guest)) {
		me = get_cpu();
		cpu = READ_ONCE(v->vmcs.cpu);
		if (cpu >= 0 && cpu != me && cpu_online(cpu))
			smp_send_reschedule(cpu);
		put_cpu();
	}
	wake_up(&v->lapic->wq);
}

/* A fixed or lowest-priority interrupt arrives (11.6.1): IRR, and TMR. */
bool lapic_accept_irq(struct mvx_lapic *a, u8 vec, bool level)
{
	if (!sw_enabled(a))
		return false;
	if (vec < 16) {
		set_bit(ESR_RECV_ILLEGAL, &a->esr);
		return false;
	}
	if (level)
		set_bit(vec & 31, vec_word(a, APIC_TMR, vec));
	else
		clear_bit(vec & 31, vec_word(a, APIC_TMR, vec));
	set_bit(vec & 31, vec_word(a, APIC_IRR, vec));
	smp_mb__after_atomic();	/* IRR before the hint; see deliverable() */
	WRITE_ONCE(a->irr_pending, true);
	mvx_vcpu_kick(a->vcpu);
	return true;
}

/* One interrupt message to one local APIC, by its delivery mode. */
static bool deliver(struct mvx_lapic *a, u32 mode, u8 vec, bool level)
{
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		return lapic_accept_irq(a, vec, level);
	case APIC_DM_NMI:
		atomic_inc(&a->nmi_queued);
		break;
	case APIC_DM_INIT:
		set_bit(MVX_LAPIC_INIT, &a->events);
		break;
	case APIC_DM_STARTUP:
		WRITE_ONCE(a->sipi_vector, vec);
		smp_wmb();	/* the vector before the flag: runnable() */
		set_bit(MVX_LAPIC_SIPI, &a->events);
		break;
	default:
		return false;	/* SMI, ExtINT: not modelled */
	}
	mvx_vcpu_kick(a->vcpu);
	return true;
}

/*
 * Does @dest name @a (11.6.2; 11.12.10 in x2APIC mode)?  As KVM's
 * kvm_apic_match_dest(): the broadcast is the one of @a's mode, 0xff or
 * 0xffffffff, and an MSI's 0xff (@msi) reaches x2APIC mode too, whose
 * messages have 8-bit destinations; a physical destination above 0xff
 * is the 32-bit ID, the vCPU's id, in either mode.  x2APIC logical
 * destinations are clusters: bits 31:16 the cluster, 15:0 its CPUs.
 */
static bool match_dest(struct mvx_lapic *a, u32 dest, bool logical, bool msi)
{
	bool x2 = x2apic_mode(a);
	u32 ldr = reg_get(a, APIC_LDR);

	if (dest == (x2 ? X2APIC_BROADCAST : 0xff) || (msi && x2 && dest == 0xff))
		return true;
	if (!logical)
		return dest == (x2 || dest > 0xff ? a->vcpu->id :
				reg_get(a, APIC_ID) >> 24);
	if (x2)
		return (ldr >> 16) == (dest >> 16) && (ldr & dest & 0xffff);
	ldr >>= 24;
	if ((reg_get(a, APIC_DFR) >> 28) == 0xf)	/* flat */
		return ldr & dest;
	/* cluster: the high nibble names the cluster, the low one the CPUs */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

/* Is @a one that @shorthand (from @src) or @dest names? */
static bool named(struct mvx_lapic *a, struct mvx_lapic *src, u32 shorthand,
		  u32 dest, bool logical)
{
	switch (shorthand) {
	case APIC_DEST_SELF:
		return a == src;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return a != src;
	}
	return match_dest(a, dest, logical, !src);
}

/*
 * Send a message to every local APIC that @shorthand and @dest name
 * (APIC_DEST_SELF/ALLINC/ALLBUT from @src, or a destination); lowest
 * priority to the one among them with the lowest processor priority, the
 * first of equals (11.6.2.4, arbitration by PPR only).  Return: how many
 * accepted it.
 */
static int send_msg(struct mvx_vm *vm, struct mvx_lapic *src, u32 shorthand,
		    u32 dest, bool logical, u32 mode, u8 vec, bool level)
{
	struct mvx_lapic *lowest = NULL;
	int i, n = 0;

	rcu_read_lock();
	for (i = 0; i < MINIVMX_MAX_VCPUS; i++) {
		struct mvx_vcpu *t = READ_ONCE(vm->vcpus[i]);
		struct mvx_lapic *a = t ? t->lapic : NULL;

		if (!a || !hw_enabled(a) ||
		    !named(a, src, shorthand, dest, logical))
			continue;
		if (mode != APIC_DM_LOWEST) {
			n += deliver(a, mode, vec, level);
			continue;
		}
		if (sw_enabled(a) &&
		    (!lowest || (reg_get(a, APIC_PROCPRI) & 0xf0) <
				(reg_get(lowest, APIC_PROCPRI) & 0xf0)))
			lowest = a;
	}
	if (lowest)
		n = deliver(lowest, mode, vec, level);
	rcu_read_unlock();
	return n;
}

/*
 * A write of ICR's low half sends the IPI (11.6.1) to @dest: ICR2's bits
 * 31:24 in xAPIC mode, ICR's bits 63:32 in x2APIC mode (11.12.9).
 */
static void send_ipi(struct mvx_lapic *a, u32 icr, u32 dest)
{
	u32 mode = icr & APIC_MODE_MASK, shorthand = icr & APIC_SHORT_MASK;
	u8 vec = icr & APIC_VECTOR_MASK;

	/* INIT level de-assert: nothing to do since the Pentium 4. */
	if (mode == APIC_DM_INIT && !(icr & APIC_INT_ASSERT) &&
	    (icr & APIC_INT_LEVELTRIG))
		return;
	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vec < 16) {
		set_bit(ESR_SEND_ILLEGAL, &a->esr);
		return;
	}
	send_msg(a->vcpu->vm, a, shorthand, dest, icr & APIC_DEST_LOGICAL,
		 mode, vec, icr & APIC_INT_LEVELTRIG);
}

/**
 * mvx_signal_msi() - MINIVMX_SIGNAL_MSI
 * @vm: the VM
 * @arg: user pointer to a struct minivmx_msi
 *
 * Return: the number of local APICs that accepted the message; -EFAULT;
 * -ENXIO without MINIVMX_CREATE_LAPIC; -EINVAL for an address outside
 * 0xFEExxxxx, a delivery mode other than fixed, lowest priority, NMI or
 * INIT, reserved bits, or non-zero @flags and @pad.
 */
long mvx_signal_msi(struct mvx_vm *vm, const void __user *arg)
{
	struct minivmx_msi msi;
	u32 mode;

	if (copy_from_user(&msi, arg, sizeof(msi)))
		return -EFAULT;
	if (!READ_ONCE(vm->lapic))
		return -ENXIO;
	mode = msi.data & APIC_MODE_MASK;
	if ((msi.address >> 20) != 0xfee || (msi.address & 0xff3) ||
	    (msi.data & ~(APIC_VECTOR_MASK | APIC_MODE_MASK |
			  APIC_INT_ASSERT | APIC_INT_LEVELTRIG)) ||
	    msi.flags || memchr_inv(msi.pad, 0, sizeof(msi.pad)))
		return -EINVAL;
	if (mode != APIC_DM_FIXED && mode != APIC_DM_LOWEST &&
	    mode != APIC_DM_NMI && mode != APIC_DM_INIT)
		return -EINVAL;
	return send_msg(vm, NULL, 0, (msi.address >> 12) & 0xff,
			msi.address & BIT(2), mode, msi.data & 0xff,
			msi.data & APIC_INT_LEVELTRIG);
}

/* ---- registers ---- */

/*
 * The IDs of the mode (KVM's kvm_apic_set_x2apic_id()): in x2APIC mode the
 * ID is the vCPU's id in 32 bits and the logical ID follows from it,
 * cluster id >> 4 and bit id & 0xf (11.12.10.2); in xAPIC mode the ID is
 * in bits 31:24 and LDR the guest's.
 */
static void set_ids(struct mvx_lapic *a, bool x2)
{
	u32 id = a->vcpu->id;

	if (!x2) {
		reg_set(a, APIC_ID, id << 24);
		return;
	}
	reg_set(a, APIC_ID, id);
	reg_set(a, APIC_LDR, (id >> 4) << 16 | BIT(id & 0xf));
}

/* Power-up or INIT (9.1.1, 11.4.7.3); INIT keeps the mode (11.12.5.1). */
static void lapic_reset(struct mvx_lapic *a)
{
	static const unsigned int lvts[] = {
		APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1,
		APIC_LVTERR,
	};
	unsigned int i;

	lapic_timer_stop(a);
	memset(a->regs, 0, PAGE_SIZE);
	set_ids(a, x2apic_mode(a));
	reg_set(a, APIC_LVR, LAPIC_VERSION);
	reg_set(a, APIC_DFR, APIC_DFR_FLAT);
	reg_set(a, APIC_SPIV, 0xff);
	for (i = 0; i < ARRAY_SIZE(lvts); i++)
		reg_set(a, lvts[i], APIC_LVT_MASKED);
	a->tsc_deadline = 0;
	a->esr = 0;
	a->irr_pending = false;
	atomic_set(&a->nmi_queued, 0);
}

/**
 * mvx_lapic_is_mmio() - does a guest access to @gpa go to the local APIC
 * @v: the vCPU
 * @gpa: an unbacked guest-physical address
 *
 * Return: true while the APIC is enabled in IA32_APIC_BASE in xAPIC mode
 * and @gpa is in its 4 KiB page.  In x2APIC mode the page is no APIC's:
 * an access behaves as with the APIC disabled (11.12.2), the VMM's MMIO
 * (KVM's without KVM_X86_QUIRK_LAPIC_MMIO_HOLE).
 */
bool mvx_lapic_is_mmio(struct mvx_vcpu *v, u64 gpa)
{
	struct mvx_lapic *a = v->lapic;

	return a && hw_enabled(a) && !x2apic_mode(a) &&
	       (gpa & PAGE_MASK) == (a->base & MSR_IA32_APICBASE_BASE);
}

static u32 reg_read(struct mvx_lapic *a, unsigned int reg)
{
	switch (reg) {
	case APIC_EOI:
		return 0;	/* write-only */
	case APIC_TMCCT:
		return lapic_timer_current(a);
	case APIC_ICR:
		return reg_get(a, APIC_ICR) & ~APIC_ICR_BUSY;
	default:
		return reg < 0x400 ? reg_get(a, reg) : 0;
	}
}

/**
 * mvx_lapic_mmio_read() - a guest load from the APIC page
 * @v: the vCPU, mvx_lapic_is_mmio() true
 * @gpa: the address
 * @len: 1 to 8 bytes
 *
 * Return: the bytes of the register at @gpa; bytes outside the register's
 * first four read as 0.
 */
u64 mvx_lapic_mmio_read(struct mvx_vcpu *v, u64 gpa, unsigned int len)
{
	unsigned int off = gpa & 0xfff, shift = (off & 3) * 8;
	u64 val = reg_read(v->lapic, off & ~0xfU);

	if (off & 0xc)
		return 0;
	val >>= shift;
	return len >= 8 ? val : val & (BIT_ULL(len * 8) - 1);
}

/* EOI (11.8.5): the highest vector in service is done. */
static int eoi(struct mvx_lapic *a)
{
	int vec = highest_vector(a, APIC_ISR);

	if (vec < 0)
		return 1;
	__clear_bit(vec & 31, vec_word(a, APIC_ISR, vec));
	update_ppr(a);
	WRITE_ONCE(a->irr_pending, true);
	if (test_bit(vec & 31, vec_word(a, APIC_TMR, vec))) {
		struct minivmx_run *run = a->vcpu->run;

		run->exit_reason = MINIVMX_EXIT_EOI;
		run->eoi.vector = vec;
		return 0;
	}
	return 1;
}

static void write_lvt(struct mvx_lapic *a, unsigned int reg, u32 val)
{
	u32 mask = LVT_MASK_ALL;

	if (reg == APIC_LVTT) {
		mask = APIC_LVT_MASKED | APIC_VECTOR_MASK | TIMER_MODES;
		if ((val & TIMER_MODES) == TIMER_MODES)
			val &= ~TIMER_MODES;	/* reserved: one-shot */
		if ((val & TIMER_MODES) != lapic_timer_mode(a)) {
			/* A new mode stops the count (KVM's apic_update_lvtt()). */
			lapic_timer_stop(a);
			reg_set(a, APIC_TMICT, 0);
			a->tsc_deadline = 0;
		}
	} else if (reg == APIC_LVTERR) {
		mask = APIC_LVT_MASKED | APIC_VECTOR_MASK;
	}
	if (!sw_enabled(a))
		val |= APIC_LVT_MASKED;
	reg_set(a, reg, val & mask);
}

/*
 * A write of register @reg (an offset in the page, 16-byte aligned), in
 * either mode; what x2APIC mode refuses, x2apic_write() refused.  Return:
 * 1 to go on, 0 when @a's run struct is filled (MINIVMX_EXIT_EOI).
 */
static int reg_write(struct mvx_lapic *a, unsigned int reg, u32 x)
{
	switch (reg) {
	case APIC_ID:
		reg_set(a, reg, x & 0xff000000);
		break;
	case APIC_TASKPRI:
		reg_set(a, reg, x & 0xff);
		update_ppr(a);
		WRITE_ONCE(a->irr_pending, true);
		break;
	case APIC_EOI:
		return eoi(a);
	case APIC_LDR:
		reg_set(a, reg, x & 0xff000000);
		break;
	case APIC_DFR:
		reg_set(a, reg, x | 0x0fffffff);
		break;
	case APIC_SPIV:
		reg_set(a, reg, x & 0x3ff);
		if (!(x & APIC_SPIV_APIC_ENABLED)) {
			unsigned int r;

			for (r = APIC_LVTT; r <= APIC_LVTERR; r += 0x10)
				reg_set(a, r, reg_get(a, r) | APIC_LVT_MASKED);
		}
		break;
	case APIC_ESR:
		reg_set(a, reg, xchg(&a->esr, 0));
		break;
	case APIC_ICR2:
		reg_set(a, reg, x & 0xff000000);
		break;
	case APIC_ICR:
		reg_set(a, reg, x & ~APIC_ICR_BUSY);
		send_ipi(a, x, reg_get(a, APIC_ICR2) >> 24);
		break;
	case APIC_LVTT:
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
		write_lvt(a, reg, x);
		break;
	case APIC_TMICT:
		if (lapic_timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE)
			break;
		reg_set(a, reg, x);
		lapic_timer_start_count(a);
		break;
	case APIC_TDCR:
		reg_set(a, reg, x & 0xb);
		break;
	default:
		/* Read-only or not a register: dropped, as KVM does. */
		break;
	}
	return 1;
}

/**
 * mvx_lapic_mmio_write() - a guest store to the APIC page
 * @v: the vCPU, mvx_lapic_is_mmio() true
 * @gpa: the address
 * @len: bytes stored; only aligned 32-bit stores are defined (11.4.1),
 *	others are dropped
 * @val: the value
 *
 * Return: 1 to go on, 0 when @v->run is filled (MINIVMX_EXIT_EOI).
 */
int mvx_lapic_mmio_write(struct mvx_vcpu *v, u64 gpa, unsigned int len,
			 u64 val)
{
	unsigned int reg = gpa & 0xfff;

	if (len != 4 || (reg & 0xf))
		return 1;
	return reg_write(v->lapic, reg, val);
}

/**
 * mvx_get_lapic() - MINIVMX_GET_LAPIC
 * @v: the vCPU, its mutex held
 * @arg: user pointer to a struct minivmx_lapic_state
 *
 * Return: 0, -ENXIO without a local APIC, -ENOMEM or -EFAULT.
 */
long mvx_get_lapic(struct mvx_vcpu *v, void __user *arg)
{
	struct mvx_lapic *a = v->lapic;
	struct minivmx_lapic_state *s;
	unsigned int off;
	long ret = 0;

	if (!a)
		return -ENXIO;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->apic_base = a->base;
	s->tsc_deadline = lapic_timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE ?
			  READ_ONCE(a->tsc_deadline) : 0;
	s->mp_state = a->mp_state;
	for (off = 0; off < sizeof(s->regs); off += 16) {
		u32 val = reg_read(a, off);

		memcpy(&s->regs[off], &val, sizeof(val));
	}
	if (copy_to_user(arg, s, sizeof(*s)))
		ret = -EFAULT;
	kfree(s);
	return ret;
}

/* ---- MSRs and CR8 ---- */

/*
 * x2APIC mode's registers are the MSRs 0x800-0x83f, MSR 0x800 + offset /
 * 16 (11.12.1.2 and its table): a bit per MSR, what RDMSR reads and what
 * WRMSR writes; any other, and any in xAPIC mode, #GPs.  There is no DFR,
 * ICR2 or arbitration priority; ID and LDR are read-only; EOI and
 * SELF_IPI write-only; ICR is one 64-bit MSR, its destination in bits
 * 63:32.  KVM's kvm_lapic_readable_reg_mask() and kvm_lapic_reg_write().
 */
#define X2APIC_NR	64
#define XR(reg)		BIT_ULL((reg) >> 4)
#define X2APIC_LVTS	(XR(APIC_LVTT) | XR(APIC_LVTTHMR) | XR(APIC_LVTPC) | \
			 XR(APIC_LVT0) | XR(APIC_LVT1) | XR(APIC_LVTERR))
#define X2APIC_READABLE	(XR(APIC_ID) | XR(APIC_LVR) | XR(APIC_TASKPRI) | \
			 XR(APIC_PROCPRI) | XR(APIC_LDR) | XR(APIC_SPIV) | \
			 GENMASK_ULL((APIC_IRR >> 4) + 7, APIC_ISR >> 4) | \
			 XR(APIC_ESR) | XR(APIC_ICR) | X2APIC_LVTS | \
			 XR(APIC_TMICT) | XR(APIC_TMCCT) | XR(APIC_TDCR))
#define X2APIC_WRITABLE	(XR(APIC_TASKPRI) | XR(APIC_EOI) | XR(APIC_SPIV) | \
			 XR(APIC_ESR) | XR(APIC_ICR) | X2APIC_LVTS | \
			 XR(APIC_TMICT) | XR(APIC_TDCR) | XR(APIC_SELF_IPI))

/*
 * The bits WRMSR may set in each writable register but ICR; a reserved
 * bit set #GPs (11.12.1.3): EOI and ESR take only 0.  An LVT's delivery
 * status and remote IRR are read-only, not reserved: ignored.
 */
static const u32 x2apic_bits[X2APIC_NR] = {
	[APIC_TASKPRI >> 4]	= 0xff,
	[APIC_SPIV >> 4]	= 0x3ff,
	[APIC_LVTT >> 4]	= 0x710ff,
	[APIC_LVTTHMR >> 4]	= 0x117ff,
	[APIC_LVTPC >> 4]	= 0x117ff,
	[APIC_LVT0 >> 4]	= 0x1f7ff,
	[APIC_LVT1 >> 4]	= 0x1f7ff,
	[APIC_LVTERR >> 4]	= 0x110ff,
	[APIC_TMICT >> 4]	= 0xffffffff,
	[APIC_TDCR >> 4]	= 0xb,
	[APIC_SELF_IPI >> 4]	= 0xff,
};

/* RDMSR of x2APIC register MSR @msr (0x800-0x8ff).  Return: 0 or -EINVAL. */
static int x2apic_read(struct mvx_lapic *a, u32 msr, u64 *val)
{
	unsigned int i = msr - APIC_BASE_MSR;

	if (!x2apic_mode(a) || i >= X2APIC_NR || !(X2APIC_READABLE & BIT_ULL(i)))
		return -EINVAL;
	i = array_index_nospec(i, X2APIC_NR);
	*val = reg_read(a, i << 4);
	if (i << 4 == APIC_ICR)
		*val |= (u64)reg_get(a, APIC_ICR2) << 32;
	return 0;
}

/*
 * WRMSR of x2APIC register MSR @msr (0x800-0x8ff).  Return: 0, 1 when @a's
 * run struct is filled (MINIVMX_EXIT_EOI), or -EINVAL for a #GP.
 */
static int x2apic_write(struct mvx_lapic *a, u32 msr, u64 val)
{
	unsigned int i = msr - APIC_BASE_MSR;

	if (!x2apic_mode(a) || i >= X2APIC_NR || !(X2APIC_WRITABLE & BIT_ULL(i)))
		return -EINVAL;
	i = array_index_nospec(i, X2APIC_NR);
	if (i << 4 == APIC_ICR) {
		/* No delivery status in x2APIC mode: bit 12 is ignored. */
		if (val & X2APIC_ICR_RSVD)
			return -EINVAL;
		reg_set(a, APIC_ICR, lower_32_bits(val) & ~APIC_ICR_BUSY);
		reg_set(a, APIC_ICR2, upper_32_bits(val));
		send_ipi(a, val, upper_32_bits(val));
		return 0;
	}
	if (val & ~(u64)x2apic_bits[i])
		return -EINVAL;
	/* SELF_IPI: a fixed, edge-triggered IPI to itself (11.12.11). */
	if (i << 4 == APIC_SELF_IPI) {
		send_ipi(a, APIC_DEST_SELF | val, 0);
		return 0;
	}
	return !reg_write(a, i << 4, val);
}

/*
 * IA32_APIC_BASE (11.4.4; 11.12.5, the x2APIC state transitions): the base
 * may move; EN disables the APIC and enables it again (which resets it,
 * 11.4.3); EXTD enters x2APIC mode from xAPIC mode only, and x2APIC mode
 * is left by disabling the APIC.  EXTD without EN, x2APIC to xAPIC, and
 * reserved bits #GP (KVM's kvm_set_apic_base()).  The BSP flag is
 * read-only.  Return: 0 or -EINVAL.
 */
static int set_base(struct mvx_lapic *a, u64 val)
{
	u64 rsvd = ~(MSR_IA32_APICBASE_BSP | MSR_IA32_APICBASE_ENABLE |
		     X2APIC_ENABLE |
		     GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 12));
	bool en = val & MSR_IA32_APICBASE_ENABLE, x2 = val & X2APIC_ENABLE;

	if ((val & rsvd) || (x2 && (!en || !hw_enabled(a))) ||
	    (en && !x2 && x2apic_mode(a)))
		return -EINVAL;
	val = (val & ~MSR_IA32_APICBASE_BSP) |
	      (a->base & MSR_IA32_APICBASE_BSP);
	if (en && !hw_enabled(a))
		lapic_reset(a);
	else if (!en)
		lapic_timer_stop(a);
	if (x2 && !x2apic_mode(a))
		set_ids(a, true);
	WRITE_ONCE(a->base, val);
	return 0;
}

/**
 * mvx_lapic_rdmsr() - IA32_APIC_BASE, IA32_TSC_DEADLINE, the x2APIC MSRs
 * @v: the vCPU, with a local APIC
 * @msr: the MSR
 * @val: its value
 *
 * Return: 0, -EINVAL for a #GP (an x2APIC MSR outside x2APIC mode, one
 * that is not readable), or -ENOENT when @msr is not the APIC's.
 */
int mvx_lapic_rdmsr(struct mvx_vcpu *v, u32 msr, u64 *val)
{
	struct mvx_lapic *a = v->lapic;

	if (msr - APIC_BASE_MSR <= 0xff)
		return x2apic_read(a, msr, val);
	switch (msr) {
	case MSR_IA32_APICBASE:
		*val = a->base;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*val = lapic_timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE ?
		       READ_ONCE(a->tsc_deadline) : 0;
		return 0;
	}
	return -ENOENT;
}

/**
 * mvx_lapic_wrmsr() - IA32_APIC_BASE, IA32_TSC_DEADLINE, the x2APIC MSRs
 * @v: the vCPU, with a local APIC
 * @msr: the MSR
 * @val: the value
 *
 * Return: 0; 1 when @v->run is filled (MINIVMX_EXIT_EOI: the x2APIC EOI
 * of a level-triggered vector); -EINVAL for a #GP; or -ENOENT when @msr
 * is not the APIC's.
 */
int mvx_lapic_wrmsr(struct mvx_vcpu *v, u32 msr, u64 val)
{
	struct mvx_lapic *a = v->lapic;

	if (msr - APIC_BASE_MSR <= 0xff)
		return x2apic_write(a, msr, val);
	switch (msr) {
	case MSR_IA32_APICBASE:
		return set_base(a, val);
	case MSR_IA32_TSC_DEADLINE:
		if (lapic_timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE)
			lapic_timer_start_deadline(a, val);
		return 0;
	}
	return -ENOENT;
}

/**
 * mvx_lapic_get_cr8() - CR8: TPR bits 7:4 (SDM Vol. 3A 11.8.6)
 * @v: the vCPU, with a local APIC
 *
 * Return: the value.
 */
u8 mvx_lapic_get_cr8(struct mvx_vcpu *v)
{
	return reg_get(v->lapic, APIC_TASKPRI) >> 4;
}

/**
 * mvx_lapic_set_cr8() - MOV to CR8
 * @v: the vCPU, with a local APIC
 * @cr8: 0 to 15
 */
void mvx_lapic_set_cr8(struct mvx_vcpu *v, u8 cr8)
{
	reg_set(v->lapic, APIC_TASKPRI, cr8 << 4);
	update_ppr(v->lapic);
	WRITE_ONCE(v->lapic->irr_pending, true);
}

/**
 * mvx_lapic_cpuid() - what CPUID says about the local APIC and its timer
 * @v: the vCPU, with a local APIC
 * @fn: the leaf
 * @r: EAX, EBX, ECX, EDX as filtered from the host's
 *
 * Leaf 1: the APIC (while enabled in IA32_APIC_BASE), x2APIC and
 * TSC-deadline bits; leaf 6: ARAT, the timer runs in every C-state; leaves 0x15 and
 * 0x16, always minivmx's: the TSC rate (a 1 GHz crystal,
 * which is also the APIC timer's clock) and the frequencies, so that the
 * guest calibrates nothing.
 */
void mvx_lapic_cpuid(struct mvx_vcpu *v, u32 fn, u32 *r)
{
	u32 host_max = boot_cpu_data.cpuid_level;

	switch (fn) {
	case 0:
		r[0] = max(r[0], 0x16U);
		return;
	case 1:
		if (hw_enabled(v->lapic))
			r[3] |= BIT(9);
		r[2] |= BIT(21) | BIT(24);	/* x2APIC, TSC deadline */
		return;
	case 6:
		r[0] |= BIT(2);
		return;
	case 0x15:
		/*
		 * TSC = ECX * EBX / EAX.  Linux multiplies the crystal's
		 * kHz by EBX in 32 bits (native_calibrate_tsc()): the
		 * largest denominator up to 10^6 that keeps that product
		 * below 2^32.
		 */
		r[0] = min_t(u64, USEC_PER_SEC,
			     div_u64(U32_MAX, max(tsc_khz, 1U)));
		r[1] = div_u64((u64)tsc_khz * r[0], USEC_PER_SEC);
		r[2] = NSEC_PER_SEC / LAPIC_BUS_NS;
		r[3] = 0;
		return;
	case 0x16:
		r[0] = tsc_khz / 1000;		/* base and maximum MHz */
		r[1] = tsc_khz / 1000;
		r[2] = 1000 / LAPIC_BUS_NS;	/* bus MHz */
		r[3] = 0;
		return;
	}
	if (fn > host_max && fn < 0x15)
		memset(r, 0, 4 * sizeof(*r));
}

/* ---- delivery to the guest ---- */

/*
 * The vector the APIC would present to the CPU now: the highest in IRR,
 * if its priority class is above PPR's.  Return it, or -1.
 */
static int deliverable(struct mvx_lapic *a)
{
	int vec;

	if (!READ_ONCE(a->irr_pending))
		return -1;
	vec = highest_vector(a, APIC_IRR);
	if (vec < 0) {
		WRITE_ONCE(a->irr_pending, false);
		smp_mb();	/* the hint cleared before IRR is read again */
		/* An IRR bit set meanwhile keeps the hint. */
		vec = highest_vector(a, APIC_IRR);
		if (vec < 0)
			return -1;
		WRITE_ONCE(a->irr_pending, true);
	}
	if ((vec & 0xf0) <= (reg_get(a, APIC_PROCPRI) & 0xf0))
		return -1;
	return vec;
}

/**
 * mvx_lapic_interrupt() - the interrupt the guest should take next
 * @v: the vCPU, with a local APIC; its own thread
 *
 * Return: the vector, or -1 when none can be delivered.
 */
int mvx_lapic_interrupt(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (!hw_enabled(a) || !sw_enabled(a))
		return -1;
	return deliverable(a);
}

/**
 * mvx_lapic_ack() - the CPU takes @vector: from IRR into ISR (11.8.4)
 * @v: the vCPU
 * @vector: what mvx_lapic_interrupt() returned
 */
void mvx_lapic_ack(struct mvx_vcpu *v, u8 vector)
{
	struct mvx_lapic *a = v->lapic;

	clear_bit(vector & 31, vec_word(a, APIC_IRR, vector));
	__set_bit(vector & 31, vec_word(a, APIC_ISR, vector));
	update_ppr(a);
}

/* ---- halting, INIT and start-up ---- */

/* Can a halted vCPU go on (its RFLAGS.IF was 1 at the HLT)? */
static bool halt_wakes(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (atomic_read(&a->nmi_queued) || v->events.nmi_pending ||
	    v->events.irq_pending)
		return true;
	return hw_enabled(a) && sw_enabled(a) && deliverable(a) >= 0;
}

/**
 * mvx_lapic_runnable() - may the vCPU enter the guest
 * @v: the vCPU, with a local APIC, its VMCS current
 *
 * Takes INIT (the vCPU's state as after INIT; an AP then waits for a
 * start-up IPI, SDM Vol. 3A 9.4) and the start-up IPI (real mode at
 * vector * 4 KiB), and ends a HLT that an event can wake.
 *
 * Return: true when it is runnable.
 */
bool mvx_lapic_runnable(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (unlikely(READ_ONCE(a->events))) {
		if (test_and_clear_bit(MVX_LAPIC_INIT, &a->events)) {
			vmcs_setup_guest(v);
			memset(v->regs, 0, sizeof(v->regs));
			v->regs[MVX_RDX] = 0x600;	/* family 6 */
			v->cr2 = 0;
			mvx_events_reset(v);
			lapic_reset(a);
			a->mp_state = (a->base & MSR_IA32_APICBASE_BSP) ?
				      MVX_MP_RUNNABLE : MVX_MP_WAIT_SIPI;
		}
		/* A start-up IPI counts only in wait-for-SIPI (KVM's rule). */
		if (test_and_clear_bit(MVX_LAPIC_SIPI, &a->events) &&
		    a->mp_state == MVX_MP_WAIT_SIPI) {
			smp_rmb();	/* the flag before the vector: deliver() */
			vmcs_write(GUEST_CS_SELECTOR, a->sipi_vector << 8);
			vmcs_write(GUEST_CS_BASE, a->sipi_vector << 12);
			vmcs_write(GUEST_RIP, 0);
			a->mp_state = MVX_MP_RUNNABLE;
		}
	}
	if (a->mp_state == MVX_MP_HALTED && halt_wakes(v))
		a->mp_state = MVX_MP_RUNNABLE;
	return a->mp_state == MVX_MP_RUNNABLE;
}

static bool can_wake(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (test_bit(MVX_LAPIC_INIT, &a->events))
		return true;
	if (a->mp_state == MVX_MP_WAIT_SIPI)
		return test_bit(MVX_LAPIC_SIPI, &a->events);
	return a->mp_state != MVX_MP_HALTED || halt_wakes(v);
}

/**
 * mvx_lapic_block() - sleep while the vCPU is halted or waits for SIPI
 * @v: the vCPU, with a local APIC, preemptible
 *
 * Return: 0 when something can wake it, -EINTR for a signal (it stays
 * halted: the next MINIVMX_RUN waits again).
 */
int mvx_lapic_block(struct mvx_vcpu *v)
{
	return wait_event_interruptible(v->lapic->wq, can_wake(v)) ? -EINTR : 0;
}

/**
 * mvx_lapic_halt() - HLT with RFLAGS.IF = 1 in a VM with local APICs
 * @v: the vCPU, its VMCS current, RIP already past the HLT
 *
 * Return: 1; the run loop sleeps until an interrupt, an NMI or INIT can
 * wake the vCPU.
 */
int mvx_lapic_halt(struct mvx_vcpu *v)
{
	v->lapic->mp_state = MVX_MP_HALTED;
	return 1;
}

/**
 * mvx_lapic_create() - give a new vCPU its local APIC
 * @v: the vCPU, not visible to other threads yet
 *
 * The BSP (vCPU 0) is runnable; the others wait for INIT and a start-up
 * IPI, as after power-up (and as KVM's with an in-kernel irqchip).
 *
 * Return: 0 or -ENOMEM.
 */
int mvx_lapic_create(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);

	if (!a)
		return -ENOMEM;
	a->regs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!a->regs) {
		kfree(a);
		return -ENOMEM;
	}
	a->vcpu = v;
	lapic_timer_init(a);
	init_waitqueue_head(&a->wq);
	a->base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
		  (v->id ? 0 : MSR_IA32_APICBASE_BSP);
	a->mp_state = v->id ? MVX_MP_WAIT_SIPI : MVX_MP_RUNNABLE;
	v->lapic = a;
	lapic_reset(a);
	return 0;
}

/**
 * mvx_lapic_free() - stop the timer and free the local APIC
 * @v: the vCPU, unreachable by other threads (an RCU grace period after
 *	it left the VM's array)
 */
void mvx_lapic_free(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (!a)
		return;
	hrtimer_cancel(&a->timer);
	free_page((unsigned long)a->regs);
	kfree(a);
	v->lapic = NULL;
}
