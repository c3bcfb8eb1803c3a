// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab3: the guest of Documentation/labs/3-mmio-device.rst, a driver for
 * the checksum device at LAB3_BASE (lab3.h): full-width and narrow reads
 * and writes of its registers, a reset, an offset with no register, an
 * access that straddles two registers.  Every access is an EPT violation
 * the kernel decodes into an MMIO exit for the student's device.  Each
 * check ends in one of two VMCALLs (labguest.h) for the grader's trace.
 *
 * Long mode (the identity map covers LAB3_BASE).  Host:
 * tests/labs/3-mmio-device/vmm.c.  Serial: the reports; exit status 0
 * when every check passed.
 */
#include "libguest.h"
#include "../labs/3-mmio-device/lab3.h"
#include "../labs/labguest.h"

#define R64(off)	(*(volatile u64 *)(unsigned long)(LAB3_BASE + (off)))
#define R32(off)	(*(volatile u32 *)(unsigned long)(LAB3_BASE + (off)))
#define R16(off)	(*(volatile u16 *)(unsigned long)(LAB3_BASE + (off)))
#define R8(off)		(*(volatile u8 *)(unsigned long)(LAB3_BASE + (off)))

int main(void)
{
	u64 data = 0x0102030405060708ULL;

	lab_check(R64(LAB3_REG_ID) == LAB3_ID &&
		  R32(LAB3_REG_ID + 4) == (u32)(LAB3_ID >> 32),
		  "ID reads MMVXMMB3, whole and its high half");

	R64(LAB3_REG_DATA) = data;
	lab_check(R64(LAB3_REG_DATA) == data && R64(LAB3_REG_SUM) == 36 &&
		  R64(LAB3_REG_COUNT) == 1,
		  "an 8-byte write to DATA: read back, SUM 36, COUNT 1");

	R8(LAB3_REG_DATA + 3) = 0xff;
	data = (data & ~0xff000000ULL) | 0xff000000ULL;
	lab_check(R64(LAB3_REG_DATA) == data &&
		  R64(LAB3_REG_SUM) == 36 + 0xff && R64(LAB3_REG_COUNT) == 2,
		  "a 1-byte write to DATA's byte 3: that byte, SUM + 255, COUNT 2");

	R32(LAB3_REG_RESET) = 1;
	lab_check(!R64(LAB3_REG_SUM) && !R64(LAB3_REG_COUNT) &&
		  !R64(LAB3_REG_DATA),
		  "RESET: SUM, COUNT and DATA back to 0");

	R64(0x100) = 0x1234;
	lab_check(R64(0x100) == ~0ULL && !R64(LAB3_REG_SUM),
		  "no register at 0x100: reads all ones, a write changes nothing");

	lab_check(R16(LAB3_REG_DATA + 7) == 0xffff,
		  "a read straddling DATA and SUM reads all ones");
	return report_summary();
}
