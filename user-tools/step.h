/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `minivmx run --step` needs to know about the guest between two
 * stops: the code size the CPU decodes in, the bytes at RIP read through
 * the guest's own page tables in the tool's mapping of guest RAM, and
 * which registers an instruction changed.  Pure functions over a buffer
 * that stands for guest RAM, so the host tests can check each of them.
 */
#ifndef MINIVMX_STEP_H
#define MINIVMX_STEP_H

#include <stddef.h>
#include <linux/minivmx.h>

/* The longest instruction (SDM Vol. 2A 2.3.11) */
#define STEP_INSN_MAX	15

unsigned int step_code_bits(const struct minivmx_sregs *s);
int step_translate(const void *ram, __u64 ram_size,
		   const struct minivmx_sregs *s, __u64 la, __u64 *pa);
size_t step_fetch(const void *ram, __u64 ram_size,
		  const struct minivmx_sregs *s, __u64 rip, __u8 *buf,
		  size_t max);
size_t step_regs_diff(char *buf, size_t len,
		      const struct minivmx_regs *before,
		      const struct minivmx_regs *after,
		      const struct minivmx_sregs *sbefore,
		      const struct minivmx_sregs *safter);

#endif /* MINIVMX_STEP_H */
