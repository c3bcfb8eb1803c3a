/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names for the numbers VMX reports: basic exit reasons, VM-instruction
 * errors, and the minivmx exits and internal errors built on them.
 */
#ifndef MINIVMX_VMX_NAMES_H
#define MINIVMX_VMX_NAMES_H

const char *vmx_exit_reason_name(unsigned int reason);
int vmx_exit_reason_parse(const char *s, unsigned int *reason);
const char *vmx_insn_error_name(unsigned int error);
const char *vmx_entry_failure_name(unsigned int reason);
const char *minivmx_exit_name(unsigned int exit_reason);
const char *minivmx_internal_name(unsigned int suberror);

/**
 * struct entry_check_desc - one of the VM-entry checks the module names
 * @id: MINIVMX_CHECK_*
 * @name: its name without the prefix ("GUEST_TR")
 * @what: what fails
 * @sdm: the SDM section
 */
struct entry_check_desc {
	unsigned int id;
	const char *name, *what, *sdm;
};

const struct entry_check_desc *entry_check_find(unsigned int id);
size_t entry_check_describe(char *buf, size_t len, unsigned int id);

#endif /* MINIVMX_VMX_NAMES_H */
