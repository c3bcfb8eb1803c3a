/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `minivmx run` says about an exit: --trace lines, the final line for
 * the ways a run can end badly, and the --stats table.
 */
#ifndef MINIVMX_EXIT_REPORT_H
#define MINIVMX_EXIT_REPORT_H

#include <stdio.h>
#include <linux/minivmx.h>

/* MINIVMX_EXIT_* numbers the tool counts, one past the highest. */
#define NR_MINIVMX_EXITS	(MINIVMX_EXIT_ROUTED + 1)

void report_trace(FILE *out, const struct minivmx_run *run);
void report_shutdown(FILE *out, const struct minivmx_run *run);
void report_fail_entry(FILE *out, const struct minivmx_run *run);
void report_refused_check(FILE *out, const struct minivmx_run *run);
void report_internal(FILE *out, const struct minivmx_run *run);
void report_stats(FILE *out, struct minivmx_run *const *runs,
		  const __u64 (*user_exits)[NR_MINIVMX_EXITS], unsigned int nr);
__u64 total_exits(const struct minivmx_run *run);

#endif /* MINIVMX_EXIT_REPORT_H */
