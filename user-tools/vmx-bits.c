// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names of the bits of the VMX controls and of CR0 and CR4, as the
 * Intel SDM spells them (Vol. 3C chapter "Virtual Machine Control
 * Structures" for the controls, Vol. 3A 2.5 for the control registers).
 * `minivmx info` prints them against the capability MSRs, `minivmx run
 * --vmcs` against the VMCS.
 */
#include "vmx-bits.h"

/* Pin-based VM-execution controls. */
const char * const vmx_pin_ctl_names[32] = {
	[0] = "External-interrupt exiting",
	[3] = "NMI exiting",
	[5] = "Virtual NMIs",
	[6] = "Activate VMX-preemption timer",
	[7] = "Process posted interrupts",
};

/* Primary processor-based VM-execution controls. */
const char * const vmx_proc_ctl_names[32] = {
	[2] = "Interrupt-window exiting",
	[3] = "Use TSC offsetting",
	[7] = "HLT exiting",
	[9] = "INVLPG exiting",
	[10] = "MWAIT exiting",
	[11] = "RDPMC exiting",
	[12] = "RDTSC exiting",
	[15] = "CR3-load exiting",
	[16] = "CR3-store exiting",
	[17] = "Activate tertiary controls",
	[19] = "CR8-load exiting",
	[20] = "CR8-store exiting",
	[21] = "Use TPR shadow",
	[22] = "NMI-window exiting",
	[23] = "MOV-DR exiting",
	[24] = "Unconditional I/O exiting",
	[25] = "Use I/O bitmaps",
	[27] = "Monitor trap flag",
	[28] = "Use MSR bitmaps",
	[29] = "MONITOR exiting",
	[30] = "PAUSE exiting",
	[31] = "Activate secondary controls",
};

/* Secondary processor-based VM-execution controls. */
const char * const vmx_proc2_ctl_names[32] = {
	[0] = "Virtualize APIC accesses",
	[1] = "Enable EPT",
	[2] = "Descriptor-table exiting",
	[3] = "Enable RDTSCP",
	[4] = "Virtualize x2APIC mode",
	[5] = "Enable VPID",
	[6] = "WBINVD exiting",
	[7] = "Unrestricted guest",
	[8] = "APIC-register virtualization",
	[9] = "Virtual-interrupt delivery",
	[10] = "PAUSE-loop exiting",
	[11] = "RDRAND exiting",
	[12] = "Enable INVPCID",
	[13] = "Enable VM functions",
	[14] = "VMCS shadowing",
	[15] = "Enable ENCLS exiting",
	[16] = "RDSEED exiting",
	[17] = "Enable PML",
	[18] = "EPT-violation #VE",
	[19] = "Conceal VMX from PT",
	[20] = "Enable XSAVES/XRSTORS",
	[21] = "PASID translation",
	[22] = "Mode-based execute control for EPT",
	[23] = "Sub-page write permissions for EPT",
	[24] = "Intel PT uses guest physical addresses",
	[25] = "Use TSC scaling",
	[26] = "Enable user wait and pause",
	[27] = "Enable PCONFIG",
	[28] = "Enable ENCLV exiting",
	[30] = "VMM bus-lock detection",
	[31] = "Instruction timeout",
};

/* Primary VM-exit controls. */
const char * const vmx_exit_ctl_names[32] = {
	[2] = "Save debug controls",
	[9] = "Host address-space size",
	[12] = "Load IA32_PERF_GLOBAL_CTRL",
	[15] = "Acknowledge interrupt on exit",
	[18] = "Save IA32_PAT",
	[19] = "Load IA32_PAT",
	[20] = "Save IA32_EFER",
	[21] = "Load IA32_EFER",
	[22] = "Save VMX-preemption timer value",
	[23] = "Clear IA32_BNDCFGS",
	[24] = "Conceal VMX from PT",
	[25] = "Clear IA32_RTIT_CTL",
	[26] = "Clear IA32_LBR_CTL",
	[27] = "Clear UINV",
	[28] = "Load CET state",
	[29] = "Load PKRS",
	[30] = "Save IA32_PERF_GLOBAL_CTL",
	[31] = "Activate secondary controls",
};

/* VM-entry controls. */
const char * const vmx_entry_ctl_names[32] = {
	[2] = "Load debug controls",
	[9] = "IA-32e mode guest",
	[10] = "Entry to SMM",
	[11] = "Deactivate dual-monitor treatment",
	[13] = "Load IA32_PERF_GLOBAL_CTRL",
	[14] = "Load IA32_PAT",
	[15] = "Load IA32_EFER",
	[16] = "Load IA32_BNDCFGS",
	[17] = "Conceal VMX from PT",
	[18] = "Load IA32_RTIT_CTL",
	[19] = "Load UINV",
	[20] = "Load CET state",
	[21] = "Load guest IA32_LBR_CTL",
	[22] = "Load PKRS",
};

const char * const vmx_cr0_names[64] = {
	[0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET", [5] = "NE",
	[16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG",
};

const char * const vmx_cr4_names[64] = {
	[0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE", [4] = "PSE",
	[5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR",
	[10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57", [13] = "VMXE",
	[14] = "SMXE", [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE",
	[19] = "KL", [20] = "SMEP", [21] = "SMAP", [22] = "PKE", [23] = "CET",
	[24] = "PKS", [25] = "UINTR", [27] = "LASS", [28] = "LAM_SUP",
};
