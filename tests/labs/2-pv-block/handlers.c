// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 2, your part: the host side of a paravirtual block device
 * (Documentation/labs/2-pv-block.rst).  The guest is hostile: every
 * address, length and sector it gives must be checked before use.  As
 * given, it answers -ENOSYS and the guest's checks fail.
 */
#include <errno.h>

#include "lab2.h"
#include "vmm.h"

int64_t lab_block(struct lab_disk *disk, uint8_t *ram, uint64_t ram_size,
		  uint64_t ring_gpa)
{
	/*
	 * TODO: find the struct pvio_ring at @ring_gpa in @ram; for each
	 * descriptor from tail to head (desc[n % PVIO_RING_SIZE]) copy
	 * between the guest's buffer and the disk, set status (0 or
	 * -EINVAL) and done (bytes); then set tail = head and return the
	 * count.
	 */
	(void)disk;
	(void)ram;
	(void)ram_size;
	(void)ring_gpa;
	return -ENOSYS;
}
