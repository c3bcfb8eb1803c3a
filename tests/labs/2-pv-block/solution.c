// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 2, the reference solution: a paravirtual block device that trusts
 * nothing the guest wrote.  Built with LAB_BROKEN it is the broken
 * solution the grader's own test fails (vmm-broken): every request goes
 * to sector 0, the descriptor's sector never read, so sectors written
 * one after another overwrite each other.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lab2.h"
#include "vmm.h"

/* @len bytes at guest-physical @gpa, or NULL when not all in RAM. */
static uint8_t *in_ram(uint8_t *ram, uint64_t ram_size, uint64_t gpa,
		       uint64_t len)
{
	return gpa <= ram_size && len <= ram_size - gpa ? ram + gpa : NULL;
}

static int32_t request(struct lab_disk *disk, uint8_t *buf,
		       const struct pvio_desc *d)
{
#ifdef LAB_BROKEN
	uint8_t *at = disk->data;
#else
	uint8_t *at = disk->data + d->sector * PVIO_SECTOR;
#endif

	if (!buf || !d->len || d->len % PVIO_SECTOR ||
	    d->sector >= disk->sectors ||
	    d->len / PVIO_SECTOR > disk->sectors - d->sector)
		return -EINVAL;
	if (d->op == PVIO_OP_READ)
		memcpy(buf, at, d->len);
	else if (d->op == PVIO_OP_WRITE)
		memcpy(at, buf, d->len);
	else
		return -EINVAL;
	return 0;
}

int64_t lab_block(struct lab_disk *disk, uint8_t *ram, uint64_t ram_size,
		  uint64_t ring_gpa)
{
	struct pvio_ring *ring;
	uint32_t head, tail;
	int64_t n = 0;

	ring = (void *)in_ram(ram, ram_size, ring_gpa, sizeof(*ring));
	if (!ring || ring_gpa % 8)
		return -EINVAL;
	/* Read what the guest controls once: it may change it meanwhile. */
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	tail = ring->tail;
	if (head - tail > PVIO_RING_SIZE)
		return -EINVAL;
	for (; tail != head; tail++, n++) {
		struct pvio_desc *slot = &ring->desc[tail % PVIO_RING_SIZE];
		struct pvio_desc d = *slot;

		slot->status = request(disk, in_ram(ram, ram_size, d.addr,
						    d.len), &d);
		slot->done = slot->status ? 0 : d.len;
	}
	__atomic_store_n(&ring->tail, tail, __ATOMIC_RELEASE);
	return n;
}
