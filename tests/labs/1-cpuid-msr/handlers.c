// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 1, your part: answer CPUID's hypervisor leaves and keep the lab's
 * MSRs in userspace (Documentation/labs/1-cpuid-msr.rst).  Each function
 * gets the guest's registers, may change them, and returns what the VMM
 * does next (vmm.h).  As given, every exit goes back to the kernel, and
 * the guest's checks fail.
 */
#include "lab1.h"
#include "vmm.h"

__u32 lab_cpuid(struct minivmx_regs *r)
{
	/*
	 * TODO: leaf LAB_LEAF_BASE: RAX = the highest hypervisor leaf
	 * (LAB_LEAF_COUNT), RBX, RCX, RDX = LAB_SIGNATURE, 4 bytes each.
	 * Leaf LAB_LEAF_COUNT: RAX = how many of these two leaves you
	 * answered so far, this one included; the rest 0.
	 */
	(void)r;
	return MINIVMX_ROUTED_KERNEL;
}

__u32 lab_rdmsr(struct minivmx_regs *r)
{
	/* TODO: LAB_MSR_BASE to LAB_MSR_BASE + LAB_NR_MSRS - 1. */
	(void)r;
	return MINIVMX_ROUTED_KERNEL;
}

__u32 lab_wrmsr(struct minivmx_regs *r)
{
	/* TODO: keep what is written to the lab's MSRs. */
	(void)r;
	return MINIVMX_ROUTED_KERNEL;
}
