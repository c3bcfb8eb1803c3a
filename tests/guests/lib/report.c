// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP-ish results on the serial port: "ok N - what" or "not ok N - what"
 * per check, then the plan "1..N" and "P passed, F failed".
 */
#include "libguest.h"

static unsigned int nr_pass, nr_fail;

void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	if (pass)
		nr_pass++;
	else
		nr_fail++;
	printf("%s %u - ", pass ? "ok" : "not ok", nr_pass + nr_fail);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* The status for exit(): 0 if every check passed, 1 otherwise. */
int report_summary(void)
{
	printf("1..%u\n", nr_pass + nr_fail);
	printf("%u passed, %u failed\n", nr_pass, nr_fail);
	return nr_fail ? 1 : 0;
}
