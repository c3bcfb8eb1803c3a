// SPDX-License-Identifier: GPL-2.0-only
/*
 * The little emulation minivmx needs: walking the guest's page tables to
 * reach string-I/O buffers and instruction bytes, and decoding the MOV
 * forms that touch MMIO (an EPT violation gives the guest-physical
 * address but neither the data nor the instruction length, SDM 28.2.1).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/minmax.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/* Read a page-table entry of @size bytes at guest-physical @gpa. */
static int walk_read(struct mvx_vcpu *v, u64 gpa, int size, u64 *pte)
{
	*pte = 0;
	return mvx_read_gpa(v->vm, gpa, pte, size);
}

/**
 * mvx_gva_to_gpa() - translate a guest linear address (SDM Vol. 3A 4.3-4.5)
 * @v: the vCPU, its VMCS current
 * @gva: the linear address
 * @write: the access is a write (unused: minivmx does not check rights)
 * @gpa: the guest-physical address
 *
 * Return: 0, or -EFAULT if a paging-structure entry is not present or not
 * in guest memory.
 */
int mvx_gva_to_gpa(struct mvx_vcpu *v, u64 gva, bool write, u64 *gpa)
{
	u64 cr0 = vmcs_guest_cr0(), cr4 = vmcs_guest_cr4();
	u64 cr3 = vmcs_read(GUEST_CR3), pte;
	int level, shift;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffff;
		return 0;
	}
	if (v->efer & EFER_LMA) {
		level = 4;
		pte = cr3;
	} else if (cr4 & X86_CR4_PAE) {
		/* 4.4.1: the PDPTEs live in the VMCS. */
		pte = vmcs_read(GUEST_PDPTR0 + 2 * ((gva >> 30) & 3));
		if (!(pte & PTE_P))
			return -EFAULT;
		level = 2;
	} else {
		/* 32-bit paging: 4-byte entries, 10 bits per level (4.3). */
		gva &= 0xffffffff;
		if (walk_read(v, (cr3 & PTE_ADDR) + ((gva >> 22) & 0x3ff) * 4,
			      4, &pte) || !(pte & PTE_P))
			return -EFAULT;
		if ((pte & PTE_PS) && (cr4 & X86_CR4_PSE)) {
			*gpa = (pte & 0xffc00000) | (gva & 0x3fffff);
			return 0;
		}
		if (walk_read(v, (pte & 0xfffff000) + ((gva >> 12) & 0x3ff) * 4,
			      4, &pte) || !(pte & PTE_P))
			return -EFAULT;
		*gpa = (pte & 0xfffff000) | (gva & 0xfff);
		return 0;
	}

	for (; level > 0; level--) {
		shift = 12 + 9 * (level - 1);
		if (walk_read(v, (pte & PTE_ADDR) + ((gva >> shift) & 511) * 8,
			      8, &pte) || !(pte & PTE_P))
			return -EFAULT;
		/* 1 GiB and 2 MiB pages end the walk early. */
		if (level <= 3 && level > 1 && (pte & PTE_PS)) {
			*gpa = (pte & PTE_ADDR & ~((1ULL << shift) - 1)) |
			       (gva & ((1ULL << shift) - 1));
			return 0;
		}
	}
	*gpa = (pte & PTE_ADDR) | (gva & 0xfff);
	return 0;
}

static int mvx_access_gva(struct mvx_vcpu *v, u64 gva, void *buf,
			  unsigned int len, bool write)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       PAGE_SIZE - offset_in_page(gva));
		u64 gpa;
		int ret;

		ret = mvx_gva_to_gpa(v, gva, write, &gpa);
		if (!ret)
			ret = write ? mvx_write_gpa(v->vm, gpa, buf, n) :
				      mvx_read_gpa(v->vm, gpa, buf, n);
		if (ret)
			return ret;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int mvx_read_gva(struct mvx_vcpu *v, u64 gva, void *buf, unsigned int len)
{
	return mvx_access_gva(v, gva, buf, len, false);
}

int mvx_write_gva(struct mvx_vcpu *v, u64 gva, const void *buf,
		  unsigned int len)
{
	return mvx_access_gva(v, gva, (void *)buf, len, true);
}

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
