/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel-style helpers the tool uses, written for userspace.
 */
#ifndef MINIVMX_UTIL_H
#define MINIVMX_UTIL_H

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

#endif /* MINIVMX_UTIL_H */
