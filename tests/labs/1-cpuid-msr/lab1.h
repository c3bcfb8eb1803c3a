/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 1 (Documentation/labs/1-cpuid-msr.rst): what the guest asks and the
 * student's VMM answers.  Included by the guest (tests/guests/lab1.c)
 * and the VMM; plain C.
 */
#ifndef MINIVMX_LAB1_H
#define MINIVMX_LAB1_H

#include "../lab.h"

#define LAB_LEAF_BASE	0x40000000	/* max leaf, signature */
#define LAB_LEAF_COUNT	0x40000001	/* EAX: hypervisor leaves answered */
#define LAB_SIGNATURE	"minivmx-lab1"	/* EBX, ECX, EDX: 12 characters */

#define LAB_MSR_BASE	0x4b564d00	/* LAB_NR_MSRS scratch registers */
#define LAB_NR_MSRS	16

#endif /* MINIVMX_LAB1_H */
