// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 4's VMM (Documentation/labs/4-port-irq.rst): runs the lab's guest,
 * whose driver hands jobs to a device behind ports LAB4_PORT..+0x13 and
 * takes an interrupt for each one done.  Every IN and OUT there is an
 * I/O exit to this program; the student's lab_port() (handlers.c; the
 * reference is solution.c) is the device, and lab_deliver(), called
 * before each MINIVMX_RUN, its interrupt line.  The rest is given
 * (../common/labvmm.c).
 *
 * There is no local APIC: every HLT comes here.  The device's work is
 * done by the time the guest halts, so only an interrupt that
 * lab_deliver() injects can end the guest's wait; a HLT is answered by
 * running the guest on at once, and the guest gives up waiting after a
 * few of them.
 *
 *   vmm [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab4-long.bin.  Exit status 0 when
 * the guest ran to its end and passed every check.
 */
#include <errno.h>

#include "../common/labvmm.h"
#include "lab4.h"
#include "vmm.h"

static struct lab_vmm vmm;

int lab_inject(uint8_t vector)
{
	return lab_vmm_inject(&vmm, vector);
}

static void regs(struct lab_vmm *v, __u16 reg, __u32 *val, bool is_write)
{
	(void)v;
	lab_port(reg, val, is_write);
}

static int entry(struct lab_vmm *v)
{
	lab_deliver(v->run);
	return 0;
}

static int exits(struct lab_vmm *v)
{
	switch (v->run->exit_reason) {
	case MINIVMX_EXIT_HLT:			/* run on: see above */
	case MINIVMX_EXIT_IRQ_WINDOW_OPEN:	/* lab_deliver() injects */
		return 0;
	default:
		return -ENOENT;
	}
}

int main(int argc, char **argv)
{
	int ret;

	ret = lab_vmm_start(&vmm, argc, argv, "/minivmx/guests/lab4-long.bin");
	if (ret)
		return ret;
	if (lab_vmm_add_regs32(&vmm, LAB4_PORT, LAB4_NR_PORTS, regs))
		return 2;
	vmm.entry_fn = entry;
	return lab_vmm_run(&vmm, exits);
}
