/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 1 (Documentation/labs/1-cpuid-msr.rst): what the guest asks and the
 * student's VMM answers.  Included by the guest (tests/guests/lab1.c)
 * and the VMM; plain C.
 */
#ifndef MINIVMX_LAB1_H
#define MINIVMX_LAB1_H

#define LAB_LEAF_BASE	0x40000000	/* max leaf, signature */
#define LAB_LEAF_COUNT	0x40000001	/* EAX: hypervisor leaves answered */
#define LAB_SIGNATURE	"minivmx-lab1"	/* EBX, ECX, EDX: 12 characters */

#define LAB_MSR_BASE	0x4b564d00	/* LAB_NR_MSRS scratch registers */
#define LAB_NR_MSRS	16

#define LAB_HC_CHECK	0x1a0	/* VMCALL: RBX check number, RCX passed */

#endif /* MINIVMX_LAB1_H */
