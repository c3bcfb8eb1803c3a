// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 6, your part: a periodic timer and its ticks
 * (Documentation/labs/6-timer.rst, lab6.h, vmm.h).  As given, every port
 * reads all ones, writes are dropped and no tick is ever due: the
 * guest's checks fail.
 */
#include "lab6.h"
#include "vmm.h"

void lab_port(uint16_t reg, uint32_t *val, bool is_write, uint64_t now)
{
	/* TODO: ID, VECTOR, PERIOD, ACK, MISSED and NOW as lab6.h says. */
	(void)reg;
	(void)now;
	if (!is_write)
		*val = ~0U;
}

void lab_deliver(struct minivmx_run *run, uint64_t now)
{
	/*
	 * TODO: every deadline passed by @now raises a tick -- unless one
	 * is raised and not delivered, or delivered and not acknowledged:
	 * then MISSED counts it.  Deliver as in lab 4.
	 */
	(void)run;
	(void)now;
}

uint64_t lab_deadline(void)
{
	/* TODO: the next deadline while the timer runs. */
	return 0;
}
