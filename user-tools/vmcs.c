// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMCS by name.  The table is the one list of field encodings in the
 * tool; an encoding's width and type are in its bits (SDM Vol. 3D B.1:
 * bit 0 access type, 9:1 index, 11:10 type, 14:13 width), the group is
 * the SDM section that describes the field.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "exit-decode.h"
#include "util.h"
#include "vmcs.h"
#include "vmx-bits.h"
#include "vmx-names.h"

#define F(enc, name, group, kind)	{ enc, #name, group, kind }
#define G(enc, name)			F(enc, name, VMCS_GUEST, VK_HEX)
#define GK(enc, name, kind)		F(enc, name, VMCS_GUEST, kind)
#define X(enc, name)			F(enc, name, VMCS_EXEC_CTL, VK_HEX)
#define XK(enc, name, kind)		F(enc, name, VMCS_EXEC_CTL, kind)
#define XT(enc, name, kind)		F(enc, name, VMCS_EXIT_CTL, kind)
#define EN(enc, name, kind)		F(enc, name, VMCS_ENTRY_CTL, kind)
#define I(enc, name, kind)		F(enc, name, VMCS_EXIT_INFO, kind)

const struct vmcs_field_desc vmcs_fields[] = {
	/* Guest-state area (SDM 25.4): registers, then non-register state */
	GK(0x6800, GUEST_CR0, VK_CR0),
	G(0x6802, GUEST_CR3),
	GK(0x6804, GUEST_CR4, VK_CR4),
	G(0x681a, GUEST_DR7),
	G(0x681c, GUEST_RSP),
	G(0x681e, GUEST_RIP),
	GK(0x6820, GUEST_RFLAGS, VK_RFLAGS),
	G(0x0802, GUEST_CS_SELECTOR),
	G(0x6808, GUEST_CS_BASE),
	G(0x4802, GUEST_CS_LIMIT),
	GK(0x4816, GUEST_CS_AR_BYTES, VK_AR),
	G(0x0804, GUEST_SS_SELECTOR),
	G(0x680a, GUEST_SS_BASE),
	G(0x4804, GUEST_SS_LIMIT),
	GK(0x4818, GUEST_SS_AR_BYTES, VK_AR),
	G(0x0806, GUEST_DS_SELECTOR),
	G(0x680c, GUEST_DS_BASE),
	G(0x4806, GUEST_DS_LIMIT),
	GK(0x481a, GUEST_DS_AR_BYTES, VK_AR),
	G(0x0800, GUEST_ES_SELECTOR),
	G(0x6806, GUEST_ES_BASE),
	G(0x4800, GUEST_ES_LIMIT),
	GK(0x4814, GUEST_ES_AR_BYTES, VK_AR),
	G(0x0808, GUEST_FS_SELECTOR),
	G(0x680e, GUEST_FS_BASE),
	G(0x4808, GUEST_FS_LIMIT),
	GK(0x481c, GUEST_FS_AR_BYTES, VK_AR),
	G(0x080a, GUEST_GS_SELECTOR),
	G(0x6810, GUEST_GS_BASE),
	G(0x480a, GUEST_GS_LIMIT),
	GK(0x481e, GUEST_GS_AR_BYTES, VK_AR),
	G(0x080c, GUEST_LDTR_SELECTOR),
	G(0x6812, GUEST_LDTR_BASE),
	G(0x480c, GUEST_LDTR_LIMIT),
	GK(0x4820, GUEST_LDTR_AR_BYTES, VK_AR),
	G(0x080e, GUEST_TR_SELECTOR),
	G(0x6814, GUEST_TR_BASE),
	G(0x480e, GUEST_TR_LIMIT),
	GK(0x4822, GUEST_TR_AR_BYTES, VK_AR),
	G(0x6816, GUEST_GDTR_BASE),
	G(0x4810, GUEST_GDTR_LIMIT),
	G(0x6818, GUEST_IDTR_BASE),
	G(0x4812, GUEST_IDTR_LIMIT),
	G(0x2802, GUEST_IA32_DEBUGCTL),
	G(0x482a, GUEST_SYSENTER_CS),
	G(0x6824, GUEST_SYSENTER_ESP),
	G(0x6826, GUEST_SYSENTER_EIP),
	G(0x2808, GUEST_IA32_PERF_GLOBAL_CTRL),
	G(0x2804, GUEST_IA32_PAT),
	GK(0x2806, GUEST_IA32_EFER, VK_EFER),
	G(0x2812, GUEST_BNDCFGS),
	G(0x2814, GUEST_IA32_RTIT_CTL),
	G(0x4828, GUEST_SMBASE),
	GK(0x4826, GUEST_ACTIVITY_STATE, VK_ACTIVITY),
	GK(0x4824, GUEST_INTERRUPTIBILITY_INFO, VK_INTERRUPTIBILITY),
	G(0x6822, GUEST_PENDING_DBG_EXCEPTIONS),
	G(0x2800, VMCS_LINK_POINTER),
	G(0x482e, VMX_PREEMPTION_TIMER_VALUE),
	G(0x280a, GUEST_PDPTR0),
	G(0x280c, GUEST_PDPTR1),
	G(0x280e, GUEST_PDPTR2),
	G(0x2810, GUEST_PDPTR3),
	G(0x0810, GUEST_INTR_STATUS),
	G(0x0812, GUEST_PML_INDEX),

	/* VM-execution control fields (SDM 25.6) */
	XK(0x4000, PIN_BASED_VM_EXEC_CONTROL, VK_PIN),
	XK(0x4002, CPU_BASED_VM_EXEC_CONTROL, VK_PROC),
	XK(0x401e, SECONDARY_VM_EXEC_CONTROL, VK_PROC2),
	X(0x2034, TERTIARY_VM_EXEC_CONTROL),
	XK(0x4004, EXCEPTION_BITMAP, VK_EXC_BITMAP),
	X(0x4006, PAGE_FAULT_ERROR_CODE_MASK),
	X(0x4008, PAGE_FAULT_ERROR_CODE_MATCH),
	X(0x2000, IO_BITMAP_A),
	X(0x2002, IO_BITMAP_B),
	X(0x2010, TSC_OFFSET),
	X(0x2032, TSC_MULTIPLIER),
	X(0x6000, CR0_GUEST_HOST_MASK),
	XK(0x6004, CR0_READ_SHADOW, VK_CR0),
	X(0x6002, CR4_GUEST_HOST_MASK),
	XK(0x6006, CR4_READ_SHADOW, VK_CR4),
	X(0x400a, CR3_TARGET_COUNT),
	X(0x6008, CR3_TARGET_VALUE0),
	X(0x600a, CR3_TARGET_VALUE1),
	X(0x600c, CR3_TARGET_VALUE2),
	X(0x600e, CR3_TARGET_VALUE3),
	X(0x2012, VIRTUAL_APIC_PAGE_ADDR),
	X(0x401c, TPR_THRESHOLD),
	X(0x2014, APIC_ACCESS_ADDR),
	X(0x0002, POSTED_INTR_NV),
	X(0x2016, POSTED_INTR_DESC_ADDR),
	X(0x201c, EOI_EXIT_BITMAP0),
	X(0x201e, EOI_EXIT_BITMAP1),
	X(0x2020, EOI_EXIT_BITMAP2),
	X(0x2022, EOI_EXIT_BITMAP3),
	X(0x2004, MSR_BITMAP),
	X(0x200c, EXECUTIVE_VMCS_POINTER),
	XK(0x201a, EPT_POINTER, VK_EPTP),
	X(0x0000, VIRTUAL_PROCESSOR_ID),
	X(0x4020, PLE_GAP),
	X(0x4022, PLE_WINDOW),
	X(0x2018, VM_FUNCTION_CONTROL),
	X(0x2024, EPTP_LIST_ADDRESS),
	X(0x0004, EPTP_INDEX),
	X(0x2026, VMREAD_BITMAP),
	X(0x2028, VMWRITE_BITMAP),
	X(0x202e, ENCLS_EXITING_BITMAP),
	X(0x200e, PML_ADDRESS),
	X(0x202a, VE_INFORMATION_ADDRESS),
	X(0x202c, XSS_EXIT_BITMAP),
	X(0x4024, NOTIFY_WINDOW),

	/* VM-exit control fields (SDM 25.7) */
	XT(0x400c, VM_EXIT_CONTROLS, VK_EXIT),
	XT(0x400e, VM_EXIT_MSR_STORE_COUNT, VK_HEX),
	XT(0x2006, VM_EXIT_MSR_STORE_ADDR, VK_HEX),
	XT(0x4010, VM_EXIT_MSR_LOAD_COUNT, VK_HEX),
	XT(0x2008, VM_EXIT_MSR_LOAD_ADDR, VK_HEX),

	/* VM-entry control fields (SDM 25.8) */
	EN(0x4012, VM_ENTRY_CONTROLS, VK_ENTRY),
	EN(0x4014, VM_ENTRY_MSR_LOAD_COUNT, VK_HEX),
	EN(0x200a, VM_ENTRY_MSR_LOAD_ADDR, VK_HEX),
	EN(0x4016, VM_ENTRY_INTR_INFO_FIELD, VK_INTR_INFO),
	EN(0x4018, VM_ENTRY_EXCEPTION_ERROR_CODE, VK_HEX),
	EN(0x401a, VM_ENTRY_INSTRUCTION_LEN, VK_HEX),

	/* VM-exit information fields (SDM 25.9) */
	I(0x4402, VM_EXIT_REASON, VK_REASON),
	I(0x6400, EXIT_QUALIFICATION, VK_QUAL),
	I(0x640a, GUEST_LINEAR_ADDRESS, VK_HEX),
	I(0x2400, GUEST_PHYSICAL_ADDRESS, VK_HEX),
	I(0x4404, VM_EXIT_INTR_INFO, VK_INTR_INFO),
	I(0x4406, VM_EXIT_INTR_ERROR_CODE, VK_HEX),
	I(0x4408, IDT_VECTORING_INFO_FIELD, VK_INTR_INFO),
	I(0x440a, IDT_VECTORING_ERROR_CODE, VK_HEX),
	I(0x440c, VM_EXIT_INSTRUCTION_LEN, VK_HEX),
	I(0x440e, VMX_INSTRUCTION_INFO, VK_HEX),
	I(0x6402, IO_RCX, VK_HEX),
	I(0x6404, IO_RSI, VK_HEX),
	I(0x6406, IO_RDI, VK_HEX),
	I(0x6408, IO_RIP, VK_HEX),
	I(0x4400, VM_INSTRUCTION_ERROR, VK_INSN_ERROR),
};

const unsigned int vmcs_nr_fields = ARRAY_SIZE(vmcs_fields);

static const char * const group_titles[NR_VMCS_GROUPS] = {
	[VMCS_GUEST] = "Guest-state area (SDM Vol. 3C 25.4)",
	[VMCS_EXEC_CTL] = "VM-execution control fields (SDM Vol. 3C 25.6)",
	[VMCS_EXIT_CTL] = "VM-exit control fields (SDM Vol. 3C 25.7)",
	[VMCS_ENTRY_CTL] = "VM-entry control fields (SDM Vol. 3C 25.8)",
	[VMCS_EXIT_INFO] = "VM-exit information fields (SDM Vol. 3C 25.9)",
};

/**
 * vmcs_group_title() - the heading of a group
 * @group: the group
 *
 * Return: "Guest-state area (SDM Vol. 3C 25.4)" and so on.
 */
const char *vmcs_group_title(enum vmcs_group group)
{
	return group < NR_VMCS_GROUPS ? group_titles[group] : "?";
}

/**
 * vmcs_field_find() - a field of the table by encoding
 * @encoding: the encoding
 *
 * Return: its entry, or NULL.
 */
const struct vmcs_field_desc *vmcs_field_find(__u32 encoding)
{
	unsigned int i;

	for (i = 0; i < vmcs_nr_fields; i++)
		if (vmcs_fields[i].encoding == encoding)
			return &vmcs_fields[i];
	return NULL;
}


/*
 * The names of the set bits, "A, B, C", then the unnamed ones as ranges:
 * "(other bits 1-2, 4)" (in the controls, mostly the default-1 bits of
 * SDM Vol. 3D A.2).
 */
static void ob_bits(struct sbuf *o, __u64 v, const char * const *names,
		    unsigned int nr_names, const char *sep)
{
	const char *s = "", *rs = "";
	unsigned int bit, end;
	__u64 other = 0;

	for (bit = 0; bit < 64; bit++) {
		if (!(v & BIT_ULL(bit)))
			continue;
		if (bit < nr_names && names[bit]) {
			sb_printf(o, "%s%s", s, names[bit]);
			s = sep;
		} else {
			other |= BIT_ULL(bit);
		}
	}
	if (!other) {
		if (!*s)
			sb_printf(o, "none");
		return;
	}
	sb_printf(o, "%s(other bits ", *s ? " " : "");
	for (bit = 0; bit < 64; bit = end + 1) {
		end = bit;
		if (!(other & BIT_ULL(bit)))
			continue;
		while (end < 63 && (other & BIT_ULL(end + 1)))
			end++;
		if (end == bit)
			sb_printf(o, "%s%u", rs, bit);
		else
			sb_printf(o, "%s%u-%u", rs, bit, end);
		rs = ", ";
	}
	sb_printf(o, ")");
}

static const char * const rflags_names[32] = {
	[0] = "CF", [2] = "PF", [4] = "AF", [6] = "ZF", [7] = "SF",
	[8] = "TF", [9] = "IF", [10] = "DF", [11] = "OF", [14] = "NT",
	[16] = "RF", [17] = "VM", [18] = "AC", [19] = "VIF", [20] = "VIP",
	[21] = "ID",
};

static const char * const efer_names[16] = {
	[0] = "SCE", [8] = "LME", [10] = "LMA", [11] = "NXE", [12] = "SVME",
	[13] = "LMSLE", [14] = "FFXSR", [15] = "TCE",
};

static const char * const interruptibility_names[8] = {
	[0] = "blocking by STI", [1] = "blocking by MOV SS",
	[2] = "blocking by SMI", [3] = "blocking by NMI",
	[4] = "enclave interruption",
};

/* System-segment and gate types (SDM Vol. 3A 3.5, Table 3-2). */
static const char * const system_types[16] = {
	[1] = "16-bit TSS (available)", [2] = "LDT",
	[3] = "16-bit TSS (busy)", [4] = "16-bit call gate",
	[5] = "task gate", [6] = "16-bit interrupt gate",
	[7] = "16-bit trap gate", [9] = "TSS (available)",
	[11] = "TSS (busy)", [12] = "call gate", [14] = "interrupt gate",
	[15] = "trap gate",
};

/* Access rights (SDM 25.4.1, Table 25-2). */
static void ob_access_rights(struct sbuf *o, __u64 ar)
{
	unsigned int type = ar & 0xf;

	if (ar & BIT_ULL(16)) {
		sb_printf(o, "unusable");
		return;
	}
	if (!(ar & BIT_ULL(4)))
		sb_printf(o, "system: %s", system_types[type] ?
			  system_types[type] : "reserved type");
	else if (type & 8)
		sb_printf(o, "code, %s%s%s", type & 2 ? "execute/read" :
			  "execute-only", type & 4 ? ", conforming" : "",
			  type & 1 ? ", accessed" : "");
	else
		sb_printf(o, "data, %s%s%s", type & 2 ? "read/write" :
			  "read-only", type & 4 ? ", expand-down" : "",
			  type & 1 ? ", accessed" : "");
	sb_printf(o, "; DPL %u, %spresent, L=%u D/B=%u G=%u AVL=%u",
		  (unsigned int)(ar >> 5) & 3, ar & BIT_ULL(7) ? "" : "not ",
		  (unsigned int)(ar >> 13) & 1, (unsigned int)(ar >> 14) & 1,
		  (unsigned int)(ar >> 15) & 1, (unsigned int)(ar >> 12) & 1);
}

static void ob_exc_bitmap(struct sbuf *o, __u64 v)
{
	const char *s = "";
	unsigned int vec;

	for (vec = 0; vec < 32; vec++) {
		if (!(v & BIT_ULL(vec)))
			continue;
		sb_printf(o, "%s%s", s, exception_name(vec) ?
			  exception_name(vec) : "?");
		s = ", ";
	}
	if (!*s)
		sb_printf(o, "none");
}

static void ob_eptp(struct sbuf *o, __u64 v)
{
	unsigned int type = v & 7;

	sb_printf(o, "memory type %s, %u-level walk, accessed/dirty flags %s",
		  type == 6 ? "WB" : type == 0 ? "UC" : "reserved",
		  (unsigned int)((v >> 3) & 7) + 1,
		  v & BIT_ULL(6) ? "on" : "off");
}

/* The value of another field of the dump, if it was read. */
static bool other(const __u64 *values, const int *errs, __u32 enc, __u64 *v)
{
	const struct vmcs_field_desc *f = vmcs_field_find(enc);

	if (!f || !values || (errs && errs[f - vmcs_fields]))
		return false;
	*v = values[f - vmcs_fields];
	return true;
}

static void ob_qual(struct sbuf *o, __u64 qual, const __u64 *values,
		    const int *errs)
{
	struct exit_info e = { .qual = qual };
	__u64 reason, v;
	char buf[256];

	if (!other(values, errs, 0x4402, &reason) || (reason & BIT_ULL(31)))
		return;
	e.reason = reason & 0xffff;
	if (other(values, errs, 0x2400, &v))
		e.gpa = v;
	e.has_gla = other(values, errs, 0x640a, &v);
	if (e.has_gla)
		e.gla = v;
	if (other(values, errs, 0x4404, &v))
		e.intr_info = v;
	if (other(values, errs, 0x4408, &v))
		e.idt_vectoring_info = v;
	exit_describe(buf, sizeof(buf), &e);
	sb_printf(o, "%s", buf);
}

/**
 * vmcs_describe() - a field's value in words
 * @buf: where the words go, NUL-terminated ("" for a plain number)
 * @len: size of @buf
 * @f: the field
 * @value: its value
 * @values: the values of the whole table (vmcs_fields[] order), or NULL:
 *	the exit qualification is spelled out by the exit reason
 * @errs: beside @values, non-zero where a field could not be read; or
 *	NULL
 *
 * Return: the length of the whole text, as snprintf().
 */
size_t vmcs_describe(char *buf, size_t len, const struct vmcs_field_desc *f,
		     __u64 value, const __u64 *values, const int *errs)
{
	struct sbuf o = { buf, len, 0 };
	const char *name;
	char tmp[128];

	if (len)
		buf[0] = 0;
	switch (f->kind) {
	case VK_HEX:
		break;
	case VK_PIN:
		ob_bits(&o, value, vmx_pin_ctl_names, 32, ", ");
		break;
	case VK_PROC:
		ob_bits(&o, value, vmx_proc_ctl_names, 32, ", ");
		break;
	case VK_PROC2:
		ob_bits(&o, value, vmx_proc2_ctl_names, 32, ", ");
		break;
	case VK_EXIT:
		ob_bits(&o, value, vmx_exit_ctl_names, 32, ", ");
		break;
	case VK_ENTRY:
		ob_bits(&o, value, vmx_entry_ctl_names, 32, ", ");
		break;
	case VK_AR:
		ob_access_rights(&o, value);
		break;
	case VK_CR0:
		ob_bits(&o, value, vmx_cr0_names, 64, " ");
		break;
	case VK_CR4:
		ob_bits(&o, value, vmx_cr4_names, 64, " ");
		break;
	case VK_EFER:
		ob_bits(&o, value, efer_names, ARRAY_SIZE(efer_names), " ");
		break;
	case VK_RFLAGS:
		/* bit 1 is always 1 */
		ob_bits(&o, value & ~2ULL, rflags_names,
			ARRAY_SIZE(rflags_names), " ");
		break;
	case VK_EXC_BITMAP:
		ob_exc_bitmap(&o, value);
		break;
	case VK_INTR_INFO:
		intr_info_describe(tmp, sizeof(tmp), value);
		sb_printf(&o, "%s", tmp);
		break;
	case VK_INTERRUPTIBILITY:
		ob_bits(&o, value, interruptibility_names,
			ARRAY_SIZE(interruptibility_names), ", ");
		break;
	case VK_ACTIVITY:
		sb_printf(&o, "%s", value == 0 ? "active" : value == 1 ? "HLT" :
			  value == 2 ? "shutdown" : value == 3 ?
			  "wait-for-SIPI" : "reserved");
		break;
	case VK_EPTP:
		ob_eptp(&o, value);
		break;
	case VK_REASON:
		name = vmx_exit_reason_name(value & 0xffff);
		sb_printf(&o, "%s%s", name ? name : "unknown",
			  value & BIT_ULL(31) ? ", VM entry failed" : "");
		break;
	case VK_QUAL:
		ob_qual(&o, value, values, errs);
		break;
	case VK_INSN_ERROR:
		name = value ? vmx_insn_error_name(value) : NULL;
		if (name)
			sb_printf(&o, "%s", name);
		break;
	}
	return o.pos;
}

/**
 * vmcs_print() - the VMCS, group by group
 * @out: where to write
 * @values: the value of each field of vmcs_fields[]
 * @errs: beside @values: 0 where the field was read, else -errno; fields
 *	the CPU does not have (-EINVAL) are counted, not listed
 *
 * One line per field: name, value, and the value in words where there are
 * any.
 */
void vmcs_print(FILE *out, const __u64 *values, const int *errs)
{
	unsigned int g, i, missing = 0;
	char words[512];

	for (g = 0; g < NR_VMCS_GROUPS; g++) {
		fprintf(out, "%s\n", vmcs_group_title(g));
		for (i = 0; i < vmcs_nr_fields; i++) {
			if (vmcs_fields[i].group != g)
				continue;
			if (errs[i]) {
				missing++;
				continue;
			}
			vmcs_describe(words, sizeof(words), &vmcs_fields[i],
				      values[i], values, errs);
			fprintf(out, "  %-30s %#18llx%s%s\n",
				vmcs_fields[i].name,
				(unsigned long long)values[i],
				words[0] ? "  " : "", words);
		}
	}
	if (missing)
		fprintf(out, "(%u of the table's fields are not in this CPU's VMCS)\n",
			missing);
}
