// SPDX-License-Identifier: GPL-2.0-only
/*
 * multiboot: a Multiboot v1 kernel, as an ELF file (multiboot-elf.elf) and
 * as a flat binary whose header has the address fields
 * (multiboot-aout.bin).  tests/guest/loader_tool.sh runs it with
 *
 *	minivmx run --mem 8M --kernel K --append CMDLINE \
 *		--initrd "MOD1 one" --initrd "MOD2 two"
 *
 * where MOD1 holds MOD1_TEXT and MOD2 the first MOD2_SIZE bytes of
 * MOD2_LINE repeated (`yes LINE | head -c SIZE`).
 * It checks the machine state of the Multiboot Specification (0.6.96, 3.2)
 * and the information structure (3.3) field by field, at the offsets the
 * specification gives, not through the tool's own structures.
 *
 * Serial: the reports, the command line and module strings as it found
 * them, "N passed, 0 failed"; exit status 0.
 */
#include "libguest.h"
#include "multiboot.h"

#define MB_BOOT_MAGIC	0x2BADB002
#define MB_MEM		0x800000U	/* --mem 8M */
#define CMDLINE		"multiboot-test a=1 b=\"two words\""
#define MOD1_TEXT	"minivmx module one\n"
#define MOD2_SIZE	5000U
#define MOD2_LINE	"0123456789abcdefghijklmnopqrstuvwxyz\n"
#define PAGE		0x1000U

/* Information flags (3.3). */
#define MBI_MEMORY	BIT(0)
#define MBI_CMDLINE	BIT(2)
#define MBI_MODS	BIT(3)
#define MBI_MMAP	BIT(6)
#define MBI_LOADER_NAME	BIT(9)

/* Offsets in the information structure (3.3). */
#define MBI_FLAGS	0
#define MBI_MEM_LOWER	4
#define MBI_MEM_UPPER	8
#define MBI_CMDLINE_PTR	16
#define MBI_MODS_COUNT	20
#define MBI_MODS_ADDR	24
#define MBI_MMAP_LENGTH	44
#define MBI_MMAP_ADDR	48
#define MBI_NAME	64

static u32 field(u32 off)
{
	return readl(mb_info + off);
}

static const char *str(u32 addr)
{
	return (const char *)(unsigned long)addr;
}

static bool streq(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && !memcmp(a, b, strlen(a));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* The memory map (3.3): entries of "size" then 20 bytes. */
static void check_mmap(void)
{
	u32 addr = field(MBI_MMAP_ADDR), end = addr + field(MBI_MMAP_LENGTH);
	u64 ram = 0, base, len;
	bool low = false, high = false, sizes = true;
	u32 size, type, n = 0;
	u8 *e;

	while (addr < end && n < 16) {
		e = (u8 *)(unsigned long)addr;
		memcpy(&size, e, 4);
		memcpy(&base, e + 4, 8);
		memcpy(&len, e + 12, 8);
		memcpy(&type, e + 20, 4);
		printf("# mmap %#llx-%#llx type %u\n", base, base + len - 1,
		       type);
		sizes &= size == 20;
		if (type == 1) {
			ram += len;
			low |= base == 0 && len == 0xa0000;
			high |= base == 0x100000 && len == MB_MEM - 0x100000;
		}
		addr += size + 4;
		n++;
	}
	report(n >= 2 && sizes, "memory map: %u entries of 20 bytes", n);
	report(low && high, "memory map: RAM at 0-640K and 1M-8M");
	report(ram == 0xa0000 + MB_MEM - 0x100000,
	       "memory map: %llu KiB of RAM in all", ram >> 10);
}

static void check_module(u32 i, u32 start, u32 end, const char *s,
			 u32 prev_end)
{
	const u8 *p = (const u8 *)(unsigned long)start;
	u32 j, bad = 0;

	printf("# module %u: %#x-%#x '%s'\n", i, start, end, s);
	report(!(start % PAGE) && start >= (unsigned long)_end &&
	       start >= prev_end && end <= MB_MEM,
	       "module %u page-aligned after the kernel and module before",
	       i);
	if (i == 0) {
		report(end - start == sizeof(MOD1_TEXT) - 1 &&
		       !memcmp(p, MOD1_TEXT, sizeof(MOD1_TEXT) - 1),
		       "module 0 holds its file (%u bytes)", end - start);
		report(ends_with(s, " one"), "module 0's string");
		return;
	}
	for (j = 0; j < MOD2_SIZE && end - start == MOD2_SIZE; j++)
		bad += p[j] != MOD2_LINE[j % (sizeof(MOD2_LINE) - 1)];
	report(end - start == MOD2_SIZE && !bad,
	       "module 1 holds its file (%u bytes, %u wrong)", end - start,
	       bad);
	report(ends_with(s, " two"), "module 1's string");
}

static void check_modules(void)
{
	u32 n = field(MBI_MODS_COUNT), i, prev_end = 0;
	u32 *m = (u32 *)(unsigned long)field(MBI_MODS_ADDR);

	report(n == 2, "2 modules (%u)", n);
	for (i = 0; i < n && i < 2; i++) {
		check_module(i, m[4 * i], m[4 * i + 1], str(m[4 * i + 2]),
			     prev_end);
		prev_end = m[4 * i + 1];
	}
}

int main(void)
{
	u32 want = MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP |
		   MBI_LOADER_NAME;
	unsigned long cr0 = read_cr0();
	u32 flags;

	printf("Hello from a Multiboot guest\n");
	report(mb_magic == MB_BOOT_MAGIC, "EAX was 0x2BADB002 (%#x)", mb_magic);
	report((cr0 & X86_CR0_PE) && !(cr0 & X86_CR0_PG),
	       "32-bit protected mode, paging off (CR0 %#lx)", cr0);
	report(!(read_flags() & X86_EFLAGS_IF), "interrupts off (RFLAGS.IF)");
	report(mb_info && (mb_info + 0x80 <= (unsigned long)_start ||
			   mb_info >= (unsigned long)_end),
	       "EBX points to the information, clear of the kernel (%#x)",
	       mb_info);
	if (!mb_info)
		return report_summary();
	flags = field(MBI_FLAGS);
	report((flags & want) == want, "information flags %#x", flags);
	report(field(MBI_MEM_LOWER) == 640 &&
	       field(MBI_MEM_UPPER) == (MB_MEM - 0x100000) / 1024,
	       "mem_lower %u KiB, mem_upper %u KiB", field(MBI_MEM_LOWER),
	       field(MBI_MEM_UPPER));
	check_mmap();
	printf("# cmdline '%s'\n", str(field(MBI_CMDLINE_PTR)));
	report(streq(str(field(MBI_CMDLINE_PTR)), CMDLINE),
	       "the command line is --append's");
	report(streq(str(field(MBI_NAME)), "minivmx"),
	       "boot_loader_name '%s'", str(field(MBI_NAME)));
	check_modules();
	return report_summary();
}
