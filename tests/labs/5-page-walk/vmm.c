// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 5's VMM (Documentation/labs/5-page-walk.rst): runs the lab's
 * guest, which builds page tables of its own and asks, by VMCALL
 * LAB5_HC_WALK, what an access to an address would do; the student's
 * lab_walk() (handlers.c; the reference is solution.c) walks the tables
 * in the guest's RAM, the way a hypervisor with shadow paging fills its
 * virtual TLB.  With --shadow the VM runs on minivmx's own shadow paging
 * instead of EPT (Documentation/shadow.rst): 'make measure' runs both.
 * The rest is given (../common/labvmm.c).
 *
 *   vmm [--shadow] [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab5-long.bin.  Exit status 0 when
 * the guest ran to its end and passed every check.
 */
#include <errno.h>

#include "../common/labvmm.h"
#include "lab5.h"
#include "vmm.h"

static int walk(struct lab_vmm *v)
{
	struct minivmx_sregs s;
	int ret;

	if (v->run->exit_reason != MINIVMX_EXIT_HYPERCALL ||
	    v->run->hypercall.nr != LAB5_HC_WALK)
		return -ENOENT;
	ret = minivmx_get_sregs(v->vcpu, &s);
	if (ret)
		return ret;
	v->run->hypercall.ret = lab_walk(v->ram, v->l.mem_size, s.cr3,
					 v->run->hypercall.args[0],
					 v->run->hypercall.args[1]);
	return 0;
}

int main(int argc, char **argv)
{
	struct lab_vmm v = { 0 };
	int ret;

	ret = lab_vmm_start(&v, argc, argv, "/minivmx/guests/lab5-long.bin");
	return ret ? ret : lab_vmm_run(&v, walk);
}
