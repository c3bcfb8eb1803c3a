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
#include "ring.h"
#include "vmx_ops.h"

/* On while any vCPU records exits: see mvx_recording(). */
DEFINE_STATIC_KEY_FALSE(mvx_ring_key);

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
	r->mask = entries - 1;
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
	v->ring_tsc_entry = &v->ring_tsc_none;
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
	return &r->rec[(r->head - 1) & r->mask];
}

/**
 * mvx_ring_user() - MINIVMX_RUN returns: mark the last exit and count
 *	the records lost since the last return
 * @v: the vCPU, recording on
 *
 * Records below head - entries are overwritten; those of them at or
 * above the consumer's tail were never read.
 */
void mvx_ring_user(struct mvx_vcpu *v)
{
	struct mvx_ring *r = v->ring;
	u64 gone, from;

	if (!r->head)
		return;
	ring_last(r)->where = MINIVMX_RING_USER;
	if (r->head <= r->entries)
		return;
	gone = r->head - r->entries;
	from = max(r->counted, READ_ONCE(r->hdr->tail));
	if (gone > from) {
		r->overruns += gone - from;
		WRITE_ONCE(r->hdr->overruns, r->overruns);
	}
	r->counted = max(r->counted, gone);
}
