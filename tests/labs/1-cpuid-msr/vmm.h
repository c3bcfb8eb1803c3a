/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 1: the three handlers the student writes (handlers.c).  vmm.c calls
 * one for each routed exit with the guest's registers, which the handler
 * may change (vmm.c writes them back), and enters the guest as the
 * returned action says (MINIVMX_ROUTED_*, Documentation/api.rst):
 *
 * - MINIVMX_ROUTED_SKIP: the instruction was emulated, move past it;
 * - MINIVMX_ROUTED_KERNEL: let the kernel's own handler do it;
 * - MINIVMX_ROUTED_GP: the instruction faults (#GP(0));
 * - MINIVMX_ROUTED_RESUME: run it again (RIP as the handler left it).
 */
#ifndef MINIVMX_LAB1_VMM_H
#define MINIVMX_LAB1_VMM_H

#include <linux/minivmx.h>

/* CPUID: leaf in RAX, subleaf in RCX; the answer in RAX, RBX, RCX, RDX. */
__u32 lab_cpuid(struct minivmx_regs *r);
/* RDMSR: index in RCX; the value in RDX:RAX (32 bits each). */
__u32 lab_rdmsr(struct minivmx_regs *r);
/* WRMSR: index in RCX, the value in RDX:RAX. */
__u32 lab_wrmsr(struct minivmx_regs *r);

#endif /* MINIVMX_LAB1_VMM_H */
