// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader: an ELF executable, not a flat binary, run with
 * `minivmx run --mem 4M --kernel loader-MODE.elf` (Documentation/
 * loaders.rst, "ELF").  Linked at 0x200000, far from where flat binaries
 * go, with its code and its data in two PT_LOAD segments; ELF64 for long
 * mode, ELF32 for protected mode.  It checks that it runs in the mode its
 * class asks for, that the data segment arrived whole and in its place,
 * and that RSP started at the top of its 4 MiB of RAM.
 *
 * Serial: the reports, "N passed, 0 failed"; exit status 0.
 */
#include "libguest.h"

#define LOADER_LINK_BASE	0x200000UL
#define LOADER_MEM		0x400000UL	/* the test runs it with --mem 4M */
#define PATTERN_SIZE		4096

/*
 * Data the loader must copy from the file: a pattern and a marker, read
 * with readb()/readl() so that the compiler cannot fold them away.
 */
static u8 pattern[PATTERN_SIZE] = { [0] = 1, [PATTERN_SIZE - 1] = 0xa5 };
static u32 marker = 0x5ca1ab1e;
static u32 zeroes[1024];	/* .bss: p_memsz beyond p_filesz */

static u8 peekb(const void *p)
{
	return readb((unsigned long)p);
}

static void check_mode(void)
{
	unsigned long cr0 = read_cr0();

	report(cr0 & X86_CR0_PE, "CR0.PE set");
	report(read_cs() == 0x08, "CS is the tool's code selector (%#x)",
	       read_cs());
#if defined(MODE_LONG)
	report(rdmsr(MSR_EFER) & EFER_LMA, "ELF64 runs in long mode (EFER.LMA)");
#else
	report(!(cr0 & X86_CR0_PG), "ELF32 runs in protected mode, paging off");
#endif
}

int main(void)
{
	unsigned int i, bad = 0;
	u8 first = peekb(&pattern[0]), last = peekb(&pattern[PATTERN_SIZE - 1]);

	printf("Hello from an ELF%d guest\n", (int)sizeof(long) * 8);
	check_mode();
	report((unsigned long)&main >= LOADER_LINK_BASE &&
	       (unsigned long)&main < LOADER_LINK_BASE + 0x10000,
	       "code at its link address (%#lx)",
	       (unsigned long)&main);
	report(readl((unsigned long)&marker) == 0x5ca1ab1e,
	       "data segment loaded (marker %#x)",
	       readl((unsigned long)&marker));
	report(first == 1 && last == 0xa5,
	       "data segment loaded whole (first %#x, last %#x)", first, last);
	for (i = 0; i < ARRAY_SIZE(zeroes); i++)
		bad += readl((unsigned long)&zeroes[i]) != 0;
	report(!bad, ".bss zero (%u words not)", bad);
	report(ram_top == LOADER_MEM, "stack pointer at the top of RAM (%#lx)",
	       ram_top);
	report(!(read_flags() & X86_EFLAGS_IF), "interrupts off (RFLAGS.IF)");
	return report_summary();
}
