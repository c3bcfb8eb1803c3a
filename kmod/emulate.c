// SPDX-License-Identifier: GPL-2.0-only
/*
 * Walking the guest's page tables, to reach string-I/O buffers and the
 * instruction bytes of an MMIO access (SDM Vol. 3A 4.3-4.5).
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
