// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure logic behind `minivmx run`, linked straight from user-tools/:
 * the size parser, the layout checks, and the guest state of each mode of
 * Documentation/guest-abi.rst: GDT and page tables built into a buffer
 * that stands for guest RAM (every entry checked), segment registers with
 * their hidden parts (which must agree with the GDT), control registers
 * and general registers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "parse.h"

#define MiB		0x100000ULL
#define RAM_SIZE	(1 * MiB)	/* enough for the tables */

/* Descriptors written out by hand from SDM Vol. 3A Figure 3-8. */
#define DESC_CODE32	0x00cf9b000000ffffULL	/* G D P S type 0xb */
#define DESC_CODE64	0x00af9b000000ffffULL	/* G L P S type 0xb */
#define DESC_DATA	0x00cf93000000ffffULL	/* G B P S type 0x3 */
#define DESC_TSS	0x00008b0000000067ULL	/* P, busy TSS, limit 0x67 */

static __u64 get64(const void *ram, __u64 gpa)
{
	__u64 v;

	memcpy(&v, (const char *)ram + gpa, sizeof(v));
	return v;
}

static __u32 get32(const void *ram, __u64 gpa)
{
	__u32 v;

	memcpy(&v, (const char *)ram + gpa, sizeof(v));
	return v;
}

static struct guest_layout layout(enum guest_mode mode)
{
	struct guest_layout l = {
		.mode = mode,
		.mem_size = 2 * MiB,
		.load = 0x10000,
		.image_size = 0x1000,
		.entry = 0x10000,
	};

	return l;
}

/* RAM full of 0xaa, so that untouched bytes show. */
static void *dirty_ram(void)
{
	void *ram = malloc(RAM_SIZE);

	if (ram)
		memset(ram, 0xaa, RAM_SIZE);
	return ram;
}

/* The hidden part a CPU would load from descriptor @d (Figure 3-8). */
static void decode_desc(__u64 d, struct minivmx_segment *s)
{
	__u32 limit = (d & 0xffff) | ((d >> 32) & 0xf0000);

	memset(s, 0, sizeof(*s));
	s->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	s->type = (d >> 40) & 0xf;
	s->s = (d >> 44) & 1;
	s->dpl = (d >> 45) & 3;
	s->present = (d >> 47) & 1;
	s->avl = (d >> 52) & 1;
	s->l = (d >> 53) & 1;
	s->db = (d >> 54) & 1;
	s->g = (d >> 55) & 1;
	s->limit = s->g ? limit << 12 | 0xfff : limit;
}

static bool seg_matches_desc(const struct minivmx_segment *seg, __u64 d)
{
	struct minivmx_segment from_gdt;

	decode_desc(d, &from_gdt);
	from_gdt.selector = seg->selector;
	return !memcmp(&from_gdt, seg, sizeof(*seg));
}

/* Size parser. */

TEST(parse_size_accepts)
{
	static const struct {
		const char *s;
		__u64 val;
	} ok[] = {
		{ "0", 0 }, { "4096", 4096 }, { "010", 10 },
		{ "0x10000", 0x10000 }, { "0X1f", 0x1f }, { "0xABC", 0xabc },
		{ "64K", 64 << 10 }, { "64k", 64 << 10 }, { "2M", 2 * MiB },
		{ "2m", 2 * MiB }, { "1G", 1ULL << 30 }, { "4g", 4ULL << 30 },
		{ "0x10K", 16 << 10 },
		{ "18446744073709551615", ~0ULL },
		{ "0xffffffffffffffff", ~0ULL },
		{ "17179869183G", 17179869183ULL << 30 },
	};
	size_t i;
	__u64 v;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		v = 12345;
		EXPECT_EQ(0, parse_size(ok[i].s, &v)) TH_LOG("'%s'", ok[i].s);
		EXPECT_EQ(ok[i].val, v) TH_LOG("'%s'", ok[i].s);
	}
}

TEST(parse_size_rejects)
{
	static const char * const bad[] = {
		"", " 1", "1 ", "-1", "+1", "x", "0x", "0xg", "1.5M", "2X",
		"2MB", "2KiB", "K", "1e3", "2M2", "0x 1", "12abc",
	};
	size_t i;
	__u64 v = 12345;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, parse_size(bad[i], &v)) TH_LOG("'%s'", bad[i]);
		EXPECT_EQ(12345ULL, v);
	}
}

TEST(parse_size_overflow)
{
	__u64 v = 12345;

	EXPECT_EQ(-ERANGE, parse_size("18446744073709551616", &v));
	EXPECT_EQ(-ERANGE, parse_size("0x10000000000000000", &v));
	EXPECT_EQ(-ERANGE, parse_size("17179869184G", &v));
	EXPECT_EQ(-ERANGE, parse_size("18014398509481984K", &v));
	EXPECT_EQ(12345ULL, v);
}

TEST(parse_seconds_cases)
{
	double v = -1;

	EXPECT_EQ(0, parse_seconds("10", &v));
	EXPECT_EQ(10.0, v);
	EXPECT_EQ(0, parse_seconds("0.5", &v));
	EXPECT_EQ(0.5, v);
	EXPECT_EQ(0, parse_seconds("0", &v));
	EXPECT_EQ(0.0, v);
	EXPECT_EQ(0, parse_seconds("86400", &v));
	EXPECT_EQ(-ERANGE, parse_seconds("86401", &v));
	EXPECT_EQ(-EINVAL, parse_seconds("", &v));
	EXPECT_EQ(-EINVAL, parse_seconds("-1", &v));
	EXPECT_EQ(-EINVAL, parse_seconds(".5", &v));
	EXPECT_EQ(-EINVAL, parse_seconds("1.2.3", &v));
	EXPECT_EQ(-EINVAL, parse_seconds("1e3", &v));
	EXPECT_EQ(-EINVAL, parse_seconds("10s", &v));
	EXPECT_EQ(-EINVAL, parse_seconds("inf", &v));
	EXPECT_EQ(86400.0, v);
}

TEST(mode_names)
{
	static const char * const names[] = {
		[GUEST_REAL] = "real", [GUEST_PROTECTED] = "protected",
		[GUEST_PAGED] = "paged", [GUEST_LONG] = "long",
	};
	enum guest_mode m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ASSERT_EQ(0, guest_mode_parse(names[i], &m));
		EXPECT_EQ(i, (size_t)m);
		EXPECT_STREQ(names[i], guest_mode_name(m));
	}
	EXPECT_EQ(-EINVAL, guest_mode_parse("Long", &m));
	EXPECT_EQ(-EINVAL, guest_mode_parse("", &m));
	EXPECT_EQ(-EINVAL, guest_mode_parse("64", &m));
}

/* Layout checks: each variant is one rule of guest_layout_check(). */

FIXTURE(layout) {
	char why[256];
};

FIXTURE_VARIANT(layout) {
	enum guest_mode mode;
	__u64 mem, load, size, entry;
	const char *message;	/* NULL: accepted */
};

FIXTURE_VARIANT_ADD(layout, default_long) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 0x10000, .size = 4096,
	.entry = 0x10000,
};

FIXTURE_VARIANT_ADD(layout, fills_ram_exactly) {
	.mode = GUEST_PROTECTED, .mem = 2 * MiB, .load = 0x9000,
	.size = 2 * MiB - 0x9000, .entry = 0x9000,
};

FIXTURE_VARIANT_ADD(layout, ram_4g) {
	.mode = GUEST_LONG, .mem = 4ULL << 30, .load = 0x10000, .size = 1,
	.entry = 0x10000,
};

FIXTURE_VARIANT_ADD(layout, ram_not_page_multiple) {
	.mode = GUEST_LONG, .mem = 2 * MiB + 512, .load = 0x10000, .size = 1,
	.entry = 0x10000,
	.message = "--mem 0x200200 is not a multiple of 4 KiB",
};

FIXTURE_VARIANT_ADD(layout, ram_too_small) {
	.mode = GUEST_LONG, .mem = MiB - 4096, .load = 0x10000, .size = 1,
	.entry = 0x10000,
	.message = "--mem 0xff000 is too small: the guest needs at least 1 MiB",
};

FIXTURE_VARIANT_ADD(layout, ram_too_large) {
	.mode = GUEST_LONG, .mem = (4ULL << 30) + 4096, .load = 0x10000,
	.size = 1, .entry = 0x10000,
	.message = "--mem 0x100001000 is too large: at most 4 GiB",
};

FIXTURE_VARIANT_ADD(layout, empty_image) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 0x10000, .size = 0,
	.entry = 0x10000,
	.message = "the image is empty",
};

FIXTURE_VARIANT_ADD(layout, image_too_big) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 0x10000,
	.size = 2 * MiB - 0x10000 + 1, .entry = 0x10000,
	.message =
		"the image (2031617 bytes at 0x10000) does not fit in RAM (0x200000 bytes): it would end at 0x200001",
};

FIXTURE_VARIANT_ADD(layout, load_beyond_ram) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 2 * MiB, .size = 1,
	.entry = 2 * MiB,
	.message = "does not fit in RAM",
};

FIXTURE_VARIANT_ADD(layout, load_wraps) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = ~0ULL - 1, .size = 4,
	.entry = 0x10000,
	.message = "does not fit in RAM",
};

FIXTURE_VARIANT_ADD(layout, overlaps_gdt) {
	.mode = GUEST_PROTECTED, .mem = 2 * MiB, .load = 0x800, .size = 0x801,
	.entry = 0x800,
	.message =
		"the image (0x800-0x1000) overlaps the GDT and page tables at 0x1000-0x8fff: load it at 0x9000 or above",
};

FIXTURE_VARIANT_ADD(layout, overlaps_page_tables) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 0x8fff, .size = 1,
	.entry = 0x8fff,
	.message = "overlaps the GDT and page tables",
};

FIXTURE_VARIANT_ADD(layout, paged_overlaps_too) {
	.mode = GUEST_PAGED, .mem = 2 * MiB, .load = 0, .size = 0x10000,
	.entry = 0,
	.message = "overlaps the GDT and page tables",
};

FIXTURE_VARIANT_ADD(layout, just_below_the_gdt) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 0x800, .size = 0x800,
	.entry = 0x800,
};

FIXTURE_VARIANT_ADD(layout, real_mode_may_use_low_memory) {
	.mode = GUEST_REAL, .mem = 2 * MiB, .load = 0x1000, .size = 0x8000,
	.entry = 0x1000,
};

FIXTURE_VARIANT_ADD(layout, real_mode_ends_below_1m) {
	.mode = GUEST_REAL, .mem = 2 * MiB, .load = 0xf0000,
	.size = 0xffff, .entry = 0xf0000,
};

FIXTURE_VARIANT_ADD(layout, real_mode_reaches_1m) {
	.mode = GUEST_REAL, .mem = 2 * MiB, .load = 0xf0000,
	.size = 0x10000, .entry = 0xf0000,
	.message =
		"in real mode the image must end below 1 MiB; at 0xf0000 it ends at 0x100000",
};

FIXTURE_VARIANT_ADD(layout, entry_outside_ram) {
	.mode = GUEST_LONG, .mem = 2 * MiB, .load = 0x10000, .size = 1,
	.entry = 2 * MiB,
	.message = "--entry 0x200000 is outside RAM (0x200000 bytes)",
};

FIXTURE_VARIANT_ADD(layout, real_entry_in_segment) {
	.mode = GUEST_REAL, .mem = 2 * MiB, .load = 0x7c00, .size = 0x200,
	.entry = 0x7c00 + 0xffff,
};

FIXTURE_VARIANT_ADD(layout, real_entry_beyond_segment) {
	.mode = GUEST_REAL, .mem = 2 * MiB, .load = 0x7c00, .size = 0x200,
	.entry = 0x7c00 + 0x10000,
	.message =
		"in real mode --entry must lie in the code segment at the load address (0x7c00-0x17bff), not at 0x17c00",
};

FIXTURE_VARIANT_ADD(layout, real_entry_below_segment) {
	.mode = GUEST_REAL, .mem = 2 * MiB, .load = 0x7c08, .size = 0x200,
	.entry = 0x7bff,
	.message = "(0x7c00-0x17bff), not at 0x7bff",
};

FIXTURE_SETUP(layout)
{
	memset(self->why, 0, sizeof(self->why));
}

FIXTURE_TEARDOWN(layout)
{
}

TEST_F(layout, check)
{
	struct guest_layout l = {
		.mode = variant->mode, .mem_size = variant->mem,
		.load = variant->load, .image_size = variant->size,
		.entry = variant->entry,
	};
	int ret = guest_layout_check(&l, self->why, sizeof(self->why));

	if (!variant->message) {
		EXPECT_EQ(0, ret) TH_LOG("refused: %s", self->why);
		return;
	}
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_NE(NULL, strstr(self->why, variant->message))
		TH_LOG("want '%s', got '%s'", variant->message, self->why);
}

/* The GDT at 0x1000. */

TEST(gdt_protected_and_paged)
{
	enum guest_mode modes[] = { GUEST_PROTECTED, GUEST_PAGED };
	struct guest_layout l;
	void *ram = dirty_ram();
	size_t i;

	ASSERT_NE(NULL, ram);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		l = layout(modes[i]);
		guest_build_tables(ram, &l);
		EXPECT_EQ(0ULL, get64(ram, 0x1000));
		EXPECT_EQ(DESC_CODE32, get64(ram, 0x1008));
		EXPECT_EQ(DESC_DATA, get64(ram, 0x1010));
		EXPECT_EQ(DESC_TSS, get64(ram, 0x1018));
		EXPECT_EQ(0ULL, get64(ram, 0x1020));	/* the rest cleared */
		EXPECT_EQ(0ULL, get64(ram, 0x1ff8));
	}
	free(ram);
}

TEST(gdt_long)
{
	struct guest_layout l = layout(GUEST_LONG);
	void *ram = dirty_ram();

	ASSERT_NE(NULL, ram);
	guest_build_tables(ram, &l);
	EXPECT_EQ(0ULL, get64(ram, 0x1000));
	EXPECT_EQ(DESC_CODE64, get64(ram, 0x1008));
	EXPECT_EQ(DESC_DATA, get64(ram, 0x1010));
	EXPECT_EQ(DESC_TSS, get64(ram, 0x1018));
	EXPECT_EQ(0ULL, get64(ram, 0x1020));	/* TSS base 63:32 */
	free(ram);
}

TEST(real_mode_writes_nothing)
{
	struct guest_layout l = layout(GUEST_REAL);
	unsigned char *ram = dirty_ram();
	size_t i;

	ASSERT_NE(NULL, ram);
	guest_build_tables(ram, &l);
	for (i = 0; i < RAM_SIZE; i++)
		if (ram[i] != 0xaa)
			break;
	EXPECT_EQ(RAM_SIZE, i);
	free(ram);
}

TEST(tables_stay_in_their_area)
{
	enum guest_mode modes[] = { GUEST_PROTECTED, GUEST_PAGED, GUEST_LONG };
	unsigned char *ram;
	struct guest_layout l;
	size_t i, m;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ram = dirty_ram();
		ASSERT_NE(NULL, ram);
		l = layout(modes[m]);
		guest_build_tables(ram, &l);
		for (i = 0; i < RAM_SIZE; i++)
			if ((i < 0x1000 || i >= 0x9000) && ram[i] != 0xaa)
				break;
		EXPECT_EQ(RAM_SIZE, i) TH_LOG("mode %s wrote at %#zx",
					      guest_mode_name(modes[m]), i);
		free(ram);
	}
}

/* Page tables. */

TEST(long_mode_page_tables)
{
	struct guest_layout l = layout(GUEST_LONG);
	void *ram = dirty_ram();
	unsigned int i;

	ASSERT_NE(NULL, ram);
	guest_build_tables(ram, &l);
	/* PML4[0] -> PDPT at 0x3000, present and writable */
	EXPECT_EQ(0x3003ULL, get64(ram, 0x2000));
	for (i = 1; i < 512; i++)
		EXPECT_EQ(0ULL, get64(ram, 0x2000 + 8 * i)) TH_LOG("PML4[%u]", i);
	/* PDPT[0..3] -> the page directories at 0x4000-0x7fff */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0x4003ULL + 0x1000 * i, get64(ram, 0x3000 + 8 * i));
	for (i = 4; i < 512; i++)
		EXPECT_EQ(0ULL, get64(ram, 0x3000 + 8 * i)) TH_LOG("PDPT[%u]", i);
	/* 2048 PDEs: 2 MiB pages (PS), identity, present, writable */
	for (i = 0; i < 2048; i++)
		ASSERT_EQ(((__u64)i << 21) | 0x83, get64(ram, 0x4000 + 8 * i))
			TH_LOG("PDE %u", i);
	EXPECT_EQ(0xffe00083ULL, get64(ram, 0x7ff8));	/* the last 2 MiB of 4 GiB */
	EXPECT_EQ(0ULL, get64(ram, 0x8000));		/* not paged mode's */
	free(ram);
}

TEST(paged_mode_page_directory)
{
	struct guest_layout l = layout(GUEST_PAGED);
	void *ram = dirty_ram();
	unsigned int i;

	ASSERT_NE(NULL, ram);
	guest_build_tables(ram, &l);
	for (i = 0; i < 1024; i++)
		ASSERT_EQ((i << 22) | 0x83U, get32(ram, 0x8000 + 4 * i))
			TH_LOG("PDE %u", i);
	EXPECT_EQ(0xffc00083U, get32(ram, 0x8ffc));
	EXPECT_EQ(0ULL, get64(ram, 0x2000));		/* no long-mode tables */
	free(ram);
}

TEST(protected_mode_has_no_page_tables)
{
	struct guest_layout l = layout(GUEST_PROTECTED);
	void *ram = dirty_ram();
	__u64 gpa;

	ASSERT_NE(NULL, ram);
	guest_build_tables(ram, &l);
	for (gpa = 0x2000; gpa < 0x9000; gpa += 8)
		ASSERT_EQ(0ULL, get64(ram, gpa)) TH_LOG("at %#llx", gpa);
	free(ram);
}

/* Special registers. */

static void expect_flat(struct __test_metadata *_metadata,
			const struct minivmx_segment *s, __u16 sel, __u8 type)
{
	EXPECT_EQ(sel, s->selector);
	EXPECT_EQ(0ULL, s->base);
	EXPECT_EQ(0xffffffffU, s->limit);
	EXPECT_EQ(type, s->type);
	EXPECT_EQ(1, s->s);
	EXPECT_EQ(0, s->dpl);
	EXPECT_EQ(1, s->present);
	EXPECT_EQ(1, s->g);
	EXPECT_EQ(0, s->unusable);
	EXPECT_EQ(0, s->pad);
}

static void expect_tss(struct __test_metadata *_metadata,
		       const struct minivmx_segment *tr, __u16 sel)
{
	EXPECT_EQ(sel, tr->selector);
	EXPECT_EQ(11, tr->type);	/* busy TSS */
	EXPECT_EQ(0, tr->s);
	EXPECT_EQ(1, tr->present);
	EXPECT_EQ(0x67U, tr->limit);
	EXPECT_EQ(0, tr->g);
	EXPECT_EQ(0, tr->unusable);
}

static void expect_common(struct __test_metadata *_metadata,
			  const struct minivmx_sregs *s)
{
	size_t i;

	EXPECT_EQ(1, s->ldt.unusable);
	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		EXPECT_EQ(0ULL, s->reserved[i]);
	EXPECT_EQ(0, s->gdt.pad[0] | s->gdt.pad[1] | s->gdt.pad[2]);
	EXPECT_EQ(0, s->idt.pad[0] | s->idt.pad[1] | s->idt.pad[2]);
	EXPECT_EQ(0ULL, s->cr2);
}

TEST(sregs_real)
{
	struct guest_layout l = layout(GUEST_REAL);
	const struct minivmx_segment *segs[6];
	struct minivmx_sregs s;
	size_t i;

	l.load = 0x7c00;
	l.entry = 0x7c00;
	guest_init_sregs(&s, &l);
	segs[0] = &s.cs;
	segs[1] = &s.ds;
	segs[2] = &s.es;
	segs[3] = &s.fs;
	segs[4] = &s.gs;
	segs[5] = &s.ss;
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		EXPECT_EQ(0x7c0, segs[i]->selector);
		EXPECT_EQ(0x7c00ULL, segs[i]->base);
		EXPECT_EQ(0xffffU, segs[i]->limit);
		EXPECT_EQ(i ? 3 : 0xb, segs[i]->type);
		EXPECT_EQ(1, segs[i]->s);
		EXPECT_EQ(1, segs[i]->present);
		EXPECT_EQ(0, segs[i]->db | segs[i]->l | segs[i]->g |
			     segs[i]->dpl | segs[i]->unusable);
	}
	expect_tss(_metadata, &s.tr, 0);
	expect_common(_metadata, &s);
	EXPECT_EQ(0ULL, s.idt.base);
	EXPECT_EQ(0x3ff, s.idt.limit);
	EXPECT_EQ(0x10ULL, s.cr0);	/* ET only: PE and PG clear */
	EXPECT_EQ(0ULL, s.cr3);
	EXPECT_EQ(0ULL, s.cr4);
	EXPECT_EQ(0ULL, s.efer);
}

TEST(sregs_protected_paged_long)
{
	static const struct {
		enum guest_mode mode;
		__u64 cr0, cr3, cr4, efer;
		__u16 gdt_limit;
	} want[] = {
		{ GUEST_PROTECTED, 0x11, 0, 0, 0, 0x1f },
		{ GUEST_PAGED, 0x80000011, 0x8000, 0x10, 0, 0x1f },
		{ GUEST_LONG, 0x80000011, 0x2000, 0x20, 0x500, 0x27 },
	};
	struct minivmx_sregs s;
	struct guest_layout l;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		l = layout(want[i].mode);
		guest_init_sregs(&s, &l);
		expect_flat(_metadata, &s.cs, 0x08, 0xb);
		EXPECT_EQ(want[i].mode == GUEST_LONG, s.cs.l);
		EXPECT_EQ(want[i].mode != GUEST_LONG, s.cs.db);
		expect_flat(_metadata, &s.ds, 0x10, 3);
		expect_flat(_metadata, &s.es, 0x10, 3);
		expect_flat(_metadata, &s.fs, 0x10, 3);
		expect_flat(_metadata, &s.gs, 0x10, 3);
		expect_flat(_metadata, &s.ss, 0x10, 3);
		EXPECT_EQ(1, s.ss.db);
		expect_tss(_metadata, &s.tr, 0x18);
		expect_common(_metadata, &s);
		EXPECT_EQ(0x1000ULL, s.gdt.base);
		EXPECT_EQ(want[i].gdt_limit, s.gdt.limit);
		EXPECT_EQ(0, s.idt.limit);
		EXPECT_EQ(want[i].cr0, s.cr0) TH_LOG("%s", guest_mode_name(want[i].mode));
		EXPECT_EQ(want[i].cr3, s.cr3);
		EXPECT_EQ(want[i].cr4, s.cr4);
		EXPECT_EQ(want[i].efer, s.efer);
	}
}

/* What the CPU would load from the GDT is what the tool put in SREGS. */
TEST(sregs_agree_with_gdt)
{
	enum guest_mode modes[] = { GUEST_PROTECTED, GUEST_PAGED, GUEST_LONG };
	struct minivmx_sregs s;
	struct guest_layout l;
	void *ram = dirty_ram();
	size_t i;

	ASSERT_NE(NULL, ram);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		l = layout(modes[i]);
		guest_build_tables(ram, &l);
		guest_init_sregs(&s, &l);
		EXPECT_TRUE(seg_matches_desc(&s.cs, get64(ram, 0x1000 + s.cs.selector)));
		EXPECT_TRUE(seg_matches_desc(&s.ds, get64(ram, 0x1000 + s.ds.selector)));
		EXPECT_TRUE(seg_matches_desc(&s.ss, get64(ram, 0x1000 + s.ss.selector)));
		EXPECT_TRUE(seg_matches_desc(&s.tr, get64(ram, 0x1000 + s.tr.selector)));
		EXPECT_LT(s.tr.selector + 7U, s.gdt.limit + 1U);
	}
	free(ram);
}

TEST(seg_desc_encodes_base_and_byte_limit)
{
	struct minivmx_segment seg = {
		.base = 0x12345678, .limit = 0xabcde, .type = 3, .s = 1,
		.dpl = 3, .present = 1, .avl = 1, .db = 1,
	};

	EXPECT_EQ(0x125af3345678bcdeULL, guest_seg_desc(&seg));
	seg.g = 1;
	seg.limit = 0xabcdefff;
	EXPECT_EQ(0x12daf3345678bcdeULL, guest_seg_desc(&seg));
}

/* General registers. */

TEST(regs_each_mode)
{
	static const struct {
		enum guest_mode mode;
		__u64 mem, load, entry, rip, rsp;
	} want[] = {
		{ GUEST_REAL, 2 * MiB, 0x10000, 0x10000, 0, 0xfff0 },
		{ GUEST_REAL, 2 * MiB, 0x7c00, 0x7c10, 0x10, 0xfff0 },
		{ GUEST_REAL, 2 * MiB, 0x7c08, 0x7c08, 0x8, 0xfff0 },
		{ GUEST_PROTECTED, 2 * MiB, 0x10000, 0x10040, 0x10040, 2 * MiB },
		{ GUEST_PAGED, 64 * MiB, 0x10000, 0x10000, 0x10000, 64 * MiB },
		{ GUEST_PROTECTED, 4ULL << 30, 0x10000, 0x10000, 0x10000, 0 },
		{ GUEST_LONG, 2 * MiB, 0x200000, 0x200000, 0x200000, 2 * MiB },
		{ GUEST_LONG, 4ULL << 30, 0x10000, 0x10000, 0x10000, 4ULL << 30 },
	};
	struct minivmx_regs r;
	struct guest_layout l;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		l = layout(want[i].mode);
		l.mem_size = want[i].mem;
		l.load = want[i].load;
		l.entry = want[i].entry;
		guest_init_regs(&r, &l);
		EXPECT_EQ(want[i].rip, r.rip) TH_LOG("case %zu", i);
		EXPECT_EQ(want[i].rsp, r.rsp) TH_LOG("case %zu", i);
		EXPECT_EQ(2ULL, r.rflags);
		EXPECT_EQ(0ULL, r.rax | r.rbx | r.rcx | r.rdx | r.rsi | r.rdi |
				r.rbp | r.r8 | r.r9 | r.r10 | r.r11 | r.r12 |
				r.r13 | r.r14 | r.r15);
	}
}

TEST_HARNESS_MAIN
