// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab6: the guest of Documentation/labs/6-timer.rst, a small kernel with
 * a periodic timer (lab6.h): its tick handler counts ticks and
 * acknowledges each, and stops the timer at the tick the check waits
 * for.  Idle, it waits for ticks in HLT; busy, it computes in a loop that
 * causes no exit, and the ticks must still come; with interrupts off for
 * many periods it gets one tick and the rest are counted as missed; a
 * stopped timer raises nothing.  Each check ends in one of two VMCALLs
 * (labguest.h) for the grader's trace.
 *
 * Every exit the guest causes is fixed by what it does, not by when a
 * tick comes: the ticks arrive in waits and loops that have no exits
 * of their own, and the handler's two or three OUTs are the same each
 * time.  The grader can compare traces of a timer.
 *
 * Long mode.  Host: tests/labs/6-timer/vmm.c.  Serial: the reports; exit
 * status 0 when every check passed.
 */
#include "libguest.h"
#include "../labs/6-timer/lab6.h"
#include "../labs/labguest.h"
#include "../labs/labirq.h"

#define VEC		0x50
#define VEC2		0x51
#define WAIT_HLTS	8	/* wakeups a wait tries before it gives up */
#define SPIN_LONG	(1U << 24)	/* a busy wait's limit */
#define SPIN		(1U << 22)	/* >= 10 ms on a CPU, 60 in the testbed */

/* The tick handler's: ticks per vector, all ticks, the one to stop at. */
volatile u32 irqs[2], ticks, stop_at;

static u32 reg(u16 r)
{
	return inl(LAB6_PORT + r);
}

static void set_reg(u16 r, u32 val)
{
	outl(LAB6_PORT + r, val);
}

/* One tick: count it, stop the timer at the one waited for, ack. */
void lab_irq(unsigned int which)
{
	irqs[which]++;
	if (++ticks == stop_at)
		set_reg(LAB6_REG_PERIOD, 0);
	set_reg(LAB6_REG_ACK, 0);
}

/* Start the timer afresh: @period_us, stopped by the handler at @n. */
static void start(u32 period_us, u32 n)
{
	ticks = 0;
	stop_at = n;
	set_reg(LAB6_REG_PERIOD, period_us);
}

/* Idle until @n ticks came, or give up. */
static bool idle(u32 n)
{
	unsigned int tries;

	for (tries = 0; ticks < n && tries < WAIT_HLTS; tries++)
		asm volatile("sti; hlt; cli" : : : "memory");
	return ticks == n;
}

/* Spin @loops times, or until @n ticks came; no exit either way. */
static void spin(u32 loops, u32 n)
{
	while (loops-- && ticks < n)
		asm volatile("pause" : : : "memory");
}

int main(void)
{
	u32 t0, t1;
	bool ok;

	lab_irq_setup(VEC, VEC2);

	lab_check(reg(LAB6_REG_ID) == LAB6_ID && !reg(LAB6_REG_PERIOD) &&
		  !reg(LAB6_REG_MISSED),
		  "ID reads TMR6, the timer stopped, none missed");

	set_reg(LAB6_REG_VECTOR, VEC);
	t0 = reg(LAB6_REG_NOW);
	start(10000, 5);
	ok = idle(5);
	t1 = reg(LAB6_REG_NOW);
	lab_check(ok && irqs[0] == 5 && t1 - t0 >= 5 * 10000,
		  "idle in HLT: 5 ticks of 10 ms, one a HLT, none early");

	set_reg(LAB6_REG_VECTOR, VEC2);
	start(1000, 3);
	asm volatile("sti");
	spin(SPIN_LONG, 3);
	asm volatile("cli");
	lab_check(ticks == 3 && irqs[1] == 3,
		  "busy with no exits: 3 ticks still come, at the new vector");

	start(1000, 1);
	spin(SPIN, ~0U);		/* interrupts off, many periods */
	ok = !ticks && idle(1);
	lab_check(ok && reg(LAB6_REG_MISSED) >= 2,
		  "interrupts off for many periods: one tick, the rest missed");

	start(10000, ~0U);
	ok = idle(1);
	set_reg(LAB6_REG_PERIOD, 0);
	asm volatile("sti");
	spin(SPIN, ~0U);
	asm volatile("cli");
	lab_check(ok && ticks == 1,
		  "PERIOD 0 stops the timer: no tick after it");
	return report_summary();
}
