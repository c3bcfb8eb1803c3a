/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 6: what the student writes (handlers.c) and what vmm.c gives it.
 * Times are nanoseconds of CLOCK_MONOTONIC.  vmm.c calls lab_port() for
 * every 4-byte IN or OUT at the timer's ports and lab_deliver() before
 * every MINIVMX_RUN.  While the guest runs, vmm.c's alarm takes the vCPU
 * out of the guest at lab_deadline(); when the guest halts, vmm.c sleeps
 * until then.
 */
#ifndef MINIVMX_LAB6_VMM_H
#define MINIVMX_LAB6_VMM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/minivmx.h>

/* @reg: LAB6_REG_*; @val: what the guest wrote, or what it reads. */
void lab_port(uint16_t reg, uint32_t *val, bool is_write, uint64_t now);
/* Raise the ticks due by @now and deliver them, KVM's way (lab 4). */
void lab_deliver(struct minivmx_run *run, uint64_t now);
/* When the next tick is due; 0 when the timer is stopped. */
uint64_t lab_deadline(void);

/* Given (vmm.c): MINIVMX_INTERRUPT, as in lab 4. */
int lab_inject(uint8_t vector);
/* Given: when the VMM started (NOW counts from here). */
extern uint64_t lab_t0;

#endif /* MINIVMX_LAB6_VMM_H */
