// SPDX-License-Identifier: GPL-2.0-only
/*
 * Walking the guest's page tables, to reach string-I/O buffers and the
 * instruction bytes of an MMIO access (SDM Vol. 3A 4.3-4.6).  The walk
 * checks what the CPU would (present, R/W with CR0.WP, U/S, XD with
 * EFER.NXE, SMEP and SMAP) and sets the accessed and dirty flags the way
 * the CPU does, with a locked OR; a failed check is a page fault for the
 * guest, with the error code the CPU would push.  MINIVMX_TRANSLATE shows
 * a debugger the same walk, with EPT's below each step, changing nothing.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/io.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_A		BIT_ULL(5)
#define PTE_D		BIT_ULL(6)
#define PTE_PS		BIT_ULL(7)
#define PTE_XD		BIT_ULL(63)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/* One paging-structure entry: where it is and what it says. */
struct walk_entry {
	u64 gpa;
	u64 val;
	int size;
};

static int walk_read(struct mvx_vcpu *v, u64 gpa, int size,
		     struct walk_entry *e)
{
	e->gpa = gpa;
	e->size = size;
	e->val = 0;
	return mvx_read_gpa(v->vm, gpa, &e->val, size);
}

/* Set @bits in a guest paging-structure entry as the CPU does: locked. */
static void walk_set_bits(struct mvx_vcpu *v, struct walk_entry *e, u64 bits)
{
	struct mvx_slot *s;
	struct page *page;
	void *va;

	if ((e->val & bits) == bits)
		return;
	s = mvx_gpa_slot(v->vm, e->gpa);
	if (!s || (s->flags & MINIVMX_MEM_READONLY))
		return;
	page = s->pages[array_index_nospec((e->gpa - s->gpa) >> PAGE_SHIFT,
					   s->size >> PAGE_SHIFT)];
	va = kmap_local_page(page) + offset_in_page(e->gpa);
	if (e->size == 8)
		atomic64_or(bits, va);
	else
		atomic_or(bits, va);
	kunmap_local(va);
	/* The page is dirtied when the region is unpinned (vm.c). */
}

/**
 * struct mvx_walk - what a walk of the guest's page tables read
 * @e: the entries, from the top level (after the PDPTE with PAE paging)
 * @n: entries in @e, the one that was not present included
 * @pdpte: PAE paging: the PDPTE, from the VMCS
 * @pae: @pdpte is valid
 * @error: the page-fault error code, when the walk ends in a fault
 * @rights: what the translation allows: PTE_RW and PTE_US as every level
 *	grants them, PTE_XD if a level forbids fetches (with EFER.NXE)
 */
struct mvx_walk {
	struct walk_entry e[4];
	int n;
	u64 pdpte;
	bool pae;
	u32 error;
	u64 rights;
};

/*
 * Translate @gva as the CPU would for @access (SDM Vol. 3A 4.3-4.6),
 * recording each entry in @w and changing nothing.  Return: 0, -EPERM
 * for a page fault (@w->error), -EFAULT for a paging structure outside
 * guest memory.
 */
static int gva_walk(struct mvx_vcpu *v, u64 gva, unsigned int access,
		    u64 *gpa, struct mvx_walk *w)
{
	u64 cr0 = vmcs_guest_cr0(), cr4 = vmcs_guest_cr4();
	u64 cr3 = mvx_guest_cr3(v), page_mask, table;
	bool nxe = v->efer & EFER_NX, user = access & MVX_ACC_USER;
	struct walk_entry *e = w->e;
	u64 allow = PTE_RW | PTE_US, xd = 0;
	int level, shift;

	w->n = 0;
	w->pae = false;
	w->rights = PTE_RW | PTE_US;
	if (!(cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffff;
		return 0;
	}
	if (v->efer & EFER_LMA) {
		level = 4;
		table = cr3;
	} else if (cr4 & X86_CR4_PAE) {
		/* 4.4.1: the PDPTEs live in the VMCS and carry no rights. */
		w->pae = true;
		w->pdpte = vmcs_read(GUEST_PDPTR0 + 2 * ((gva >> 30) & 3));
		if (!(w->pdpte & PTE_P))
			goto fault;
		level = 2;
		table = w->pdpte;
	} else {
		/* 32-bit paging: 4-byte entries, 10 bits per level (4.3). */
		gva &= 0xffffffff;
		if (walk_read(v, (cr3 & 0xfffff000) + ((gva >> 22) & 0x3ff) * 4,
			      4, &e[w->n++]))
			return -EFAULT;
		if (!(e[0].val & PTE_P))
			goto fault;
		allow &= e[0].val;
		if ((e[0].val & PTE_PS) && (cr4 & X86_CR4_PSE)) {
			/* PSE-36: PDE bits 20:13 are address bits 39:32. */
			*gpa = (e[0].val & 0xffc00000) |
			       ((e[0].val >> 13) & 0xffULL) << 32 |
			       (gva & 0x3fffff);
			goto leaf;
		}
		if (walk_read(v, (e[0].val & 0xfffff000) +
			      ((gva >> 12) & 0x3ff) * 4, 4, &e[w->n++]))
			return -EFAULT;
		if (!(e[1].val & PTE_P))
			goto fault;
		allow &= e[1].val;
		*gpa = (e[1].val & 0xfffff000) | (gva & 0xfff);
		goto leaf;
	}

	for (; level > 0; level--) {
		struct walk_entry *cur = &e[w->n];

		shift = 12 + 9 * (level - 1);
		if (walk_read(v, (table & PTE_ADDR) + ((gva >> shift) & 511) * 8,
			      8, cur))
			return -EFAULT;
		w->n++;
		if (!(cur->val & PTE_P))
			goto fault;
		allow &= cur->val;
		if (nxe)
			xd |= cur->val & PTE_XD;
		table = cur->val;
		/* 1 GiB and 2 MiB pages end the walk early. */
		if (level <= 3 && level > 1 && (cur->val & PTE_PS))
			break;
	}
	if (!level)
		level = 1;
	page_mask = (1ULL << (12 + 9 * (level - 1))) - 1;
	*gpa = (table & PTE_ADDR & ~page_mask) | (gva & page_mask);

leaf:
	w->rights = allow | xd;
	/* 4.6: access rights. */
	if ((user && !(allow & PTE_US)) ||
	    ((access & MVX_ACC_WRITE) && !(allow & PTE_RW) &&
	     (user || (cr0 & X86_CR0_WP))) ||
	    ((access & MVX_ACC_FETCH) && xd) ||
	    (!user && (allow & PTE_US) && (access & MVX_ACC_FETCH) &&
	     (cr4 & X86_CR4_SMEP)) ||
	    (!user && (allow & PTE_US) && !(access & MVX_ACC_FETCH) &&
	     (cr4 & X86_CR4_SMAP) &&
	     !(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_AC))) {
		w->error = access | MVX_PF_PRESENT;
		return -EPERM;
	}
	return 0;

fault:
	w->error = access;
	return -EPERM;
}

/**
 * mvx_gva_map() - translate a guest linear address (SDM Vol. 3A 4.3-4.6)
 * @v: the vCPU, its VMCS current
 * @gva: the linear address
 * @access: MVX_ACC_* flags of the access, which are also the bits of the
 *	page-fault error code they stand for
 * @gpa: the guest-physical address
 * @rights: what the translation allows: PTE_RW, PTE_US, PTE_XD as the
 *	levels combine them, and PTE_D when the page is dirty (written
 *	before, or by this access); all but PTE_XD with paging off
 *
 * Sets the accessed and dirty flags as the CPU does.
 *
 * Return: 0; -EPERM when the access is a page fault for the guest (its
 * address and error code are in @v->pf); or -EFAULT if a paging structure
 * is not in guest memory.
 */
int mvx_gva_map(struct mvx_vcpu *v, u64 gva, unsigned int access,
		u64 *gpa, u64 *rights)
{
	struct mvx_walk w;
	int ret = gva_walk(v, gva, access, gpa, &w), i;

	if (ret == -EPERM) {
		v->pf.gva = gva;
		v->pf.error = w.error;
		return ret;
	}
	if (ret)
		return ret;
	*rights = w.rights;
	if (!w.n) {
		*rights |= PTE_D;
		return 0;
	}
	/* 4.8: accessed flags on the way, dirty on the page written. */
	for (i = 0; i < w.n; i++)
		walk_set_bits(v, &w.e[i], PTE_A);
	if (access & MVX_ACC_WRITE)
		walk_set_bits(v, &w.e[w.n - 1], PTE_D);
	if ((access & MVX_ACC_WRITE) || (w.e[w.n - 1].val & PTE_D))
		*rights |= PTE_D;
	return 0;
}

/**
 * mvx_gva_to_gpa() - translate a guest linear address
 * @v: the vCPU, its VMCS current
 * @gva: the linear address
 * @access: MVX_ACC_* flags of the access
 * @gpa: the guest-physical address
 *
 * As mvx_gva_map(), without the rights.
 *
 * Return: 0, -EPERM or -EFAULT as mvx_gva_map().
 */
int mvx_gva_to_gpa(struct mvx_vcpu *v, u64 gva, unsigned int access,
		   u64 *gpa)
{
	u64 rights;

	return mvx_gva_map(v, gva, access, gpa, &rights);
}

/* EPT entries and host addresses are for CAP_SYS_ADMIN (like pagemap). */
static void translate_ept(struct mvx_vcpu *v, struct minivmx_walk_level *l,
			  bool admin)
{
	int i;

	/* Shadow paging: no second level, only the shadow (shadow.c). */
	if (v->vm->shadow) {
		l->ept_levels = 0;
		return;
	}
	l->ept_levels = ept_lookup(v->vm, l->gpa, l->ept);
	for (i = 0; !admin && i < l->ept_levels; i++)
		l->ept[i] &= ~GENMASK_ULL(51, 12);
}

/**
 * mvx_translate() - MINIVMX_TRANSLATE: the two-dimensional walk
 * @v: the vCPU, its mutex held
 * @arg: user pointer to a struct minivmx_translate
 *
 * Return: 0 (the outcome is in status); -EFAULT; -EINVAL for flags,
 * reserved fields or unknown access bits; -EINTR.
 */
long mvx_translate(struct mvx_vcpu *v, void __user *arg)
{
	const u32 accesses = MINIVMX_WALK_WRITE | MINIVMX_WALK_USER |
			     MINIVMX_WALK_FETCH;
	bool admin = capable(CAP_SYS_ADMIN);
	struct minivmx_translate *t;
	struct mvx_slot *slot;
	struct mvx_walk w;
	int ret, i, n = 0;
	u64 gpa = 0;

	t = memdup_user(arg, sizeof(*t));
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (t->flags || (t->access & ~accesses) ||
	    memchr_inv(t->reserved, 0, sizeof(t->reserved))) {
		ret = -EINVAL;
		goto out;
	}
	t->status = 0;
	t->error = 0;
	t->levels = 0;
	t->pad = 0;
	t->gpa = 0;
	t->hpa = 0;
	memset(t->level, 0, sizeof(t->level));
	memset(&t->data, 0, sizeof(t->data));
	if (down_read_killable(&v->vm->mem_lock)) {
		ret = -EINTR;
		goto out;
	}
	preempt_disable();
	mvx_vcpu_load(v);
	ret = gva_walk(v, t->gva, t->access, &gpa, &w);
	preempt_enable();

	if (w.pae) {
		t->level[n].entry = w.pdpte;
		t->level[n++].ept_levels = 0;
	}
	for (i = 0; i < w.n && n < ARRAY_SIZE(t->level); i++, n++) {
		t->level[n].gpa = w.e[i].gpa;
		t->level[n].entry = w.e[i].val;
		translate_ept(v, &t->level[n], admin);
	}
	t->levels = n;
	slot = ret ? NULL : mvx_gpa_slot(v->vm, gpa);
	if (ret == -EPERM) {
		t->status = MINIVMX_WALK_PAGE_FAULT;
		t->error = w.error;
	} else if (!slot) {
		t->status = MINIVMX_WALK_NO_MEMORY;
	} else {
		t->gpa = gpa;
		t->data.gpa = gpa;
		translate_ept(v, &t->data, admin);
		i = array_index_nospec((gpa - slot->gpa) >> PAGE_SHIFT,
				       slot->size >> PAGE_SHIFT);
		if (admin)
			t->hpa = page_to_phys(slot->pages[i]) +
				 offset_in_page(gpa);
	}
	up_read(&v->vm->mem_lock);
	ret = copy_to_user(arg, t, sizeof(*t)) ? -EFAULT : 0;
out:
	kfree(t);
	return ret;
}

/**
 * mvx_inject_page_fault() - raise the page fault a translation found
 * @v: the vCPU, its VMCS current, after mvx_gva_to_gpa() said -EPERM
 *
 * Return: 1, to re-enter the guest with the #PF pending.
 */
int mvx_inject_page_fault(struct mvx_vcpu *v)
{
	v->cr2 = v->pf.gva;
	mvx_queue_exception(v, X86_TRAP_PF, true, v->pf.error);
	return 1;
}

static int mvx_access_gva(struct mvx_vcpu *v, u64 gva, void *buf,
			  unsigned int len, unsigned int access)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       PAGE_SIZE - offset_in_page(gva));
		u64 gpa;
		int ret;

		ret = mvx_gva_to_gpa(v, gva, access, &gpa);
		if (!ret)
			ret = access & MVX_ACC_WRITE ?
			      mvx_write_gpa(v->vm, gpa, buf, n) :
			      mvx_read_gpa(v->vm, gpa, buf, n);
		if (ret)
			return ret;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * mvx_read_gva() - read guest memory through the guest's page tables
 * @v: the vCPU, its VMCS current
 * @gva: linear address
 * @buf: where to put the bytes
 * @len: how many
 * @access: MVX_ACC_USER and MVX_ACC_FETCH, as the access needs
 *
 * Return: 0, -EPERM for a guest page fault (see mvx_gva_to_gpa()), or
 * -EFAULT for memory that is not guest RAM.
 */
int mvx_read_gva(struct mvx_vcpu *v, u64 gva, void *buf, unsigned int len,
		 unsigned int access)
{
	return mvx_access_gva(v, gva, buf, len, access & ~MVX_ACC_WRITE);
}

/**
 * mvx_write_gva() - write guest memory through the guest's page tables
 * @v: the vCPU, its VMCS current
 * @gva: linear address
 * @buf: the bytes
 * @len: how many
 * @access: MVX_ACC_USER or 0
 *
 * Return: as mvx_read_gva().
 */
int mvx_write_gva(struct mvx_vcpu *v, u64 gva, const void *buf,
		  unsigned int len, unsigned int access)
{
	return mvx_access_gva(v, gva, (void *)buf, len, access | MVX_ACC_WRITE);
}
