/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 4: what the student writes (handlers.c) and what vmm.c gives it.
 * vmm.c calls lab_port() for every 4-byte IN or OUT at the device's
 * ports, and lab_deliver() before every MINIVMX_RUN, with the run
 * structure as the last exit left it.
 */
#ifndef MINIVMX_LAB4_VMM_H
#define MINIVMX_LAB4_VMM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/minivmx.h>

/* @reg: LAB4_REG_*; @val: what the guest wrote, or what it reads. */
void lab_port(uint16_t reg, uint32_t *val, bool is_write);
/*
 * Deliver the device's interrupts, KVM's way: inject one with
 * lab_inject() when @run says ready_for_interrupt_injection, and set
 * @run->request_interrupt_window while more are waiting.
 */
void lab_deliver(struct minivmx_run *run);

/*
 * Given (vmm.c): MINIVMX_INTERRUPT.  0 when @vector is queued for the
 * guest; -EEXIST while an earlier one is still queued.
 */
int lab_inject(uint8_t vector);

#endif /* MINIVMX_LAB4_VMM_H */
