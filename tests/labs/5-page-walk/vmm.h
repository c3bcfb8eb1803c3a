/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 5: the function the student writes (handlers.c).  vmm.c calls it
 * for every VMCALL LAB5_HC_WALK with the guest's RAM and CR3, and puts
 * what it returns in the guest's RAX.
 */
#ifndef MINIVMX_LAB5_VMM_H
#define MINIVMX_LAB5_VMM_H

#include <stdint.h>

/*
 * Walk the guest's page tables for an access (@access: LAB5_ACC_*) to
 * @gva, as lab5.h says.  Guest-physical address A is at @ram + A, for A
 * below @ram_size.
 */
uint64_t lab_walk(uint8_t *ram, uint64_t ram_size, uint64_t cr3,
		  uint64_t gva, unsigned int access);

#endif /* MINIVMX_LAB5_VMM_H */
