/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 3 (Documentation/labs/3-mmio-device.rst): the registers of the
 * checksum device the student writes.  Included by the guest
 * (tests/guests/lab3.c) and the VMM; plain C.
 *
 * At LAB3_BASE (guest-physical, no RAM there), 8-byte registers, any
 * access of 1 to 8 bytes within one register:
 *	0x00 ID     read: LAB3_ID; writes ignored
 *	0x08 DATA   read: the last value written; write: a value whose
 *	            bytes are added to SUM (as many bytes as the access)
 *	0x10 SUM    read: the sum of the bytes written to DATA since reset
 *	0x18 COUNT  read: the writes to DATA since reset
 *	0x20 RESET  write: SUM, COUNT and DATA back to 0; reads 0
 * Anything else in the page reads all ones; writes are ignored.
 */
#ifndef MINIVMX_LAB3_H
#define MINIVMX_LAB3_H

#include "../lab.h"

#define LAB3_BASE	0xfe000000ULL
#define LAB3_SIZE	0x1000
#define LAB3_ID		0x33424d4d58564d4dULL	/* "MMVXMMB3" */

#define LAB3_REG_ID	0x00
#define LAB3_REG_DATA	0x08
#define LAB3_REG_SUM	0x10
#define LAB3_REG_COUNT	0x18
#define LAB3_REG_RESET	0x20

#endif /* MINIVMX_LAB3_H */
