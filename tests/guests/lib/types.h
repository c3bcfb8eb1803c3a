/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-style fixed-width types for the guests.  u64 is unsigned long long
 * in every mode, so "%llx" fits it in -m16, -m32 and -m64 builds alike.
 */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))

#endif /* GUEST_TYPES_H */
