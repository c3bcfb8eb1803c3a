// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 6, the reference solution: the periodic timer.  Built with
 * LAB_BROKEN it is the broken solution the grader's own test fails
 * (vmm-broken): it queues every tick that comes due instead of counting
 * in MISSED those that find one still raised or in service.
 */
#include "lab6.h"
#include "vmm.h"

static uint32_t vector, period_us;
static uint64_t period, next;		/* ns */
static uint32_t missed, raised;		/* raised: ticks not yet delivered */
static bool in_service;

void lab_port(uint16_t reg, uint32_t *val, bool is_write, uint64_t now)
{
	if (!is_write) {
		switch (reg) {
		case LAB6_REG_ID:
			*val = LAB6_ID;
			break;
		case LAB6_REG_VECTOR:
			*val = vector;
			break;
		case LAB6_REG_PERIOD:
			*val = period_us;
			break;
		case LAB6_REG_MISSED:
			*val = missed;
			break;
		case LAB6_REG_NOW:
			*val = (now - lab_t0) / 1000;
			break;
		default:
			*val = ~0U;
		}
		return;
	}
	switch (reg) {
	case LAB6_REG_VECTOR:
		vector = *val;
		break;
	case LAB6_REG_PERIOD:
		period_us = *val;
		period = *val * 1000ULL;
		next = now + period;
		raised = 0;
		if (period)
			missed = 0;
		break;
	case LAB6_REG_ACK:
		in_service = false;
		break;
	}
}

void lab_deliver(struct minivmx_run *run, uint64_t now)
{
	uint64_t due;

	if (period && now >= next) {
		due = (now - next) / period + 1;
		next += due * period;
#ifdef LAB_BROKEN
		raised += due;
#else
		if (!raised && !in_service) {
			raised = 1;
			due--;
		}
		missed += due;
#endif
	}
	if (raised && vector >= 32 && vector < 256 &&
	    run->ready_for_interrupt_injection && !lab_inject(vector)) {
		raised--;
		in_service = true;
	}
	run->request_interrupt_window = raised && vector >= 32 &&
					vector < 256;
}

uint64_t lab_deadline(void)
{
	return period ? next : 0;
}
