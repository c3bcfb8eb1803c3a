/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * minivmx - a minimal Intel VT-x hypervisor: the userspace ABI.
 *
 * This one header is shared unchanged by the kernel module, the minivmx tool
 * and the tests.  Documentation/api.rst describes every ioctl under the same
 * headings as KVM's api.rst.
 *
 * Rules that hold for every ioctl:
 *  - an unknown command fails with -ENOTTY;
 *  - a non-zero reserved field, pad or unknown flag fails with -EINVAL
 *    before anything is changed;
 *  - a bad user pointer fails with -EFAULT;
 *  - pointers travel as __u64.
 */
#ifndef _UAPI_LINUX_MINIVMX_H
#define _UAPI_LINUX_MINIVMX_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Returned by MINIVMX_GET_API_VERSION; bumped only on incompatible change. */
#define MINIVMX_API_VERSION	1

/*
 * 0xBA is free in Documentation/userspace-api/ioctl/ioctl-number.rst
 * (Linux 6.1); KVM uses 0xAE.
 */
#define MINIVMX_IO		0xBA

/* Capabilities, for MINIVMX_CHECK_CAP.  An unknown number answers 0. */
#define MINIVMX_CAP_VMX_INFO		1	/* MINIVMX_GET_VMX_INFO works */
#define MINIVMX_CAP_EPT			2	/* always 1: required to load */
#define MINIVMX_CAP_UNRESTRICTED_GUEST	3	/* always 1: required to load */
#define MINIVMX_CAP_VPID		4	/* VPIDs tag guest TLB entries */
#define MINIVMX_CAP_PREEMPTION_TIMER	5	/* answers the timer rate shift + 1 */
#define MINIVMX_CAP_MTF			6	/* monitor trap flag */
#define MINIVMX_CAP_EPT_2M		7	/* EPT 2 MiB pages */
#define MINIVMX_CAP_EPT_AD		8	/* EPT accessed/dirty flags */
#define MINIVMX_CAP_NR_CPUS		9	/* answers nr_cpu_ids */

/**
 * struct minivmx_vmx_msrs - the VMX capability MSRs, as read at load time
 * @feature_control: IA32_FEATURE_CONTROL (0x3a)
 * @basic: IA32_VMX_BASIC (0x480)
 * @pinbased_ctls: IA32_VMX_PINBASED_CTLS (0x481)
 * @procbased_ctls: IA32_VMX_PROCBASED_CTLS (0x482)
 * @exit_ctls: IA32_VMX_EXIT_CTLS (0x483)
 * @entry_ctls: IA32_VMX_ENTRY_CTLS (0x484)
 * @misc: IA32_VMX_MISC (0x485)
 * @cr0_fixed0: IA32_VMX_CR0_FIXED0 (0x486)
 * @cr0_fixed1: IA32_VMX_CR0_FIXED1 (0x487)
 * @cr4_fixed0: IA32_VMX_CR4_FIXED0 (0x488)
 * @cr4_fixed1: IA32_VMX_CR4_FIXED1 (0x489)
 * @vmcs_enum: IA32_VMX_VMCS_ENUM (0x48a)
 * @procbased_ctls2: IA32_VMX_PROCBASED_CTLS2 (0x48b), 0 if absent
 * @ept_vpid_cap: IA32_VMX_EPT_VPID_CAP (0x48c), 0 if absent
 * @true_pinbased_ctls: IA32_VMX_TRUE_PINBASED_CTLS (0x48d), 0 if absent
 * @true_procbased_ctls: IA32_VMX_TRUE_PROCBASED_CTLS (0x48e), 0 if absent
 * @true_exit_ctls: IA32_VMX_TRUE_EXIT_CTLS (0x48f), 0 if absent
 * @true_entry_ctls: IA32_VMX_TRUE_ENTRY_CTLS (0x490), 0 if absent
 * @vmfunc: IA32_VMX_VMFUNC (0x491), 0 if absent
 *
 * Raw values: the low 32 bits of a control MSR are the bits that may be 0
 * (a 0 there means "must be 1"), the high 32 bits the bits that may be 1
 * (SDM Vol. 3D, Appendix A.3-A.5).  "Absent" follows the SDM's rules for
 * which MSRs exist (Appendix A.1).
 */
struct minivmx_vmx_msrs {
	__u64 feature_control;
	__u64 basic;
	__u64 pinbased_ctls;
	__u64 procbased_ctls;
	__u64 exit_ctls;
	__u64 entry_ctls;
	__u64 misc;
	__u64 cr0_fixed0;
	__u64 cr0_fixed1;
	__u64 cr4_fixed0;
	__u64 cr4_fixed1;
	__u64 vmcs_enum;
	__u64 procbased_ctls2;
	__u64 ept_vpid_cap;
	__u64 true_pinbased_ctls;
	__u64 true_procbased_ctls;
	__u64 true_exit_ctls;
	__u64 true_entry_ctls;
	__u64 vmfunc;
};

/* struct minivmx_cpu_state.flags */
#define MINIVMX_CPU_ONLINE	(1U << 0)	/* the CPU is online */
#define MINIVMX_CPU_VMXON	(1U << 1)	/* minivmx executed VMXON on it */

/**
 * struct minivmx_cpu_state - VMX state of one possible CPU
 * @cpu: the CPU number
 * @flags: MINIVMX_CPU_*
 * @cr4: CR4 as read on that CPU just now (0 if it is offline); bit 13 is
 *	CR4.VMXE
 * @feature_control: IA32_FEATURE_CONTROL as read on that CPU (0 if offline)
 */
struct minivmx_cpu_state {
	__u32 cpu;
	__u32 flags;
	__u64 cr4;
	__u64 feature_control;
};

/**
 * struct minivmx_vmx_info - argument of MINIVMX_GET_VMX_INFO
 * @flags: in: must be 0
 * @nr_cpus: in: number of entries @cpus has room for;
 *	out: number of possible CPUs (entries needed)
 * @cpus: in: user pointer to an array of struct minivmx_cpu_state, or 0
 *	to ask only for the count
 * @nr_online: out: online CPUs
 * @nr_vmxon: out: CPUs on which minivmx holds VMX operation
 * @msrs: out: the capability MSRs read at load time
 * @reserved: must be 0
 */
struct minivmx_vmx_info {
	__u32 flags;
	__u32 nr_cpus;
	__u64 cpus;
	__u32 nr_online;
	__u32 nr_vmxon;
	struct minivmx_vmx_msrs msrs;
	__u64 reserved[8];
};

/* ioctls on /dev/minivmx */
#define MINIVMX_GET_API_VERSION	_IO(MINIVMX_IO, 0x00)
#define MINIVMX_CHECK_CAP	_IO(MINIVMX_IO, 0x01)
#define MINIVMX_GET_VMX_INFO	_IOWR(MINIVMX_IO, 0x02, struct minivmx_vmx_info)

#endif /* _UAPI_LINUX_MINIVMX_H */
