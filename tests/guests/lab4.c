// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab4: the guest of Documentation/labs/4-port-irq.rst, a driver for the
 * job device at ports LAB4_PORT..+0x13 (lab4.h).  It hands the device
 * jobs with OUT, waits for their interrupts with STI; HLT, and reads each
 * result in its interrupt handler: one job, four at once, jobs while the
 * device's interrupts are disabled, a second vector, an empty queue.
 * Each check ends in one of two VMCALLs (labguest.h) for the grader's
 * trace.
 *
 * The guest runs with RFLAGS.IF clear except in its waits, so every
 * interrupt arrives in a wait, where the driver expects it.  There is no
 * local APIC and no EOI: the VMM injects the vectors itself.
 *
 * Long mode.  Host: tests/labs/4-port-irq/vmm.c.  Serial: the reports;
 * exit status 0 when every check passed.
 */
#include "libguest.h"
#include "../labs/4-port-irq/lab4.h"
#include "../labs/labguest.h"
#include "../labs/labirq.h"

#define VEC		0x40
#define VEC2		0x41
#define WAIT_HLTS	4	/* wakeups a wait tries before it gives up */

/* What the interrupt handler saw: interrupts per vector, the results. */
volatile u32 irqs[2], nr_results, results[32];

/* One interrupt: the device has a result for it. */
void lab_irq(unsigned int which)
{
	irqs[which]++;
	results[nr_results++ % 32] = inl(LAB4_PORT + LAB4_REG_RESULT);
}

static u32 reg(u16 r)
{
	return inl(LAB4_PORT + r);
}

static void set_reg(u16 r, u32 val)
{
	outl(LAB4_PORT + r, val);
}

static u32 total(void)
{
	return irqs[0] + irqs[1];
}

/*
 * Each check starts afresh: the results an earlier, failed one left are
 * read off the queue, and it counts interrupts from here.
 */
static u32 base, first;

static void fresh(void)
{
	while (reg(LAB4_REG_PENDING) && reg(LAB4_REG_RESULT) != ~0U)
		;
	base = total();
	first = nr_results;
}

/* Sleep until @n more interrupts have come, or give up. */
static bool wait_irqs(u32 n)
{
	unsigned int tries;

	for (tries = 0; total() < base + n && tries < WAIT_HLTS; tries++)
		asm volatile("sti; hlt; cli" : : : "memory");
	return total() == base + n;
}

/* The check's result @i. */
static u32 result(u32 i)
{
	return results[(first + i) % 32];
}

int main(void)
{
	u32 i, at0;
	bool ok;

	lab_irq_setup(VEC, VEC2);

	lab_check(reg(LAB4_REG_ID) == LAB4_ID && !reg(LAB4_REG_CTRL) &&
		  !reg(LAB4_REG_PENDING),
		  "ID reads IRQ4, CTRL 0, no result pending");

	fresh();
	set_reg(LAB4_REG_CTRL, LAB4_CTRL_IE | LAB4_CTRL_VECTOR(VEC));
	set_reg(LAB4_REG_KICK, 20);
	lab_check(reg(LAB4_REG_CTRL) ==
		  (LAB4_CTRL_IE | LAB4_CTRL_VECTOR(VEC)) &&
		  wait_irqs(1) && irqs[0] == base + 1 &&
		  result(0) == LAB4_DONE(20) && !reg(LAB4_REG_PENDING),
		  "one job: one interrupt at vector 0x40, its result read there");

	fresh();
	for (i = 0; i < 4; i++)
		set_reg(LAB4_REG_KICK, 100 + i);
	ok = wait_irqs(4);
	for (i = 0; i < 4; i++)
		ok = ok && result(i) == LAB4_DONE(100 + i);
	lab_check(ok, "four jobs at once: four interrupts, the results in order");

	fresh();
	set_reg(LAB4_REG_CTRL, LAB4_CTRL_VECTOR(VEC));
	set_reg(LAB4_REG_KICK, 7);
	set_reg(LAB4_REG_KICK, 8);
	/* Open to interrupts, with exits in which one could come. */
	asm volatile("sti");
	ok = reg(LAB4_REG_PENDING) == 2 && reg(LAB4_REG_PENDING) == 2;
	asm volatile("cli");
	ok = ok && total() == base;
	set_reg(LAB4_REG_CTRL, LAB4_CTRL_IE | LAB4_CTRL_VECTOR(VEC));
	lab_check(ok && wait_irqs(2) && result(0) == LAB4_DONE(7) &&
		  result(1) == LAB4_DONE(8),
		  "disabled, the device holds its interrupts; enabled, it raises both");

	fresh();
	at0 = irqs[0];
	set_reg(LAB4_REG_CTRL, LAB4_CTRL_IE | LAB4_CTRL_VECTOR(VEC2));
	set_reg(LAB4_REG_KICK, 9);
	lab_check(wait_irqs(1) && irqs[1] == 1 && irqs[0] == at0 &&
		  result(0) == LAB4_DONE(9),
		  "a new vector in CTRL: the next interrupt comes at 0x41");

	fresh();
	asm volatile("sti");
	ok = reg(LAB4_REG_RESULT) == ~0U && !reg(LAB4_REG_PENDING);
	asm volatile("cli");
	lab_check(ok && total() == base,
		  "an empty queue's RESULT reads all ones; no interrupt without a job");
	return report_summary();
}
