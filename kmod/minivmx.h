/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * minivmx internal interfaces: the VMX mechanics (vmx_*.c) and the policy
 * that uses them (main.c).
 */
#ifndef MINIVMX_H
#define MINIVMX_H

#include <linux/types.h>
#include <linux/minivmx.h>

/**
 * struct vmx_config - what this CPU can do, read once at load time
 * @msrs: the raw capability MSRs, as reported to userspace
 * @vmcs_revision: VMCS revision identifier (IA32_VMX_BASIC[30:0])
 * @vmcs_size: bytes in a VMCS or VMXON region (IA32_VMX_BASIC[44:32])
 * @pin: pin-based VM-execution controls minivmx will use
 * @proc: primary processor-based VM-execution controls
 * @proc2: secondary processor-based VM-execution controls
 * @exit: VM-exit controls
 * @entry: VM-entry controls
 *
 * Only the MSRs the SDM says exist on this CPU are read (Vol. 3D A.1);
 * the others stay 0.
 */
struct vmx_config {
	struct minivmx_vmx_msrs msrs;
	u32 vmcs_revision;
	u32 vmcs_size;
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
};

extern struct vmx_config vmx_config;

/* vmx_caps.c: capability MSRs */
u32 vmx_adjust_controls(u32 min, u32 opt, u64 msr, u32 *result);
int vmx_read_config(struct vmx_config *cfg);
bool vmx_has_vpid(void);
bool vmx_has_mtf(void);
bool vmx_has_preemption_timer(void);
bool vmx_has_ept_2m(void);
bool vmx_has_ept_ad(void);
bool vmx_has_invept_global(void);

/* vmx_cpu.c: VMX operation on every CPU */
int vmx_cpus_enable(void);
void vmx_cpus_disable(void);
bool vmx_cpu_is_on(unsigned int cpu);

#endif /* MINIVMX_H */
