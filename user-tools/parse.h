/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Numbers on the command line: sizes and addresses ("2M", "0x10000") and
 * durations in seconds.
 */
#ifndef MINIVMX_PARSE_H
#define MINIVMX_PARSE_H

#include <stddef.h>
#include <linux/types.h>

int parse_size(const char *s, __u64 *val);
int parse_seconds(const char *s, double *val);
int parse_exit_reasons(const char *list, __u64 bitmap[2], char *bad,
		       size_t bad_len);

#endif /* MINIVMX_PARSE_H */
