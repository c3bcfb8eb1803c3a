// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM exit in words.  The exit qualification's layout depends on the
 * exit reason (SDM Vol. 3C 28.2.1, Tables 28-1 to 28-7); the interruption
 * information fields share one layout (SDM Vol. 3C 25.9.2, Table 25-19).
 * Everything is written with snprintf() into the caller's buffer and
 * truncated, never overrun.
 */
#include <stdarg.h>
#include <stdio.h>

#include "exit-decode.h"
#include "util.h"

/* Interruption information (Table 25-19) */
#define INTR_INFO_VECTOR(i)	((i) & 0xff)
#define INTR_INFO_TYPE(i)	(((i) >> 8) & 7)
#define INTR_INFO_ERROR_CODE	BIT_ULL(11)
#define INTR_INFO_VALID		BIT_ULL(31)

/* Control-register accesses (Table 28-3) */
#define CR_QUAL_CR(q)		((q) & 0xf)
#define CR_QUAL_TYPE(q)		(((q) >> 4) & 3)
#define CR_QUAL_LMSW_MEM	BIT_ULL(6)
#define CR_QUAL_GPR(q)		(((q) >> 8) & 0xf)
#define CR_QUAL_LMSW_DATA(q)	(((q) >> 16) & 0xffff)

/* MOV DR (Table 28-4) */
#define DR_QUAL_DR(q)		((q) & 7)
#define DR_QUAL_FROM_DR		BIT_ULL(4)
#define DR_QUAL_GPR(q)		(((q) >> 8) & 0xf)

/* I/O instructions (Table 28-5) */
#define IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define IO_QUAL_IN		BIT_ULL(3)
#define IO_QUAL_STRING		BIT_ULL(4)
#define IO_QUAL_REP		BIT_ULL(5)
#define IO_QUAL_PORT(q)		(((q) >> 16) & 0xffff)

/* EPT violations (Table 28-7) */
#define EPT_QUAL_READ		BIT_ULL(0)
#define EPT_QUAL_WRITE		BIT_ULL(1)
#define EPT_QUAL_FETCH		BIT_ULL(2)
#define EPT_QUAL_READABLE	BIT_ULL(3)
#define EPT_QUAL_WRITABLE	BIT_ULL(4)
#define EPT_QUAL_EXECUTABLE	BIT_ULL(5)
#define EPT_QUAL_PERMS		(EPT_QUAL_READABLE | EPT_QUAL_WRITABLE | \
				 EPT_QUAL_EXECUTABLE)
#define EPT_QUAL_GLA_VALID	BIT_ULL(7)
#define EPT_QUAL_GLA_XLATE	BIT_ULL(8)


static const char * const gprs[16] = {
	"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
};

/**
 * gpr_name() - a general register by the number exit qualifications use
 * @nr: 0-15 (SDM Table 28-3: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, ...)
 *
 * Return: "RAX" and so on; "R?" for a number past 15.
 */
const char *gpr_name(unsigned int nr)
{
	return nr < ARRAY_SIZE(gprs) ? gprs[nr] : "R?";
}

/* Exception mnemonics by vector (SDM Vol. 3A 6.3.1, Table 6-1). */
static const char * const exceptions[32] = {
	[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF",
	[5] = "#BR", [6] = "#UD", [7] = "#NM", [8] = "#DF", [10] = "#TS",
	[11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF", [16] = "#MF",
	[17] = "#AC", [18] = "#MC", [19] = "#XM", [20] = "#VE", [21] = "#CP",
};

/**
 * exception_name() - an exception's mnemonic
 * @vector: 0-31
 *
 * Return: "#GP" and so on, "NMI" for 2, NULL for a reserved vector.
 */
const char *exception_name(unsigned int vector)
{
	return vector < ARRAY_SIZE(exceptions) ? exceptions[vector] : NULL;
}

static const char * const event_types[8] = {
	"external interrupt", "reserved event type 1", "NMI",
	"hardware exception", "software interrupt",
	"privileged software exception", "software exception", "other event",
};

static void sb_intr_info(struct sbuf *sb, __u32 info)
{
	unsigned int vector = INTR_INFO_VECTOR(info);
	unsigned int type = INTR_INFO_TYPE(info);

	if (!(info & INTR_INFO_VALID)) {
		sb_printf(sb, "no event");
		return;
	}
	sb_printf(sb, "%s", event_types[type]);
	if ((type == 3 || type == 5 || type == 6) && vector < 32 &&
	    exceptions[vector])
		sb_printf(sb, " %s", exceptions[vector]);
	if (type != 2)
		sb_printf(sb, " (vector %u)", vector);
	if (info & INTR_INFO_ERROR_CODE)
		sb_printf(sb, " with an error code");
}

/**
 * intr_info_describe() - interruption information in words
 * @buf: where the words go, NUL-terminated
 * @len: size of @buf
 * @info: VM-exit or IDT-vectoring interruption information, or the
 *	VM-entry interruption-information field
 *
 * "hardware exception #GP (vector 13) with an error code", "no event"
 * when bit 31 (valid) is clear.
 *
 * Return: the length of the whole text, as snprintf().
 */
size_t intr_info_describe(char *buf, size_t len, __u32 info)
{
	struct sbuf sb = { buf, len, 0 };

	if (len)
		buf[0] = 0;
	sb_intr_info(&sb, info);
	return sb.pos;
}

static void describe_cr(struct sbuf *sb, __u64 q)
{
	unsigned int cr = CR_QUAL_CR(q);
	const char *gpr = gpr_name(CR_QUAL_GPR(q));

	switch (CR_QUAL_TYPE(q)) {
	case 0:
		sb_printf(sb, "MOV to CR%u from %s", cr, gpr);
		break;
	case 1:
		sb_printf(sb, "MOV from CR%u to %s", cr, gpr);
		break;
	case 2:
		sb_printf(sb, "CLTS");
		break;
	default:
		sb_printf(sb, "LMSW of %#llx from %s",
			  (unsigned long long)CR_QUAL_LMSW_DATA(q),
			  q & CR_QUAL_LMSW_MEM ? "memory" : "a register");
	}
}

static void describe_dr(struct sbuf *sb, __u64 q)
{
	const char *gpr = gpr_name(DR_QUAL_GPR(q));

	if (q & DR_QUAL_FROM_DR)
		sb_printf(sb, "MOV from DR%u to %s", (unsigned int)DR_QUAL_DR(q),
			  gpr);
	else
		sb_printf(sb, "MOV to DR%u from %s", (unsigned int)DR_QUAL_DR(q),
			  gpr);
}

static void describe_io(struct sbuf *sb, __u64 q)
{
	unsigned int size = IO_QUAL_SIZE(q);
	bool in = q & IO_QUAL_IN;

	sb_printf(sb, "%s%s%s %u byte%s %s port %#x",
		  (q & IO_QUAL_STRING) && (q & IO_QUAL_REP) ? "REP " : "",
		  in ? "IN" : "OUT", q & IO_QUAL_STRING ? "S" : "",
		  size, size == 1 ? "" : "s", in ? "from" : "to",
		  (unsigned int)IO_QUAL_PORT(q));
}

static void describe_ept(struct sbuf *sb, const struct exit_info *e)
{
	__u64 q = e->qual;
	const char *what = "read";

	if (q & EPT_QUAL_WRITE)
		what = "write";
	else if (q & EPT_QUAL_FETCH)
		what = "instruction fetch";
	sb_printf(sb, "%s %s GPA %#llx", what,
		  q & EPT_QUAL_WRITE ? "to" : "at",
		  (unsigned long long)e->gpa);
	if (e->has_gla && (q & EPT_QUAL_GLA_VALID))
		sb_printf(sb, " from GLA %#llx", (unsigned long long)e->gla);
	if (!(q & EPT_QUAL_PERMS))
		sb_printf(sb, ", page not present");
	else
		sb_printf(sb, ", page is %c%c%c",
			  q & EPT_QUAL_READABLE ? 'r' : '-',
			  q & EPT_QUAL_WRITABLE ? 'w' : '-',
			  q & EPT_QUAL_EXECUTABLE ? 'x' : '-');
	if ((q & EPT_QUAL_GLA_VALID) && !(q & EPT_QUAL_GLA_XLATE))
		sb_printf(sb, " (the access was to a guest paging-structure entry)");
}

/**
 * exit_describe() - one exit in words
 * @buf: where the words go, NUL-terminated
 * @len: size of @buf
 * @e: the exit
 *
 * The words follow the exit's name: "OUT 1 byte to port 0x3f8", "MOV to
 * CR0 from RAX", "write to GPA 0xa0000 from GLA 0xa0000, page not
 * present", "hardware exception #UD (vector 6)", "external interrupt
 * (vector 32)"; for reasons without a qualification worth spelling out,
 * "qualification 0x..." or nothing.
 * An event the exit interrupted is appended ("; while delivering ...").
 *
 * Return: the length of the whole text, as snprintf().
 */
size_t exit_describe(char *buf, size_t len, const struct exit_info *e)
{
	const struct minivmx_regs *r = e->regs;
	struct sbuf sb = { buf, len, 0 };

	if (len)
		buf[0] = 0;
	switch (e->reason) {
	case VMX_EXIT_EXCEPTION_NMI:
		sb_intr_info(&sb, e->intr_info);
		break;
	case VMX_EXIT_EXTERNAL_INTERRUPT:
		/* Valid only with "acknowledge interrupt on exit" (27.2.2). */
		if (e->intr_info & INTR_INFO_VALID)
			sb_intr_info(&sb, e->intr_info);
		else
			sb_printf(&sb, "external interrupt (not acknowledged on exit)");
		break;
	case VMX_EXIT_TRIPLE_FAULT:
		sb_printf(&sb, "triple fault");
		break;
	case VMX_EXIT_CPUID:
		if (r)
			sb_printf(&sb, "CPUID, answered eax=%#llx ebx=%#llx ecx=%#llx edx=%#llx",
				  (unsigned long long)r->rax,
				  (unsigned long long)r->rbx,
				  (unsigned long long)r->rcx,
				  (unsigned long long)r->rdx);
		else
			sb_printf(&sb, "CPUID");
		break;
	case VMX_EXIT_HLT:
		sb_printf(&sb, "HLT");
		break;
	case VMX_EXIT_INVLPG:
		sb_printf(&sb, "INVLPG of linear address %#llx",
			  (unsigned long long)e->qual);
		break;
	case VMX_EXIT_VMCALL:
		sb_printf(&sb, "VMCALL");
		break;
	case VMX_EXIT_CR_ACCESS:
		describe_cr(&sb, e->qual);
		break;
	case VMX_EXIT_DR_ACCESS:
		describe_dr(&sb, e->qual);
		break;
	case VMX_EXIT_IO_INSTRUCTION:
		describe_io(&sb, e->qual);
		break;
	case VMX_EXIT_MSR_READ:
	case VMX_EXIT_MSR_WRITE:
		sb_printf(&sb, "%s", e->reason == VMX_EXIT_MSR_READ ?
			  "RDMSR" : "WRMSR");
		if (r)
			sb_printf(&sb, " of MSR %#x (ECX)", (unsigned int)r->rcx);
		break;
	case VMX_EXIT_MONITOR_TRAP_FLAG:
		sb_printf(&sb, "monitor trap flag: one instruction or event done");
		break;
	case VMX_EXIT_EPT_VIOLATION:
		describe_ept(&sb, e);
		break;
	case VMX_EXIT_EPT_MISCONFIG:
		sb_printf(&sb, "EPT misconfiguration at GPA %#llx",
			  (unsigned long long)e->gpa);
		break;
	case VMX_EXIT_XSETBV:
		sb_printf(&sb, "XSETBV");
		if (r)
			sb_printf(&sb, " of XCR%u (ECX)", (unsigned int)r->rcx);
		break;
	default:
		if (e->qual)
			sb_printf(&sb, "qualification %#llx",
				  (unsigned long long)e->qual);
	}
	if (e->idt_vectoring_info & INTR_INFO_VALID) {
		sb_printf(&sb, "%swhile delivering ", sb.pos ? "; " : "");
		sb_intr_info(&sb, e->idt_vectoring_info);
	}
	return sb.pos;
}
