// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 4, your part: the job device's ports and its interrupts
 * (Documentation/labs/4-port-irq.rst, lab4.h, vmm.h).  As given, every
 * port reads all ones, writes are dropped and no interrupt is raised:
 * the guest's checks fail.
 */
#include "lab4.h"
#include "vmm.h"

void lab_port(uint16_t reg, uint32_t *val, bool is_write)
{
	/* TODO: ID, CTRL, KICK, RESULT and PENDING as lab4.h says. */
	(void)reg;
	if (!is_write)
		*val = ~0U;
}

void lab_deliver(struct minivmx_run *run)
{
	/*
	 * TODO: one interrupt per job done, at CTRL's vector, held while
	 * CTRL disables them.  lab_inject() only when
	 * run->ready_for_interrupt_injection; while more are held, set
	 * run->request_interrupt_window (and clear it when none are).
	 */
	(void)run;
}
