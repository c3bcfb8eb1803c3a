// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 3, the reference solution: the checksum device.  Built with
 * LAB_BROKEN it is the broken solution the grader's own test fails
 * (vmm-broken): RESET clears SUM and COUNT but keeps DATA.
 */
#include <string.h>

#include "lab3.h"
#include "vmm.h"

static uint64_t data_reg, sum, count;

/* The register at @reg as the guest reads it. */
static uint64_t reg_value(uint64_t reg)
{
	switch (reg) {
	case LAB3_REG_ID:
		return LAB3_ID;
	case LAB3_REG_DATA:
		return data_reg;
	case LAB3_REG_SUM:
		return sum;
	case LAB3_REG_COUNT:
		return count;
	case LAB3_REG_RESET:
		return 0;
	default:
		return ~0ULL;
	}
}

void lab_mmio(uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
	uint64_t reg = offset & ~7ULL, val = 0;
	unsigned int at = offset & 7, i;

	/* An access must stay inside one register. */
	if (!len || len > 8 || at + len > 8) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write) {
		val = reg_value(reg);
		memcpy(data, (uint8_t *)&val + at, len);
		return;
	}
	if (reg == LAB3_REG_DATA) {
		memcpy((uint8_t *)&data_reg + at, data, len);
		for (i = 0; i < len; i++)
			sum += data[i];
		count++;
	} else if (reg == LAB3_REG_RESET) {
		sum = 0;
		count = 0;
#ifndef LAB_BROKEN
		data_reg = 0;
#endif
	}
}
