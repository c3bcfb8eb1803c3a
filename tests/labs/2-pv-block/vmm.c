// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 2's VMM (Documentation/labs/2-pv-block.rst): runs the lab's guest,
 * whose paravirtual block driver hands rings of requests over with VMCALL
 * PVIO_HC_BLOCK; the student's lab_block() (handlers.c; the reference is
 * solution.c) serves them from a 64 KiB disk.  The rest is given
 * (../common/labvmm.c).
 *
 *   vmm [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab2-long.bin.  Exit status 0 when
 * the guest ran to its end and passed every check.
 */
#include <errno.h>

#include "../common/labvmm.h"
#include "lab2.h"
#include "vmm.h"

static uint8_t sectors[LAB2_SECTORS * PVIO_SECTOR];
static struct lab_disk disk = { .data = sectors, .sectors = LAB2_SECTORS };

static int block(struct lab_vmm *v)
{
	if (v->run->exit_reason != MINIVMX_EXIT_HYPERCALL ||
	    v->run->hypercall.nr != PVIO_HC_BLOCK)
		return -ENOENT;
	v->run->hypercall.ret = lab_block(&disk, v->ram, v->l.mem_size,
					  v->run->hypercall.args[0]);
	return 0;
}

int main(int argc, char **argv)
{
	struct lab_vmm v = { 0 };
	int ret;

	ret = lab_vmm_start(&v, argc, argv, "/minivmx/guests/lab2-long.bin");
	return ret ? ret : lab_vmm_run(&v, block);
}
