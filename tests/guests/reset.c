// SPDX-License-Identifier: GPL-2.0-only
/*
 * reset: the keyboard controller's reset command (0xfe to port 0x64), as
 * Linux reboots without ACPI.  Under `minivmx run --lapic` it ends the
 * run; nothing after it runs.  Long mode.  Serial: "resetting"; exit
 * code 0 and the tool's "reset the machine" line, never "still here".
 */
#include "libguest.h"

int main(void)
{
	printf("resetting\n");
	outb(0x64, 0xfe);
	printf("still here\n");
	return 1;
}
