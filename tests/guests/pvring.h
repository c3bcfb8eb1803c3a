/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guests' side of a paravirtual ring (user-tools/pvio.h): queue a
 * request, hand the ring over.  Include after libguest.h.
 */
#ifndef MINIVMX_GUEST_PVRING_H
#define MINIVMX_GUEST_PVRING_H

#include "../../user-tools/pvio.h"

/* Queue a request at @r's head; its status reads 1 until it is done. */
static inline void pvring_add(struct pvio_ring *r, u64 addr, u32 len,
			      u32 op, u64 sector)
{
	struct pvio_desc *d = &r->desc[r->head % PVIO_RING_SIZE];

	d->addr = addr;
	d->len = len;
	d->op = op;
	d->sector = sector;
	d->status = 1;
	d->done = 0;
	r->head++;
}

/* VMCALL @hc with @r's address: the requests done, or -EINVAL. */
static inline long pvring_kick(struct pvio_ring *r, unsigned long hc)
{
	return vmcall(hc, virt_to_phys(r), 0, 0, 0);
}

#endif /* MINIVMX_GUEST_PVRING_H */
