// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 1, the reference solution: the hypervisor leaves answered and the
 * lab's MSRs kept here; every other CPUID leaf and MSR is the kernel's.
 * Built with LAB_BROKEN it is the broken solution the grader's own test
 * fails (vmm-broken): a WRMSR keeps only the low 32 bits (RAX), the
 * mistake of forgetting that RDX holds the high half.
 */
#include <stdbool.h>
#include <string.h>

#include "lab1.h"
#include "vmm.h"

static __u64 msrs[LAB_NR_MSRS];
static unsigned int leaves_answered;

static bool lab_msr(__u32 index)
{
	return index - LAB_MSR_BASE < LAB_NR_MSRS;
}

__u32 lab_cpuid(struct minivmx_regs *r)
{
	__u32 sig[3];

	switch ((__u32)r->rax) {
	case LAB_LEAF_BASE:
		memcpy(sig, LAB_SIGNATURE, sizeof(sig));
		r->rax = LAB_LEAF_COUNT;
		r->rbx = sig[0];
		r->rcx = sig[1];
		r->rdx = sig[2];
		break;
	case LAB_LEAF_COUNT:
		r->rax = leaves_answered + 1;
		r->rbx = r->rcx = r->rdx = 0;
		break;
	default:
		return MINIVMX_ROUTED_KERNEL;
	}
	leaves_answered++;
	return MINIVMX_ROUTED_SKIP;
}

__u32 lab_rdmsr(struct minivmx_regs *r)
{
	__u32 index = r->rcx;

	if (!lab_msr(index))
		return MINIVMX_ROUTED_KERNEL;
	r->rax = (__u32)msrs[index - LAB_MSR_BASE];
	r->rdx = msrs[index - LAB_MSR_BASE] >> 32;
	return MINIVMX_ROUTED_SKIP;
}

__u32 lab_wrmsr(struct minivmx_regs *r)
{
	__u32 index = r->rcx;

	if (!lab_msr(index))
		return MINIVMX_ROUTED_KERNEL;
#ifdef LAB_BROKEN
	msrs[index - LAB_MSR_BASE] = (__u32)r->rax;
#else
	msrs[index - LAB_MSR_BASE] = (r->rdx << 32) | (__u32)r->rax;
#endif
	return MINIVMX_ROUTED_SKIP;
}
