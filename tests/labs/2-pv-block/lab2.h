/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 2 (Documentation/labs/2-pv-block.rst): the disk the student's
 * paravirtual block device serves.  The ring is the tool's
 * (user-tools/pvio.h): struct pvio_ring, VMCALL PVIO_HC_BLOCK.  Included
 * by the guest (tests/guests/lab2.c) and the VMM; plain C.
 */
#ifndef MINIVMX_LAB2_H
#define MINIVMX_LAB2_H

#include "../lab.h"
#include "../../../user-tools/pvio.h"

#define LAB2_SECTORS	128	/* 64 KiB of 512-byte sectors */

#endif /* MINIVMX_LAB2_H */
