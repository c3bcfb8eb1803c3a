// SPDX-License-Identifier: GPL-2.0-only
/* Ending the run: the status goes to the exit port. */
#include "libguest.h"

void exit(int status)
{
	/* A 4-byte OUT: the tool exits with this value (guest-abi.rst). */
	outl(EXIT_PORT, status);
	/*
	 * Not reached under minivmx.  Should the port be ignored, stop
	 * here rather than run off into whatever follows; HLT in a loop
	 * because the tool resumes the guest after a HLT exit.
	 */
	for (;;)
		hlt();
}
