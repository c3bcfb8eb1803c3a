// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 3's VMM (Documentation/labs/3-mmio-device.rst): runs the lab's
 * guest, whose driver reads and writes a checksum device's registers at
 * LAB3_BASE, where the VM has no memory: each access is an EPT violation,
 * which the kernel decodes into a MINIVMX_EXIT_MMIO for this program.
 * The student's lab_mmio() (handlers.c; the reference is solution.c) is
 * the device.  The rest is given (../common/labvmm.c).
 *
 *   vmm [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab3-long.bin.  Exit status 0 when
 * the guest ran to its end and passed every check.
 */
#include <errno.h>

#include "../common/labvmm.h"
#include "lab3.h"
#include "vmm.h"

static int mmio(void *opaque, __u64 gpa, __u8 *data, __u32 len,
		bool is_write)
{
	(void)opaque;
	lab_mmio(gpa - LAB3_BASE, data, len, is_write);
	return 0;
}

int main(int argc, char **argv)
{
	struct lab_vmm v = { 0 };
	int ret;

	ret = lab_vmm_start(&v, argc, argv, "/minivmx/guests/lab3-long.bin");
	if (!ret && minivmx_register_mmio(&v.bus, LAB3_BASE, LAB3_SIZE, mmio,
					  NULL))
		ret = 2;
	return ret ? ret : lab_vmm_run(&v, NULL);
}
