// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC's timer (SDM Vol. 3A 11.5.4): one-shot, periodic and
 * TSC-deadline modes on an hrtimer, and while the vCPU's thread runs the
 * guest on the VMX-preemption timer alone, as KVM's "hv timer".  A
 * periodic timer is never faster than every 200 microseconds, KVM's
 * min_timer_period_us: a guest must not be able to flood the host with
 * timer interrupts.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "lapic.h"
#include "minivmx.h"
#include "vmx_ops.h"

#define MIN_PERIOD_NS	(200 * NSEC_PER_USEC)

/* The timer's mode: LVTT's one-shot, periodic or TSC-deadline bits. */
u32 lapic_timer_mode(struct mvx_lapic *a)
{
	return reg_get(a, APIC_LVTT) & TIMER_MODES;
}

/* TDCR bits 0, 1 and 3: divide by 2, 4, ... 128, or 1 (11.5.4). */
static u32 timer_divide(struct mvx_lapic *a)
{
	u32 d = reg_get(a, APIC_TDCR), i = (d & 3) | ((d & 8) >> 1);

	return i == 7 ? 1 : 2U << i;
}

/* Nanoseconds from now as host TSC cycles, rounded up. */
static u64 ns_to_tsc(u64 ns)
{
	return mul_u64_u32_div(ns, tsc_khz, NSEC_PER_MSEC) + 1;
}

/*
 * The timer expired: its interrupt, and a periodic one goes on (periods
 * the host missed are one interrupt, not a burst).  From the hrtimer's
 * callback, or from the vCPU's thread in a batch (mvx_lapic_timer_due()).
 * Return: true when it is armed again, at @a->expires.
 */
static bool timer_expired(struct mvx_lapic *a)
{
	u32 lvtt = reg_get(a, APIC_LVTT);
	ktime_t now;

	if (!(lvtt & APIC_LVT_MASKED))
		lapic_accept_irq(a, lvtt & APIC_VECTOR_MASK, false);
	if ((lvtt & TIMER_MODES) == APIC_LVT_TIMER_PERIODIC && a->period_ns) {
		now = ktime_get();
		a->expires = ktime_add_ns(a->expires, a->period_ns);
		if (ktime_before(a->expires, now))
			a->expires = ktime_add_ns(now, a->period_ns);
		WRITE_ONCE(a->expire_tsc, rdtsc() +
			   ns_to_tsc(ktime_to_ns(ktime_sub(a->expires, now))));
		return true;
	}
	if ((lvtt & TIMER_MODES) == APIC_LVT_TIMER_TSCDEADLINE)
		WRITE_ONCE(a->tsc_deadline, 0);	/* it reads 0 once fired */
	a->period_ns = 0;
	WRITE_ONCE(a->expire_tsc, 0);
	return false;
}

static enum hrtimer_restart timer_fire(struct hrtimer *t)
{
	struct mvx_lapic *a = container_of(t, struct mvx_lapic, timer);

	if (!timer_expired(a))
		return HRTIMER_NORESTART;
	hrtimer_set_expires(t, a->expires);
	return HRTIMER_RESTART;
}

void lapic_timer_stop(struct mvx_lapic *a)
{
	hrtimer_cancel(&a->timer);
	a->period_ns = 0;
	WRITE_ONCE(a->expire_tsc, 0);
}

/*
 * Arm it @ns from now: on the hrtimer, or, while the vCPU's thread runs
 * the guest, on the VMX-preemption timer alone (mvx_lapic_fold_timer()).
 */
static void timer_arm(struct mvx_lapic *a, u64 ns)
{
	a->expires = ktime_add_ns(ktime_get(), ns);
	WRITE_ONCE(a->expire_tsc, rdtsc() + ns_to_tsc(ns));
	if (!a->in_batch)
		hrtimer_start(&a->timer, a->expires, HRTIMER_MODE_ABS_HARD);
}

/* TMICT written in one-shot or periodic mode: count down from it. */
void lapic_timer_start_count(struct mvx_lapic *a)
{
	u64 ns = (u64)reg_get(a, APIC_TMICT) * timer_divide(a) * LAPIC_BUS_NS;

	lapic_timer_stop(a);
	if (!ns)
		return;
	if (lapic_timer_mode(a) == APIC_LVT_TIMER_PERIODIC)
		ns = max_t(u64, ns, MIN_PERIOD_NS);
	a->period_ns = ns;
	timer_arm(a, ns);
}

/* IA32_TSC_DEADLINE written in TSC-deadline mode (11.5.4.1). */
void lapic_timer_start_deadline(struct mvx_lapic *a, u64 deadline)
{
	u64 now = mvx_guest_tsc(a->vcpu), ns = 0;

	lapic_timer_stop(a);
	WRITE_ONCE(a->tsc_deadline, deadline);
	if (!deadline)
		return;
	if (deadline > now && tsc_khz) {
		u64 cycles = deadline - now;

		/* A deadline centuries away must not wrap into the past. */
		ns = cycles > div_u64(KTIME_MAX, USEC_PER_SEC) ? KTIME_MAX / 2 :
		     div_u64(cycles * USEC_PER_SEC, tsc_khz);
	}
	timer_arm(a, ns);
	/* Exactly the host TSC at which the guest's reaches the deadline. */
	if (deadline > now)
		WRITE_ONCE(a->expire_tsc, deadline - a->vcpu->tsc_offset);
}

/* TMCCT: what is left of the count (0 when stopped or in deadline mode). */
u32 lapic_timer_current(struct mvx_lapic *a)
{
	s64 left;
	u64 ns_per_count = (u64)timer_divide(a) * LAPIC_BUS_NS;

	if (!a->period_ns || !READ_ONCE(a->expire_tsc))
		return 0;
	left = ktime_to_ns(ktime_sub(a->expires, ktime_get()));
	if (left < 0)
		left = 0;
	return min_t(u64, div64_u64(left, ns_per_count),
		     reg_get(a, APIC_TMICT));
}

/**
 * lapic_timer_init() - the timer of a new local APIC, stopped
 * @a: the local APIC
 */
void lapic_timer_init(struct mvx_lapic *a)
{
	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	a->timer.function = timer_fire;
}

/**
 * mvx_lapic_timer_enter() - a batch begins: the timer moves off its hrtimer
 * @v: the vCPU, with a local APIC, preemption disabled
 *
 * While the thread runs the guest, the timer's interrupt comes from a
 * VMX-preemption-timer exit at the expiry (mvx_lapic_fold_timer()), not
 * from a host interrupt, an IPI and an external-interrupt exit: KVM's "hv
 * timer".  A callback running on another CPU finishes first.
 */
void mvx_lapic_timer_enter(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (!(vmx_config.pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		return;
	if (READ_ONCE(a->expire_tsc))
		hrtimer_cancel(&a->timer);
	a->in_batch = true;
}

/**
 * mvx_lapic_timer_leave() - a batch ends: the hrtimer takes the timer back
 * @v: the vCPU, with a local APIC, preemption disabled
 *
 * It wakes a halted vCPU and fires while the thread is elsewhere.
 */
void mvx_lapic_timer_leave(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;

	if (!a->in_batch)
		return;
	a->in_batch = false;
	if (READ_ONCE(a->expire_tsc))
		hrtimer_start(&a->timer, a->expires, HRTIMER_MODE_ABS_HARD);
}

/**
 * mvx_lapic_fold_timer() - end the next entry when the APIC timer expires
 * @v: the vCPU, with a local APIC, its VMCS current, interrupts off
 *
 * Called before every entry of a batch: the VMX-preemption timer counts
 * to the expiry or a full period (mvx_timer_period()), whichever is
 * sooner.
 */
void mvx_lapic_fold_timer(struct mvx_vcpu *v)
{
	u64 when = READ_ONCE(v->lapic->expire_tsc), now, ticks;
	u32 value = mvx_timer_period();

	if (!v->lapic->in_batch)
		return;
	if (when) {
		now = rdtsc();
		ticks = when > now ?
			((when - now) >> (vmx_config.msrs.misc & 0x1f)) + 1 : 0;
		value = min_t(u64, value, ticks);
	}
	mvx_set_preemption_timer(v, value);
}

/**
 * mvx_lapic_timer_due() - after a VMX-preemption-timer exit: fire the timer
 * @v: the vCPU, with a local APIC
 *
 * In a batch the timer has no hrtimer armed: it fires here once the host
 * TSC reaches its expiry.
 */
void mvx_lapic_timer_due(struct mvx_vcpu *v)
{
	struct mvx_lapic *a = v->lapic;
	u64 when = READ_ONCE(a->expire_tsc);

	if (a->in_batch && when && rdtsc() >= when)
		timer_expired(a);
}
