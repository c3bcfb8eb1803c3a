/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 6 (Documentation/labs/6-timer.rst): the periodic timer the student
 * writes.  Included by the guest (tests/guests/lab6.c) and the VMM;
 * plain C.
 *
 * Six 32-bit registers at ports LAB6_PORT + offset (IN and OUT of 4
 * bytes; other sizes read all ones and write nothing):
 *	0x00 ID      read: LAB6_ID; writes ignored
 *	0x04 VECTOR  read/write: the ticks' vector; below 32 none is raised
 *	0x08 PERIOD  read/write: the period in microseconds.  A write
 *	             starts the timer afresh, its first tick one period
 *	             later, and MISSED back to 0; 0 stops it.  Either way a
 *	             tick raised and not yet delivered is dropped.
 *	0x0c ACK     write: the guest's handler is done with its tick
 *	0x10 MISSED  read: ticks that came due while one was raised and not
 *	             yet delivered, or delivered and not yet acknowledged:
 *	             counted here, not raised
 *	0x14 NOW     read: microseconds since the VMM started (low 32 bits)
 * Ticks are due at the start plus each whole period, whenever the VMM
 * looks: late ones do not move the later ones.
 */
#ifndef MINIVMX_LAB6_H
#define MINIVMX_LAB6_H

#include "../lab.h"

#define LAB6_PORT	0x600
#define LAB6_NR_PORTS	0x18
#define LAB6_ID		0x36524d54	/* "TMR6" */

#define LAB6_REG_ID	0x00
#define LAB6_REG_VECTOR	0x04
#define LAB6_REG_PERIOD	0x08
#define LAB6_REG_ACK	0x0c
#define LAB6_REG_MISSED	0x10
#define LAB6_REG_NOW	0x14

#endif /* MINIVMX_LAB6_H */
