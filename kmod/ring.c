// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exit-record ring: one record per VM exit, in pages the vCPU's owner
 * maps (MINIVMX_SET_EXIT_RING, mmap() at MINIVMX_RING_OFFSET).  The
 * kernel only writes to the shared pages, reading nothing back but the
 * consumer's tail, so what userspace scribbles there cannot mislead it;
 * a slow consumer loses records (counted in overruns), the guest never
 * waits.  While no vCPU records, a static key makes the run loop's tests
 * for it no-ops.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/msr.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

/* On while any vCPU records exits: see mvx_recording(). */
DEFINE_STATIC_KEY_FALSE(mvx_ring_key);

/**
 * struct mvx_ring - a vCPU's exit-record ring
 * @hdr: the header page, as the kernel sees it
 * @rec: the records
 * @pages: the pages, header first
 * @nr_pages: pages in @pages
 * @entries: records in the ring (a power of 2)
 * @head: records written; the kernel's own copy
 * @overruns: records lost; the kernel's own copy
 */
struct mvx_ring {
	struct minivmx_exit_ring *hdr;
	struct minivmx_exit_record *rec;
	struct page **pages;
	unsigned int nr_pages;
	u32 entries;
	u64 head, overruns;
};

static void ring_free(struct mvx_ring *r)
{
	unsigned int i;

	if (r->hdr)
		vunmap(r->hdr);
	for (i = 0; i < r->nr_pages && r->pages[i]; i++)
		__free_page(r->pages[i]);
	kvfree(r->pages);
	kfree(r);
}

static struct mvx_ring *ring_alloc(u32 entries)
{
	size_t bytes = MINIVMX_RING_RECORDS +
		       (size_t)entries * sizeof(struct minivmx_exit_record);
	struct mvx_ring *r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	unsigned int i;

	if (!r)
		return NULL;
	r->nr_pages = DIV_ROUND_UP(bytes, PAGE_SIZE);
	r->pages = kvcalloc(r->nr_pages, sizeof(*r->pages), GFP_KERNEL_ACCOUNT);
	if (!r->pages)
		goto err;
	for (i = 0; i < r->nr_pages; i++) {
		r->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!r->pages[i])
			goto err;
	}
	r->hdr = vmap(r->pages, r->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!r->hdr)
		goto err;
	r->rec = (void *)r->hdr + MINIVMX_RING_RECORDS;
	r->entries = entries;
	r->hdr->entries = entries;
	r->hdr->record_size = sizeof(struct minivmx_exit_record);
	return r;

err:
	ring_free(r);
	return NULL;
}

static void ring_switch(struct mvx_vcpu *v, bool on)
{
	if (on == v->ring_on)
		return;
	if (on)
		static_branch_inc(&mvx_ring_key);
	else
		static_branch_dec(&mvx_ring_key);
	v->ring_on = on;
}

/**
 * mvx_set_exit_ring() - MINIVMX_SET_EXIT_RING
 * @v: the vCPU, its mutex held
 * @arg: user pointer to a struct minivmx_ring_config
 *
 * Return: 0; -EFAULT; -EINVAL for flags, reserved fields or a size that
 * is not a power of 2 up to MINIVMX_MAX_RING_ENTRIES; -EBUSY for another
 * size than the ring has; -ENOMEM.
 */
long mvx_set_exit_ring(struct mvx_vcpu *v, const void __user *arg)
{
	struct minivmx_ring_config c;
	struct mvx_ring *r;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.flags || memchr_inv(c.reserved, 0, sizeof(c.reserved)))
		return -EINVAL;
	if (!c.entries) {
		ring_switch(v, false);
		return 0;
	}
	if (!is_power_of_2(c.entries) || c.entries > MINIVMX_MAX_RING_ENTRIES)
		return -EINVAL;
	if (v->ring) {
		if (v->ring->entries != c.entries)
			return -EBUSY;
	} else {
		r = ring_alloc(c.entries);
		if (!r)
			return -ENOMEM;
		/* mmap() looks without the vCPU's mutex. */
		smp_store_release(&v->ring, r);
	}
	ring_switch(v, true);
	return 0;
}

/**
 * mvx_ring_mmap() - map the ring into the vCPU owner's address space
 * @v: the vCPU
 * @vma: at most the ring's size, from MINIVMX_RING_OFFSET
 *
 * Return: 0; -EINVAL without a ring or for a larger mapping; or what
 * vm_insert_page() returns.
 */
int mvx_ring_mmap(struct mvx_vcpu *v, struct vm_area_struct *vma)
{
	unsigned long i, nr = vma_pages(vma);
	struct mvx_ring *r;
	int ret;

	/* Pairs with the release in mvx_set_exit_ring(): a whole ring. */
	r = smp_load_acquire(&v->ring);
	if (!r || nr > r->nr_pages)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     r->pages[i]);
		if (ret)
			return ret;
	}
	return 0;
}

void mvx_ring_free(struct mvx_vcpu *v)
{
	ring_switch(v, false);
	if (v->ring)
		ring_free(v->ring);
}

/* The last record written, whose re-entry is still to come. */
static struct minivmx_exit_record *ring_last(struct mvx_ring *r)
{
	return &r->rec[(r->head - 1) & (r->entries - 1)];
}

/**
 * mvx_ring_exit() - record a VM exit
 * @v: the vCPU, recording on, its VMCS current
 * @reason: VM_EXIT_REASON
 */
void mvx_ring_exit(struct mvx_vcpu *v, u32 reason)
{
	struct mvx_ring *r = v->ring;
	struct minivmx_exit_record *e = &r->rec[r->head & (r->entries - 1)];
	u16 basic = reason;

	e->tsc_exit = rdtsc();
	e->seq = r->head;
	e->tsc_entry = 0;
	e->reason = reason;
	e->qualification = vmcs_read(EXIT_QUALIFICATION);
	e->rip = vmcs_read(GUEST_RIP);
	e->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	/* Only read what the exit can have (SDM 28.2.2, 28.2.4). */
	e->intr_info = basic <= EXIT_REASON_EXTERNAL_INTERRUPT ?
		       vmcs_read(VM_EXIT_INTR_INFO) : 0;
	e->idt_vectoring_info = 0;
	if (basic <= EXIT_REASON_EXTERNAL_INTERRUPT ||
	    basic == EXIT_REASON_TASK_SWITCH ||
	    basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG)
		e->idt_vectoring_info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	if (basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG) {
		e->gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		/* 28.2.1: bit 7 says whether the linear address is valid. */
		e->gla = e->qualification & BIT(7) ?
			 vmcs_read(GUEST_LINEAR_ADDRESS) : 0;
	} else {
		e->gpa = 0;
		e->gla = 0;
	}
	e->where = MINIVMX_RING_KERNEL;
	e->pad = 0;
	if (r->head - READ_ONCE(r->hdr->tail) >= r->entries)
		WRITE_ONCE(r->hdr->overruns, ++r->overruns);
	/* A reader that sees the new head sees the record (uapi). */
	smp_store_release(&r->hdr->head, ++r->head);
}

/**
 * mvx_ring_entry() - note the TSC of the entry that follows the last exit
 * @v: the vCPU, recording on
 */
void mvx_ring_entry(struct mvx_vcpu *v)
{
	struct mvx_ring *r = v->ring;

	if (r->head)
		ring_last(r)->tsc_entry = rdtsc();
}

/**
 * mvx_ring_user() - the last exit goes to userspace
 * @v: the vCPU, recording on
 */
void mvx_ring_user(struct mvx_vcpu *v)
{
	struct mvx_ring *r = v->ring;

	if (r->head)
		ring_last(r)->where = MINIVMX_RING_USER;
}
