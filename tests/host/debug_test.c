// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure logic behind `minivmx run --step`, `--break-exit` and
 * `--vmcs`, linked straight from user-tools/: exits in words
 * (exit-decode.c), exit reasons by name (vmx-names.c, parse.c), the
 * step printer's code size, page walk, instruction fetch and register
 * diff (step.c), and the VMCS table and its words (vmcs.c).  Every
 * expected string is written out here from the SDM's tables, not
 * computed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "exit-decode.h"
#include "guest.h"
#include "parse.h"
#include "step.h"
#include "vmcs.h"
#include "vmx-names.h"

#define MiB		0x100000ULL
#define WORDS		512

static const char *describe(const struct exit_info *e)
{
	static char buf[WORDS];

	exit_describe(buf, sizeof(buf), e);
	return buf;
}

/* I/O qualification: size - 1, IN, string, REP, port (Table 28-5) */
#define IO_QUAL(port, size, in, str, rep) \
	(((__u64)(port) << 16) | ((size) - 1) | ((in) << 3) | ((str) << 4) | \
	 ((rep) << 5))

TEST(io_in_words)
{
	struct exit_info e = { .reason = 30 };

	e.qual = IO_QUAL(0x3f8, 1, 0, 0, 0);
	EXPECT_STREQ("OUT 1 byte to port 0x3f8", describe(&e));
	e.qual = IO_QUAL(0x60, 2, 1, 0, 0) | (1 << 6);	/* immediate port */
	EXPECT_STREQ("IN 2 bytes from port 0x60", describe(&e));
	e.qual = IO_QUAL(0xe9, 1, 0, 1, 1);
	EXPECT_STREQ("REP OUTS 1 byte to port 0xe9", describe(&e));
	e.qual = IO_QUAL(0xcfc, 4, 1, 1, 0);
	EXPECT_STREQ("INS 4 bytes from port 0xcfc", describe(&e));
}

TEST(cr_and_dr_in_words)
{
	struct exit_info e = { .reason = 28 };

	e.qual = 0;			/* CR0, MOV to CR, RAX */
	EXPECT_STREQ("MOV to CR0 from RAX", describe(&e));
	e.qual = 3 | (1 << 4) | (3 << 8);	/* CR3, MOV from CR, RBX */
	EXPECT_STREQ("MOV from CR3 to RBX", describe(&e));
	e.qual = 4 | (12 << 8);
	EXPECT_STREQ("MOV to CR4 from R12", describe(&e));
	e.qual = 2 << 4;
	EXPECT_STREQ("CLTS", describe(&e));
	e.qual = (3 << 4) | (0x1ULL << 16);
	EXPECT_STREQ("LMSW of 0x1 from a register", describe(&e));

	e.reason = 29;
	e.qual = 7 | (1 << 8);		/* DR7, MOV to DR, RCX */
	EXPECT_STREQ("MOV to DR7 from RCX", describe(&e));
	e.qual = 6 | (1 << 4) | (2 << 8);
	EXPECT_STREQ("MOV from DR6 to RDX", describe(&e));
}

TEST(ept_violation_in_words)
{
	struct exit_info e = {
		.reason = 48, .gpa = 0xa0000, .gla = 0xa0000, .has_gla = true,
	};

	/* write, GLA valid, a translation of the GLA, nothing allowed */
	e.qual = 0x2 | 0x80 | 0x100;
	EXPECT_STREQ("write to GPA 0xa0000 from GLA 0xa0000, page not present",
		     describe(&e));
	/* read of a read-only, executable page */
	e.qual = 0x1 | 0x8 | 0x20 | 0x80 | 0x100;
	EXPECT_STREQ("read at GPA 0xa0000 from GLA 0xa0000, page is r-x",
		     describe(&e));
	/* fetch, no GLA reported */
	e.qual = 0x4;
	e.has_gla = false;
	EXPECT_STREQ("instruction fetch at GPA 0xa0000, page not present",
		     describe(&e));
	/* the access was to the guest's own page tables (bit 8 clear) */
	e.qual = 0x1 | 0x80;
	e.has_gla = true;
	e.gpa = 0x3000;
	e.gla = 0x400000;
	EXPECT_STREQ("read at GPA 0x3000 from GLA 0x400000, page not present (the access was to a guest paging-structure entry)",
		     describe(&e));
}

TEST(other_exits_in_words)
{
	struct minivmx_regs r = { .rax = 0xd, .rbx = 0x756e6547,
				  .rcx = 0x6c65746e, .rdx = 0x49656e69 };
	struct exit_info e = { .reason = 10 };
	char buf[WORDS];

	EXPECT_STREQ("CPUID", describe(&e));
	e.regs = &r;
	EXPECT_STREQ("CPUID, answered eax=0xd ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69",
		     describe(&e));
	e.reason = 31;
	r.rcx = 0xc0000080;
	EXPECT_STREQ("RDMSR of MSR 0xc0000080 (ECX)", describe(&e));

	/* #UD, a hardware exception (type 3), no error code */
	e = (struct exit_info){ .reason = 0, .intr_info = 0x80000306 };
	EXPECT_STREQ("hardware exception #UD (vector 6)", describe(&e));
	/* #GP with an error code, while delivering an external interrupt */
	e.intr_info = 0x80000b0d;
	e.idt_vectoring_info = 0x80000020;
	EXPECT_STREQ("hardware exception #GP (vector 13) with an error code; while delivering external interrupt (vector 32)",
		     describe(&e));
	/* an external interrupt, acknowledged on exit or not (27.2.2) */
	e = (struct exit_info){ .reason = 1, .intr_info = 0x80000030 };
	EXPECT_STREQ("external interrupt (vector 48)", describe(&e));
	e.intr_info = 0;
	EXPECT_STREQ("external interrupt (not acknowledged on exit)",
		     describe(&e));
	e = (struct exit_info){ .reason = 12 };
	EXPECT_STREQ("HLT", describe(&e));
	e = (struct exit_info){ .reason = 52, .qual = 0 };
	EXPECT_STREQ("", describe(&e));
	e.qual = 0x10;
	EXPECT_STREQ("qualification 0x10", describe(&e));

	intr_info_describe(buf, sizeof(buf), 0x80000202);
	EXPECT_STREQ("NMI", buf);
	intr_info_describe(buf, sizeof(buf), 0x306);
	EXPECT_STREQ("no event", buf);
	/* truncated, never overrun, and the full length is returned */
	EXPECT_EQ(strlen("hardware exception #UD (vector 6)"),
		  intr_info_describe(buf, 9, 0x80000306));
	EXPECT_STREQ("hardware", buf);
}

TEST(exit_reasons_by_name)
{
	__u64 bitmap[2] = { 0, 0 };
	unsigned int r = 99;
	char bad[16];

	EXPECT_EQ(0, vmx_exit_reason_parse("CPUID", &r));
	EXPECT_EQ(10U, r);
	EXPECT_EQ(0, vmx_exit_reason_parse("io_instruction", &r));
	EXPECT_EQ(30U, r);
	EXPECT_EQ(0, vmx_exit_reason_parse("IO", &r));
	EXPECT_EQ(30U, r);
	EXPECT_EQ(0, vmx_exit_reason_parse("EPT", &r));
	EXPECT_EQ(48U, r);
	EXPECT_EQ(0, vmx_exit_reason_parse("0x1c", &r));
	EXPECT_EQ(28U, r);
	EXPECT_EQ(0, vmx_exit_reason_parse("79", &r));
	EXPECT_EQ(79U, r);
	EXPECT_EQ(-EINVAL, vmx_exit_reason_parse("80", &r));
	EXPECT_EQ(-EINVAL, vmx_exit_reason_parse("CPUIDX", &r));
	EXPECT_EQ(-EINVAL, vmx_exit_reason_parse("", &r));
	EXPECT_EQ(-EINVAL, vmx_exit_reason_parse("-1", &r));

	EXPECT_EQ(0, parse_exit_reasons("CPUID,IO,48,75", bitmap, bad,
					sizeof(bad)));
	EXPECT_EQ((1ULL << 10) | (1ULL << 30) | (1ULL << 48), bitmap[0]);
	EXPECT_EQ(1ULL << (75 - 64), bitmap[1]);
	EXPECT_EQ(-EINVAL, parse_exit_reasons("CPUID,,IO", bitmap, bad,
					      sizeof(bad)));
	EXPECT_STREQ("", bad);
	EXPECT_EQ(-EINVAL, parse_exit_reasons("HLT,bogus", bitmap, bad,
					      sizeof(bad)));
	EXPECT_STREQ("bogus", bad);
	EXPECT_EQ(-EINVAL, parse_exit_reasons("CPUID,", bitmap, bad,
					      sizeof(bad)));
}

TEST(register_diff)
{
	struct minivmx_regs a = { .rax = 1, .rip = 0x10000, .rflags = 2 };
	struct minivmx_regs b = a;
	struct minivmx_sregs sa = { .cr0 = 0x11 }, sb = sa;
	char buf[WORDS];

	b.rip = 0x10003;	/* RIP is not news */
	EXPECT_EQ(0U, step_regs_diff(buf, sizeof(buf), &a, &b, &sa, &sb));
	EXPECT_STREQ("", buf);
	b.rax = 2;
	step_regs_diff(buf, sizeof(buf), &a, &b, &sa, &sb);
	EXPECT_STREQ("rax=0x1 -> 0x2", buf);
	b.r15 = 0xffffffffffffffffULL;
	b.rflags = 0x46;
	sb.cr0 = 0x80000011;
	sb.ds.selector = 0x10;
	step_regs_diff(buf, sizeof(buf), &a, &b, &sa, &sb);
	EXPECT_STREQ("rax=0x1 -> 0x2 r15=0 -> 0xffffffffffffffff rflags=0x2 -> 0x46 cr0=0x11 -> 0x80000011 ds=0 -> 0x10",
		     buf);
	/* without the special registers */
	step_regs_diff(buf, sizeof(buf), &a, &b, NULL, NULL);
	EXPECT_STREQ("rax=0x1 -> 0x2 r15=0 -> 0xffffffffffffffff rflags=0x2 -> 0x46",
		     buf);
}

static void *ram_with_tables(enum guest_mode mode, struct minivmx_sregs *s)
{
	struct guest_layout l = {
		.mode = mode, .mem_size = 2 * MiB, .load = 0x10000,
		.image_size = 0x1000, .entry = 0x10000,
	};
	__u8 *ram = calloc(1, 2 * MiB);

	guest_build_tables(ram, &l);
	guest_init_sregs(s, &l);
	memcpy(ram + 0x10000, "\x0f\xa2\xf4", 3);	/* cpuid; hlt */
	return ram;
}

TEST(code_size_and_fetch_in_each_mode)
{
	static const struct {
		enum guest_mode mode;
		unsigned int bits;
		__u64 rip;	/* of the load address */
	} modes[] = {
		{ GUEST_REAL, 16, 0 },		/* CS.base 0x10000 */
		{ GUEST_PROTECTED, 32, 0x10000 },
		{ GUEST_PAGED, 32, 0x10000 },
		{ GUEST_LONG, 64, 0x10000 },
	};
	struct minivmx_sregs s;
	unsigned int i;
	__u8 code[STEP_INSN_MAX];
	__u64 pa;
	__u8 *ram;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ram = ram_with_tables(modes[i].mode, &s);
		EXPECT_EQ(modes[i].bits, step_code_bits(&s));
		EXPECT_EQ(0, step_translate(ram, 2 * MiB, &s, 0x1ff000, &pa));
		EXPECT_EQ(0x1ff000ULL, pa);
		ASSERT_EQ((size_t)STEP_INSN_MAX,
			  step_fetch(ram, 2 * MiB, &s, modes[i].rip, code,
				     sizeof(code)));
		EXPECT_EQ(0, memcmp(code, "\x0f\xa2\xf4", 3));
		if (modes[i].mode == GUEST_REAL) {
			/* IP wraps at 64 KiB, to CS.base */
			ASSERT_EQ((size_t)STEP_INSN_MAX,
				  step_fetch(ram, 2 * MiB, &s, 0xffff, code,
					     sizeof(code)));
			EXPECT_EQ(0, memcmp(code + 1, "\x0f\xa2\xf4", 3));
		} else {
			/* the last bytes of RAM: the fetch stops there */
			EXPECT_EQ((size_t)2,
				  step_fetch(ram, 2 * MiB, &s, 2 * MiB - 2,
					     code, sizeof(code)));
		}
		free(ram);
	}
}

/* Page tables made here, mapping a page elsewhere than 1:1. */
TEST(page_walks)
{
	__u8 *ram = calloc(1, 2 * MiB);
	struct minivmx_sregs s = { 0 };
	__u64 pa, e;
	__u32 e32;

	ASSERT_NE(NULL, ram);
	/* 4-level: 0x7f0000401000 -> 0x5000 through 4 KiB tables */
	s.cr0 = 0x80000011;
	s.cr4 = 0x20;
	s.efer = 0x500;
	s.cr3 = 0x1000;
	e = 0x2003;
	memcpy(ram + 0x1000 + ((0x7f0000401000ULL >> 39) & 0x1ff) * 8, &e, 8);
	e = 0x3003;
	memcpy(ram + 0x2000 + ((0x7f0000401000ULL >> 30) & 0x1ff) * 8, &e, 8);
	e = 0x4003;
	memcpy(ram + 0x3000 + ((0x7f0000401000ULL >> 21) & 0x1ff) * 8, &e, 8);
	e = 0x8000000000005003ULL;	/* NX is no address bit */
	memcpy(ram + 0x4000 + ((0x7f0000401000ULL >> 12) & 0x1ff) * 8, &e, 8);
	EXPECT_EQ(0, step_translate(ram, 2 * MiB, &s, 0x7f0000401abcULL, &pa));
	EXPECT_EQ(0x5abcULL, pa);
	EXPECT_EQ(-ENOENT, step_translate(ram, 2 * MiB, &s, 0x7f0000402000ULL,
					  &pa));
	EXPECT_EQ(-ENOENT, step_translate(ram, 2 * MiB, &s, 0, &pa));
	/* a table outside RAM */
	e = 0x40000003;
	memcpy(ram + 0x1000, &e, 8);
	EXPECT_EQ(-EFAULT, step_translate(ram, 2 * MiB, &s, 0x1000, &pa));

	/* 32-bit paging, 4 KiB: 0x400123 -> 0x6123 */
	memset(ram, 0, 2 * MiB);
	s.cr4 = 0x10;
	s.efer = 0;
	s.cr3 = 0x1000;
	e32 = 0x2003;
	memcpy(ram + 0x1000 + 1 * 4, &e32, 4);
	e32 = 0x6003;
	memcpy(ram + 0x2000, &e32, 4);
	EXPECT_EQ(0, step_translate(ram, 2 * MiB, &s, 0x400123, &pa));
	EXPECT_EQ(0x6123ULL, pa);
	/* and a 4 MiB page at 8 MiB with PSE: 0x800000 -> 0 */
	e32 = 0x83;
	memcpy(ram + 0x1000 + 2 * 4, &e32, 4);
	EXPECT_EQ(0, step_translate(ram, 2 * MiB, &s, 0x812345, &pa));
	EXPECT_EQ(0x12345ULL, pa);

	/* PAE: PDPTE 0 -> PD at 0x2000, a 2 MiB page at 0 */
	memset(ram, 0, 2 * MiB);
	s.cr4 = 0x20;
	s.cr3 = 0x1000;
	e = 0x2001;
	memcpy(ram + 0x1000, &e, 8);
	e = 0x83;
	memcpy(ram + 0x2000 + 8, &e, 8);	/* 2 MiB -> 0 */
	EXPECT_EQ(0, step_translate(ram, 2 * MiB, &s, 0x201000, &pa));
	EXPECT_EQ(0x1000ULL, pa);
	/* 5-level paging is not walked */
	s.cr4 |= 1 << 12;
	EXPECT_EQ(-EOPNOTSUPP, step_translate(ram, 2 * MiB, &s, 0, &pa));
	free(ram);
}

static const char *field_words(__u32 enc, __u64 value, const __u64 *values,
			       const int *errs)
{
	static char buf[WORDS];
	const struct vmcs_field_desc *f = vmcs_field_find(enc);

	if (!f)
		return "(not in the table)";
	vmcs_describe(buf, sizeof(buf), f, value, values, errs);
	return buf;
}

TEST(vmcs_table)
{
	unsigned int i, j;

	ASSERT_LE(vmcs_nr_fields, (unsigned int)MINIVMX_MAX_VMCS_FIELDS);
	for (i = 0; i < vmcs_nr_fields; i++) {
		/* no host-state field: the module refuses them */
		EXPECT_NE(3U, (vmcs_fields[i].encoding >> 10) & 3);
		/* bits 31:15 are reserved (SDM Vol. 3D B.1) */
		EXPECT_EQ(0U, vmcs_fields[i].encoding & 0xffff8000);
		for (j = 0; j < i; j++)
			EXPECT_NE(vmcs_fields[i].encoding,
				  vmcs_fields[j].encoding);
		if ((vmcs_fields[i].encoding >> 10 & 3) == 1)
			EXPECT_EQ((int)VMCS_EXIT_INFO, (int)vmcs_fields[i].group);
	}
	EXPECT_STREQ("GUEST_RIP", vmcs_field_find(0x681e)->name);
	EXPECT_EQ((int)VMCS_GUEST, (int)vmcs_field_find(0x681e)->group);
	EXPECT_EQ(NULL, vmcs_field_find(0x6c16));	/* HOST_RIP */
}

TEST(vmcs_in_words)
{
	__u64 *values = calloc(vmcs_nr_fields, sizeof(*values));
	int *errs = calloc(vmcs_nr_fields, sizeof(*errs));

	ASSERT_NE(NULL, values);
	EXPECT_STREQ("code, execute/read, accessed; DPL 0, present, L=1 D/B=0 G=1 AVL=0",
		     field_words(0x4816, 0xa09b, NULL, NULL));
	EXPECT_STREQ("data, read/write, accessed; DPL 0, present, L=0 D/B=1 G=1 AVL=0",
		     field_words(0x4818, 0xc093, NULL, NULL));
	EXPECT_STREQ("system: TSS (busy); DPL 0, present, L=0 D/B=0 G=0 AVL=0",
		     field_words(0x4822, 0x8b, NULL, NULL));
	EXPECT_STREQ("unusable", field_words(0x4820, 0x10000, NULL, NULL));
	EXPECT_STREQ("External-interrupt exiting, NMI exiting",
		     field_words(0x4000, 0x9, NULL, NULL));
	EXPECT_STREQ("HLT exiting, Use I/O bitmaps, Activate secondary controls",
		     field_words(0x4002, (1U << 7) | (1U << 25) | (1U << 31),
				 NULL, NULL));
	EXPECT_STREQ("Enable EPT, Unrestricted guest (other bits 29)",
		     field_words(0x401e, 0x2 | 0x80 | (1U << 29), NULL, NULL));
	EXPECT_STREQ("PE ET NE PG",
		     field_words(0x6800, 0x80000031, NULL, NULL));
	EXPECT_STREQ("IF", field_words(0x6820, 0x202, NULL, NULL));
	EXPECT_STREQ("none", field_words(0x6820, 0x2, NULL, NULL));
	/* the default-1 bits of the pin-based controls (SDM A.2) */
	EXPECT_STREQ("External-interrupt exiting, NMI exiting (other bits 1-2, 4)",
		     field_words(0x4000, 0x1f, NULL, NULL));
	EXPECT_STREQ("(other bits 1-2, 4)",
		     field_words(0x4000, 0x16, NULL, NULL));
	EXPECT_STREQ("LME LMA", field_words(0x2806, 0x500, NULL, NULL));
	EXPECT_STREQ("#DB, #BP, #MC",
		     field_words(0x4004, 0x4000a, NULL, NULL));
	EXPECT_STREQ("HLT", field_words(0x4826, 1, NULL, NULL));
	EXPECT_STREQ("blocking by STI, blocking by NMI",
		     field_words(0x4824, 0x9, NULL, NULL));
	EXPECT_STREQ("memory type WB, 4-level walk, accessed/dirty flags on",
		     field_words(0x201a, 0x5e, NULL, NULL));
	EXPECT_STREQ("IO_INSTRUCTION", field_words(0x4402, 30, NULL, NULL));
	EXPECT_STREQ("INVALID_STATE, VM entry failed",
		     field_words(0x4402, 0x80000021, NULL, NULL));
	EXPECT_STREQ("VM entry with invalid control field(s)",
		     field_words(0x4400, 7, NULL, NULL));
	EXPECT_STREQ("", field_words(0x4400, 0, NULL, NULL));
	EXPECT_STREQ("", field_words(0x681e, 0x10000, NULL, NULL));

	/* the qualification is read by the exit reason beside it */
	values[vmcs_field_find(0x4402) - vmcs_fields] = 30;
	EXPECT_STREQ("OUT 1 byte to port 0x3f8",
		     field_words(0x6400, 0x3f80000, values, errs));
	values[vmcs_field_find(0x4402) - vmcs_fields] = 48;
	values[vmcs_field_find(0x2400) - vmcs_fields] = 0xfee00000;
	values[vmcs_field_find(0x640a) - vmcs_fields] = 0xfee00000;
	EXPECT_STREQ("write to GPA 0xfee00000 from GLA 0xfee00000, page not present",
		     field_words(0x6400, 0x182, values, errs));
	/* GLA unreadable: left out */
	errs[vmcs_field_find(0x640a) - vmcs_fields] = -EINVAL;
	EXPECT_STREQ("write to GPA 0xfee00000, page not present",
		     field_words(0x6400, 0x182, values, errs));
	/* no exit reason at hand: no words */
	EXPECT_STREQ("", field_words(0x6400, 0x182, NULL, NULL));
	free(values);
	free(errs);
}

TEST_HARNESS_MAIN
