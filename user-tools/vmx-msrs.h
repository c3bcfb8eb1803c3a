/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMX capability MSRs as a table, which of them exist (SDM Vol. 3D,
 * Appendix A), and their raw text form:
 *
 *	IA32_VMX_BASIC (0x480) = 0x00d810000000002b
 *
 * one per line, which `minivmx info --raw` prints and `--msrs FILE` reads.
 */
#ifndef MINIVMX_VMX_MSRS_H
#define MINIVMX_VMX_MSRS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/minivmx.h>

#include "util.h"

/* Indices into vmx_msr_table[], in address order. */
enum vmx_msr_id {
	VMX_MSR_FEATURE_CONTROL,
	VMX_MSR_BASIC,
	VMX_MSR_PINBASED_CTLS,
	VMX_MSR_PROCBASED_CTLS,
	VMX_MSR_EXIT_CTLS,
	VMX_MSR_ENTRY_CTLS,
	VMX_MSR_MISC,
	VMX_MSR_CR0_FIXED0,
	VMX_MSR_CR0_FIXED1,
	VMX_MSR_CR4_FIXED0,
	VMX_MSR_CR4_FIXED1,
	VMX_MSR_VMCS_ENUM,
	VMX_MSR_PROCBASED_CTLS2,
	VMX_MSR_EPT_VPID_CAP,
	VMX_MSR_TRUE_PINBASED_CTLS,
	VMX_MSR_TRUE_PROCBASED_CTLS,
	VMX_MSR_TRUE_EXIT_CTLS,
	VMX_MSR_TRUE_ENTRY_CTLS,
	VMX_MSR_VMFUNC,
	VMX_NR_MSRS
};

/**
 * struct vmx_caps - the capability MSRs and which of them exist
 * @msrs: the values, as struct minivmx_vmx_msrs carries them (0 if absent)
 * @present: bit (1 << enum vmx_msr_id) set for each MSR that exists
 */
struct vmx_caps {
	struct minivmx_vmx_msrs msrs;
	unsigned int present;
};

const char *vmx_msr_name(enum vmx_msr_id id);
unsigned int vmx_msr_addr(enum vmx_msr_id id);
__u64 vmx_msr(const struct vmx_caps *caps, enum vmx_msr_id id);
bool vmx_msr_present(const struct vmx_caps *caps, enum vmx_msr_id id);

void vmx_caps_from_msrs(struct vmx_caps *caps,
			const struct minivmx_vmx_msrs *msrs);
int vmx_caps_parse(struct vmx_caps *caps, FILE *in, const char *filename);
void vmx_caps_print_raw(const struct vmx_caps *caps, FILE *out);

/* BASIC bit 55: the TRUE_*_CTLS MSRs exist (SDM Vol. 3D A.1). */
#define VMX_BASIC_TRUE_CTLS		BIT_ULL(55)
/* Allowed-1 half of PROCBASED_CTLS: "activate secondary controls". */
#define VMX_PROCBASED_SECONDARY		BIT_ULL(32 + 31)
/* Allowed-1 half of PROCBASED_CTLS2: "enable EPT", "enable VPID". */
#define VMX_PROCBASED2_EPT		BIT_ULL(32 + 1)
#define VMX_PROCBASED2_VPID		BIT_ULL(32 + 5)
/* Allowed-1 half of PROCBASED_CTLS2: "enable VM functions". */
#define VMX_PROCBASED2_VMFUNC		BIT_ULL(32 + 13)

#endif /* MINIVMX_VMX_MSRS_H */
