// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 5, your part: walk the guest's page tables, as the CPU does and as
 * a shadow-paging hypervisor must (Documentation/labs/5-page-walk.rst,
 * lab5.h).  As given, every address is "not present": the guest's checks
 * fail.
 */
#include "lab5.h"
#include "vmm.h"

uint64_t lab_walk(uint8_t *ram, uint64_t ram_size, uint64_t cr3,
		  uint64_t gva, unsigned int access)
{
	/*
	 * TODO: the four levels from CR3 (PML4, PDPT, PD, PT; 9 bits of
	 * the address each), 1 GiB and 2 MiB pages (PS), the rights of
	 * every level (R/W, U/S, XD), the accessed and dirty flags.  The
	 * guest controls every entry: check each table is inside @ram
	 * before you read it.
	 */
	(void)ram;
	(void)ram_size;
	(void)cr3;
	(void)gva;
	return LAB5_FAULT | (access & (LAB5_PF_W | LAB5_PF_U | LAB5_PF_I));
}
