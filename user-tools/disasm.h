/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One x86 instruction in Intel syntax, by capstone (Debian's
 * libcapstone-dev).
 */
#ifndef MINIVMX_DISASM_H
#define MINIVMX_DISASM_H

#include <stddef.h>
#include <linux/types.h>

size_t disasm_one(const __u8 *code, size_t len, __u64 addr,
		  unsigned int bits, char *text, size_t text_len);
void disasm_close(void);

#endif /* MINIVMX_DISASM_H */
