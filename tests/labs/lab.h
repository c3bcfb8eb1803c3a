/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every lab's guest and VMM share (Documentation/labs/): the check
 * hypercall.  Plain C, included by the guests (tests/guests/lab*.c) and
 * the VMMs.
 *
 * A guest ends each check with VMCALL LAB_HC_CHECK, RBX the check's
 * number, RCX 1 if it passed -- from one of two places, so that an exit
 * trace shows which way a check went (lab_check() in labguest.h).
 */
#ifndef MINIVMX_LAB_H
#define MINIVMX_LAB_H

#define LAB_HC_CHECK	0x1a0

#endif /* MINIVMX_LAB_H */
