/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 2: the function the student writes (handlers.c).  vmm.c calls it
 * for each VMCALL PVIO_HC_BLOCK with the guest's RAM and the ring's
 * guest-physical address (RBX); what it returns goes back in RAX.
 */
#ifndef MINIVMX_LAB2_VMM_H
#define MINIVMX_LAB2_VMM_H

#include <stdint.h>

/**
 * struct lab_disk - the disk
 * @data: LAB2_SECTORS * PVIO_SECTOR bytes
 * @sectors: LAB2_SECTORS
 */
struct lab_disk {
	uint8_t *data;
	uint32_t sectors;
};

/*
 * Do the descriptors from the ring's tail to its head, fill each one's
 * status and done, advance the tail.  Return how many were done, or
 * -EINVAL (-22) for a ring that is not in RAM or claims more than
 * PVIO_RING_SIZE descriptors.
 */
int64_t lab_block(struct lab_disk *disk, uint8_t *ram, uint64_t ram_size,
		  uint64_t ring_gpa);

#endif /* MINIVMX_LAB2_VMM_H */
