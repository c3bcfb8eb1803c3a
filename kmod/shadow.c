// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shadow paging (MINIVMX_VM_SHADOW_PAGING): the page tables the CPU walks
 * when a VM runs without EPT, built from the guest's own -- the "virtual
 * TLB" design (Documentation/shadow.rst).
 *
 * The guest's CR3 is kept in v->shadow; the CPU's points at a shadow that
 * starts empty.  A guest access that misses in it is a #PF exit: the
 * guest's tables are walked as the CPU would walk them (emulate.c, which
 * also sets their accessed and dirty flags), a fault the guest would take
 * is injected into it, and otherwise one 4 KiB leaf is added that maps
 * the guest page's host page with the rights the guest's entries give.
 * MOV to CR3, INVLPG, a change of paging mode and any change of the VM's
 * memory drop the whole shadow, as they would flush a TLB.  An edit of the
 * guest's page tables takes effect at its next flush, as on the CPU, so
 * they are never write-protected.
 *
 * The shadow is 4-level in long mode and PAE otherwise, whatever the
 * guest's paging: 32-bit, PAE, or none (then it maps linear addresses to
 * the same guest-physical ones).  The CPU then runs with CR0.PG, CR0.WP
 * and CR4.PAE set whatever the guest chose (vmcs.c), and the root, a PAE
 * page-directory-pointer table, sits below 4 GiB.  A clean guest page
 * (dirty flag clear) is mapped read-only, so that its first write faults
 * and sets the flag.  The vCPUs of such a VM have no VPID: every VM entry
 * and exit flushes the TLB, so no INVVPID follows a change here.
 *
 * A leaf only ever maps a page of one of the VM's memory slots, pinned
 * while the slot exists; deleting a slot bumps the VM's mem_gen, and a
 * vCPU drops its shadow before it enters the guest again (vcpu.c).
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

#define SPTE_P		BIT_ULL(0)
#define SPTE_RW		BIT_ULL(1)
#define SPTE_US		BIT_ULL(2)
#define SPTE_A		BIT_ULL(5)
#define SPTE_D		BIT_ULL(6)
#define SPTE_XD		BIT_ULL(63)
#define SPTE_ADDR	GENMASK_ULL(51, 12)
/* Rights sit in the leaves: the tables above them allow everything. */
#define SPTE_TABLE	(SPTE_P | SPTE_RW | SPTE_US | SPTE_A)

/* A fault adds at most three tables (long mode: PDPT, PD, PT). */
#define SHADOW_FAULT_TABLES	3
/* Tables per vCPU before the shadow starts over (16 MiB). */
#define SHADOW_MAX_TABLES	4096

/* As the guest's page tables have them (emulate.c) */
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_D		BIT_ULL(6)
#define PTE_XD		BIT_ULL(63)

/**
 * mvx_guest_cr3() - the guest's CR3, as it set it
 * @v: the vCPU, its VMCS current
 *
 * Return: CR3; with shadow paging GUEST_CR3 is the shadow's root.
 */
u64 mvx_guest_cr3(struct mvx_vcpu *v)
{
	return v->vm->shadow ? v->shadow.cr3 : vmcs_read(GUEST_CR3);
}

/**
 * mvx_exception_bitmap() - the exceptions that exit, the debugger's aside
 * @v: the vCPU
 *
 * Return: MVX_EXCEPTION_BITMAP, and #PF with shadow paging.
 */
u64 mvx_exception_bitmap(struct mvx_vcpu *v)
{
	return MVX_EXCEPTION_BITMAP |
	       (v->vm->shadow ? BIT(X86_TRAP_PF) : 0);
}

static void free_list(struct list_head *list)
{
	struct page *p, *n;

	list_for_each_entry_safe(p, n, list, lru) {
		list_del(&p->lru);
		__free_page(p);
	}
}

/**
 * mvx_shadow_create() - the root of a new vCPU's shadow
 * @v: the vCPU, in a VM with shadow paging
 *
 * Return: 0, or -ENOMEM.
 */
int mvx_shadow_create(struct mvx_vcpu *v)
{
	INIT_LIST_HEAD(&v->shadow.tables);
	INIT_LIST_HEAD(&v->shadow.cache);
	/* In PAE mode CR3 holds 32 bits: the root is below 4 GiB. */
	v->shadow.root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT | GFP_DMA32);
	return v->shadow.root ? 0 : -ENOMEM;
}

/**
 * mvx_shadow_free() - free a vCPU's shadow
 * @v: the vCPU; its VMCS is no longer used
 */
void mvx_shadow_free(struct mvx_vcpu *v)
{
	if (!v->shadow.root)
		return;
	free_list(&v->shadow.tables);
	free_list(&v->shadow.cache);
	free_page((unsigned long)v->shadow.root);
	v->shadow.root = NULL;
}

/**
 * mvx_shadow_topup() - take the pages the next #PF exits may need
 * @v: the vCPU, in a VM with shadow paging; may sleep
 *
 * Exits are handled with preemption off, where no page can be allocated
 * but atomically.  A fault that finds too few ends the batch, and the run
 * loop calls this before the guest faults again.
 *
 * Return: 0, or -ENOMEM.
 */
int mvx_shadow_topup(struct mvx_vcpu *v)
{
	struct page *p;

	while (v->shadow.nr_cache < 2 * SHADOW_FAULT_TABLES) {
		p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!p)
			return -ENOMEM;
		list_add(&p->lru, &v->shadow.cache);
		v->shadow.nr_cache++;
	}
	return 0;
}

/**
 * mvx_shadow_reset() - drop the shadow, as a TLB flush would
 * @v: the vCPU, in a VM with shadow paging, its VMCS current
 *
 * Also chooses the shadow's format for the guest's mode and points
 * GUEST_CR3 at the root.
 */
void mvx_shadow_reset(struct mvx_vcpu *v)
{
	struct page *p, *n;

	list_for_each_entry_safe(p, n, &v->shadow.tables, lru) {
		list_del(&p->lru);
		if (v->shadow.nr_cache < 2 * SHADOW_FAULT_TABLES) {
			clear_page(page_address(p));
			list_add(&p->lru, &v->shadow.cache);
			v->shadow.nr_cache++;
		} else {
			__free_page(p);
		}
	}
	v->shadow.nr_tables = 0;
	clear_page(v->shadow.root);
	v->shadow.long_mode = v->efer & EFER_LMA;
	v->shadow.resets++;
	vmcs_write(GUEST_CR3, __pa(v->shadow.root));
}

static u64 *table_take(struct mvx_vcpu *v, u64 *entry, u64 bits)
{
	struct page *p = list_first_entry(&v->shadow.cache, struct page, lru);

	list_move(&p->lru, &v->shadow.tables);
	v->shadow.nr_cache--;
	v->shadow.nr_tables++;
	*entry = page_to_phys(p) | bits;
	return page_address(p);
}

/* Put @leaf in the shadow for @gva, adding the tables above it. */
static void shadow_map(struct mvx_vcpu *v, u64 gva, u64 leaf)
{
	u64 *table = v->shadow.root, *e;
	int level;

	if (v->shadow.long_mode) {
		level = 4;
	} else {
		/* PAE: a PDPTE has no rights bits (SDM 4.4.1). */
		e = &table[(gva >> 30) & 3];
		table = *e & SPTE_P ? __va(*e & SPTE_ADDR) :
				      table_take(v, e, SPTE_P);
		level = 2;
	}
	for (; level > 1; level--) {
		e = &table[(gva >> (12 + 9 * (level - 1))) & 511];
		table = *e & SPTE_P ? __va(*e & SPTE_ADDR) :
				      table_take(v, e, SPTE_TABLE);
	}
	table[(gva >> 12) & 511] = leaf;
	v->shadow.fills++;
}

/*
 * The leaf for a guest page with @rights (mvx_gva_map()) and @access,
 * at host page @page of a slot that is read-only or not.
 */
static u64 shadow_leaf(struct mvx_vcpu *v, struct page *page, u64 rights,
		       unsigned int access, bool readonly)
{
	u64 leaf = page_to_phys(page) | SPTE_P | SPTE_A;
	bool write = access & MVX_ACC_WRITE, user = access & MVX_ACC_USER;

	if (rights & PTE_US)
		leaf |= SPTE_US;
	if (rights & PTE_XD)
		leaf |= SPTE_XD;
	if (readonly)
		return leaf;
	/* Writable once dirty: a clean page's first write sets its flag. */
	if ((rights & PTE_RW) && (rights & PTE_D))
		return leaf | SPTE_RW | SPTE_D;
	/*
	 * CR0.WP clear lets the kernel write a read-only page (4.6); the
	 * CPU runs with WP set, so map it writable for the kernel alone.
	 */
	if (write && !user && !(rights & PTE_RW) &&
	    !(vmcs_guest_cr0() & X86_CR0_WP))
		return (leaf & ~SPTE_US) | SPTE_RW | SPTE_D;
	return leaf;
}

/**
 * mvx_shadow_page_fault() - a #PF exit in a VM with shadow paging
 * @v: the vCPU, its VMCS current
 *
 * Return: 1 to re-enter the guest (with the shadow filled or the guest's
 * #PF queued), 0 when @v->run is filled for userspace (MMIO).
 */
int mvx_shadow_page_fault(struct mvx_vcpu *v)
{
	u64 gva = vmcs_read(EXIT_QUALIFICATION), gpa, rights;
	unsigned int access = vmcs_read(VM_EXIT_INTR_ERROR_CODE) &
			      (MVX_ACC_WRITE | MVX_ACC_USER | MVX_ACC_FETCH);
	struct mvx_slot *slot;
	struct page *page;
	int ret;

	/* No pages for new tables here: end the batch, top up, fault again. */
	if (v->shadow.nr_cache < SHADOW_FAULT_TABLES) {
		v->leave_batch = true;
		return 1;
	}
	ret = mvx_gva_map(v, gva, access, &gpa, &rights);
	if (ret == -EPERM)
		return mvx_inject_page_fault(v);
	/* A guest paging structure outside RAM: as with EPT (exits.c). */
	if (ret)
		return mvx_mmio_exit(v, -1ULL);
	slot = mvx_gpa_slot(v->vm, gpa);
	if (!slot || ((access & MVX_ACC_WRITE) &&
		      (slot->flags & MINIVMX_MEM_READONLY)))
		return mvx_mmio_exit(v, gpa);
	if (v->shadow.nr_tables + SHADOW_FAULT_TABLES > SHADOW_MAX_TABLES)
		mvx_shadow_reset(v);
	page = slot->pages[array_index_nospec((gpa - slot->gpa) >> PAGE_SHIFT,
					      slot->size >> PAGE_SHIFT)];
	shadow_map(v, gva, shadow_leaf(v, page, rights, access,
				       slot->flags & MINIVMX_MEM_READONLY));
	return 1;
}

/**
 * mvx_shadow_real_mode() - a guest in real mode, which shadow paging
 *	cannot run
 * @v: the vCPU
 *
 * Without EPT there is no unrestricted guest: VM entry needs CR0.PE and
 * CR0.PG (SDM 26.3.1.1).  KVM emulates real mode for that case; minivmx
 * says so instead.
 *
 * Return: 0, with @v->run filled (MINIVMX_INTERNAL_REAL_MODE).
 */
int mvx_shadow_real_mode(struct mvx_vcpu *v)
{
	struct minivmx_run *run = v->run;

	run->exit_reason = MINIVMX_EXIT_INTERNAL_ERROR;
	run->internal.suberror = MINIVMX_INTERNAL_REAL_MODE;
	run->internal.ndata = 2;
	run->internal.data[0] = vmcs_guest_cr0();
	run->internal.data[1] = vmcs_read(GUEST_RIP);
	return 0;
}
