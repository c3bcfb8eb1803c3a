/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the local APIC's two files share: lapic.c (registers, IPIs, MSIs,
 * delivery, halting) and lapic-timer.c (the timer on an hrtimer or the
 * VMX-preemption timer).
 */
#ifndef MINIVMX_LAPIC_H
#define MINIVMX_LAPIC_H

#include <asm/apicdef.h>

#include "minivmx.h"

#define TIMER_MODES	(APIC_LVT_TIMER_PERIODIC | APIC_LVT_TIMER_TSCDEADLINE)

/*
 * The timer counts at 1 GHz divided by TDCR (the "bus clock", as KVM's),
 * which CPUID leaf 0x15 tells the guest.
 */
#define LAPIC_BUS_NS	1

static inline u32 reg_get(struct mvx_lapic *a, unsigned int off)
{
	return READ_ONCE(a->regs[off >> 2]);
}

static inline void reg_set(struct mvx_lapic *a, unsigned int off, u32 val)
{
	WRITE_ONCE(a->regs[off >> 2], val);
}

/* lapic.c: a fixed or lowest-priority interrupt arrives (11.6.1). */
bool lapic_accept_irq(struct mvx_lapic *a, u8 vec, bool level);

/* lapic-timer.c */
void lapic_timer_init(struct mvx_lapic *a);
u32 lapic_timer_mode(struct mvx_lapic *a);
void lapic_timer_stop(struct mvx_lapic *a);
void lapic_timer_start_count(struct mvx_lapic *a);
void lapic_timer_start_deadline(struct mvx_lapic *a, u64 deadline);
u32 lapic_timer_current(struct mvx_lapic *a);

#endif /* MINIVMX_LAPIC_H */
