/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The I/O devices of `minivmx run` that a guest may drive two ways
 * (Documentation/pvio.rst): by trapping, one port access at a time, or
 * paravirtually, through a ring of descriptors in its own memory handed
 * over with one VMCALL per batch.  The guest programs (tests/guests/)
 * include this file too: plain C with fixed-width types.
 *
 * The disk, one for both ways: 512-byte sectors, 1 MiB (2048 sectors).
 *
 * Trapped, at ports PVIO_DISK_PORT..+7 (an ATA-like PIO interface):
 *	+0  4-byte OUT: the sector
 *	+4  1-byte OUT: PVIO_DISK_READ loads the sector into the buffer,
 *	    PVIO_DISK_WRITE stores the buffer to it; either resets the
 *	    buffer's index.  IN: the status, PVIO_DISK_ERROR after a bad
 *	    sector.
 *	+6  2-byte IN/OUT: the 512-byte buffer, a word at a time from the
 *	    index, which advances (INSW/OUTSW move up to 1 KiB an exit).
 *
 * Paravirtual: VMCALL with RAX = PVIO_HC_CONSOLE or PVIO_HC_BLOCK and
 * RBX = the guest-physical address of a struct pvio_ring (8-byte
 * aligned, in RAM).  The device does the descriptors from @tail to @head
 * in order, fills each one's @status and @done, advances @tail, and
 * returns in RAX how many it did, or -EINVAL (-22) for a bad ring.
 */
#ifndef MINIVMX_PVIO_H
#define MINIVMX_PVIO_H

#include <stdint.h>

#define PVIO_SECTOR		512
#define PVIO_DISK_SECTORS	2048

#define PVIO_DISK_PORT		0x5d0
#define PVIO_DISK_READ		1
#define PVIO_DISK_WRITE		2
#define PVIO_DISK_ERROR		0x01

#define PVIO_HC_CONSOLE		0x110
#define PVIO_HC_BLOCK		0x111

#define PVIO_RING_SIZE		64
#define PVIO_OP_WRITE		1	/* guest to device: console, disk */
#define PVIO_OP_READ		2	/* device to guest: disk */

/**
 * struct pvio_desc - one request, 32 bytes
 * @addr: guest-physical address of the buffer
 * @len: its length in bytes; for the disk a multiple of PVIO_SECTOR
 * @op: PVIO_OP_WRITE or PVIO_OP_READ
 * @sector: the disk's first sector
 * @status: out: 0, or -EINVAL (-22) for a bad request
 * @done: out: bytes moved
 */
struct pvio_desc {
	uint64_t addr;
	uint32_t len;
	uint32_t op;
	uint64_t sector;
	int32_t status;
	uint32_t done;
};

/**
 * struct pvio_ring - the descriptors of one device
 * @head: written by the guest: descriptors added so far (free-running)
 * @tail: written by the device: descriptors done so far
 * @desc: descriptor N is at @desc[N % PVIO_RING_SIZE]
 */
struct pvio_ring {
	uint32_t head;
	uint32_t tail;
	struct pvio_desc desc[PVIO_RING_SIZE];
};

#endif /* MINIVMX_PVIO_H */
