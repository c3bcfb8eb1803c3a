// SPDX-License-Identifier: GPL-2.0-only
/*
 * EPT: the guest-physical to host-physical page tables (SDM Vol. 3C 29.3).
 *
 * Four levels, write-back memory, 2 MiB leaves where a memory region allows
 * them.  Tables are allocated on demand and freed with the VM; unmapping
 * clears leaves only, and a 2 MiB leaf that later takes the place of an
 * empty page table frees it.  Callers hold the VM's mem_lock for writing
 * and bump mem_gen so that every vCPU flushes with INVEPT before its next
 * entry.
 *
 * On CPUs with the iTLB multihit erratum a guest that executes from a
 * large page whose size the host changes can cause a machine check, so
 * there (or with nx_huge_pages=1) 2 MiB leaves are not executable and the
 * first instruction fetch from one splits it into 4 KiB leaves (KVM's
 * nx_huge_pages).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <kunit/visibility.h>
#include <asm/io.h>
#include <asm/mtrr.h>
#include <asm/vmx.h>

#include "minivmx.h"

static int nx_huge_pages = -1;
module_param(nx_huge_pages, int, 0444);
MODULE_PARM_DESC(nx_huge_pages,
		 "map 2 MiB EPT leaves non-executable: -1 where the CPU has iTLB multihit (default), 0 never, 1 always");

/* nx_huge_pages, resolved at load by ept_setup(). */
bool mvx_nx_huge_pages;
EXPORT_SYMBOL_IF_KUNIT(mvx_nx_huge_pages);

/**
 * ept_setup() - resolve the nx_huge_pages parameter
 */
void ept_setup(void)
{
	mvx_nx_huge_pages = nx_huge_pages < 0 ?
			    boot_cpu_has_bug(X86_BUG_ITLB_MULTIHIT) :
			    nx_huge_pages;
}

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

static u64 *ept_alloc_table(struct mvx_vm *vm)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (table)
		vm->ept_tables++;
	return table;
}

static void ept_free_table(struct mvx_vm *vm, u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if ((table[i] & EPT_RWX) && !(table[i] & EPT_LARGE))
			ept_free_table(vm, __va(table[i] & EPT_ADDR_MASK),
				       level - 1);
	free_page((unsigned long)table);
	vm->ept_tables--;
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
			next = ept_alloc_table(vm);
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

/**
 * ept_lookup() - the EPT entries that map @gpa, as the CPU would walk them
 * @vm: the VM, its mem_lock held
 * @gpa: the guest-physical address
 * @ept: the entries, the PML4E first
 *
 * Return: entries read into @ept; the last is a leaf or not present.
 */
unsigned int ept_lookup(struct mvx_vm *vm, u64 gpa, u64 ept[EPT_LEVELS])
{
	u64 *table = vm->ept_root;
	unsigned int n = 0;
	int l;

	for (l = EPT_LEVELS; l >= 1; l--) {
		u64 e = table[ept_index(gpa, l)];

		ept[n++] = e;
		if (!(e & EPT_RWX) || l == 1 || (e & EPT_LARGE))
			break;
		table = __va(e & EPT_ADDR_MASK);
	}
	return n;
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
			u64 *pde;

			table = ept_table(vm, gpa, 2, true);
			if (!table)
				return -ENOMEM;
			pde = &table[ept_index(gpa, 2)];
			/* An empty table from an earlier region: free it. */
			if ((*pde & EPT_RWX) && !(*pde & EPT_LARGE))
				ept_free_table(vm, __va(*pde & EPT_ADDR_MASK), 1);
			*pde = page_to_phys(slot->pages[i]) | EPT_LEAF_WB |
			       EPT_LARGE | (mvx_nx_huge_pages ?
					    perm & ~VMX_EPT_EXECUTABLE_MASK : perm);
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
EXPORT_SYMBOL_IF_KUNIT(ept_map_slot);

/**
 * ept_split_2m() - replace the 2 MiB leaf that maps @gpa by 4 KiB leaves
 * @vm: the VM
 * @gpa: an address in the leaf
 *
 * The small leaves map the same memory with the same rights, and are
 * executable (nx_huge_pages).
 *
 * Return: 0, also when no 2 MiB leaf maps @gpa any more; or -ENOMEM.
 */
int ept_split_2m(struct mvx_vm *vm, u64 gpa)
{
	u64 *pd = ept_table(vm, gpa, 2, false), *pt, leaf;
	int i;

	if (!pd || !(pd[ept_index(gpa, 2)] & EPT_LARGE))
		return 0;
	leaf = pd[ept_index(gpa, 2)] & ~EPT_LARGE;
	pt = ept_alloc_table(vm);
	if (!pt)
		return -ENOMEM;
	for (i = 0; i < EPT_ENTRIES; i++)
		pt[i] = (leaf | VMX_EPT_EXECUTABLE_MASK) + ((u64)i << PAGE_SHIFT);
	pd[ept_index(gpa, 2)] = __pa(pt) | EPT_RWX;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ept_split_2m);

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
EXPORT_SYMBOL_IF_KUNIT(ept_unmap_range);

/**
 * ept_init() - allocate the EPT root and compute the EPT pointer
 * @vm: the VM
 *
 * Return: 0 or -ENOMEM.
 */
int ept_init(struct mvx_vm *vm)
{
	vm->ept_root = ept_alloc_table(vm);
	if (!vm->ept_root)
		return -ENOMEM;
	/* 25.6.11: memory type WB, page-walk length 4 (encoded as 3). */
	vm->eptp = __pa(vm->ept_root) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ept_init);

/**
 * ept_destroy() - free every EPT table of @vm
 * @vm: the VM, no longer run by any vCPU
 */
void ept_destroy(struct mvx_vm *vm)
{
	if (vm->ept_root)
		ept_free_table(vm, vm->ept_root, EPT_LEVELS);
	vm->ept_root = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ept_destroy);
