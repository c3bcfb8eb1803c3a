// SPDX-License-Identifier: GPL-2.0-only
/*
 * Numbers on the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "vmx-names.h"

/* Longest --timeout: a day, far below what struct itimerval holds. */
#define SECONDS_MAX	86400.0

/**
 * parse_size() - a size or an address
 * @s: decimal ("65536") or hexadecimal ("0x10000") digits, optionally
 *	followed by one of K, M, G (either case) for KiB, MiB, GiB
 * @val: out: the value in bytes; untouched on failure
 *
 * No sign, space or other text is accepted.
 *
 * Return: 0, -EINVAL for anything else, -ERANGE if it does not fit 64 bits.
 */
int parse_size(const char *s, __u64 *val)
{
	unsigned long long v;
	unsigned int shift = 0;
	int base = 10;
	char *end;

	/* Not strtoull's base 0: a leading 0 does not mean octal here. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
		if (!isxdigit((unsigned char)s[0]))
			return -EINVAL;
	} else if (!isdigit((unsigned char)s[0])) {
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift && end[1])
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*val = v << shift;
	return 0;
}

/**
 * parse_seconds() - a duration
 * @s: seconds, decimal, possibly with a fraction ("10", "0.5")
 * @val: out: the duration; untouched on failure
 *
 * Return: 0, or -EINVAL (not a plain non-negative number), -ERANGE (more
 * than a day).
 */
int parse_seconds(const char *s, double *val)
{
	char *end;
	double v;
	const char *p;

	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return -EINVAL;
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -EINVAL;
	if (v > SECONDS_MAX)
		return -ERANGE;
	*val = v;
	return 0;
}

/**
 * parse_exit_reasons() - a comma-separated list of basic exit reasons
 * @list: names or numbers as vmx_exit_reason_parse() takes them
 *	("CPUID,IO,48")
 * @bitmap: out: a bit set per reason, added to what is there
 * @bad: out: the first item not understood, NUL-terminated (truncated)
 * @bad_len: size of @bad
 *
 * Return: 0, or -EINVAL (an empty item or an unknown name).
 */
int parse_exit_reasons(const char *list, __u64 bitmap[2], char *bad,
		       size_t bad_len)
{
	unsigned int reason;
	char item[64];
	size_t n;

	for (;;) {
		n = strcspn(list, ",");
		if (n && n < sizeof(item)) {
			memcpy(item, list, n);
			item[n] = 0;
		}
		if (!n || n >= sizeof(item) ||
		    vmx_exit_reason_parse(item, &reason)) {
			snprintf(bad, bad_len, "%.*s", (int)n, list);
			return -EINVAL;
		}
		bitmap[reason / 64] |= 1ULL << (reason % 64);
		if (!list[n])
			return 0;
		list += n + 1;
	}
}
