/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory accesses that the compiler must emit exactly once, in order and
 * with the given width: MMIO, and RAM tests whose point is the access
 * itself.  The kernel's readl()/writel() without the barriers: the guest has
 * one CPU and the host sees each access as it exits.  readq/writeq exist in
 * long mode only (a 64-bit access is two instructions elsewhere).
 */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include "types.h"

#define GUEST_MMIO(sfx, type)						\
static inline type read##sfx(unsigned long addr)			\
{									\
	return *(volatile type *)addr;					\
}									\
static inline void write##sfx(unsigned long addr, type val)		\
{									\
	*(volatile type *)addr = val;					\
}

GUEST_MMIO(b, u8)
GUEST_MMIO(w, u16)
GUEST_MMIO(l, u32)
#ifdef __x86_64__
GUEST_MMIO(q, u64)
#endif

#undef GUEST_MMIO

#endif /* GUEST_MMIO_H */
