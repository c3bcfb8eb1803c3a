// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 1's VMM (Documentation/labs/1-cpuid-msr.rst): runs the lab's guest
 * with CPUID, RDMSR and WRMSR routed to userspace
 * (MINIVMX_SET_EXIT_ROUTES), where the student's handlers answer them
 * (handlers.c; the reference is solution.c).  The rest is given
 * (../common/labvmm.c): the guest's memory and registers, its UART, the
 * checks it reports by hypercall, the exit trace the grader compares.
 *
 *   vmm [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab1-long.bin (the testbed's).  Exit
 * status 0 when the guest ran to its end and passed every check.
 */
#include <errno.h>

#include "../common/labvmm.h"
#include "lab1.h"
#include "vmm.h"

#define EXIT_CPUID	10
#define EXIT_RDMSR	31
#define EXIT_WRMSR	32

/* A routed exit: the student's handler decides. */
static int routed(struct lab_vmm *v)
{
	struct minivmx_regs r;
	int ret;

	if (v->run->exit_reason != MINIVMX_EXIT_ROUTED)
		return -ENOENT;
	ret = minivmx_get_regs(v->vcpu, &r);
	if (ret)
		return ret;
	switch (v->run->vmx_exit_reason) {
	case EXIT_CPUID:
		v->run->routed.action = lab_cpuid(&r);
		break;
	case EXIT_RDMSR:
		v->run->routed.action = lab_rdmsr(&r);
		break;
	case EXIT_WRMSR:
		v->run->routed.action = lab_wrmsr(&r);
		break;
	default:
		return -EPROTO;
	}
	return minivmx_set_regs(v->vcpu, &r);
}

int main(int argc, char **argv)
{
	struct lab_vmm v = { 0 };
	int ret;

	ret = lab_vmm_start(&v, argc, argv, "/minivmx/guests/lab1-long.bin");
	if (ret)
		return ret;
	/* The lab: these three exits come here instead of the kernel. */
	ret = minivmx_set_exit_routes(v.vm, 1ULL << EXIT_CPUID |
				      1ULL << EXIT_RDMSR | 1ULL << EXIT_WRMSR);
	if (ret)
		return 2;
	return lab_vmm_run(&v, routed);
}
