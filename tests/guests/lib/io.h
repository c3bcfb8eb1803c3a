/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Port I/O for the guests, the same source for -m16, -m32 and -m64.
 *
 * The plain IN/OUT take their size from the register gcc picks for the
 * value (%al, %ax or %eax).  Every access is an asm volatile with a "memory"
 * clobber: a port write can
 * tell the host to look at guest memory (the ucall channel), so stores must
 * not be moved across it.
 *
 * The string forms use ES:(E/R)DI for IN and DS:(E/R)SI for OUT, advance by
 * the item size (DF is clear: the start code executes CLD) and, with REP,
 * repeat (E/R)CX times.  In real mode the assembler (.code16gcc) gives
 * them a 16-bit address size, so they use SI, DI and CX: buffers and counts
 * stay below 64 KiB there anyway (see guest.lds).
 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include "types.h"

static inline void outb(u16 port, u8 val)
{
	asm volatile("out %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline void outw(u16 port, u16 val)
{
	asm volatile("out %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline void outl(u16 port, u32 val)
{
	asm volatile("out %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline u8 inb(u16 port)
{
	u8 val;

	asm volatile("in %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

static inline u16 inw(u16 port)
{
	u16 val;

	asm volatile("in %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

static inline u32 inl(u16 port)
{
	u32 val;

	asm volatile("in %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

/* REP OUTS/INS of @count items of 1, 2 or 4 bytes. */
#define GUEST_STRING_IO(sfx)						\
static inline void outs##sfx(u16 port, const void *buf,		\
			     unsigned long count)			\
{									\
	asm volatile("rep outs" #sfx					\
		     : "+S"(buf), "+c"(count) : "d"(port) : "memory");	\
}									\
static inline void ins##sfx(u16 port, void *buf, unsigned long count)	\
{									\
	asm volatile("rep ins" #sfx					\
		     : "+D"(buf), "+c"(count) : "d"(port) : "memory");	\
}

GUEST_STRING_IO(b)
GUEST_STRING_IO(w)
GUEST_STRING_IO(l)

#undef GUEST_STRING_IO

#endif /* GUEST_IO_H */
