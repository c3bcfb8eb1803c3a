// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of minivmx's pure logic: fitting VMX controls to a capability
 * MSR, and decoding the MOV forms of MMIO accesses.  Load minivmx.ko, then
 * this module; results are in /sys/kernel/debug/kunit/.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <asm/vmx.h>

#include "minivmx.h"

static void adjust_forces_must_be_one_bits(struct kunit *test)
{
	/* Low half: bits that must be 1; high half: bits that may be 1. */
	u64 msr = (u64)0xff << 32 | 0x16;
	u32 ctl;

	KUNIT_EXPECT_EQ(test, 0u, vmx_adjust_controls(0x1, 0, msr, &ctl));
	KUNIT_EXPECT_EQ(test, 0x17u, ctl);
}

static void adjust_drops_disallowed_optional_bits(struct kunit *test)
{
	u64 msr = (u64)0x0f << 32;
	u32 ctl;

	KUNIT_EXPECT_EQ(test, 0u, vmx_adjust_controls(0x1, 0x30, msr, &ctl));
	KUNIT_EXPECT_EQ(test, 0x1u, ctl);
}

static void adjust_reports_missing_required_bits(struct kunit *test)
{
	u64 msr = (u64)0x0f << 32;
	u32 ctl;

	KUNIT_EXPECT_EQ(test, 0x80u, vmx_adjust_controls(0x81, 0, msr, &ctl));
}

struct mov_case {
	const char *name;
	u8 insn[15];
	u8 avail;
	int cs_bits;
	int ret;
	struct mvx_mov want;
};

static const struct mov_case mov_cases[] = {
	{ "mov [rax], ecx", { 0x89, 0x08 }, 2, 64, 0,
	  { .len = 2, .size = 4, .reg = 1, .is_write = true } },
	{ "mov rbx, [rax+8]", { 0x48, 0x8b, 0x58, 0x08 }, 4, 64, 0,
	  { .len = 4, .size = 8, .reg = 3 } },
	{ "mov r9, [rdi]", { 0x4c, 0x8b, 0x0f }, 3, 64, 0,
	  { .len = 3, .size = 8, .reg = 9 } },
	{ "mov [rax+24], bh", { 0x88, 0x78, 0x18 }, 3, 64, 0,
	  { .len = 3, .size = 1, .reg = 3, .is_write = true,
	    .high_byte = true } },
	{ "mov [rax], sil (REX)", { 0x40, 0x88, 0x30 }, 3, 64, 0,
	  { .len = 3, .size = 1, .reg = 6, .is_write = true } },
	{ "mov dword [rax], imm32", { 0xc7, 0x00, 0x44, 0x33, 0x22, 0x11 },
	  6, 64, 0, { .len = 6, .size = 4, .is_write = true, .has_imm = true,
		      .imm = 0x11223344 } },
	{ "mov qword [rax], -1", { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff },
	  7, 64, 0, { .len = 7, .size = 8, .is_write = true, .has_imm = true,
		      .imm = ~0ULL } },
	{ "movzx ecx, byte [rax+16]", { 0x0f, 0xb6, 0x48, 0x10 }, 4, 64, 0,
	  { .len = 4, .size = 1, .reg = 1, .zero_extend = true,
	    .dst_size = 4 } },
	{ "mov eax, [disp32] (SIB)", { 0x8b, 0x04, 0x25, 0, 0, 0, 0xd0 }, 7,
	  64, 0, { .len = 7, .size = 4 } },
	{ "mov al, [moffs64]", { 0xa0, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 64, 0,
	  { .len = 9, .size = 1 } },
	{ "16-bit mov ax, [0xd000]", { 0xa1, 0x00, 0xd0 }, 3, 16, 0,
	  { .len = 3, .size = 2 } },
	{ "16-bit mov byte [0x8000], 0x5a", { 0xc6, 0x06, 0x00, 0x80, 0x5a },
	  5, 16, 0, { .len = 5, .size = 1, .is_write = true, .has_imm = true,
		      .imm = 0x5a } },
	{ "16-bit mov [bx+si], ax", { 0x89, 0x00 }, 2, 16, 0,
	  { .len = 2, .size = 2, .is_write = true } },
	{ "32-bit 66 mov [eax], cx", { 0x66, 0x89, 0x08 }, 3, 32, 0,
	  { .len = 3, .size = 2, .reg = 1, .is_write = true } },
	{ "add [rax], ecx is not a MOV", { 0x01, 0x08 }, 2, 64, -EINVAL },
	{ "mov ecx, eax is not memory", { 0x89, 0xc1 }, 2, 64, -EINVAL },
	{ "c7 /1 is not a MOV", { 0xc7, 0x08, 0, 0, 0, 0 }, 6, 64, -EINVAL },
	{ "truncated", { 0x8b, 0x04 }, 2, 64, -EINVAL },
	{ "prefixes only", { 0x66, 0x67, 0xf3 }, 3, 64, -EINVAL },
};

static void mov_case_desc(const struct mov_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mov, mov_cases, mov_case_desc);

static void decode_mov(struct kunit *test)
{
	const struct mov_case *c = test->param_value;
	struct mvx_mov m;
	int ret = mvx_decode_mov(c->insn, c->avail, c->cs_bits, &m);

	KUNIT_ASSERT_EQ(test, c->ret, ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, c->want.len, m.len);
	KUNIT_EXPECT_EQ(test, c->want.size, m.size);
	KUNIT_EXPECT_EQ(test, c->want.reg, m.reg);
	KUNIT_EXPECT_EQ(test, c->want.is_write, m.is_write);
	KUNIT_EXPECT_EQ(test, c->want.high_byte, m.high_byte);
	KUNIT_EXPECT_EQ(test, c->want.has_imm, m.has_imm);
	KUNIT_EXPECT_EQ(test, c->want.zero_extend, m.zero_extend);
	KUNIT_EXPECT_EQ(test, c->want.dst_size, m.dst_size);
	KUNIT_EXPECT_EQ(test, c->want.imm, m.imm);
}

static struct kunit_case minivmx_cases[] = {
	KUNIT_CASE(adjust_forces_must_be_one_bits),
	KUNIT_CASE(adjust_drops_disallowed_optional_bits),
	KUNIT_CASE(adjust_reports_missing_required_bits),
	KUNIT_CASE_PARAM(decode_mov, mov_gen_params),
	{}
};

static struct kunit_suite minivmx_suite = {
	.name = "minivmx",
	.test_cases = minivmx_cases,
};

kunit_test_suite(minivmx_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for minivmx");
MODULE_LICENSE("GPL");
