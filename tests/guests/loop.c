// SPDX-License-Identifier: GPL-2.0-only
/*
 * loop: never ends on its own.  Tells the host it is about to spin
 * (UCALL_SYNC), then loops with no exits at all, for the host test that
 * stops a running guest from outside (a signal, immediate_exit).  Long
 * mode.
 *
 * Host: UCALL_SYNC with args[0] = 1, then nothing: the host ends the run.
 * Serial: "spinning".
 */
#include "libguest.h"

int main(void)
{
	printf("spinning\n");
	ucall(UCALL_SYNC, 1, 0);
	for (;;)
		asm volatile("" : : : "memory");	/* kept, exit-free */
}
