/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The labs' guests (tests/guests/lab*.c): a check reported to the VMM
 * with one of two VMCALLs, then on the serial port.  Include after
 * libguest.h.
 */
#ifndef MINIVMX_LABGUEST_H
#define MINIVMX_LABGUEST_H

#include "lab.h"

static unsigned int lab_nr_check;

static void __attribute__((noinline)) lab_check(bool ok, const char *what)
{
	lab_nr_check++;
	if (ok)
		vmcall(LAB_HC_CHECK, lab_nr_check, 1, 0, 0);
	else
		vmcall(LAB_HC_CHECK, lab_nr_check, 0, 0, 0);
	report(ok, "%s", what);
}

#endif /* MINIVMX_LABGUEST_H */
