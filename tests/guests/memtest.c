// SPDX-License-Identifier: GPL-2.0-only
/*
 * memtest: all guest RAM above the image is there, distinct and writable.
 * Writes an address-derived pattern to every 8-byte word from the end of
 * the image (page-aligned) to the top of RAM, reads it all back, then does
 * the same with the complement, so every bit is seen at 0 and at 1 and
 * aliased pages show up as mismatches.  Long mode.
 *
 * The top of RAM is the RSP the tool started us with (guest-abi.rst), which
 * start64.S saved in ram_top.
 *
 * Host: nothing beyond the tool; any --mem.  Serial: the range, the
 * reports (one says how many pages); exit status 0.
 */
#include "libguest.h"

#define PAGE_SIZE	4096UL
#define PATTERN		0x5a5a5a5a5a5a5a5aULL
#define MIN_RAM		BIT(20)	/* guest-abi.rst: at least 1 MiB */

static u64 pattern(unsigned long addr, u64 flip)
{
	return (addr ^ PATTERN) ^ flip;
}

/* One pass: write everything, then check everything.  Returns mismatches. */
static unsigned long pass(unsigned long start, unsigned long end, u64 flip)
{
	unsigned long a, bad = 0;

	for (a = start; a < end; a += 8)
		writeq(a, pattern(a, flip));
	for (a = start; a < end; a += 8) {
		u64 v = readq(a);

		if (v == pattern(a, flip))
			continue;
		if (!bad)
			printf("# first mismatch at %#lx: %#llx, expected %#llx\n",
			       a, v, pattern(a, flip));
		bad++;
	}
	return bad;
}

int main(void)
{
	unsigned long start = ((unsigned long)_end + PAGE_SIZE - 1) &
			      ~(PAGE_SIZE - 1);
	unsigned long end = ram_top, pages, bad;

	printf("RAM to test: %#lx-%#lx\n", start, end);
	report(end >= MIN_RAM && !(end & (PAGE_SIZE - 1)),
	       "top of RAM %#lx: page-aligned, at least 1 MiB", end);
	if (end <= start)
		return report_summary();

	pages = (end - start) / PAGE_SIZE;
	bad = pass(start, end, 0);
	bad += pass(start, end, ~0ULL);
	report(!bad, "%lu pages written and read back, %lu bad words",
	       pages, bad);
	return report_summary();
}
