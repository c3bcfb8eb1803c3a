/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 4 (Documentation/labs/4-port-irq.rst): the ports of the job device
 * the student writes, and the interrupt it raises.  Included by the guest
 * (tests/guests/lab4.c) and the VMM; plain C.
 *
 * Five 32-bit registers at ports LAB4_PORT + offset (IN and OUT of 4
 * bytes; other sizes read all ones and write nothing):
 *	0x00 ID       read: LAB4_ID; writes ignored
 *	0x04 CTRL     read/write: bit 0 interrupts enabled, bits 15:8 the
 *	              vector (32 to 255), the other bits 0; 0 at start
 *	0x08 KICK     write: a job; the device does it at once and queues
 *	              its result, LAB4_DONE(job); reads all ones
 *	0x0c RESULT   read: the oldest queued result, taken off the queue;
 *	              all ones when the queue is empty
 *	0x10 PENDING  read: how many results are queued
 * The queue holds LAB4_DEPTH results; a KICK on a full queue is dropped.
 *
 * Each job done raises one interrupt at CTRL's vector.  While CTRL's bit
 * 0 is clear (or the vector is below 32) the device holds its
 * interrupts, and raises every held one once it is set.
 */
#ifndef MINIVMX_LAB4_H
#define MINIVMX_LAB4_H

#include "../lab.h"

#define LAB4_PORT	0x5e0
#define LAB4_NR_PORTS	0x14
#define LAB4_ID		0x34515249	/* "IRQ4" */
#define LAB4_DEPTH	16

#define LAB4_REG_ID	0x00
#define LAB4_REG_CTRL	0x04
#define LAB4_REG_KICK	0x08
#define LAB4_REG_RESULT	0x0c
#define LAB4_REG_PENDING 0x10

#define LAB4_CTRL_IE	0x1
#define LAB4_CTRL_VECTOR(v)	((v) << 8)
#define LAB4_CTRL_MASK	0xff01

#define LAB4_DONE(job)	((job) * 2 + 1)

#endif /* MINIVMX_LAB4_H */
