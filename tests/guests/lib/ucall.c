// SPDX-License-Identifier: GPL-2.0-only
/* The guest side of the ucall channel (../ucall.h). */
#include "libguest.h"

static struct ucall uc;

/*
 * Guest-physical address of guest memory.  Paging, where on, is the
 * tool's identity map (guest-abi.rst); in real mode a pointer is an offset
 * from the data segment's base, DS * 16 (SDM Vol. 3A 20.1.1).
 */
unsigned long virt_to_phys(const void *p)
{
	unsigned long addr = (unsigned long)p;

	if (IS_REAL_MODE)
		addr += (unsigned long)read_ds() << 4;
	return addr;
}

/*
 * Fill the one static message and hand its address to the host.  The OUT
 * completes only after the host has handled it, so the struct can be reused
 * by the next call.
 */
void ucall(u64 cmd, u64 a0, u64 a1)
{
	uc.cmd = cmd;
	uc.args[0] = a0;
	uc.args[1] = a1;
	uc.args[2] = 0;
	uc.args[3] = 0;
	outl(UCALL_PORT, virt_to_phys(&uc));
}
