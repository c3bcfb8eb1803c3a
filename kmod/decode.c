// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding the MOV forms that touch MMIO: an EPT violation gives the
 * guest-physical address but neither the data nor the instruction length
 * (SDM 28.2.1), so minivmx reads them from the instruction.  Pure logic,
 * tested by KUnit (minivmx_kunit.c).
 */
#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "minivmx.h"

/* Bytes of ModRM, SIB and displacement (SDM Vol. 2A 2.1.5, Tables 2-1..2-3). */
static int modrm_len(const u8 *p, unsigned int avail, int addr_bits)
{
	u8 modrm, mod, rm;

	if (avail < 1)
		return -EINVAL;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL;	/* a register, not memory */
	if (addr_bits == 16) {
		if (mod == 0)
			return rm == 6 ? 3 : 1;
		return mod == 1 ? 2 : 3;
	}
	if (rm == 4) {
		if (avail < 2)
			return -EINVAL;
		if (mod == 0)
			return (p[1] & 7) == 5 ? 6 : 2;
		return mod == 1 ? 3 : 6;
	}
	if (mod == 0)
		return rm == 5 ? 5 : 1;
	return mod == 1 ? 2 : 5;
}

/**
 * mvx_decode_mov() - decode a MOV, MOVZX or moffs MOV that accesses memory
 * @insn: the instruction bytes
 * @avail: how many bytes of @insn are valid
 * @cs_bits: the code size: 16, 32 or 64
 * @mov: the decoded form
 *
 * Return: 0, or -EINVAL for anything else (the caller reports it).
 */
int mvx_decode_mov(const u8 *insn, unsigned int avail, int cs_bits,
		   struct mvx_mov *mov)
{
	bool opsize = false, addrsize = false;
	u8 rex = 0, op;
	int i = 0, op_bytes, addr_bits, m;

	memset(mov, 0, sizeof(*mov));
	for (; i < avail && i < 15; i++) {
		op = insn[i];
		if (op == 0x66)
			opsize = true;
		else if (op == 0x67)
			addrsize = true;
		else if (op == 0xf0 || op == 0xf2 || op == 0xf3 ||
			 op == 0x2e || op == 0x36 || op == 0x3e ||
			 op == 0x26 || op == 0x64 || op == 0x65)
			continue;
		else
			break;
	}
	/* 2.2.1: REX comes last, and only in 64-bit mode. */
	if (cs_bits == 64 && i < avail && (insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	if (i >= avail)
		return -EINVAL;

	if (rex & 8)
		op_bytes = 8;
	else if (cs_bits == 16)
		op_bytes = opsize ? 4 : 2;
	else
		op_bytes = opsize ? 2 : 4;
	if (cs_bits == 64)
		addr_bits = addrsize ? 32 : 64;
	else
		addr_bits = (cs_bits == 16) != addrsize ? 16 : 32;

	op = insn[i++];
	if (op == 0x0f) {
		if (i >= avail || (insn[i] != 0xb6 && insn[i] != 0xb7))
			return -EINVAL;
		mov->zero_extend = true;
		mov->dst_size = op_bytes;
		mov->size = insn[i++] == 0xb6 ? 1 : 2;
	} else if (op >= 0xa0 && op <= 0xa3) {
		/* MOV AL/rAX <-> moffs: the offset has the address size. */
		mov->size = op & 1 ? op_bytes : 1;
		mov->is_write = op >= 0xa2;
		mov->reg = 0;
		mov->len = i + addr_bits / 8;
		return mov->len <= avail ? 0 : -EINVAL;
	} else if (op == 0x88 || op == 0x89 || op == 0x8a || op == 0x8b) {
		mov->size = op & 1 ? op_bytes : 1;
		mov->is_write = op <= 0x89;
	} else if (op == 0xc6 || op == 0xc7) {
		mov->size = op & 1 ? op_bytes : 1;
		mov->is_write = true;
		mov->has_imm = true;
	} else {
		return -EINVAL;
	}

	if (i >= avail)
		return -EINVAL;
	mov->reg = ((insn[i] >> 3) & 7) | (rex & 4 ? 8 : 0);
	if (mov->has_imm && (insn[i] & 0x38))
		return -EINVAL;	/* only C6 /0 and C7 /0 are MOV */
	m = modrm_len(&insn[i], avail - i, addr_bits);
	if (m < 0)
		return m;
	i += m;

	if (mov->has_imm) {
		/* imm8, imm16 or imm32; a 64-bit store sign-extends imm32. */
		int n = min_t(u8, mov->size, 4);

		if (i + n > avail)
			return -EINVAL;
		for (m = 0; m < n; m++)
			mov->imm |= (u64)insn[i + m] << (8 * m);
		if (mov->size == 8)
			mov->imm = (u64)(s64)(s32)mov->imm;
		i += n;
	}
	/* 3.4.1.1: without REX, byte registers 4-7 are AH, CH, DH, BH. */
	if (mov->size == 1 && !mov->zero_extend && !rex && mov->reg >= 4 &&
	    !mov->has_imm) {
		mov->high_byte = true;
		mov->reg -= 4;
	}
	mov->len = i;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvx_decode_mov);
