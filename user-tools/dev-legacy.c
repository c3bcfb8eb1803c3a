// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rest of the legacy ports a Linux guest touches:
 *
 * - the 8259 PICs (0x20-0x21, 0xa0-0xa1): commands are accepted and
 *   ignored, the mask registers read as all masked, so the guest finds
 *   no PIC to use (Linux: "Using NULL legacy PIC") and takes its
 *   interrupts through the I/O APIC;
 * - port 0x80 (POST codes, and Linux's I/O delay): ignored;
 * - the i8042 (0x60, 0x64): empty status and data; the reset command
 *   (0xfe to 0x64) ends the run as a reboot.
 */
#include <string.h>

#include "dev-legacy.h"
#include "util.h"

static int pic_io(void *opaque __always_unused, __u16 port, __u8 *data,
		  __u32 size, bool is_write)
{
	if (!is_write)
		memset(data, port & 1 ? 0xff : 0, size);	/* IMR; IRR */
	return 0;
}

static int post_io(void *opaque __always_unused, __u16 port __always_unused,
		   __u8 *data, __u32 size, bool is_write)
{
	if (!is_write)
		memset(data, 0xff, size);
	return 0;
}

static int i8042_io(void *opaque, __u16 port, __u8 *data, __u32 size,
		    bool is_write)
{
	struct legacy *l = opaque;

	if (!is_write) {
		memset(data, 0, size);		/* nothing to read, ready */
		return 0;
	}
	if (port == I8042_CMD && data[0] == I8042_CMD_RESET) {
		l->reset = true;
		return MINIVMX_BUS_STOP;
	}
	return 0;
}

/**
 * legacy_register() - claim the PICs', port 0x80's and the i8042's ports
 * @bus: the VM's device registry
 * @l: their state
 *
 * Return: 0 or -errno from the registry.
 */
int legacy_register(struct minivmx_bus *bus, struct legacy *l)
{
	int ret;

	memset(l, 0, sizeof(*l));
	ret = minivmx_register_pio(bus, PIC_MASTER, 2, pic_io, l);
	if (!ret)
		ret = minivmx_register_pio(bus, PIC_SLAVE, 2, pic_io, l);
	if (!ret)
		ret = minivmx_register_pio(bus, POST_PORT, 1, post_io, l);
	if (!ret)
		ret = minivmx_register_pio(bus, I8042_DATA, 1, i8042_io, l);
	if (!ret)
		ret = minivmx_register_pio(bus, I8042_CMD, 1, i8042_io, l);
	return ret;
}
