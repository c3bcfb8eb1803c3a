// SPDX-License-Identifier: GPL-2.0-only
/*
 * The disk of `minivmx run` and its two interfaces, with the paravirtual
 * console (pvio.h, Documentation/pvio.rst): the trapped disk answers one
 * port access at a time; the paravirtual console and block device take a
 * ring of descriptors from guest memory per VMCALL.
 *
 * Everything the guest gives is checked against guest RAM: a descriptor
 * or buffer outside it fails with -EINVAL, never touches the tool's
 * memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev-pvio.h"

#define DISK_BYTES	((uint64_t)PVIO_DISK_SECTORS * PVIO_SECTOR)

/**
 * pvio_init() - a disk of zeroes (allocated at its first use), no RAM yet
 * @p: the devices
 * @out_fd: where the paravirtual console writes
 */
void pvio_init(struct pvio *p, int out_fd)
{
	memset(p, 0, sizeof(*p));
	p->out_fd = out_fd;
}

/* The disk's bytes, or NULL when they cannot be allocated. */
static uint8_t *disk(struct pvio *p)
{
	if (!p->disk)
		p->disk = calloc(PVIO_DISK_SECTORS, PVIO_SECTOR);
	return p->disk;
}

/**
 * pvio_set_ram() - where the guest's rings and buffers are
 * @p: the devices
 * @ram: guest RAM, guest-physical 0 at @ram
 * @size: its size
 */
void pvio_set_ram(struct pvio *p, void *ram, uint64_t size)
{
	p->ram = ram;
	p->ram_size = size;
}

void pvio_free(struct pvio *p)
{
	free(p->disk);
	p->disk = NULL;
}

/* The trapped disk: sector, command and status, data (pvio.h). */
static int disk_pio(void *opaque, __u16 port, __u8 *data, __u32 size,
		    bool is_write)
{
	struct pvio *p = opaque;
	unsigned int reg = port - PVIO_DISK_PORT;

	if (!disk(p))
		return -ENOMEM;
	if (reg == 0 && size == 4 && is_write) {
		memcpy(&p->sector, data, 4);
	} else if (reg == 4 && size == 1 && is_write) {
		p->index = 0;
		p->status = p->sector < PVIO_DISK_SECTORS ? 0 : PVIO_DISK_ERROR;
		if (p->status)
			return 0;
		if (data[0] == PVIO_DISK_READ)
			memcpy(p->buf, p->disk + p->sector * PVIO_SECTOR,
			       PVIO_SECTOR);
		else if (data[0] == PVIO_DISK_WRITE)
			memcpy(p->disk + p->sector * PVIO_SECTOR, p->buf,
			       PVIO_SECTOR);
	} else if (reg == 4 && size == 1) {
		data[0] = p->status;
	} else if (reg == 6 && size == 2) {
		if (is_write)
			memcpy(p->buf + p->index, data, 2);
		else
			memcpy(data, p->buf + p->index, 2);
		p->index = (p->index + 2) % PVIO_SECTOR;
	} else if (!is_write) {
		memset(data, 0xff, size);	/* nothing there */
	}
	return 0;
}

/**
 * pvio_register() - put the trapped disk on the bus
 * @bus: the bus
 * @p: the devices
 *
 * Return: 0, or a negative errno from the bus.
 */
int pvio_register(struct minivmx_bus *bus, struct pvio *p)
{
	return minivmx_register_pio(bus, PVIO_DISK_PORT, 8, disk_pio, p);
}

/* @len bytes of guest memory at @gpa, or NULL outside RAM. */
static uint8_t *guest_ptr(struct pvio *p, uint64_t gpa, uint64_t len)
{
	if (!p->ram || gpa > p->ram_size || len > p->ram_size - gpa)
		return NULL;
	return p->ram + gpa;
}

/* One descriptor; the device is the console or the disk. */
static void do_desc(struct pvio *p, bool console, struct pvio_desc *d)
{
	uint8_t *buf = guest_ptr(p, d->addr, d->len);
	ssize_t n;

	d->done = 0;
	d->status = -EINVAL;
	if (!buf)
		return;
	if (console) {
		if (d->op != PVIO_OP_WRITE)
			return;
		n = write(p->out_fd, buf, d->len);
		d->done = n > 0 ? n : 0;
		d->status = n < 0 ? -errno : 0;
		return;
	}
	if (!disk(p)) {
		d->status = -ENOMEM;
		return;
	}
	if (d->len % PVIO_SECTOR || d->sector > PVIO_DISK_SECTORS ||
	    d->len / PVIO_SECTOR > PVIO_DISK_SECTORS - d->sector)
		return;
	if (d->op == PVIO_OP_READ)
		memcpy(buf, p->disk + d->sector * PVIO_SECTOR, d->len);
	else if (d->op == PVIO_OP_WRITE)
		memcpy(p->disk + d->sector * PVIO_SECTOR, buf, d->len);
	else
		return;
	d->done = d->len;
	d->status = 0;
}

/**
 * pvio_hypercall() - a paravirtual device's VMCALL
 * @p: the devices
 * @run: the run structure, at a MINIVMX_EXIT_HYPERCALL
 *
 * Return: true when it was PVIO_HC_CONSOLE or PVIO_HC_BLOCK (answered in
 * @run->hypercall.ret), false for another call.
 */
bool pvio_hypercall(struct pvio *p, struct minivmx_run *run)
{
	bool console = run->hypercall.nr == PVIO_HC_CONSOLE;
	uint64_t gpa = run->hypercall.args[0];
	struct pvio_ring *ring;
	struct pvio_desc d;
	uint32_t head, tail, n = 0;

	if (!console && run->hypercall.nr != PVIO_HC_BLOCK)
		return false;
	ring = (struct pvio_ring *)guest_ptr(p, gpa, sizeof(*ring));
	run->hypercall.ret = (uint64_t)-EINVAL;
	if (!ring || gpa % 8)
		return true;
	/* The guest may change the ring as it likes: read each field once. */
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	tail = ring->tail;
	if (head - tail > PVIO_RING_SIZE)
		return true;
	for (; tail != head; tail++, n++) {
		struct pvio_desc *slot = &ring->desc[tail % PVIO_RING_SIZE];

		memcpy(&d, slot, sizeof(d));
		do_desc(p, console, &d);
		slot->status = d.status;
		slot->done = d.done;
	}
	__atomic_store_n(&ring->tail, tail, __ATOMIC_RELEASE);
	run->hypercall.ret = n;
	return true;
}
