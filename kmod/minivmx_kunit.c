// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of minivmx's pure logic: fitting VMX controls to a capability
 * MSR, decoding the MOV forms of MMIO accesses, the XCR0 rules of XSETBV
 * against a synthetic host (the testbed's CPU has no MPX or AMX state),
 * and the EPT's 2 MiB leaves (non-executable with nx_huge_pages, split on
 * demand, no table leaked when a leaf replaces one), and the VM-entry
 * check table against the list in the uapi header, and the double-fault
 * rules of event injection.  Load minivmx.ko,
 * then this module; results are in /sys/kernel/debug/kunit/.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <asm/fpu/types.h>
#include <asm/io.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "minivmx.h"

/* Each check MINIVMX_ENTRY_CHECKS names has its test in checks.c. */
static void entry_checks_cover_the_uapi_list(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mvx_entry_checks_complete());
}

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

/* ---- XSETBV: SDM Vol. 1 13.3, KVM's __kvm_set_xcr() ---- */

#define FPSSE		XFEATURE_MASK_FPSSE
#define MPX		(XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR)
/* A host with every state component minivmx allows, and AMX. */
#define ALL		(FPSSE | XFEATURE_MASK_YMM | MPX | XFEATURE_MASK_AVX512 | \
			 XFEATURE_MASK_XTILE)

struct xcr0_case {
	const char *name;
	u64 xcr0, supported;
	bool valid;
};

static const struct xcr0_case xcr0_cases[] = {
	{ "x87 alone", XFEATURE_MASK_FP, ALL, true },
	{ "AVX", FPSSE | XFEATURE_MASK_YMM, ALL, true },
	{ "MPX pair", FPSSE | MPX, ALL, true },
	{ "AVX-512", FPSSE | XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512, ALL, true },
	{ "AMX pair", FPSSE | XFEATURE_MASK_XTILE, ALL, true },
	{ "no x87", XFEATURE_MASK_SSE, ALL, false },
	{ "nothing", 0, ALL, false },
	{ "AVX without SSE", XFEATURE_MASK_FP | XFEATURE_MASK_YMM, ALL, false },
	{ "BNDREGS alone", FPSSE | XFEATURE_MASK_BNDREGS, ALL, false },
	{ "BNDCSR alone", FPSSE | XFEATURE_MASK_BNDCSR, ALL, false },
	{ "opmask alone", FPSSE | XFEATURE_MASK_YMM | XFEATURE_MASK_OPMASK,
	  ALL, false },
	{ "AVX-512 without AVX", FPSSE | XFEATURE_MASK_AVX512, ALL, false },
	{ "XTILECFG alone", FPSSE | XFEATURE_MASK_XTILE_CFG, ALL, false },
	{ "XTILEDATA alone", FPSSE | XFEATURE_MASK_XTILE_DATA, ALL, false },
	{ "AVX on an SSE host", FPSSE | XFEATURE_MASK_YMM, FPSSE, false },
	{ "PKRU (not switched)", FPSSE | XFEATURE_MASK_PKRU, ALL, false },
};

static void xcr0_case_desc(const struct xcr0_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xcr0, xcr0_cases, xcr0_case_desc);

static void xcr0_rules(struct kunit *test)
{
	const struct xcr0_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, c->valid, mvx_xcr0_valid(c->xcr0, c->supported));
}

/* ---- EPT: 2 MiB leaves ---- */

#define GPA_2M		0x200000ULL

struct ept_fixture {
	struct mvx_vm vm;
	struct page *block, *pages[512];
	struct mvx_slot slot;
};

/* A VM with a slot on one aligned 2 MiB block, its pages reversed if @scattered. */
static struct ept_fixture *ept_fixture(struct kunit *test, bool scattered)
{
	struct ept_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->block = alloc_pages(GFP_KERNEL, 9);
	KUNIT_ASSERT_NOT_NULL(test, f->block);
	for (i = 0; i < 512; i++)
		f->pages[i] = f->block + (scattered ? 511 - i : i);
	f->slot.gpa = GPA_2M;
	f->slot.size = SZ_2M;
	f->slot.pages = f->pages;
	KUNIT_ASSERT_EQ(test, 0, ept_init(&f->vm));
	return f;
}

static void ept_fixture_free(struct ept_fixture *f)
{
	ept_destroy(&f->vm);
	__free_pages(f->block, 9);
}

/* The entry for @gpa at @level (2 = PDE, 1 = PTE), by walking the tables. */
static u64 ept_entry(struct mvx_vm *vm, u64 gpa, int level)
{
	u64 *table = vm->ept_root, e = 0;
	int l;

	for (l = 4; l >= level; l--) {
		e = table[(gpa >> (12 + 9 * (l - 1))) & 511];
		if (!(e & 7) || (e & BIT_ULL(7)))
			return l == level ? e : 0;
		table = __va(e & GENMASK_ULL(51, 12));
	}
	return e;
}

static void ept_nx_huge_pages_split(struct kunit *test)
{
	struct ept_fixture *f = ept_fixture(test, false);
	bool saved = mvx_nx_huge_pages;
	u64 pde, pte;

	mvx_nx_huge_pages = true;
	KUNIT_ASSERT_EQ(test, 0, ept_map_slot(&f->vm, &f->slot));
	mvx_nx_huge_pages = saved;
	pde = ept_entry(&f->vm, GPA_2M, 2);
	if (!(pde & BIT_ULL(7))) {
		ept_fixture_free(f);
		kunit_skip(test, "no 2 MiB EPT leaves on this CPU");
	}
	KUNIT_EXPECT_EQ(test, 0ULL, pde & VMX_EPT_EXECUTABLE_MASK);
	KUNIT_EXPECT_EQ(test, 3UL, f->vm.ept_tables);	/* PML4, PDPT, PD */

	KUNIT_EXPECT_EQ(test, 0, ept_split_2m(&f->vm, GPA_2M + 0x5000));
	KUNIT_EXPECT_EQ(test, 4UL, f->vm.ept_tables);
	pte = ept_entry(&f->vm, GPA_2M + 0x5000, 1);
	KUNIT_EXPECT_EQ(test, (u64)page_to_phys(f->block) + 0x5000,
			pte & GENMASK_ULL(51, 12));
	KUNIT_EXPECT_EQ(test, (u64)(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK |
				    VMX_EPT_EXECUTABLE_MASK), pte & 7);
	KUNIT_EXPECT_EQ(test, 0ULL, pte & BIT_ULL(7));
	/* Nothing left to split: a no-op. */
	KUNIT_EXPECT_EQ(test, 0, ept_split_2m(&f->vm, GPA_2M));
	KUNIT_EXPECT_EQ(test, 4UL, f->vm.ept_tables);
	ept_fixture_free(f);
	KUNIT_EXPECT_EQ(test, 0UL, f->vm.ept_tables);
}

static void ept_huge_leaf_frees_empty_table(struct kunit *test)
{
	struct ept_fixture *f = ept_fixture(test, true);
	int i;

	/* Scattered pages: 4 KiB leaves, in a page table of their own. */
	KUNIT_ASSERT_EQ(test, 0, ept_map_slot(&f->vm, &f->slot));
	KUNIT_EXPECT_EQ(test, 4UL, f->vm.ept_tables);
	ept_unmap_range(&f->vm, GPA_2M, SZ_2M);
	/* The same range again, now one 2 MiB block: the table must go. */
	for (i = 0; i < 512; i++)
		f->pages[i] = f->block + i;
	KUNIT_ASSERT_EQ(test, 0, ept_map_slot(&f->vm, &f->slot));
	if (!(ept_entry(&f->vm, GPA_2M, 2) & BIT_ULL(7))) {
		ept_fixture_free(f);
		kunit_skip(test, "no 2 MiB EPT leaves on this CPU");
	}
	KUNIT_EXPECT_EQ(test, 3UL, f->vm.ept_tables);
	ept_fixture_free(f);
	KUNIT_EXPECT_EQ(test, 0UL, f->vm.ept_tables);
}

/* SDM Vol. 3A Table 6-5, row by row (benign, contributory, page fault). */
static void exception_merge_follows_table_6_5(struct kunit *test)
{
	/* Benign first: the second is handled after it. */
	KUNIT_EXPECT_EQ(test, X86_TRAP_GP, mvx_exception_merge(X86_TRAP_DB,
							       X86_TRAP_GP));
	KUNIT_EXPECT_EQ(test, X86_TRAP_PF, mvx_exception_merge(X86_TRAP_NMI,
							       X86_TRAP_PF));
	/* Contributory first. */
	KUNIT_EXPECT_EQ(test, X86_TRAP_DF, mvx_exception_merge(X86_TRAP_GP,
							       X86_TRAP_NP));
	KUNIT_EXPECT_EQ(test, X86_TRAP_DF, mvx_exception_merge(X86_TRAP_DE,
							       X86_TRAP_SS));
	KUNIT_EXPECT_EQ(test, X86_TRAP_PF, mvx_exception_merge(X86_TRAP_TS,
							       X86_TRAP_PF));
	KUNIT_EXPECT_EQ(test, X86_TRAP_UD, mvx_exception_merge(X86_TRAP_GP,
							       X86_TRAP_UD));
	/* Page fault first. */
	KUNIT_EXPECT_EQ(test, X86_TRAP_DF, mvx_exception_merge(X86_TRAP_PF,
							       X86_TRAP_PF));
	KUNIT_EXPECT_EQ(test, X86_TRAP_DF, mvx_exception_merge(X86_TRAP_PF,
							       X86_TRAP_GP));
	KUNIT_EXPECT_EQ(test, X86_TRAP_AC, mvx_exception_merge(X86_TRAP_PF,
							       X86_TRAP_AC));
	/* Anything during #DF: shutdown. */
	KUNIT_EXPECT_EQ(test, MVX_TRIPLE_FAULT,
			mvx_exception_merge(X86_TRAP_DF, X86_TRAP_PF));
	KUNIT_EXPECT_EQ(test, MVX_TRIPLE_FAULT,
			mvx_exception_merge(X86_TRAP_DF, X86_TRAP_DB));
}

static struct kunit_case minivmx_cases[] = {
	KUNIT_CASE(adjust_forces_must_be_one_bits),
	KUNIT_CASE(adjust_drops_disallowed_optional_bits),
	KUNIT_CASE(adjust_reports_missing_required_bits),
	KUNIT_CASE_PARAM(decode_mov, mov_gen_params),
	KUNIT_CASE_PARAM(xcr0_rules, xcr0_gen_params),
	KUNIT_CASE(ept_nx_huge_pages_split),
	KUNIT_CASE(ept_huge_leaf_frees_empty_table),
	KUNIT_CASE(entry_checks_cover_the_uapi_list),
	KUNIT_CASE(exception_merge_follows_table_6_5),
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
