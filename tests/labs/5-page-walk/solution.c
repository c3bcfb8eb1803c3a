// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 5, the reference solution: the 4-level page walk.  Built with
 * LAB_BROKEN it is the broken solution the grader's own test fails
 * (vmm-broken): it checks the rights of the leaf entry only, so a
 * read-only or supervisor-only table above it does not count.
 */
#include <stdbool.h>
#include <stddef.h>

#include "lab5.h"
#include "vmm.h"

#define P	0x1ULL
#define RW	0x2ULL
#define US	0x4ULL
#define A	0x20ULL
#define D	0x40ULL
#define PS	0x80ULL
#define XD	(1ULL << 63)
#define ADDR	0x000ffffffffff000ULL

uint64_t lab_walk(uint8_t *ram, uint64_t ram_size, uint64_t cr3,
		  uint64_t gva, unsigned int access)
{
	uint64_t table = cr3 & ADDR, pte = 0, *e = NULL, size, rights;
	unsigned int level, err = access & (LAB5_PF_W | LAB5_PF_U | LAB5_PF_I);
	bool w = true, u = true, x = true;

	/* Bits 63:47 must all be copies of bit 47. */
	if ((int64_t)(gva << 16) >> 16 != (int64_t)gva)
		return LAB5_GP;
	for (level = 4; level; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		if (table >= ram_size || ram_size - table < 4096)
			return LAB5_BAD;
		e = (uint64_t *)(ram + table) + (gva >> shift & 511);
		pte = *e;
		if (!(pte & P))
			return LAB5_FAULT | err;
#ifdef LAB_BROKEN
		w = pte & RW;
		u = pte & US;
		x = !(pte & XD);
#else
		w = w && (pte & RW);
		u = u && (pte & US);
		x = x && !(pte & XD);
#endif
		*e = pte | A;
		if (level == 1 || (level <= 3 && (pte & PS)))
			break;
		table = pte & ADDR;
	}
	size = 1ULL << (12 + 9 * (level - 1));
	rights = (!(access & LAB5_ACC_WRITE) || w) &&
		 (!(access & LAB5_ACC_USER) || u) &&
		 (!(access & LAB5_ACC_FETCH) || x);
	if (!rights)
		return LAB5_FAULT | LAB5_PF_P | err;
	if (access & LAB5_ACC_WRITE)
		*e |= D;
	return (pte & ADDR & ~(size - 1)) | (gva & (size - 1));
}
