/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 5 (Documentation/labs/5-page-walk.rst): the page walk the student
 * writes, as the guest asks for it.  Included by the guest
 * (tests/guests/lab5.c) and the VMM; plain C.
 *
 * VMCALL LAB5_HC_WALK, RBX a linear address, RCX the access
 * (LAB5_ACC_*): RAX comes back with what the CPU would do with that
 * access through the guest's own 4-level page tables (CR3 as it is;
 * CR0.WP and EFER.NXE set, no SMEP, SMAP, PKE or LA57): the
 * guest-physical address, LAB5_FAULT ORed with the #PF error code, or
 * LAB5_GP for a non-canonical address.  A table outside the guest's RAM
 * ends the walk with LAB5_BAD.  The walk sets the accessed flags, and
 * the dirty flag of a write's leaf, as the CPU does.
 */
#ifndef MINIVMX_LAB5_H
#define MINIVMX_LAB5_H

#include "../lab.h"

#define LAB5_HC_WALK	0x1a5

#define LAB5_ACC_WRITE	0x2	/* the #PF error code's bits */
#define LAB5_ACC_USER	0x4
#define LAB5_ACC_FETCH	0x10

#define LAB5_FAULT	(1ULL << 63)
#define LAB5_GP		(1ULL << 62)
#define LAB5_BAD	(1ULL << 61)

/* #PF error code bits (SDM 4.7) */
#define LAB5_PF_P	0x1	/* a protection violation, not not-present */
#define LAB5_PF_W	0x2
#define LAB5_PF_U	0x4
#define LAB5_PF_I	0x10

#endif /* MINIVMX_LAB5_H */
