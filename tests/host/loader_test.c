// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel loaders of `minivmx run --kernel` (user-tools/loader.h),
 * linked straight from user-tools/: ELF32 and ELF64 images, Multiboot
 * images with the address fields and as ELF, and bzImages, built here in
 * memory and loaded into a buffer that stands for guest RAM, filled with
 * 0xaa so that every byte the loader should not touch shows.  What lands
 * in RAM and in the registers is checked against the formats'
 * specifications, written out here by hand; every malformed image is
 * refused with its sentence and, for ELF, before anything is written.
 * The real bzImage of the cached test kernel is loaded too, when there is
 * one (skipped otherwise).  Last, `minivmx run --kernel` as a user runs
 * it, through minivmx-fakedev: the options each format refuses, and what
 * reaches the vCPU.  MINIVMX_BIN and FAKEDEV_BIN come from the Makefile.
 */
#include <asm/bootparam.h>
#include <errno.h>
#include <glob.h>
#include <linux/elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* loader.h first: its util.h defines ARRAY_SIZE, kselftest.h only if not */
#include "loader.h"
#include "kselftest_harness.h"
#include "tool_run.h"

#define MiB		0x100000ULL
#define DIRT		0xaa
#define BASE		0x200000ULL	/* where the test images load */

/* One loader run: RAM, the input, the output, the message. */
struct load {
	void *ram;
	__u64 mem;
	struct loader_input in;
	struct loader_output out;
	char why[256];
	int ret;
};

static __u8 *buf_new(size_t size)
{
	__u8 *b = calloc(1, size);

	return b;
}

static void load_init(struct load *l, __u64 mem)
{
	memset(l, 0, sizeof(*l));
	l->mem = mem;
	l->ram = malloc(mem);
	if (l->ram)
		memset(l->ram, DIRT, mem);
	l->in.ram = l->ram;
	l->in.mem_size = mem;
	l->in.kernel.name = "test";
}

static int load_run(struct load *l, const struct kernel_loader *ldr,
		    const void *data, size_t size)
{
	struct sbuf why = { l->why, sizeof(l->why), 0 };

	l->in.kernel.data = data;
	l->in.kernel.size = size;
	l->why[0] = '\0';
	l->ret = ldr->load(&l->in, &l->out, &why);
	return l->ret;
}

static __u8 ram8(const struct load *l, __u64 gpa)
{
	return ((const __u8 *)l->ram)[gpa];
}

static __u32 ram32(const struct load *l, __u64 gpa)
{
	__u32 v;

	memcpy(&v, (const char *)l->ram + gpa, sizeof(v));
	return v;
}

static __u64 ram64(const struct load *l, __u64 gpa)
{
	__u64 v;

	memcpy(&v, (const char *)l->ram + gpa, sizeof(v));
	return v;
}

/* Every byte of [gpa, gpa + len) is @val. */
static bool ram_is(const struct load *l, __u64 gpa, __u64 len, __u8 val)
{
	__u64 i;

	for (i = 0; i < len; i++)
		if (ram8(l, gpa + i) != val)
			return false;
	return true;
}

/* ---- ELF ---- */

#define ELF_TEXT	16	/* bytes of "code" */
#define ELF_DATA	8	/* bytes of data, then .bss */
#define ELF_BSS		0x100
#define ELF_SIZE	0x200
#define ELF_TEXT_OFF	0x100
#define ELF_DATA_OFF	0x180
#define ELF_DATA_GPA	(BASE + 0x100000)

/*
 * An executable with a PT_NOTE (ignored) and two PT_LOADs: 16 bytes of
 * text at BASE, 8 bytes of data and 0xf8 of .bss at BASE + 1 MiB.  The
 * entry is 4 bytes into the text.
 */
static __u8 *elf_image(bool is64)
{
	__u8 *f = buf_new(ELF_SIZE);
	struct elf64_phdr ph[3] = {
		{ .p_type = PT_NOTE, .p_offset = 0, .p_filesz = 4,
		  .p_memsz = 4 },
		{ .p_type = PT_LOAD, .p_offset = ELF_TEXT_OFF,
		  .p_vaddr = BASE, .p_paddr = BASE, .p_filesz = ELF_TEXT,
		  .p_memsz = ELF_TEXT },
		{ .p_type = PT_LOAD, .p_offset = ELF_DATA_OFF,
		  .p_vaddr = ELF_DATA_GPA, .p_paddr = ELF_DATA_GPA,
		  .p_filesz = ELF_DATA, .p_memsz = ELF_BSS },
	};
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < ELF_SIZE - ELF_TEXT_OFF; i++)
		f[ELF_TEXT_OFF + i] = 0x10 + i;
	memcpy(f, ELFMAG, SELFMAG);
	f[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	f[EI_DATA] = ELFDATA2LSB;
	f[EI_VERSION] = EV_CURRENT;
	if (is64) {
		struct elf64_hdr *e = (void *)f;

		e->e_type = ET_EXEC;
		e->e_machine = EM_X86_64;
		e->e_entry = BASE + 4;
		e->e_phoff = sizeof(*e);
		e->e_phentsize = sizeof(ph[0]);
		e->e_phnum = 3;
		memcpy(f + e->e_phoff, ph, sizeof(ph));
		return f;
	}
	struct elf32_hdr *e = (void *)f;
	struct elf32_phdr p32;

	e->e_type = ET_EXEC;
	e->e_machine = EM_386;
	e->e_entry = BASE + 4;
	e->e_phoff = sizeof(*e);
	e->e_phentsize = sizeof(p32);
	e->e_phnum = 3;
	for (i = 0; i < 3; i++) {
		p32 = (struct elf32_phdr){
			.p_type = ph[i].p_type, .p_offset = ph[i].p_offset,
			.p_vaddr = ph[i].p_vaddr, .p_paddr = ph[i].p_paddr,
			.p_filesz = ph[i].p_filesz, .p_memsz = ph[i].p_memsz,
		};
		memcpy(f + e->e_phoff + i * sizeof(p32), &p32, sizeof(p32));
	}
	return f;
}

/* Program header @i of the ELF64 test image. */
static struct elf64_phdr *elf_ph(__u8 *f, int i)
{
	return (struct elf64_phdr *)(f + sizeof(struct elf64_hdr)) + i;
}

static void check_elf_loaded(struct __test_metadata *_metadata,
			     const struct load *l, const __u8 *f)
{
	ASSERT_EQ(0, l->ret) TH_LOG("%s", l->why);
	EXPECT_EQ(0, memcmp((char *)l->ram + BASE, f + ELF_TEXT_OFF, ELF_TEXT));
	EXPECT_EQ(0, memcmp((char *)l->ram + ELF_DATA_GPA, f + ELF_DATA_OFF,
			    ELF_DATA));
	/* .bss zeroed, not the bytes that follow the data in the file */
	EXPECT_TRUE(ram_is(l, ELF_DATA_GPA + ELF_DATA, ELF_BSS - ELF_DATA, 0));
	/* nothing around the segments */
	EXPECT_EQ(DIRT, ram8(l, BASE - 1));
	EXPECT_EQ(DIRT, ram8(l, BASE + ELF_TEXT));
	EXPECT_EQ(DIRT, ram8(l, ELF_DATA_GPA + ELF_BSS));
	EXPECT_EQ(BASE + 4, l->out.regs.rip);
	EXPECT_EQ(l->mem, l->out.regs.rsp);
	EXPECT_EQ(2ULL, l->out.regs.rflags);
	EXPECT_EQ(0x08ULL, l->out.sregs.cs.selector);
	EXPECT_EQ(0x10ULL, l->out.sregs.ds.selector);
	EXPECT_EQ(0x1000ULL, l->out.sregs.gdt.base);
}

TEST(elf64_loads_long_mode)
{
	__u8 *f = elf_image(true);
	struct load l;

	ASSERT_NE(NULL, f);
	load_init(&l, 4 * MiB);
	ASSERT_NE(NULL, l.ram);
	EXPECT_EQ(&loader_elf, loader_detect(f, ELF_SIZE));
	load_run(&l, &loader_elf, f, ELF_SIZE);
	check_elf_loaded(_metadata, &l, f);
	EXPECT_TRUE(l.out.sregs.cs.l);
	EXPECT_EQ(0x2000ULL, l.out.sregs.cr3);
	EXPECT_TRUE(!!(l.out.sregs.efer & BIT_ULL(10)));	/* LMA */
	/* PML4[0] -> PDPT: the identity map the tool builds */
	EXPECT_EQ(0x3003ULL, ram64(&l, 0x2000));
	EXPECT_STREQ("ELF64, entry 0x200004, long mode", l.out.desc);
	free(l.ram);
	free(f);
}

TEST(elf32_loads_protected_mode)
{
	__u8 *f = elf_image(false);
	struct load l;

	ASSERT_NE(NULL, f);
	load_init(&l, 4 * MiB);
	ASSERT_NE(NULL, l.ram);
	load_run(&l, &loader_elf, f, ELF_SIZE);
	check_elf_loaded(_metadata, &l, f);
	EXPECT_FALSE(l.out.sregs.cs.l);
	EXPECT_TRUE(l.out.sregs.cs.db);
	EXPECT_EQ(1ULL, l.out.sregs.cr0 & 0x80000001);	/* PE, not PG */
	EXPECT_EQ(0ULL, l.out.sregs.efer);
	EXPECT_STREQ("ELF32, entry 0x200004, protected mode", l.out.desc);
	free(l.ram);
	free(f);
}

/* A kernel linked high: the entry is virtual, the segments go by p_paddr. */
TEST(elf64_virtual_entry)
{
	__u8 *f = elf_image(true);
	struct elf64_hdr *e = (void *)f;
	struct load l;

	ASSERT_NE(NULL, f);
	elf_ph(f, 1)->p_vaddr = 0xffffffff81000000ULL;
	e->e_entry = 0xffffffff81000008ULL;
	load_init(&l, 4 * MiB);
	ASSERT_NE(NULL, l.ram);
	ASSERT_EQ(0, load_run(&l, &loader_elf, f, ELF_SIZE)) TH_LOG("%s", l.why);
	EXPECT_EQ(BASE + 8, l.out.regs.rip);
	EXPECT_EQ(0, memcmp((char *)l.ram + BASE, f + ELF_TEXT_OFF, ELF_TEXT));
	free(l.ram);
	free(f);
}

/* Malformed ELF64 images: each refused, nothing written to RAM. */
FIXTURE(bad_elf) {
	__u8 *f;
	struct load l;
};

FIXTURE_VARIANT(bad_elf) {
	void (*spoil)(__u8 *f, size_t *size);
	__u64 mem;
	const char *why;
};

FIXTURE_SETUP(bad_elf)
{
	self->f = elf_image(true);
	load_init(&self->l, variant->mem ? variant->mem : 4 * MiB);
	ASSERT_NE(NULL, self->f);
	ASSERT_NE(NULL, self->l.ram);
}

FIXTURE_TEARDOWN(bad_elf)
{
	free(self->f);
	free(self->l.ram);
}

TEST_F(bad_elf, refused)
{
	size_t size = ELF_SIZE;

	if (variant->spoil)
		variant->spoil(self->f, &size);
	EXPECT_EQ(-EINVAL, load_run(&self->l, &loader_elf, self->f, size));
	EXPECT_NE(NULL, strstr(self->l.why, variant->why))
		TH_LOG("want '%s', got '%s'", variant->why, self->l.why);
	EXPECT_TRUE(ram_is(&self->l, 0, self->l.mem, DIRT))
		TH_LOG("RAM written before the checks");
}

static void cut_10(__u8 *f, size_t *size)
{
	*size = 10;
}

static void cut_40(__u8 *f, size_t *size)
{
	*size = 40;
}

static void cut_phdrs(__u8 *f, size_t *size)
{
	*size = 0x60;
}

static void cut_data(__u8 *f, size_t *size)
{
	*size = ELF_DATA_OFF + 4;
}

static void class_5(__u8 *f, size_t *size)
{
	f[EI_CLASS] = 5;
}

static void big_endian(__u8 *f, size_t *size)
{
	f[EI_DATA] = ELFDATA2MSB;
}

static void version_0(__u8 *f, size_t *size)
{
	f[EI_VERSION] = 0;
}

static void et_dyn(__u8 *f, size_t *size)
{
	((struct elf64_hdr *)f)->e_type = ET_DYN;
}

static void em_386(__u8 *f, size_t *size)
{
	((struct elf64_hdr *)f)->e_machine = EM_386;
}

static void phnum_0(__u8 *f, size_t *size)
{
	((struct elf64_hdr *)f)->e_phnum = 0;
}

static void phentsize_32(__u8 *f, size_t *size)
{
	((struct elf64_hdr *)f)->e_phentsize = 32;
}

static void phoff_huge(__u8 *f, size_t *size)
{
	((struct elf64_hdr *)f)->e_phoff = ~0ULL - 8;
}

static void offset_huge(__u8 *f, size_t *size)
{
	elf_ph(f, 2)->p_offset = ~0ULL - 2;
}

static void filesz_over_memsz(__u8 *f, size_t *size)
{
	elf_ph(f, 2)->p_memsz = 4;
}

static void above_ram(__u8 *f, size_t *size)
{
	elf_ph(f, 2)->p_paddr = 4 * MiB - 0x80;
}

static void wraps(__u8 *f, size_t *size)
{
	elf_ph(f, 2)->p_paddr = ~0ULL - 0x10;
}

static void low(__u8 *f, size_t *size)
{
	elf_ph(f, 1)->p_paddr = 0x8000;
}

static void overlap(__u8 *f, size_t *size)
{
	elf_ph(f, 2)->p_paddr = BASE + 8;
}

static void entry_outside(__u8 *f, size_t *size)
{
	((struct elf64_hdr *)f)->e_entry = 0x380000;
}

static void no_load(__u8 *f, size_t *size)
{
	elf_ph(f, 1)->p_type = PT_NOTE;
	elf_ph(f, 2)->p_type = PT_NULL;
}

FIXTURE_VARIANT_ADD(bad_elf, truncated_ident) {
	.spoil = cut_10,
	.why = "truncated ELF header (10 bytes)",
};

FIXTURE_VARIANT_ADD(bad_elf, truncated_header) {
	.spoil = cut_40,
	.why = "truncated ELF64 header (40 bytes)",
};

FIXTURE_VARIANT_ADD(bad_elf, truncated_phdrs) {
	.spoil = cut_phdrs,
	.why =
		"truncated: 3 program headers at offset 0x40 run past the end of the file (96 bytes)",
};

FIXTURE_VARIANT_ADD(bad_elf, truncated_segment) {
	.spoil = cut_data,
	.why = "truncated: segment 2 (0x8 bytes at offset 0x180) runs past the end of the file",
};

FIXTURE_VARIANT_ADD(bad_elf, bad_class) {
	.spoil = class_5,
	.why = "unknown ELF class 5",
};

FIXTURE_VARIANT_ADD(bad_elf, big_endian) {
	.spoil = big_endian,
	.why = "not a little-endian ELF file",
};

FIXTURE_VARIANT_ADD(bad_elf, bad_version) {
	.spoil = version_0,
	.why = "unknown ELF version 0",
};

FIXTURE_VARIANT_ADD(bad_elf, not_executable) {
	.spoil = et_dyn,
	.why = "not an executable (e_type 3",
};

FIXTURE_VARIANT_ADD(bad_elf, wrong_machine) {
	.spoil = em_386,
	.why = "ELF64 for machine 3, not x86-64",
};

FIXTURE_VARIANT_ADD(bad_elf, no_phdrs) {
	.spoil = phnum_0,
	.why = "no program headers",
};

FIXTURE_VARIANT_ADD(bad_elf, bad_phentsize) {
	.spoil = phentsize_32,
	.why = "program header size 32, not 56",
};

FIXTURE_VARIANT_ADD(bad_elf, phoff_overflows) {
	.spoil = phoff_huge,
	.why = "run past the end of the file",
};

FIXTURE_VARIANT_ADD(bad_elf, offset_overflows) {
	.spoil = offset_huge,
	.why = "segment 2 (0x8 bytes at offset 0xfffffffffffffffd)",
};

FIXTURE_VARIANT_ADD(bad_elf, filesz_over_memsz) {
	.spoil = filesz_over_memsz,
	.why = "segment 2: p_filesz 0x8 is larger than p_memsz 0x4",
};

FIXTURE_VARIANT_ADD(bad_elf, beyond_ram) {
	.spoil = above_ram,
	.why = "segment 2 (256 bytes at 0x3fff80) does not fit in guest RAM (0x400000 bytes)",
};

FIXTURE_VARIANT_ADD(bad_elf, address_wraps) {
	.spoil = wraps,
	.why = "does not fit in guest RAM",
};

FIXTURE_VARIANT_ADD(bad_elf, below_0x10000) {
	.spoil = low,
	.why = "segment 1 (16 bytes at 0x8000) is below 0x10000",
};

FIXTURE_VARIANT_ADD(bad_elf, overlapping) {
	.spoil = overlap,
	.why = "segments overlap at 0x200008",
};

FIXTURE_VARIANT_ADD(bad_elf, entry_outside) {
	.spoil = entry_outside,
	.why = "the entry point 0x380000 is in no PT_LOAD segment",
};

FIXTURE_VARIANT_ADD(bad_elf, no_load) {
	.spoil = no_load,
	.why = "no PT_LOAD segment",
};

/* ---- Multiboot ---- */

#define MB_MAGIC	0x1BADB002U
#define MB_OFF		0x40		/* the header in the test image */
#define MB_SIZE		0x800
#define MB_BSS_END	(BASE + 0x2000)
#define MB_INFO		0x9000U

/* The header: magic, flags, checksum, then the address fields. */
static void mb_header(__u8 *f, __u32 off, __u32 flags, const __u32 *addr)
{
	__u32 h[8] = { MB_MAGIC, flags, -(MB_MAGIC + flags) };

	if (addr)
		memcpy(h + 3, addr, 5 * sizeof(*addr));
	memcpy(f + off, h, addr ? sizeof(h) : 3 * sizeof(*h));
}

/* Flat, address fields: load BASE, whole file, .bss to BASE + 8 KiB. */
static __u8 *mb_aout_image(void)
{
	__u32 addr[5] = { BASE + MB_OFF, BASE, 0, MB_BSS_END, BASE + 0x100 };
	__u8 *f = buf_new(MB_SIZE);
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < MB_SIZE; i++)
		f[i] = i * 7;
	mb_header(f, MB_OFF, 0x10003, addr);
	return f;
}

static const char mod1[] = "module one";
static __u8 mod2[5000];

static void mb_modules(struct load *l, struct loader_blob *b)
{
	size_t i;

	for (i = 0; i < sizeof(mod2); i++)
		mod2[i] = i * 13;
	b[0] = (struct loader_blob){ "m1", mod1, sizeof(mod1) - 1,
				     "m1 first" };
	b[1] = (struct loader_blob){ "m2", mod2, sizeof(mod2), "m2" };
	l->in.initrds = b;
	l->in.nr_initrds = 2;
}

/* The information structure, by the offsets of the specification, 3.3. */
static void check_mb_info(struct __test_metadata *_metadata,
			  const struct load *l, __u64 kernel_end)
{
	__u32 info = l->out.regs.rbx, mmap, mods, i;

	EXPECT_EQ(0x2BADB002ULL, l->out.regs.rax);
	EXPECT_EQ(MB_INFO, info);
	/* memory, cmdline, mods, mmap, boot_loader_name */
	EXPECT_EQ(0x24dULL, ram32(l, info));
	EXPECT_EQ(640ULL, ram32(l, info + 4));
	EXPECT_EQ((l->mem - MiB) / 1024, ram32(l, info + 8));
	EXPECT_STREQ("root=/dev/x quiet", (char *)l->ram + ram32(l, info + 16));
	EXPECT_STREQ("minivmx", (char *)l->ram + ram32(l, info + 64));
	/* the memory map: three entries of 20 bytes */
	mmap = ram32(l, info + 48);
	EXPECT_EQ(72ULL, ram32(l, info + 44));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(20ULL, ram32(l, mmap + 24 * i));
	EXPECT_EQ(0ULL, ram64(l, mmap + 4));
	EXPECT_EQ(0xa0000ULL, ram64(l, mmap + 12));
	EXPECT_EQ(1ULL, ram32(l, mmap + 20));
	EXPECT_EQ(0xf0000ULL, ram64(l, mmap + 24 + 4));
	EXPECT_EQ(2ULL, ram32(l, mmap + 24 + 20));
	EXPECT_EQ(MiB, ram64(l, mmap + 48 + 4));
	EXPECT_EQ(l->mem - MiB, ram64(l, mmap + 48 + 12));
	EXPECT_EQ(1ULL, ram32(l, mmap + 48 + 20));
	/* the modules: page-aligned after the kernel, their strings */
	EXPECT_EQ(2ULL, ram32(l, info + 20));
	mods = ram32(l, info + 24);
	EXPECT_EQ((kernel_end + 0xfff) & ~0xfffULL, ram32(l, mods));
	EXPECT_EQ(ram32(l, mods) + sizeof(mod1) - 1, ram32(l, mods + 4));
	EXPECT_EQ(0, memcmp((char *)l->ram + ram32(l, mods), mod1,
			    sizeof(mod1) - 1));
	EXPECT_STREQ("m1 first", (char *)l->ram + ram32(l, mods + 8));
	EXPECT_EQ(ram32(l, mods) + 0x1000, ram32(l, mods + 16));
	EXPECT_EQ(ram32(l, mods + 16) + sizeof(mod2), ram32(l, mods + 20));
	EXPECT_EQ(0, memcmp((char *)l->ram + ram32(l, mods + 16), mod2,
			    sizeof(mod2)));
	EXPECT_STREQ("m2", (char *)l->ram + ram32(l, mods + 24));
	/* 32-bit protected mode, paging off */
	EXPECT_EQ(1ULL, l->out.sregs.cr0 & 0x80000001);
	EXPECT_TRUE(l->out.sregs.cs.db);
	EXPECT_EQ(0ULL, l->out.sregs.cs.base);
	EXPECT_EQ(0xffffffffULL, l->out.sregs.cs.limit);
	EXPECT_EQ(0ULL, l->out.sregs.efer);
	EXPECT_EQ(2ULL, l->out.regs.rflags);
}

TEST(multiboot_address_fields)
{
	__u8 *f = mb_aout_image();
	struct loader_blob b[2];
	struct load l;

	ASSERT_NE(NULL, f);
	load_init(&l, 8 * MiB);
	ASSERT_NE(NULL, l.ram);
	EXPECT_EQ(&loader_multiboot, loader_detect(f, MB_SIZE));
	mb_modules(&l, b);
	l.in.append = "root=/dev/x quiet";
	ASSERT_EQ(0, load_run(&l, &loader_multiboot, f, MB_SIZE))
		TH_LOG("%s", l.why);
	/* the whole file at load_addr, zero to bss_end_addr */
	EXPECT_EQ(0, memcmp((char *)l.ram + BASE, f, MB_SIZE));
	EXPECT_TRUE(ram_is(&l, BASE + MB_SIZE, MB_BSS_END - BASE - MB_SIZE, 0));
	EXPECT_EQ(DIRT, ram8(&l, BASE - 1));
	EXPECT_EQ(BASE + 0x100, l.out.regs.rip);
	check_mb_info(_metadata, &l, MB_BSS_END);
	EXPECT_STREQ("Multiboot (address fields), entry 0x200100, 2 modules",
		     l.out.desc);
	free(l.ram);
	free(f);
}

/* load_end_addr limits what is loaded; the header may sit past it. */
TEST(multiboot_load_end)
{
	__u32 addr[5] = { BASE + MB_OFF, BASE, BASE + 0x100, 0, BASE };
	__u8 *f = mb_aout_image();
	struct load l;

	ASSERT_NE(NULL, f);
	mb_header(f, MB_OFF, 0x10000, addr);
	load_init(&l, 4 * MiB);
	ASSERT_NE(NULL, l.ram);
	ASSERT_EQ(0, load_run(&l, &loader_multiboot, f, MB_SIZE))
		TH_LOG("%s", l.why);
	EXPECT_EQ(0, memcmp((char *)l.ram + BASE, f, 0x100));
	EXPECT_EQ(DIRT, ram8(&l, BASE + 0x100));
	/* no --append: no command line flag */
	EXPECT_EQ(0x241ULL, ram32(&l, MB_INFO));
	free(l.ram);
	free(f);
}

/* An ELF file with a header without address fields: the segments. */
TEST(multiboot_elf)
{
	__u8 *f = elf_image(false);
	struct loader_blob b[2];
	struct load l;

	ASSERT_NE(NULL, f);
	mb_header(f, ELF_TEXT_OFF, 0x3, NULL);
	EXPECT_EQ(&loader_multiboot, loader_detect(f, ELF_SIZE));
	load_init(&l, 8 * MiB);
	ASSERT_NE(NULL, l.ram);
	mb_modules(&l, b);
	l.in.append = "root=/dev/x quiet";
	ASSERT_EQ(0, load_run(&l, &loader_multiboot, f, ELF_SIZE))
		TH_LOG("%s", l.why);
	EXPECT_EQ(0, memcmp((char *)l.ram + BASE, f + ELF_TEXT_OFF, ELF_TEXT));
	EXPECT_EQ(BASE + 4, l.out.regs.rip);
	check_mb_info(_metadata, &l, ELF_DATA_GPA + ELF_BSS);
	free(l.ram);
	free(f);
}

TEST(multiboot_header_past_8k_not_found)
{
	__u8 *f = buf_new(0x3000);
	struct load l;

	ASSERT_NE(NULL, f);
	mb_header(f, 0x2000, 0x3, NULL);
	EXPECT_EQ(NULL, loader_detect(f, 0x3000));
	mb_header(f, 0x2000 - 12, 0x3, NULL);
	EXPECT_EQ(&loader_multiboot, loader_detect(f, 0x3000));
	/* a wrong checksum is no header */
	f[0x2000 - 4]++;
	EXPECT_EQ(NULL, loader_detect(f, 0x3000));
	load_init(&l, 4 * MiB);
	ASSERT_NE(NULL, l.ram);
	EXPECT_EQ(-EINVAL, load_run(&l, &loader_multiboot, f, 0x3000));
	EXPECT_STREQ("no Multiboot header in the first 8 KiB", l.why);
	free(l.ram);
	free(f);
}

FIXTURE(bad_mb) {
	__u8 *f;
	struct load l;
	struct loader_blob b[2];
};

FIXTURE_VARIANT(bad_mb) {
	__u32 flags;
	__u32 addr[5];		/* header, load, load_end, bss_end, entry */
	size_t size;		/* 0: MB_SIZE */
	__u64 mem;		/* 0: 4 MiB */
	bool big_append;
	bool modules;
	const char *why;
};

FIXTURE_SETUP(bad_mb)
{
	self->f = mb_aout_image();
	ASSERT_NE(NULL, self->f);
	mb_header(self->f, MB_OFF, variant->flags, variant->addr);
	load_init(&self->l, variant->mem ? variant->mem : 4 * MiB);
	ASSERT_NE(NULL, self->l.ram);
	if (variant->modules)
		mb_modules(&self->l, self->b);
}

FIXTURE_TEARDOWN(bad_mb)
{
	free(self->f);
	free(self->l.ram);
	free((char *)self->l.in.append);
}

TEST_F(bad_mb, refused)
{
	size_t size = variant->size ? variant->size : MB_SIZE;
	char *append;

	if (variant->big_append) {
		append = malloc(30000);
		ASSERT_NE(NULL, append);
		memset(append, 'x', 29999);
		append[29999] = '\0';
		self->l.in.append = append;
	}
	EXPECT_EQ(-EINVAL, load_run(&self->l, &loader_multiboot, self->f,
				    size));
	EXPECT_NE(NULL, strstr(self->l.why, variant->why))
		TH_LOG("want '%s', got '%s'", variant->why, self->l.why);
}

#define GOOD_ADDR	{ BASE + MB_OFF, BASE, 0, MB_BSS_END, BASE + 0x100 }

FIXTURE_VARIANT_ADD(bad_mb, video_mode) {
	.flags = 0x10007, .addr = GOOD_ADDR,
	.why = "asks for a video mode (flags bit 2)",
};

FIXTURE_VARIANT_ADD(bad_mb, unknown_requirement) {
	.flags = 0x10023, .addr = GOOD_ADDR,
	.why = "requires features minivmx does not know (flags 0x20)",
};

FIXTURE_VARIANT_ADD(bad_mb, truncated_header) {
	.flags = 0x10003, .addr = GOOD_ADDR, .size = MB_OFF + 20,
	.why = "truncated Multiboot header",
};

FIXTURE_VARIANT_ADD(bad_mb, header_before_load) {
	.flags = 0x10003, .addr = { BASE, BASE + 0x10, 0, 0, BASE + 0x10 },
	.why = "put the image before the start of the file",
};

FIXTURE_VARIANT_ADD(bad_mb, load_before_file) {
	.flags = 0x10003,
	.addr = { BASE + 0x1000, BASE, 0, 0, BASE },
	.why = "put the image before the start of the file",
};

FIXTURE_VARIANT_ADD(bad_mb, load_end_below_load) {
	.flags = 0x10003, .addr = { BASE + MB_OFF, BASE, BASE - 1, 0, BASE },
	.why = "load_end_addr 0x1fffff is below load_addr 0x200000",
};

FIXTURE_VARIANT_ADD(bad_mb, load_end_past_file) {
	.flags = 0x10003,
	.addr = { BASE + MB_OFF, BASE, BASE + 0x1000, 0, BASE },
	.why = "truncated: Multiboot load_end_addr 0x201000",
};

FIXTURE_VARIANT_ADD(bad_mb, bss_below_load_end) {
	.flags = 0x10003,
	.addr = { BASE + MB_OFF, BASE, BASE + 0x100, BASE + 0x80, BASE },
	.why = "bss_end_addr 0x200080 is below the end of the loaded image",
};

FIXTURE_VARIANT_ADD(bad_mb, entry_outside) {
	.flags = 0x10003,
	.addr = { BASE + MB_OFF, BASE, 0, MB_BSS_END, MB_BSS_END },
	.why = "entry_addr 0x202000 is outside the image",
};

FIXTURE_VARIANT_ADD(bad_mb, beyond_ram) {
	.flags = 0x10003,
	.addr = { 0x3fff00 + MB_OFF, 0x3fff00, 0, 0, 0x3fff00 },
	.why = "the Multiboot image (2048 bytes at 0x3fff00) does not fit in guest RAM",
};

FIXTURE_VARIANT_ADD(bad_mb, bss_wraps) {
	.flags = 0x10003,
	.addr = { BASE + MB_OFF, BASE, 0, 0xffffffff, BASE },
	.why = "does not fit in guest RAM",
};

FIXTURE_VARIANT_ADD(bad_mb, below_0x10000) {
	.flags = 0x10003, .addr = { 0x1040, 0x1000, 0, 0, 0x1000 },
	.why = "is below 0x10000",
};

FIXTURE_VARIANT_ADD(bad_mb, not_elf_no_address_fields) {
	.flags = 0x3,
	.why = "has no address fields (flags bit 16) and the file is not ELF",
};

FIXTURE_VARIANT_ADD(bad_mb, command_line_too_long) {
	.flags = 0x10003, .addr = GOOD_ADDR, .big_append = true,
	.why = "do not fit in the Multiboot information area (0x9000-0xffff",
};

FIXTURE_VARIANT_ADD(bad_mb, module_beyond_ram) {
	.flags = 0x10003,
	.addr = { 0x3fd000 + MB_OFF, 0x3fd000, 0, 0, 0x3fd000 },
	.modules = true,
	.why = "module m2 (5000 bytes) does not fit in guest RAM after the kernel",
};

/* ---- bzImage ---- */

#define BZ_SETUP_SECTS	4
#define BZ_SETUP	((BZ_SETUP_SECTS + 1) * 512)
#define BZ_KERNEL	0x1000
#define BZ_SIZE		(BZ_SETUP + BZ_KERNEL)
#define BZ_PREF		(16 * MiB)
#define BZ_INIT_SIZE	0x200000
#define BOOT_PARAMS	0x9000ULL

/* A synthetic bzImage: protocol 2.15, relocatable, a 4 KiB kernel. */
static __u8 *bz_image(void)
{
	__u8 *f = buf_new(BZ_SIZE);
	struct setup_header h = {
		.setup_sects = BZ_SETUP_SECTS,
		.syssize = BZ_KERNEL / 16,
		.vid_mode = 0xffff,
		.boot_flag = 0xaa55,
		.jump = 0x66eb,		/* the header ends at 0x202 + 0x66 */
		.header = 0x53726448,
		.version = 0x020f,
		.loadflags = LOADED_HIGH,
		.code32_start = 0x100000,
		.initrd_addr_max = 0x7fffffff,
		.kernel_alignment = 0x200000,
		.relocatable_kernel = 1,
		.xloadflags = XLF_KERNEL_64,
		.cmdline_size = 2047,
		.pref_address = BZ_PREF,
		.init_size = BZ_INIT_SIZE,
	};
	int i;

	if (!f)
		return NULL;
	memset(f, 0xcc, BZ_SETUP);
	f[0x1ef] = 0xff;	/* the sentinel the kernel's header.S has */
	memcpy(f + 0x1f1, &h, sizeof(h));
	for (i = 0; i < BZ_KERNEL; i++)
		f[BZ_SETUP + i] = i * 3;
	return f;
}

static struct setup_header *bz_hdr(__u8 *f)
{
	return (struct setup_header *)(f + 0x1f1);
}

/* boot_params and the vCPU as the 64-bit boot protocol has them. */
static void check_boot_params(struct __test_metadata *_metadata,
			      const struct load *l, const __u8 *f,
			      size_t size, const char *cmdline)
{
	const struct boot_params *bp =
		(const void *)((const char *)l->ram + BOOT_PARAMS);
	const struct setup_header *fh = (const void *)(f + 0x1f1);
	size_t hdr_end = 0x202 + f[0x201];
	__u64 setup = ((__u64)(fh->setup_sects ? fh->setup_sects : 4) + 1) * 512;
	__u64 desc;

	ASSERT_EQ(0, l->ret) TH_LOG("%s", l->why);
	/* zeroed, the sentinel too, then the header from the file */
	EXPECT_EQ(0ULL, bp->sentinel);
	EXPECT_TRUE(ram_is(l, BOOT_PARAMS, 0x1e8, 0));
	EXPECT_EQ(0, memcmp(&bp->hdr, fh, offsetof(struct setup_header,
						   type_of_loader)));
	EXPECT_EQ(fh->version, bp->hdr.version);
	EXPECT_EQ(fh->init_size, bp->hdr.init_size);
	EXPECT_EQ(0x53726448ULL, bp->hdr.header);
	if (hdr_end < 0x1f1 + sizeof(struct setup_header))
		EXPECT_TRUE(ram_is(l, BOOT_PARAMS + hdr_end,
				   0x1f1 + sizeof(struct setup_header) - hdr_end,
				   0));
	EXPECT_EQ(0xffULL, bp->hdr.type_of_loader);
	EXPECT_EQ(0x100000ULL, bp->hdr.code32_start);
	EXPECT_STREQ(cmdline, (char *)l->ram + bp->hdr.cmd_line_ptr);
	EXPECT_LE(bp->hdr.cmd_line_ptr + strlen(cmdline), 0x10000UL);
	EXPECT_EQ(0ULL, bp->ext_cmd_line_ptr);
	/* e820: RAM below 640K, the BIOS area, RAM from 1M to the top */
	ASSERT_EQ(3, bp->e820_entries);
	EXPECT_EQ(0ULL, bp->e820_table[0].addr);
	EXPECT_EQ(0xa0000ULL, bp->e820_table[0].size);
	EXPECT_EQ(1ULL, bp->e820_table[0].type);
	EXPECT_EQ(0xf0000ULL, bp->e820_table[1].addr);
	EXPECT_EQ(2ULL, bp->e820_table[1].type);
	EXPECT_EQ(MiB, bp->e820_table[2].addr);
	EXPECT_EQ(l->mem - MiB, bp->e820_table[2].size);
	EXPECT_EQ(1ULL, bp->e820_table[2].type);
	/* the protected-mode kernel at 1 MiB */
	EXPECT_EQ(0, memcmp((char *)l->ram + MiB, f + setup, size - setup));
	/* 64-bit entry: RIP, RSI, __BOOT_CS 0x10 and __BOOT_DS 0x18 */
	EXPECT_EQ(0x100200ULL, l->out.regs.rip);
	EXPECT_EQ(BOOT_PARAMS, l->out.regs.rsi);
	EXPECT_EQ(2ULL, l->out.regs.rflags);
	EXPECT_EQ(0x10ULL, l->out.sregs.cs.selector);
	EXPECT_TRUE(l->out.sregs.cs.l);
	EXPECT_EQ(0x18ULL, l->out.sregs.ds.selector);
	EXPECT_EQ(0x18ULL, l->out.sregs.ss.selector);
	EXPECT_EQ(0x18ULL, l->out.sregs.es.selector);
	EXPECT_TRUE(!!(l->out.sregs.efer & BIT_ULL(10)));
	EXPECT_LE(0x2fULL, l->out.sregs.gdt.limit);
	desc = ram64(l, l->out.sregs.gdt.base + 0x10);
	EXPECT_EQ(0x00af9b000000ffffULL, desc);		/* code, L, flat */
	desc = ram64(l, l->out.sregs.gdt.base + 0x18);
	EXPECT_EQ(0x00cf93000000ffffULL, desc);		/* data, flat */
}

static void bz_initrd(struct load *l, struct loader_blob *rd, size_t size)
{
	__u8 *d = malloc(size);
	size_t i;

	for (i = 0; d && i < size; i++)
		d[i] = i * 11;
	*rd = (struct loader_blob){ "rd.img", d, d ? size : 0, NULL };
	l->in.initrds = rd;
	l->in.nr_initrds = 1;
}

static void check_initrd(struct __test_metadata *_metadata,
			 const struct load *l, const struct loader_blob *rd,
			 __u64 kernel_end)
{
	const struct boot_params *bp =
		(const void *)((const char *)l->ram + BOOT_PARAMS);
	__u32 at = bp->hdr.ramdisk_image;

	EXPECT_EQ(rd->size, bp->hdr.ramdisk_size);
	EXPECT_EQ(0ULL, at % 0x1000);
	EXPECT_GE(at, kernel_end);
	EXPECT_LE(at + rd->size, l->mem);
	EXPECT_GT(at + rd->size + 0x1000, l->mem);	/* at the top */
	EXPECT_EQ(0, memcmp((char *)l->ram + at, rd->data, rd->size));
}

TEST(bzimage_synthetic)
{
	const char *cmdline = "console=ttyS0 root=/dev/ram0";
	struct loader_blob rd;
	__u8 *f = bz_image();
	struct load l;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(&loader_bzimage, loader_detect(f, BZ_SIZE));
	load_init(&l, 32 * MiB);
	ASSERT_NE(NULL, l.ram);
	bz_initrd(&l, &rd, 0x12345);
	ASSERT_NE(NULL, rd.data);
	l.in.append = cmdline;
	load_run(&l, &loader_bzimage, f, BZ_SIZE);
	check_boot_params(_metadata, &l, f, BZ_SIZE, cmdline);
	check_initrd(_metadata, &l, &rd, BZ_PREF + BZ_INIT_SIZE);
	EXPECT_STREQ("bzImage, boot protocol 2.15, 64-bit entry 0x100200",
		     l.out.desc);
	free((void *)rd.data);
	free(l.ram);
	free(f);
}

/* The cached test kernel's bzImage (tests/testbed/build-kernel.sh). */
TEST(bzimage_test_kernel)
{
	const char *cmdline = "console=ttyS0 rdinit=/init quiet";
	char pattern[512];
	struct loader_blob kernel = { 0 }, rd;
	const struct setup_header *h;
	char why[256];
	struct sbuf sb = { why, sizeof(why), 0 };
	struct load l;
	glob_t g;

	snprintf(pattern, sizeof(pattern),
		 "%s/.cache/minivmx/kernel-6.1.192-3-*/arch/x86/boot/bzImage",
		 getenv("HOME") ? getenv("HOME") : "");
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc)
		SKIP(return, "no cached test kernel (%s)", pattern);
	ASSERT_EQ(0, loader_read_file(g.gl_pathv[0], 64 * MiB, &kernel, &sb))
		TH_LOG("%s: %s", g.gl_pathv[0], why);
	TH_LOG("%s", g.gl_pathv[0]);
	globfree(&g);
	EXPECT_EQ(&loader_bzimage, loader_detect(kernel.data, kernel.size));
	h = (const void *)((const char *)kernel.data + 0x1f1);
	load_init(&l, 64 * MiB);
	ASSERT_NE(NULL, l.ram);
	bz_initrd(&l, &rd, 3 * MiB + 5);
	ASSERT_NE(NULL, rd.data);
	l.in.append = cmdline;
	load_run(&l, &loader_bzimage, kernel.data, kernel.size);
	check_boot_params(_metadata, &l, kernel.data, kernel.size, cmdline);
	check_initrd(_metadata, &l, &rd, h->pref_address + h->init_size);
	free((void *)rd.data);
	free(l.ram);
	loader_free_file(&kernel);
}

FIXTURE(bad_bz) {
	__u8 *f;
	struct load l;
	struct loader_blob rd;
};

FIXTURE_VARIANT(bad_bz) {
	void (*spoil)(__u8 *f, size_t *size);
	__u64 mem;		/* 0: 32 MiB */
	size_t initrd;		/* bytes of initrd, 0: none */
	bool empty_initrd;
	size_t append;		/* bytes of command line */
	const char *why;
};

FIXTURE_SETUP(bad_bz)
{
	char *cmd;

	self->f = bz_image();
	ASSERT_NE(NULL, self->f);
	load_init(&self->l, variant->mem ? variant->mem : 32 * MiB);
	ASSERT_NE(NULL, self->l.ram);
	if (variant->initrd || variant->empty_initrd)
		bz_initrd(&self->l, &self->rd, variant->initrd);
	if (variant->append) {
		cmd = malloc(variant->append + 1);
		ASSERT_NE(NULL, cmd);
		memset(cmd, 'a', variant->append);
		cmd[variant->append] = '\0';
		self->l.in.append = cmd;
	}
}

FIXTURE_TEARDOWN(bad_bz)
{
	free((void *)self->rd.data);
	free((char *)self->l.in.append);
	free(self->l.ram);
	free(self->f);
}

TEST_F(bad_bz, refused)
{
	size_t size = BZ_SIZE;

	if (variant->spoil)
		variant->spoil(self->f, &size);
	EXPECT_EQ(-EINVAL, load_run(&self->l, &loader_bzimage, self->f, size));
	EXPECT_NE(NULL, strstr(self->l.why, variant->why))
		TH_LOG("want '%s', got '%s'", variant->why, self->l.why);
}

static void bz_cut_header(__u8 *f, size_t *size)
{
	*size = 0x240;
}

static void bz_cut_setup(__u8 *f, size_t *size)
{
	*size = BZ_SETUP;
}

static void bz_cut_kernel(__u8 *f, size_t *size)
{
	*size = BZ_SIZE - 16;
}

static void bz_no_magic(__u8 *f, size_t *size)
{
	f[0x202] = 'h';
}

static void bz_2_11(__u8 *f, size_t *size)
{
	bz_hdr(f)->version = 0x020b;
}

static void bz_32bit(__u8 *f, size_t *size)
{
	bz_hdr(f)->xloadflags = 0;
}

static void bz_zimage(__u8 *f, size_t *size)
{
	bz_hdr(f)->loadflags = 0;
}

static void bz_align_3(__u8 *f, size_t *size)
{
	bz_hdr(f)->kernel_alignment = 3;
}

static void bz_huge_setup(__u8 *f, size_t *size)
{
	bz_hdr(f)->setup_sects = 0xff;
}

static void bz_huge_init(__u8 *f, size_t *size)
{
	bz_hdr(f)->init_size = 0xffffffff;
}

static void bz_pref_huge(__u8 *f, size_t *size)
{
	bz_hdr(f)->pref_address = ~0ULL - 0x1000;
}

static void bz_cmdline_10(__u8 *f, size_t *size)
{
	bz_hdr(f)->cmdline_size = 10;
}

static void bz_initrd_max(__u8 *f, size_t *size)
{
	bz_hdr(f)->initrd_addr_max = BZ_PREF + BZ_INIT_SIZE + 0xfff;
}

FIXTURE_VARIANT_ADD(bad_bz, truncated_header) {
	.spoil = bz_cut_header,
	.why = "truncated bzImage: 576 bytes, less than the setup header",
};

FIXTURE_VARIANT_ADD(bad_bz, no_hdrs) {
	.spoil = bz_no_magic,
	.why = "no \"HdrS\" setup header",
};

FIXTURE_VARIANT_ADD(bad_bz, protocol_2_11) {
	.spoil = bz_2_11,
	.why = "boot protocol 2.11 is too old: minivmx needs 2.12",
};

FIXTURE_VARIANT_ADD(bad_bz, no_64bit_entry) {
	.spoil = bz_32bit,
	.why = "no 64-bit entry point (xloadflags bit 0 clear)",
};

FIXTURE_VARIANT_ADD(bad_bz, zimage) {
	.spoil = bz_zimage,
	.why = "loadflags bit 0 clear",
};

FIXTURE_VARIANT_ADD(bad_bz, setup_is_whole_file) {
	.spoil = bz_cut_setup,
	.why = "the setup code (2560 bytes) is all of the file",
};

FIXTURE_VARIANT_ADD(bad_bz, setup_sects_past_file) {
	.spoil = bz_huge_setup,
	.why = "the setup code (131072 bytes) is all of the file",
};

FIXTURE_VARIANT_ADD(bad_bz, truncated_kernel) {
	.spoil = bz_cut_kernel,
	.why = "syssize says 4096 bytes of kernel, the file has 4080",
};

FIXTURE_VARIANT_ADD(bad_bz, alignment) {
	.spoil = bz_align_3,
	.why = "kernel_alignment 0x3 is not a power of two",
};

FIXTURE_VARIANT_ADD(bad_bz, too_little_ram) {
	.mem = 16 * MiB,
	.why =
		"the kernel needs 18 MiB of RAM to decompress itself (init_size 0x200000 at 0x1000000): give --mem 18M or more",
};

FIXTURE_VARIANT_ADD(bad_bz, init_size_huge) {
	.spoil = bz_huge_init,
	.why = "to decompress itself (init_size 0xffffffff",
};

FIXTURE_VARIANT_ADD(bad_bz, pref_address_wraps) {
	.spoil = bz_pref_huge,
	.why = "to decompress itself",
};

FIXTURE_VARIANT_ADD(bad_bz, command_line_too_long) {
	.spoil = bz_cmdline_10,
	.append = 11,
	.why = "the command line (11 bytes) is longer than the kernel takes (cmdline_size 10)",
};

FIXTURE_VARIANT_ADD(bad_bz, command_line_past_area) {
	.append = 30000,
	.why = "the command line (30000 bytes) is longer than the kernel takes (cmdline_size 2047)",
};

FIXTURE_VARIANT_ADD(bad_bz, initrd_overlaps_kernel) {
	.initrd = 15 * MiB,
	.why =
		"the initrd rd.img (15728640 bytes) does not fit between the kernel (up to 0x1200000) and 0x2000000",
};

FIXTURE_VARIANT_ADD(bad_bz, initrd_above_max) {
	.spoil = bz_initrd_max,
	.initrd = 0x2000,
	.why = "it would overlap the kernel",
};

FIXTURE_VARIANT_ADD(bad_bz, initrd_empty) {
	.empty_initrd = true,
	.why = "the initrd rd.img is empty",
};

/* ---- what the loaders share ---- */

TEST(range_checks_do_not_overflow)
{
	EXPECT_TRUE(loader_range_ok(0x10000, 0x1000, 0x10000, 0x11000));
	EXPECT_FALSE(loader_range_ok(0x10000, 0x1001, 0x10000, 0x11000));
	EXPECT_FALSE(loader_range_ok(0xffff, 1, 0x10000, 0x11000));
	EXPECT_FALSE(loader_range_ok(~0ULL, 2, 0, ~0ULL));
	EXPECT_FALSE(loader_range_ok(0x1000, ~0ULL, 0, 0x2000));
	EXPECT_TRUE(loader_file_range_ok(10, 0, 10));
	EXPECT_FALSE(loader_file_range_ok(11, 0, 10));
}

TEST(unknown_files_are_flat)
{
	static const __u8 flat[] = { 0x90, 0x90, 0xf4 };
	__u8 *f = buf_new(0x400);

	ASSERT_NE(NULL, f);
	EXPECT_EQ(NULL, loader_detect(flat, sizeof(flat)));
	EXPECT_EQ(NULL, loader_detect(f, 0x400));
	EXPECT_EQ(NULL, loader_detect(ELFMAG, 3));
	/* HdrS without the boot flag is no bzImage */
	memcpy(f + 0x202, "HdrS", 4);
	EXPECT_EQ(NULL, loader_detect(f, 0x400));
	free(f);
}

/* ---- minivmx run --kernel ---- */

/* @size bytes of @data in a new temporary file @path; 0 on success. */
static int write_temp(char *path, const void *data, size_t size)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/minivmx-kernel-XXXXXX");
	fd = mkstemp(path);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f)
		return -1;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static bool has(const char *text, const char *needle)
{
	return strstr(text, needle);
}

TEST(run_elf_kernel)
{
	char path[64], line[160];
	__u8 *f = elf_image(true);

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, write_temp(path, f, ELF_SIZE));
	ASSERT_EQ(0, run(FAKEDEV_BIN,
			 ARGS("run", "--mem", "4M", "--kernel", path),
			 ARGS("MINIVMX_DEVICE=/dev/null", "FAKE_MINIVMX_LOG=1",
			      "FAKE_MINIVMX_SCRIPT=out:0xf4:1:0"), NULL));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(line, sizeof(line),
		 "minivmx: %s: ELF64, entry 0x200004, long mode", path);
	EXPECT_TRUE(has_line(r.err, line)) TH_LOG("%s", r.err);
	EXPECT_TRUE(has_line(r.err,
			     "fake: regs rip=0x200004 rsp=0x400000 rflags=0x2"))
		TH_LOG("%s", r.err);
	EXPECT_TRUE(has(r.err, "fake: sregs cs=0x8/0/0xffffffff type 11 l 1"))
		TH_LOG("%s", r.err);
	unlink(path);
	free(f);
}

TEST(run_multiboot_kernel)
{
	char path[64], mod[64], arg[80];
	__u8 *f = mb_aout_image();

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, write_temp(path, f, MB_SIZE));
	ASSERT_EQ(0, write_temp(mod, mod1, sizeof(mod1) - 1));
	snprintf(arg, sizeof(arg), "%s first", mod);
	ASSERT_EQ(0, run(FAKEDEV_BIN,
			 ARGS("run", "--mem", "4M", "--kernel", path,
			      "--initrd", arg, "--append", "a b"),
			 ARGS("MINIVMX_DEVICE=/dev/null", "FAKE_MINIVMX_LOG=1",
			      "FAKE_MINIVMX_SCRIPT=out:0xf4:1:0"), NULL));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(has(r.err, ": Multiboot (address fields), entry 0x200100, 1 module\n"))
		TH_LOG("%s", r.err);
	EXPECT_TRUE(has_line(r.err,
			     "fake: regs rip=0x200100 rsp=0x400000 rflags=0x2"))
		TH_LOG("%s", r.err);
	EXPECT_TRUE(has(r.err, "type 11 l 0 db 1 ds=0x10")) TH_LOG("%s", r.err);
	unlink(mod);
	unlink(path);
	free(f);
}

/* Refused with exit code 2 and a sentence, before the device is opened. */
FIXTURE(run_refused) {
	char path[64];
};

FIXTURE_VARIANT(run_refused) {
	const char *const *args;	/* after --kernel PATH */
	size_t size;			/* of the ELF image: 0 whole */
	const char *message;		/* after "minivmx run: PATH: " */
};

FIXTURE_SETUP(run_refused)
{
	__u8 *f = elf_image(true);

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, write_temp(self->path, f,
				variant->size ? variant->size : ELF_SIZE));
	free(f);
}

FIXTURE_TEARDOWN(run_refused)
{
	unlink(self->path);
}

TEST_F(run_refused, exit_2)
{
	const char *args[12] = { "run", "--mem", "4M", "--kernel", self->path };
	char want[512];
	int i, n = 5;

	for (i = 0; variant->args[i] && n < 11; i++)
		args[n++] = variant->args[i];
	ASSERT_EQ(0, run(FAKEDEV_BIN, args, ARGS("MINIVMX_DEVICE=/dev/null",
						 "FAKE_MINIVMX_LOG=1"), NULL));
	EXPECT_EQ(2, r.status);
	snprintf(want, sizeof(want), "minivmx run: %s: %s", self->path,
		 variant->message);
	EXPECT_TRUE(has_line(r.err, want)) TH_LOG("want %s in:\n%s", want, r.err);
	EXPECT_FALSE(has(r.err, "fake:"));	/* no device touched */
}

FIXTURE_VARIANT_ADD(run_refused, mode_with_elf) {
	.args = ARGS("--mode", "long"),
	.message =
		"an ELF kernel sets its own mode, load address and entry: --mode, --load and --entry are for flat binaries",
};

FIXTURE_VARIANT_ADD(run_refused, initrd_with_elf) {
	.args = ARGS("--initrd", "/dev/null"),
	.message = "an ELF kernel takes no --initrd",
};

FIXTURE_VARIANT_ADD(run_refused, append_with_elf) {
	.args = ARGS("--append", "quiet"),
	.message = "an ELF kernel takes no --append (Multiboot and bzImage kernels do)",
};

FIXTURE_VARIANT_ADD(run_refused, truncated_elf) {
	.args = NONE, .size = 0x60,
	.message =
		"truncated: 3 program headers at offset 0x40 run past the end of the file (96 bytes)",
};

FIXTURE_VARIANT_ADD(run_refused, elf_beyond_ram) {
	.args = ARGS("--mem", "2M"),
	.message =
		"segment 1 (16 bytes at 0x200000) does not fit in guest RAM (0x200000 bytes): give a larger --mem",
};

TEST_HARNESS_MAIN
