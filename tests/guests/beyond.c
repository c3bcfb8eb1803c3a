// SPDX-License-Identifier: GPL-2.0-only
/*
 * beyond: accesses past the end of RAM are MMIO exits that the tool answers
 * like an open bus: reads all ones, writes dropped (guest-abi.rst, "Memory
 * layout").  Checks just past the top of RAM and the last qword below
 * 4 GiB, and that RAM just below the top is not disturbed.  Long mode.
 *
 * Host: nothing there (no device at ram_top or 0xfffffff8).  Serial: the
 * reports; exit status 0.
 */
#include "libguest.h"

#define LAST_QWORD_4G	0xfffffff8UL
#define MARKER		0x0badc0ffee0ddf00ULL

static void check_unbacked(unsigned long addr)
{
	u64 v = readq(addr);

	report(v == ~0ULL, "read at %#lx is all ones (%#llx)", addr, v);
	writeq(addr, 0x1234);
	v = readq(addr);
	report(v == ~0ULL, "write at %#lx is dropped (%#llx)", addr, v);
}

int main(void)
{
	unsigned long last_ram = ram_top - 8;

	printf("top of RAM: %#lx\n", ram_top);
	/* The tool's page tables map the first 4 GiB only. */
	if (ram_top > LAST_QWORD_4G) {
		report(false, "top of RAM %#lx is past what the page tables map",
		       ram_top);
		return report_summary();
	}

	writeq(last_ram, MARKER);
	check_unbacked(ram_top);
	check_unbacked(LAST_QWORD_4G);
	report(readq(last_ram) == MARKER, "the last qword of RAM is untouched");
	return report_summary();
}
