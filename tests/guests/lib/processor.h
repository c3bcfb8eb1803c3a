/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU instructions the guests need, as inline functions that build for
 * -m16, -m32 and -m64.  "unsigned long" is the natural register width
 * (32 bits in -m16 code, which runs with operand-size prefixes).
 */
#ifndef GUEST_PROCESSOR_H
#define GUEST_PROCESSOR_H

#include "types.h"

/* CR0, SDM Vol. 3A 2.5 */
#define X86_CR0_PE	BIT(0)
#define X86_CR0_PG	BIT(31)

/* CR4, SDM Vol. 3A 2.5 */
#define X86_CR4_PSE	BIT(4)
#define X86_CR4_PAE	BIT(5)

/* IA32_EFER, SDM Vol. 3A 2.2.1 */
#define MSR_EFER	0xc0000080
#define EFER_LME	BIT_ULL(8)
#define EFER_LMA	BIT_ULL(10)

/* RFLAGS, SDM Vol. 1 3.4.3 */
#define X86_EFLAGS_FIXED	BIT(1)	/* always 1 */
#define X86_EFLAGS_IF		BIT(9)
#define X86_EFLAGS_DF		BIT(10)

struct cpuid_regs {
	u32 a, b, c, d;
};

static inline struct cpuid_regs cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

/*
 * VMCALL: number in RAX, arguments in RBX, RCX, RDX, RSI, result in RAX
 * (Documentation/guest-abi.rst, "Hypercalls").
 */
static inline unsigned long vmcall(unsigned long nr, unsigned long a1,
				   unsigned long a2, unsigned long a3,
				   unsigned long a4)
{
	unsigned long ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
		     : "memory");
	return ret;
}

static inline u64 rdmsr(u32 index)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((u64)hi << 32) | lo;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* MOV from a control register is 32 bits outside 64-bit mode, even in real mode. */
#define GUEST_READ_CR(n)						\
static inline unsigned long read_cr##n(void)				\
{									\
	unsigned long val;						\
									\
	asm volatile("mov %%cr" #n ", %0" : "=r"(val));			\
	return val;							\
}

GUEST_READ_CR(0)
GUEST_READ_CR(3)
GUEST_READ_CR(4)

#undef GUEST_READ_CR

#define GUEST_READ_SEG(s)						\
static inline u16 read_##s(void)					\
{									\
	u16 sel;							\
									\
	asm volatile("mov %%" #s ", %0" : "=r"(sel));			\
	return sel;							\
}

GUEST_READ_SEG(cs)
GUEST_READ_SEG(ds)
GUEST_READ_SEG(ss)

#undef GUEST_READ_SEG

/*
 * The PUSHF size is spelled out: in -m16 code a bare PUSHF pushes 2 bytes
 * with some assemblers (clang's) and 4 with others (gas's .code16gcc),
 * while POP of a 32-bit register always takes 4.
 */
#ifdef __x86_64__
#define PUSHF	"pushfq"
#else
#define PUSHF	"pushfl"
#endif

static inline unsigned long read_flags(void)
{
	unsigned long flags;

	asm volatile(PUSHF "\n\tpop %0" : "=r"(flags));
	return flags;
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

#endif /* GUEST_PROCESSOR_H */
