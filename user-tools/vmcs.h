/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCS fields by name: one table of encodings (SDM Vol. 3D, Appendix
 * B) grouped as the SDM's chapter "Virtual Machine Control Structures"
 * groups them, and a printer that spells out controls, access rights and
 * the exit information.  The host-state area is left out: minivmx never
 * shows it (MINIVMX_GET_VMCS answers -EPERM).
 */
#ifndef MINIVMX_VMCS_H
#define MINIVMX_VMCS_H

#include <stdio.h>
#include <linux/minivmx.h>

enum vmcs_group {
	VMCS_GUEST,		/* guest-state area (SDM 25.4) */
	VMCS_EXEC_CTL,		/* VM-execution control fields (25.6) */
	VMCS_EXIT_CTL,		/* VM-exit control fields (25.7) */
	VMCS_ENTRY_CTL,		/* VM-entry control fields (25.8) */
	VMCS_EXIT_INFO,		/* VM-exit information fields (25.9) */
	NR_VMCS_GROUPS,
};

/* How a field's value is spelled out after the number. */
enum vmcs_kind {
	VK_HEX,			/* the number says it all */
	VK_PIN, VK_PROC, VK_PROC2, VK_EXIT, VK_ENTRY,	/* controls */
	VK_AR,			/* segment access rights (Table 25-2) */
	VK_CR0, VK_CR4, VK_EFER, VK_RFLAGS,
	VK_EXC_BITMAP,		/* one bit per exception vector */
	VK_INTR_INFO,		/* interruption information */
	VK_INTERRUPTIBILITY,	/* Table 25-3 */
	VK_ACTIVITY,		/* 25.4.2 */
	VK_EPTP,		/* 25.6.11 */
	VK_REASON,		/* exit reason (25.9.1) */
	VK_QUAL,		/* exit qualification, by the exit reason */
	VK_INSN_ERROR,		/* VM-instruction error (31.4) */
};

/**
 * struct vmcs_field_desc - one VMCS field
 * @encoding: its encoding (SDM Vol. 3D, Appendix B)
 * @name: the name Linux's asm/vmx.h gives it (GUEST_RIP)
 * @group: where the SDM describes it
 * @kind: how to spell out its value
 */
struct vmcs_field_desc {
	__u32 encoding;
	const char *name;
	enum vmcs_group group;
	enum vmcs_kind kind;
};

extern const struct vmcs_field_desc vmcs_fields[];
extern const unsigned int vmcs_nr_fields;

const struct vmcs_field_desc *vmcs_field_find(__u32 encoding);
const char *vmcs_group_title(enum vmcs_group group);
size_t vmcs_describe(char *buf, size_t len, const struct vmcs_field_desc *f,
		     __u64 value, const __u64 *values, const int *errs);
void vmcs_print(FILE *out, const __u64 *values, const int *errs);

#endif /* MINIVMX_VMCS_H */
