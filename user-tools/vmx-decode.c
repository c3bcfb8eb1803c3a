// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMX capability MSRs in plain words.
 *
 * Bit names are data: arrays indexed by bit number, with the names the
 * Intel SDM uses (Vol. 3C chapter "Virtual Machine Control Structures" for
 * the controls, Vol. 3D Appendix A for the capability MSRs).
 */
#include <stdbool.h>
#include <string.h>

#include "util.h"
#include "vmx-bits.h"
#include "vmx-decode.h"

#define LABEL_WIDTH	52
#define BIT(n)		BIT_ULL(n)

/* Bits @hi:@lo of @v, shifted down. */
static __u64 field(__u64 v, unsigned int hi, unsigned int lo)
{
	return (v >> lo) & (hi - lo == 63 ? ~0ULL : BIT(hi - lo + 1) - 1);
}

/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D A.10). */
static const char * const ept_vpid_names[64] = {
	[0] = "execute-only EPT translations",
	[6] = "page-walk length 4",
	[7] = "page-walk length 5",
	[8] = "UC memory type for EPT paging structures",
	[14] = "WB memory type for EPT paging structures",
	[16] = "2-MByte EPT pages",
	[17] = "1-GByte EPT pages",
	[20] = "INVEPT",
	[21] = "EPT accessed and dirty flags",
	[22] = "advanced VM-exit info for EPT violations",
	[23] = "supervisor shadow-stack control",
	[25] = "INVEPT single-context",
	[26] = "INVEPT all-context",
	[32] = "INVVPID",
	[40] = "INVVPID individual-address",
	[41] = "INVVPID single-context",
	[42] = "INVVPID all-context",
	[43] = "INVVPID single-context-retaining-globals",
};

/* One-bit flags of IA32_VMX_MISC (SDM Vol. 3D A.6). */
static const char * const misc_names[64] = {
	[5] = "VM exits store EFER.LMA in IA-32e mode guest",
	[6] = "activity state HLT",
	[7] = "activity state shutdown",
	[8] = "activity state wait-for-SIPI",
	[14] = "Intel PT usable in VMX operation",
	[15] = "RDMSR of IA32_SMBASE in SMM",
	[28] = "VMXOFF unblocks SMIs",
	[29] = "VMWRITE to VM-exit information fields",
	[30] = "injection with instruction length 0",
};

/* The flags of IA32_VMX_MISC come in two runs, between its fields. */
#define MISC_FLAGS_LOW	(0x7ffULL << 5)		/* bits 15:5 */
#define MISC_FLAGS_HIGH	(0xfULL << 28)		/* bits 31:28 */

/* IA32_VMX_VMFUNC (SDM Vol. 3D A.11): VM-function numbers. */
static const char * const vmfunc_names[64] = {
	[0] = "EPTP switching",
};

static const char * const feature_control_names[64] = {
	[0] = "locked",
	[1] = "VMX inside SMX",
	[2] = "VMX outside SMX",
};

/* The five control groups; the TRUE MSR is used when BASIC bit 55 is 1. */
struct ctl_group {
	const char *title;
	const char *sdm;
	enum vmx_msr_id msr;
	enum vmx_msr_id true_msr;	/* == msr: there is no TRUE variant */
	const char * const *names;
	const char *absent_why;		/* NULL: the MSR always exists */
};

static const struct ctl_group ctl_groups[] = {
	{ "Pin-based VM-execution controls", "A.3.1",
	  VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS, vmx_pin_ctl_names,
	  NULL },
	{ "Primary processor-based VM-execution controls", "A.3.2",
	  VMX_MSR_PROCBASED_CTLS, VMX_MSR_TRUE_PROCBASED_CTLS, vmx_proc_ctl_names,
	  NULL },
	{ "Secondary processor-based VM-execution controls", "A.3.3",
	  VMX_MSR_PROCBASED_CTLS2, VMX_MSR_PROCBASED_CTLS2, vmx_proc2_ctl_names,
	  "\"Activate secondary controls\" is fixed 0" },
	{ "VM-exit controls", "A.4.1",
	  VMX_MSR_EXIT_CTLS, VMX_MSR_TRUE_EXIT_CTLS, vmx_exit_ctl_names, NULL },
	{ "VM-entry controls", "A.5",
	  VMX_MSR_ENTRY_CTLS, VMX_MSR_TRUE_ENTRY_CTLS, vmx_entry_ctl_names, NULL },
};

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_label(FILE *out, const char *label, const char *value)
{
	fprintf(out, "  %-*s %s\n", LABEL_WIDTH, label, value);
}

/* Like print_label(), with " (bit N)" or " (bits H:L)" after the label. */
static void print_field(FILE *out, const char *label, unsigned int hi,
			unsigned int lo, const char *value)
{
	char buf[96];

	if (hi == lo)
		snprintf(buf, sizeof(buf), "%s (bit %u)", label, lo);
	else
		snprintf(buf, sizeof(buf), "%s (bits %u:%u)", label, hi, lo);
	print_label(out, buf, value);
}

static void print_field_hex(FILE *out, const char *label, unsigned int hi,
			    unsigned int lo, __u64 val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", val);
	print_field(out, label, hi, lo, buf);
}

/* "3, 15, 26-27" for a mask; "none" for 0. */
static void print_bit_ranges(FILE *out, __u64 mask)
{
	unsigned int bit, end;
	const char *sep = "";

	if (!mask)
		fputs("none", out);
	for (bit = 0; bit < 64; bit = end + 1) {
		end = bit;
		if (!(mask & BIT(bit)))
			continue;
		while (end < 63 && (mask & BIT(end + 1)))
			end++;
		if (end == bit)
			fprintf(out, "%s%u", sep, bit);
		else
			fprintf(out, "%s%u-%u", sep, bit, end);
		sep = ", ";
	}
}

/* One "label (bit N)   yes/no" line per named bit, then unknown set bits. */
static void print_flags(FILE *out, __u64 val, const char * const names[64],
			__u64 skip)
{
	__u64 unknown = 0;
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		if (skip & BIT(bit))
			continue;
		if (names[bit])
			print_field(out, names[bit], bit, bit,
				    yes_no(val & BIT(bit)));
		else if (val & BIT(bit))
			unknown |= BIT(bit);
	}
	if (unknown) {
		fprintf(out, "  %-*s ", LABEL_WIDTH,
			"other bits set (not known to this tool)");
		print_bit_ranges(out, unknown);
		fputc('\n', out);
	}
}

static const char *memory_type_name(unsigned int type)
{
	switch (type) {
	case 0:
		return "UC";
	case 6:
		return "WB";
	default:
		return "reserved";
	}
}

static void print_basic(const struct vmx_caps *caps, FILE *out)
{
	__u64 basic = vmx_msr(caps, VMX_MSR_BASIC);
	unsigned int memtype = field(basic, 53, 50);
	char buf[64];

	fprintf(out,
		"Basic VMX information (IA32_VMX_BASIC = 0x%016llx, SDM Vol. 3D A.1)\n",
		basic);
	print_field_hex(out, "VMCS revision id", 30, 0, field(basic, 30, 0));
	snprintf(buf, sizeof(buf), "%llu bytes", field(basic, 44, 32));
	print_field(out, "VMCS region size", 44, 32, buf);
	print_field(out, "physical addresses limited to 32 bits", 48, 48,
		    yes_no(basic & BIT(48)));
	print_field(out, "dual-monitor treatment of SMI and SMM", 49, 49,
		    yes_no(basic & BIT(49)));
	snprintf(buf, sizeof(buf), "%s (%u)", memory_type_name(memtype),
		 memtype);
	print_field(out, "memory type for the VMCS", 53, 50, buf);
	print_field(out, "INS/OUTS exit information", 54, 54,
		    yes_no(basic & BIT(54)));
	print_field(out, "TRUE controls MSRs", 55, 55,
		    basic & VMX_BASIC_TRUE_CTLS ?
		    "yes (the controls below come from IA32_VMX_TRUE_*_CTLS)" :
		    "no (the controls below come from IA32_VMX_*_CTLS)");
	print_field(out, "exception injection with any error code", 56, 56,
		    yes_no(basic & BIT(56)));
}

static const char *setting_word(bool may_be_0, bool may_be_1)
{
	if (may_be_0 && may_be_1)
		return "flexible";
	if (may_be_1)
		return "fixed 1";
	if (may_be_0)
		return "fixed 0";
	return "invalid (must be 1 and must be 0)";
}

/*
 * The low half of a control MSR has a 1 for each control that must be 1,
 * the high half a 1 for each control that may be 1 (SDM Vol. 3D A.3).
 * Named controls are always listed; unnamed bits only when they are not
 * plain "fixed 0".
 */
static void print_ctl_bits(FILE *out, __u64 msr, const char * const names[32])
{
	char buf[32];
	unsigned int bit;
	bool may0, may1;

	fprintf(out, "  bit  setting   control\n");
	for (bit = 0; bit < 32; bit++) {
		may0 = !(msr & BIT(bit));
		may1 = msr & BIT(bit + 32);
		if (!names[bit] && may0 && !may1)
			continue;
		snprintf(buf, sizeof(buf), "bit %u (reserved)", bit);
		fprintf(out, "  %3u  %-8s  %s\n", bit, setting_word(may0, may1),
			names[bit] ? names[bit] : buf);
	}
}

static void print_ctl_group(const struct vmx_caps *caps,
			    const struct ctl_group *g, FILE *out)
{
	bool use_true = vmx_msr(caps, VMX_MSR_BASIC) & VMX_BASIC_TRUE_CTLS;
	enum vmx_msr_id id = use_true ? g->true_msr : g->msr;

	fputc('\n', out);
	if (!vmx_msr_present(caps, id)) {
		fprintf(out, "%s: not available (%s)\n", g->title,
			g->absent_why ? g->absent_why : "the MSR is absent");
		return;
	}
	fprintf(out, "%s (%s = 0x%016llx, SDM Vol. 3D %s)\n", g->title,
		vmx_msr_name(id), vmx_msr(caps, id), g->sdm);
	print_ctl_bits(out, vmx_msr(caps, id), g->names);
}

static void print_controls(const struct vmx_caps *caps, FILE *out)
{
	size_t i;

	fprintf(out,
		"\nControls: \"flexible\" may be 0 or 1, \"fixed 1\" must be 1, \"fixed 0\" must be 0 (not supported).\n");
	for (i = 0; i < ARRAY_SIZE(ctl_groups); i++)
		print_ctl_group(caps, &ctl_groups[i], out);
}

static void print_ept_vpid(const struct vmx_caps *caps, FILE *out)
{
	fputc('\n', out);
	if (!vmx_msr_present(caps, VMX_MSR_EPT_VPID_CAP)) {
		fprintf(out,
			"EPT and VPID capabilities: not available (neither \"Enable EPT\" nor \"Enable VPID\" may be 1)\n");
		return;
	}
	fprintf(out,
		"EPT and VPID capabilities (IA32_VMX_EPT_VPID_CAP = 0x%016llx, SDM Vol. 3D A.10)\n",
		vmx_msr(caps, VMX_MSR_EPT_VPID_CAP));
	print_flags(out, vmx_msr(caps, VMX_MSR_EPT_VPID_CAP), ept_vpid_names,
		    0);
}

static void print_misc(const struct vmx_caps *caps, FILE *out)
{
	__u64 misc = vmx_msr(caps, VMX_MSR_MISC);
	unsigned int shift = field(misc, 4, 0);
	char buf[64];

	fprintf(out,
		"\nMiscellaneous (IA32_VMX_MISC = 0x%016llx, SDM Vol. 3D A.6)\n",
		misc);
	snprintf(buf, sizeof(buf), "TSC shift %u (one tick per %llu TSC cycles)",
		 shift, BIT(shift));
	print_field(out, "VMX-preemption timer rate", 4, 0, buf);
	print_flags(out, misc, misc_names, ~MISC_FLAGS_LOW);
	snprintf(buf, sizeof(buf), "%llu", field(misc, 24, 16));
	print_field(out, "CR3-target values", 24, 16, buf);
	snprintf(buf, sizeof(buf), "%llu (recommended maximum)",
		 512 * (field(misc, 27, 25) + 1));
	print_field(out, "MSR-load/store list entries", 27, 25, buf);
	print_flags(out, misc, misc_names, ~MISC_FLAGS_HIGH);
	print_field_hex(out, "MSEG revision id", 63, 32, field(misc, 63, 32));
}

/* "PE NE PG, reserved bits 32-63" */
static void print_cr_bits(FILE *out, const char *label, __u64 mask,
			  const char * const names[64])
{
	const char *sep = "";
	__u64 unnamed = 0;
	unsigned int bit;

	fprintf(out, "  %-*s ", LABEL_WIDTH, label);
	for (bit = 0; bit < 64; bit++) {
		if (!(mask & BIT(bit)))
			continue;
		if (!names[bit]) {
			unnamed |= BIT(bit);
			continue;
		}
		fprintf(out, "%s%s", sep, names[bit]);
		sep = " ";
	}
	if (unnamed) {
		fprintf(out, "%sreserved bit%s ", *sep ? ", " : "",
			unnamed & (unnamed - 1) ? "s" : "");
		print_bit_ranges(out, unnamed);
	} else if (!*sep) {
		fputs("none", out);
	}
	fputc('\n', out);
}

static void print_cr_fixed(const struct vmx_caps *caps, FILE *out)
{
	fprintf(out,
		"\nCR0 and CR4 in VMX operation (IA32_VMX_CR0_FIXED0/1, IA32_VMX_CR4_FIXED0/1, SDM Vol. 3D A.7-A.8)\n");
	print_cr_bits(out, "CR0 bits that must be 1",
		      vmx_msr(caps, VMX_MSR_CR0_FIXED0), vmx_cr0_names);
	print_cr_bits(out, "CR0 bits that must be 0",
		      ~vmx_msr(caps, VMX_MSR_CR0_FIXED1), vmx_cr0_names);
	print_cr_bits(out, "CR4 bits that must be 1",
		      vmx_msr(caps, VMX_MSR_CR4_FIXED0), vmx_cr4_names);
	print_cr_bits(out, "CR4 bits that must be 0",
		      ~vmx_msr(caps, VMX_MSR_CR4_FIXED1), vmx_cr4_names);
	fprintf(out,
		"  (a guest with \"Unrestricted guest\" may still clear CR0.PE and CR0.PG)\n");
}

static void print_vmcs_enum(const struct vmx_caps *caps, FILE *out)
{
	__u64 index = field(vmx_msr(caps, VMX_MSR_VMCS_ENUM), 9, 1);
	char buf[32];

	fprintf(out,
		"\nVMCS field encodings (IA32_VMX_VMCS_ENUM = 0x%016llx, SDM Vol. 3D A.9)\n",
		vmx_msr(caps, VMX_MSR_VMCS_ENUM));
	snprintf(buf, sizeof(buf), "%llu (0x%llx)", index, index);
	print_field(out, "highest field index", 9, 1, buf);
}

static void print_vmfunc(const struct vmx_caps *caps, FILE *out)
{
	fputc('\n', out);
	if (!vmx_msr_present(caps, VMX_MSR_VMFUNC)) {
		fprintf(out,
			"VM functions: not available (\"Enable VM functions\" may not be 1)\n");
		return;
	}
	fprintf(out,
		"VM functions (IA32_VMX_VMFUNC = 0x%016llx, SDM Vol. 3D A.11)\n",
		vmx_msr(caps, VMX_MSR_VMFUNC));
	print_flags(out, vmx_msr(caps, VMX_MSR_VMFUNC), vmfunc_names, 0);
}

/**
 * vmx_print_feature_control_word() - IA32_FEATURE_CONTROL in a few words
 * @val: the MSR
 * @out: where to
 *
 * Prints e.g. "locked, VMX outside SMX", or "not locked, VMX disabled".
 */
void vmx_print_feature_control_word(__u64 val, FILE *out)
{
	fputs(val & BIT(0) ? "locked" : "not locked", out);
	if (val & BIT(1))
		fputs(", VMX inside SMX", out);
	if (val & BIT(2))
		fputs(", VMX outside SMX", out);
	if (!(val & (BIT(1) | BIT(2))))
		fputs(", VMX disabled", out);
}

static void print_feature_control(const struct vmx_caps *caps, FILE *out)
{
	__u64 val = vmx_msr(caps, VMX_MSR_FEATURE_CONTROL);

	fputc('\n', out);
	if (!vmx_msr_present(caps, VMX_MSR_FEATURE_CONTROL)) {
		fprintf(out, "IA32_FEATURE_CONTROL: not in the dump\n");
		return;
	}
	fprintf(out, "IA32_FEATURE_CONTROL (0x3a = 0x%016llx)\n", val);
	print_flags(out, val & (BIT(0) | BIT(1) | BIT(2)),
		    feature_control_names, 0);
	if ((val & BIT(0)) && !(val & BIT(2)))
		fprintf(out,
			"  VMX outside SMX is locked off: enable VT-x in the firmware (BIOS/UEFI) setup\n");
}

/**
 * vmx_print_decoded() - every capability MSR in plain words
 * @caps: the MSRs
 * @out: where to
 */
void vmx_print_decoded(const struct vmx_caps *caps, FILE *out)
{
	print_basic(caps, out);
	print_controls(caps, out);
	print_ept_vpid(caps, out);
	print_misc(caps, out);
	print_cr_fixed(caps, out);
	print_vmcs_enum(caps, out);
	print_vmfunc(caps, out);
	print_feature_control(caps, out);
}
