// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMX capability MSRs: names, addresses, which exist, raw text form.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "cmd.h"
#include "vmx-msrs.h"

/* When an MSR exists (SDM Vol. 3D, Appendix A.1, A.3.3, A.10, A.11). */
enum vmx_msr_rule {
	MSR_ALWAYS,		/* on every processor with VMX */
	MSR_OPTIONAL,		/* exists, but a dump may leave it out */
	MSR_IF_SECONDARY,
	MSR_IF_EPT_VPID,
	MSR_IF_TRUE_CTLS,
	MSR_IF_VMFUNC,
};

static const char * const rule_text[] = {
	[MSR_IF_SECONDARY] =
		"IA32_VMX_PROCBASED_CTLS bit 63 is 1 (\"Activate secondary controls\" may be 1)",
	[MSR_IF_EPT_VPID] =
		"IA32_VMX_PROCBASED_CTLS2 bit 33 or 37 is 1 (\"Enable EPT\" or \"Enable VPID\" may be 1)",
	[MSR_IF_TRUE_CTLS] = "IA32_VMX_BASIC bit 55 is 1",
	[MSR_IF_VMFUNC] =
		"IA32_VMX_PROCBASED_CTLS2 bit 45 is 1 (\"Enable VM functions\" may be 1)",
};

struct vmx_msr_desc {
	const char *name;
	unsigned int addr;
	size_t offset;
	enum vmx_msr_rule rule;
};

/* IA32_VMX_<id>, at @_addr, held in struct minivmx_vmx_msrs.@field */
#define VMX_MSR(id, _addr, field, _rule)				\
	[VMX_MSR_##id] = {						\
		.name = "IA32_VMX_" #id,				\
		.addr = _addr,						\
		.offset = offsetof(struct minivmx_vmx_msrs, field),	\
		.rule = _rule,						\
	}

static const struct vmx_msr_desc vmx_msr_table[VMX_NR_MSRS] = {
	[VMX_MSR_FEATURE_CONTROL] = {
		.name = "IA32_FEATURE_CONTROL",
		.addr = 0x3a,
		.offset = offsetof(struct minivmx_vmx_msrs, feature_control),
		.rule = MSR_OPTIONAL,
	},
	VMX_MSR(BASIC, 0x480, basic, MSR_ALWAYS),
	VMX_MSR(PINBASED_CTLS, 0x481, pinbased_ctls, MSR_ALWAYS),
	VMX_MSR(PROCBASED_CTLS, 0x482, procbased_ctls, MSR_ALWAYS),
	VMX_MSR(EXIT_CTLS, 0x483, exit_ctls, MSR_ALWAYS),
	VMX_MSR(ENTRY_CTLS, 0x484, entry_ctls, MSR_ALWAYS),
	VMX_MSR(MISC, 0x485, misc, MSR_ALWAYS),
	VMX_MSR(CR0_FIXED0, 0x486, cr0_fixed0, MSR_ALWAYS),
	VMX_MSR(CR0_FIXED1, 0x487, cr0_fixed1, MSR_ALWAYS),
	VMX_MSR(CR4_FIXED0, 0x488, cr4_fixed0, MSR_ALWAYS),
	VMX_MSR(CR4_FIXED1, 0x489, cr4_fixed1, MSR_ALWAYS),
	VMX_MSR(VMCS_ENUM, 0x48a, vmcs_enum, MSR_ALWAYS),
	VMX_MSR(PROCBASED_CTLS2, 0x48b, procbased_ctls2, MSR_IF_SECONDARY),
	VMX_MSR(EPT_VPID_CAP, 0x48c, ept_vpid_cap, MSR_IF_EPT_VPID),
	VMX_MSR(TRUE_PINBASED_CTLS, 0x48d, true_pinbased_ctls, MSR_IF_TRUE_CTLS),
	VMX_MSR(TRUE_PROCBASED_CTLS, 0x48e, true_procbased_ctls, MSR_IF_TRUE_CTLS),
	VMX_MSR(TRUE_EXIT_CTLS, 0x48f, true_exit_ctls, MSR_IF_TRUE_CTLS),
	VMX_MSR(TRUE_ENTRY_CTLS, 0x490, true_entry_ctls, MSR_IF_TRUE_CTLS),
	VMX_MSR(VMFUNC, 0x491, vmfunc, MSR_IF_VMFUNC),
};

const char *vmx_msr_name(enum vmx_msr_id id)
{
	return vmx_msr_table[id].name;
}

unsigned int vmx_msr_addr(enum vmx_msr_id id)
{
	return vmx_msr_table[id].addr;
}

__u64 vmx_msr(const struct vmx_caps *caps, enum vmx_msr_id id)
{
	__u64 val;

	memcpy(&val, (const char *)&caps->msrs + vmx_msr_table[id].offset,
	       sizeof(val));
	return val;
}

static void set_msr(struct vmx_caps *caps, enum vmx_msr_id id, __u64 val)
{
	memcpy((char *)&caps->msrs + vmx_msr_table[id].offset, &val,
	       sizeof(val));
	caps->present |= 1U << id;
}

bool vmx_msr_present(const struct vmx_caps *caps, enum vmx_msr_id id)
{
	return caps->present & (1U << id);
}

/* Does the SDM say this MSR exists, given the values of the others? */
static bool msr_exists(const struct minivmx_vmx_msrs *m, enum vmx_msr_rule rule)
{
	switch (rule) {
	case MSR_IF_SECONDARY:
		return m->procbased_ctls & VMX_PROCBASED_SECONDARY;
	case MSR_IF_EPT_VPID:
		return msr_exists(m, MSR_IF_SECONDARY) &&
		       (m->procbased_ctls2 &
			(VMX_PROCBASED2_EPT | VMX_PROCBASED2_VPID));
	case MSR_IF_TRUE_CTLS:
		return m->basic & VMX_BASIC_TRUE_CTLS;
	case MSR_IF_VMFUNC:
		return msr_exists(m, MSR_IF_SECONDARY) &&
		       (m->procbased_ctls2 & VMX_PROCBASED2_VMFUNC);
	default:
		return true;
	}
}

/**
 * vmx_caps_from_msrs() - take the MSRs the module read
 * @caps: out
 * @msrs: the module's values, 0 for an MSR that does not exist
 *
 * Which MSRs exist follows from the values of the others.
 */
void vmx_caps_from_msrs(struct vmx_caps *caps,
			const struct minivmx_vmx_msrs *msrs)
{
	int id;

	caps->msrs = *msrs;
	caps->present = 0;
	for (id = 0; id < VMX_NR_MSRS; id++)
		if (msr_exists(msrs, vmx_msr_table[id].rule))
			caps->present |= 1U << id;
}

/**
 * vmx_caps_print_raw() - print every MSR that exists, one per line
 * @caps: the MSRs
 * @out: where to
 *
 * The format, "NAME (0xADDR) = 0x%016llx", is what vmx_caps_parse() reads
 * and what the in-guest tests compare with /dev/cpu/N/msr.
 */
void vmx_caps_print_raw(const struct vmx_caps *caps, FILE *out)
{
	int id;

	for (id = 0; id < VMX_NR_MSRS; id++)
		if (vmx_msr_present(caps, id))
			fprintf(out, "%s (0x%x) = 0x%016llx\n",
				vmx_msr_name(id), vmx_msr_addr(id),
				vmx_msr(caps, id));
}

/* Reading a raw dump back. */

#define DUMP_LINE_MAX	256
#define DUMP_NAME_MAX	64

struct dump_reader {
	const char *filename;
	unsigned int lineno;
	unsigned int line_of[VMX_NR_MSRS];	/* 0: not seen yet */
};

static int dump_error(const struct dump_reader *r, const char *fmt, ...)
	__printf(2, 3);

static int dump_error(const struct dump_reader *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "minivmx: %s:", r->filename);
	if (r->lineno)
		fprintf(stderr, "%u:", r->lineno);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0x" and 1 to 16 hex digits; *s moves past them. */
static int parse_hex(const char **s, __u64 *val)
{
	const char *p = *s;
	int digits = 0, d;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return -1;
	p += 2;
	*val = 0;
	while ((d = hex_digit(*p)) >= 0) {
		if (++digits > 16)
			return -1;
		*val = *val << 4 | d;
		p++;
	}
	if (!digits)
		return -1;
	*s = p;
	return 0;
}

static int expect_char(const char **s, char c)
{
	*s = skip_spaces(*s);
	if (**s != c)
		return -1;
	*s = skip_spaces(*s + 1);
	return 0;
}

static int find_msr(const char *name)
{
	int id;

	for (id = 0; id < VMX_NR_MSRS; id++)
		if (!strcmp(vmx_msr_table[id].name, name))
			return id;
	return -1;
}

/* Split "NAME (0xADDR) = 0xVALUE"; 0 on success. */
static int split_line(const char *s, char *name, __u64 *addr, __u64 *val)
{
	size_t len = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	if (!len || len >= DUMP_NAME_MAX)
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	s += len;
	if (expect_char(&s, '(') || parse_hex(&s, addr) ||
	    expect_char(&s, ')') || expect_char(&s, '=') ||
	    parse_hex(&s, val))
		return -1;
	s = skip_spaces(s);
	return *s == '\n' || *s == '\r' || *s == '\0' ? 0 : -1;
}

static int parse_line(struct vmx_caps *caps, struct dump_reader *r,
		      const char *line)
{
	char name[DUMP_NAME_MAX];
	__u64 addr, val;
	int id;

	line = skip_spaces(line);
	if (*line == '#' || *line == '\n' || *line == '\r' || !*line)
		return 0;
	if (split_line(line, name, &addr, &val))
		return dump_error(r,
				  "expected 'NAME (0xADDR) = 0xVALUE' as 'minivmx info --raw' prints it, got: %.60s",
				  line);
	id = find_msr(name);
	if (id < 0)
		return dump_error(r, "unknown MSR name '%s'", name);
	if (addr != vmx_msr_table[id].addr)
		return dump_error(r, "%s is MSR 0x%x, not 0x%llx", name,
				  vmx_msr_table[id].addr, addr);
	if (r->line_of[id])
		return dump_error(r, "%s appears twice (first on line %u)",
				  name, r->line_of[id]);
	r->line_of[id] = r->lineno;
	set_msr(caps, id, val);
	return 0;
}

/* The dump must hold exactly the MSRs that exist by the SDM's rules. */
static int check_presence(const struct vmx_caps *caps, struct dump_reader *r)
{
	const struct vmx_msr_desc *d;
	bool exists;
	int id;

	r->lineno = 0;
	if (!caps->present)
		return dump_error(r, "no MSR lines: not a dump from 'minivmx info --raw'");
	for (id = 0; id < VMX_NR_MSRS; id++) {
		d = &vmx_msr_table[id];
		if (d->rule == MSR_OPTIONAL)
			continue;
		exists = msr_exists(&caps->msrs, d->rule);
		if (exists && !vmx_msr_present(caps, id) &&
		    d->rule == MSR_ALWAYS)
			return dump_error(r, "%s (0x%x) is missing: every VMX processor has it",
					  d->name, d->addr);
		if (exists && !vmx_msr_present(caps, id))
			return dump_error(r, "%s (0x%x) is missing: it exists since %s",
					  d->name, d->addr, rule_text[d->rule]);
		if (!exists && vmx_msr_present(caps, id)) {
			r->lineno = r->line_of[id];
			return dump_error(r, "%s cannot exist: it exists only if %s",
					  d->name, rule_text[d->rule]);
		}
	}
	return 0;
}

/**
 * vmx_caps_parse() - read a raw dump as vmx_caps_print_raw() writes it
 * @caps: out
 * @in: the dump
 * @filename: its name, for messages
 *
 * Blank lines and lines starting with '#' are skipped.  Every other line
 * must be "NAME (0xADDR) = 0xVALUE" with a known name and its address, at
 * most once; the set of MSRs must be the one the SDM's rules allow for
 * these values (IA32_FEATURE_CONTROL may be left out).  Errors are printed
 * with the file name and line number.
 *
 * Return: 0, or -1 after printing why the dump is rejected.
 */
int vmx_caps_parse(struct vmx_caps *caps, FILE *in, const char *filename)
{
	struct dump_reader r = { .filename = filename };
	char line[DUMP_LINE_MAX];
	size_t len;

	memset(caps, 0, sizeof(*caps));
	while (fgets(line, sizeof(line), in)) {
		r.lineno++;
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n')
			return dump_error(&r, "line longer than %d characters",
					  DUMP_LINE_MAX - 2);
		if (parse_line(caps, &r, line))
			return -1;
	}
	if (ferror(in)) {
		r.lineno = 0;
		return dump_error(&r, "read error");
	}
	return check_presence(caps, &r);
}
