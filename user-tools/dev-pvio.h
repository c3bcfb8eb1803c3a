/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The disk and the paravirtual devices of `minivmx run` (pvio.h,
 * Documentation/pvio.rst).
 */
#ifndef MINIVMX_DEV_PVIO_H
#define MINIVMX_DEV_PVIO_H

#include <stdbool.h>
#include <linux/minivmx.h>

#include "libminivmx.h"
#include "pvio.h"

/**
 * struct pvio - the disk, its trapped interface, and guest RAM for rings
 * @disk: PVIO_DISK_SECTORS sectors, in memory
 * @sector: the trapped interface's sector
 * @buf: its buffer
 * @index: the next word of @buf
 * @status: PVIO_DISK_ERROR after a bad sector
 * @ram: guest RAM, guest-physical 0 at @ram; NULL: no rings
 * @ram_size: its size
 * @out_fd: where the console writes
 */
struct pvio {
	uint8_t *disk;
	uint32_t sector;
	uint8_t buf[PVIO_SECTOR];
	unsigned int index;
	uint8_t status;
	uint8_t *ram;
	uint64_t ram_size;
	int out_fd;
};

void pvio_init(struct pvio *p, int out_fd);
void pvio_set_ram(struct pvio *p, void *ram, uint64_t size);
void pvio_free(struct pvio *p);
int pvio_register(struct minivmx_bus *bus, struct pvio *p);
bool pvio_hypercall(struct pvio *p, struct minivmx_run *run);

#endif /* MINIVMX_DEV_PVIO_H */
