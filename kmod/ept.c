// SPDX-License-Identifier: GPL-2.0-only
/*
 * EPT: the guest-physical to host-physical page tables (SDM Vol. 3C 29.3).
 *
 * Four levels, write-back memory, 2 MiB leaves where a memory region allows
 * them.  Tables are allocated on demand and freed with the VM; unmapping
 * clears leaves only.  Callers hold the VM's mem_lock for writing and bump
 * mem_gen so that every vCPU flushes with INVEPT before its next entry.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/io.h>
#include <asm/mtrr.h>
#include <asm/vmx.h>

#include "minivmx.h"

#define EPT_LEVELS		4
#define EPT_ENTRIES		512
#define EPT_RWX			(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
				 VMX_EPT_EXECUTABLE_MASK)
#define EPT_RX			(VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK)
/* Leaf: write-back memory type, ignore the guest PAT (29.3.7). */
#define EPT_LEAF_WB		((u64)MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT | \
				 VMX_EPT_IPAT_BIT)
#define EPT_LARGE		BIT_ULL(7)
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

/*
 * Walk to the table at @level (1 = page table, 2 = page directory) for
 * @gpa, allocating missing tables when @alloc.  Return NULL when missing.
 */
static u64 *ept_table(struct mvx_vm *vm, u64 gpa, int level, bool alloc)
{
	u64 *table = vm->ept_root;
	int l;

	for (l = EPT_LEVELS; l > level; l--) {
		u64 *e = &table[ept_index(gpa, l)];

		if (!(*e & EPT_RWX)) {
			u64 *next;

			if (!alloc)
				return NULL;
			next = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
			if (!next)
				return NULL;
			*e = __pa(next) | EPT_RWX;
		} else if (*e & EPT_LARGE) {
			return NULL;	/* a 2 MiB leaf covers it */
		}
		table = __va(*e & EPT_ADDR_MASK);
	}
	return table;
}

/* The backing of 512 pages is one aligned, physically contiguous 2 MiB. */
static bool ept_can_map_2m(struct page **pages)
{
	unsigned long pfn = page_to_pfn(pages[0]);
	int i;

	if (pfn & (EPT_ENTRIES - 1))
		return false;
	for (i = 1; i < EPT_ENTRIES; i++)
		if (page_to_pfn(pages[i]) != pfn + i)
			return false;
	return true;
}

/**
 * ept_map_slot() - map a memory region into the VM's EPT
 * @vm: the VM
 * @slot: the region, its pages pinned
 *
 * Return: 0 or -ENOMEM (what was mapped stays until ept_unmap_range()).
 */
int ept_map_slot(struct mvx_vm *vm, struct mvx_slot *slot)
{
	u64 perm = slot->flags & MINIVMX_MEM_READONLY ? EPT_RX : EPT_RWX;
	unsigned long i, npages = slot->size >> PAGE_SHIFT;

	for (i = 0; i < npages;) {
		u64 gpa = slot->gpa + ((u64)i << PAGE_SHIFT);
		u64 *table;

		if (vmx_has_ept_2m() && IS_ALIGNED(gpa, SZ_2M) &&
		    npages - i >= EPT_ENTRIES && ept_can_map_2m(&slot->pages[i])) {
			table = ept_table(vm, gpa, 2, true);
			if (!table)
				return -ENOMEM;
			table[ept_index(gpa, 2)] = page_to_phys(slot->pages[i]) |
						   perm | EPT_LEAF_WB | EPT_LARGE;
			i += EPT_ENTRIES;
			continue;
		}
		table = ept_table(vm, gpa, 1, true);
		if (!table)
			return -ENOMEM;
		table[ept_index(gpa, 1)] = page_to_phys(slot->pages[i]) |
					   perm | EPT_LEAF_WB;
		i++;
	}
	return 0;
}

/**
 * ept_unmap_range() - remove the leaves that map [@gpa, @gpa + @size)
 * @vm: the VM
 * @gpa: page-aligned start
 * @size: page-aligned size
 *
 * A 2 MiB leaf is only created inside one region, so a range that is a
 * whole region removes whole 2 MiB leaves.
 */
void ept_unmap_range(struct mvx_vm *vm, u64 gpa, u64 size)
{
	u64 end = gpa + size;

	while (gpa < end) {
		u64 *pd = ept_table(vm, gpa, 2, false);
		u64 *pde = pd ? &pd[ept_index(gpa, 2)] : NULL;
		u64 *pt;

		if (pde && (*pde & EPT_LARGE)) {
			*pde = 0;
			gpa += SZ_2M;
			continue;
		}
		pt = ept_table(vm, gpa, 1, false);
		if (pt)
			pt[ept_index(gpa, 1)] = 0;
		gpa += PAGE_SIZE;
	}
}

/**
 * ept_init() - allocate the EPT root and compute the EPT pointer
 * @vm: the VM
 *
 * Return: 0 or -ENOMEM.
 */
int ept_init(struct mvx_vm *vm)
{
	vm->ept_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->ept_root)
		return -ENOMEM;
	/* 25.6.11: memory type WB, page-walk length 4 (encoded as 3). */
	vm->eptp = __pa(vm->ept_root) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	return 0;
}

static void ept_free_table(u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if ((table[i] & EPT_RWX) && !(table[i] & EPT_LARGE))
			ept_free_table(__va(table[i] & EPT_ADDR_MASK), level - 1);
	free_page((unsigned long)table);
}

/**
 * ept_destroy() - free every EPT table of @vm
 * @vm: the VM, no longer run by any vCPU
 */
void ept_destroy(struct mvx_vm *vm)
{
	if (vm->ept_root)
		ept_free_table(vm->ept_root, EPT_LEVELS);
	vm->ept_root = NULL;
}
