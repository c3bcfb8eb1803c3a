// SPDX-License-Identifier: GPL-2.0-only
/*
 * libminivmx's device registry (kvmtool's model): devices claim port and
 * guest-physical ranges with a callback; the VMM's run loop hands every
 * MINIVMX_EXIT_IO and MINIVMX_EXIT_MMIO exit to minivmx_bus_handle_exit().
 *
 * What no device claims behaves like an empty bus: reads return all ones,
 * writes are dropped (Documentation/guest-abi.rst, "Memory layout").
 */
#include <errno.h>
#include <string.h>

#include "libminivmx.h"

#define PORT_SPACE	0x10000ULL

/**
 * minivmx_bus_init() - an empty registry
 * @bus: the registry
 */
void minivmx_bus_init(struct minivmx_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

/* Does [@first, @first + @len) meet a range already in @r[0..@nr)? */
static bool overlaps(const struct minivmx_bus_range *r, unsigned int nr,
		     __u64 first, __u64 len)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (first < r[i].first + r[i].len && r[i].first < first + len)
			return true;
	return false;
}

static const struct minivmx_bus_range *
find(const struct minivmx_bus_range *r, unsigned int nr, __u64 addr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (addr >= r[i].first && addr - r[i].first < r[i].len)
			return &r[i];
	return NULL;
}

/**
 * minivmx_register_pio() - claim ports for a userspace device
 * @bus: the registry
 * @first: the first port
 * @count: ports, at least 1, not beyond port 0xffff
 * @fn: the access handler
 * @opaque: passed to @fn
 *
 * Only ports the kernel leaves to userspace (MINIVMX_PORT_USER, the
 * default) reach the handler.
 *
 * Return: 0, or -errno (-EINVAL: empty or too long a range, or no @fn;
 * -EBUSY: it overlaps a claimed range; -ENOSPC: the registry is full).
 */
int minivmx_register_pio(struct minivmx_bus *bus, __u16 first, __u32 count,
			 minivmx_pio_fn fn, void *opaque)
{
	struct minivmx_bus_range *r;

	if (!fn || !count || first + (__u64)count > PORT_SPACE)
		return -EINVAL;
	if (overlaps(bus->pio, bus->nr_pio, first, count))
		return -EBUSY;
	if (bus->nr_pio == MINIVMX_BUS_MAX_RANGES)
		return -ENOSPC;
	r = &bus->pio[bus->nr_pio++];
	memset(r, 0, sizeof(*r));
	r->first = first;
	r->len = count;
	r->pio = fn;
	r->opaque = opaque;
	return 0;
}

/**
 * minivmx_register_mmio() - claim guest-physical addresses for a device
 * @bus: the registry
 * @gpa: the first address
 * @len: bytes, at least 1
 * @fn: the access handler
 * @opaque: passed to @fn
 *
 * Only accesses to addresses no memory region backs (or writes to a
 * read-only region) reach the handler.
 *
 * Return: 0, or -errno (-EINVAL: empty or wrapping range, or no @fn;
 * -EBUSY: it overlaps a claimed range; -ENOSPC: the registry is full).
 */
int minivmx_register_mmio(struct minivmx_bus *bus, __u64 gpa, __u64 len,
			  minivmx_mmio_fn fn, void *opaque)
{
	struct minivmx_bus_range *r;

	if (!fn || !len || gpa + len < gpa)
		return -EINVAL;
	if (overlaps(bus->mmio, bus->nr_mmio, gpa, len))
		return -EBUSY;
	if (bus->nr_mmio == MINIVMX_BUS_MAX_RANGES)
		return -ENOSPC;
	r = &bus->mmio[bus->nr_mmio++];
	memset(r, 0, sizeof(*r));
	r->first = gpa;
	r->len = len;
	r->mmio = fn;
	r->opaque = opaque;
	return 0;
}

/* Each of io.count items of io.size bytes at io.data_offset of the page. */
static int handle_io(const struct minivmx_bus *bus, struct minivmx_run *run)
{
	const struct minivmx_bus_range *r = find(bus->pio, bus->nr_pio,
						 run->io.port);
	bool is_write = run->io.direction == MINIVMX_IO_OUT;
	__u32 size = run->io.size, i;
	__u8 *data = (__u8 *)run + run->io.data_offset;
	int ret;

	if (size != 1 && size != 2 && size != 4)
		return -EPROTO;
	if (run->io.data_offset < sizeof(*run) ||
	    run->io.data_offset > MINIVMX_RUN_SIZE ||
	    (__u64)run->io.count * size >
	    MINIVMX_RUN_SIZE - run->io.data_offset)
		return -EPROTO;
	for (i = 0; i < run->io.count; i++, data += size) {
		if (!r) {
			if (!is_write)
				memset(data, 0xff, size);
			continue;
		}
		ret = r->pio(r->opaque, run->io.port, data, size, is_write);
		if (ret)
			return ret;
	}
	return 0;
}

static int handle_mmio(const struct minivmx_bus *bus, struct minivmx_run *run)
{
	const struct minivmx_bus_range *r = find(bus->mmio, bus->nr_mmio,
						 run->mmio.phys_addr);
	__u32 len = run->mmio.len;

	if (!len || len > sizeof(run->mmio.data))
		return -EPROTO;
	if (!r) {
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, len);
		return 0;
	}
	return r->mmio(r->opaque, run->mmio.phys_addr, run->mmio.data, len,
		       run->mmio.is_write);
}

/**
 * minivmx_bus_handle_exit() - dispatch an I/O or MMIO exit to its device
 * @bus: the registry
 * @run: the run structure MINIVMX_RUN just filled
 *
 * An access is routed by its first port or address.  For a string
 * instruction the port handler is called once per item, in order, and
 * the first non-zero return stops the walk.  Unclaimed reads get all ones,
 * unclaimed writes are dropped.  Run the vCPU again to complete the
 * access.
 *
 * Return: 0, MINIVMX_BUS_STOP when a device ended the run, a negative
 * errno from a device, -EPROTO for a malformed exit, or -ENOENT if the exit
 * is neither MINIVMX_EXIT_IO nor MINIVMX_EXIT_MMIO.
 */
int minivmx_bus_handle_exit(struct minivmx_bus *bus, struct minivmx_run *run)
{
	switch (run->exit_reason) {
	case MINIVMX_EXIT_IO:
		return handle_io(bus, run);
	case MINIVMX_EXIT_MMIO:
		return handle_mmio(bus, run);
	default:
		return -ENOENT;
	}
}
