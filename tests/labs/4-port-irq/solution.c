// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 4, the reference solution: the job device and its interrupts.
 * Built with LAB_BROKEN it is the broken solution the grader's own test
 * fails (vmm-broken): it injects as soon as an interrupt is due, without
 * asking whether the guest is ready, and drops the one MINIVMX_INTERRUPT
 * refuses.
 */
#include "lab4.h"
#include "vmm.h"

static uint32_t ctrl, results[LAB4_DEPTH];
static unsigned int head, queued, raise;

void lab_port(uint16_t reg, uint32_t *val, bool is_write)
{
	if (!is_write) {
		switch (reg) {
		case LAB4_REG_ID:
			*val = LAB4_ID;
			break;
		case LAB4_REG_CTRL:
			*val = ctrl;
			break;
		case LAB4_REG_RESULT:
			if (!queued) {
				*val = ~0U;
				break;
			}
			*val = results[head];
			head = (head + 1) % LAB4_DEPTH;
			queued--;
			break;
		case LAB4_REG_PENDING:
			*val = queued;
			break;
		default:
			*val = ~0U;
		}
		return;
	}
	if (reg == LAB4_REG_CTRL) {
		ctrl = *val & LAB4_CTRL_MASK;
	} else if (reg == LAB4_REG_KICK && queued < LAB4_DEPTH) {
		results[(head + queued++) % LAB4_DEPTH] = LAB4_DONE(*val);
		raise++;
	}
}

void lab_deliver(struct minivmx_run *run)
{
	uint8_t vector = ctrl >> 8;
	bool enabled = (ctrl & LAB4_CTRL_IE) && vector >= 32;

#ifdef LAB_BROKEN
	(void)run;
	if (raise && enabled) {
		lab_inject(vector);
		raise--;
	}
#else
	if (raise && enabled && run->ready_for_interrupt_injection &&
	    !lab_inject(vector))
		raise--;
	run->request_interrupt_window = raise && enabled;
#endif
}
