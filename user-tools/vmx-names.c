// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names for the numbers VMX reports.  The exit-reason table is the ABI
 * header's MINIVMX_VMX_EXIT_REASONS, shared with the module; the rest are
 * the Intel SDM's words.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <linux/minivmx.h>

#include "util.h"
#include "vmx-names.h"

static const struct {
	unsigned int nr;
	const char *name;
} exit_reasons[] = { MINIVMX_VMX_EXIT_REASONS };

/* VM-instruction error numbers (SDM Vol. 3C 31.4, Table 31-1). */
static const char * const insn_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

/* struct minivmx_run.exit_reason */
static const char * const minivmx_exits[] = {
	[MINIVMX_EXIT_UNKNOWN] = "UNKNOWN",
	[MINIVMX_EXIT_IO] = "IO",
	[MINIVMX_EXIT_MMIO] = "MMIO",
	[MINIVMX_EXIT_HLT] = "HLT",
	[MINIVMX_EXIT_HYPERCALL] = "HYPERCALL",
	[MINIVMX_EXIT_SHUTDOWN] = "SHUTDOWN",
	[MINIVMX_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[MINIVMX_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[MINIVMX_EXIT_GUEST_EXIT] = "GUEST_EXIT",
	[MINIVMX_EXIT_CONSOLE] = "CONSOLE",
	[MINIVMX_EXIT_INTR] = "INTR",
	[MINIVMX_EXIT_DEBUG] = "DEBUG",
	[MINIVMX_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[MINIVMX_EXIT_EOI] = "EOI",
	[MINIVMX_EXIT_ROUTED] = "ROUTED",
};

/* struct minivmx_run.internal.suberror */
static const char * const internal_errors[] = {
	[MINIVMX_INTERNAL_UNHANDLED_EXIT] = "a VM exit minivmx has no handler for",
	[MINIVMX_INTERNAL_EMULATION] = "an MMIO instruction minivmx cannot emulate",
	[MINIVMX_INTERNAL_FETCH] = "guest code that cannot be read",
	[MINIVMX_INTERNAL_EPT_MISCONFIG] = "an EPT misconfiguration",
	[MINIVMX_INTERNAL_DELIVERY_EV] = "MMIO touched while delivering an event or walking page tables",
	[MINIVMX_INTERNAL_REAL_MODE] = "real mode, which needs EPT (shadow paging)",
};

static const char *lookup(const char * const *names, size_t nr,
			  unsigned int i)
{
	return i < nr ? names[i] : NULL;
}

/* The VM-entry checks, from the same list the module uses. */
static const struct entry_check_desc entry_checks[] = {
#define ENTRY_CHECK(id, name, what, sdm) { id, #name, what, sdm },
	MINIVMX_ENTRY_CHECKS(ENTRY_CHECK)
#undef ENTRY_CHECK
};

/**
 * entry_check_find() - a VM-entry check by its id
 * @id: MINIVMX_CHECK_*, as refused_check or fail_entry.check give it
 *
 * Return: its description, or NULL for 0 or an unknown id.
 */
const struct entry_check_desc *entry_check_find(unsigned int id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(entry_checks); i++)
		if (entry_checks[i].id == id)
			return &entry_checks[i];
	return NULL;
}

/**
 * entry_check_describe() - a VM-entry check in words
 * @buf: where to write
 * @len: its size
 * @id: MINIVMX_CHECK_*
 *
 * Return: what snprintf() returns: "GUEST_TR: TR: TI set, ... (SDM
 * 26.3.1.2)", or "check N" for an id this tool does not know.
 */
size_t entry_check_describe(char *buf, size_t len, unsigned int id)
{
	const struct entry_check_desc *c = entry_check_find(id);

	if (!c)
		return snprintf(buf, len, "check %u", id);
	return snprintf(buf, len, "%s: %s (SDM %s)", c->name, c->what, c->sdm);
}

/**
 * vmx_exit_reason_name() - the name of a basic VM-exit reason
 * @reason: bits 15:0 of the exit reason (SDM Vol. 3D, Appendix C)
 *
 * Return: "IO_INSTRUCTION" and so on, or NULL for a number not in the table.
 */
const char *vmx_exit_reason_name(unsigned int reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_reasons); i++)
		if (exit_reasons[i].nr == reason)
			return exit_reasons[i].name;
	return NULL;
}

/*
 * Short names for the reasons one asks for most; the table's own names
 * are long (IO_INSTRUCTION), and "IO" alone would also fit IO_SMI.
 */
static const struct {
	const char *alias;
	unsigned int nr;
} exit_aliases[] = {
	{ "IO", 30 }, { "CR", 28 }, { "DR", 29 }, { "MSR", 31 },
	{ "EPT", 48 }, { "MTF", 37 }, { "EXCEPTION", 0 }, { "NMI", 0 },
};

/**
 * vmx_exit_reason_parse() - a basic exit reason by name or number
 * @s: a name of MINIVMX_VMX_EXIT_REASONS in any case ("cpuid",
 *	"IO_INSTRUCTION"), a short alias (IO, CR, DR, MSR for MSR_READ, EPT
 *	for EPT_VIOLATION, MTF, EXCEPTION or NMI for EXCEPTION_NMI), or a
 *	number in decimal or 0x-hex below MINIVMX_NR_VMX_EXIT_REASONS
 * @reason: out: the number
 *
 * Return: 0, or -EINVAL.
 */
int vmx_exit_reason_parse(const char *s, unsigned int *reason)
{
	unsigned long n;
	char *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_reasons); i++) {
		if (!strcasecmp(s, exit_reasons[i].name)) {
			*reason = exit_reasons[i].nr;
			return 0;
		}
	}
	for (i = 0; i < ARRAY_SIZE(exit_aliases); i++) {
		if (!strcasecmp(s, exit_aliases[i].alias)) {
			*reason = exit_aliases[i].nr;
			return 0;
		}
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	n = strtoul(s, &end, 0);
	if (*end || n >= MINIVMX_NR_VMX_EXIT_REASONS)
		return -EINVAL;
	*reason = n;
	return 0;
}

/**
 * vmx_insn_error_name() - what a VM-instruction error number means
 * @error: the VM-instruction error field
 *
 * Return: the SDM's description, or NULL for an unknown number.
 */
const char *vmx_insn_error_name(unsigned int error)
{
	return lookup(insn_errors, ARRAY_SIZE(insn_errors), error);
}

/**
 * vmx_entry_failure_name() - why VM entry failed after loading guest state
 * @reason: the basic exit reason of an exit with bit 31 set (SDM 27.8)
 *
 * Return: words for the three reasons such an exit has, else NULL.
 */
const char *vmx_entry_failure_name(unsigned int reason)
{
	switch (reason) {
	case 33:
		return "invalid guest state";
	case 34:
		return "MSR loading failed";
	case 41:
		return "machine-check event";
	default:
		return NULL;
	}
}

/**
 * minivmx_exit_name() - the name of a struct minivmx_run exit reason
 * @exit_reason: MINIVMX_EXIT_*
 *
 * Return: "IO", "MMIO" and so on, or NULL for an unknown number.
 */
const char *minivmx_exit_name(unsigned int exit_reason)
{
	return lookup(minivmx_exits, ARRAY_SIZE(minivmx_exits), exit_reason);
}

/**
 * minivmx_internal_name() - what an internal-error suberror means
 * @suberror: MINIVMX_INTERNAL_*
 *
 * Return: words to follow "internal error: ", or NULL if unknown.
 */
const char *minivmx_internal_name(unsigned int suberror)
{
	return lookup(internal_errors, ARRAY_SIZE(internal_errors), suberror);
}
