// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8254 programmable interval timer at ports 0x40-0x43 and system
 * control port B (0x61), enough for the probes and calibration loops of
 * a guest kernel: the counters count down at 1.193182 MHz of host time,
 * latch and read-back commands work, and port 0x61 shows channel 2's
 * gate and output (the loops Linux waits in end).  No interrupt: channel
 * 0 is wired to nothing (a guest uses its local APIC's timer).
 */
#include <string.h>

#include "dev-legacy.h"
#include "util.h"

#define PIT_CMD			(PIT_PORT + 3)
#define PIT_SEL_READBACK	3	/* bits 7:6 of the command */
#define PIT_RB_NO_COUNT		0x20	/* read-back: do not latch counts */
#define PIT_RB_NO_STATUS	0x10	/* read-back: do not latch status */
#define PORT_B_GATE2		0x01
#define PORT_B_WRITABLE		0x0f
#define PORT_B_REFRESH		0x10	/* toggles every 15.085 us */
#define PORT_B_OUT2		0x20
#define REFRESH_NS		15085
#define NSEC			1000000000ULL

static __u64 host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static __u64 period(const struct pit_channel *c)
{
	return c->reload ? c->reload : 0x10000;
}

static bool counting(const struct pit *p, unsigned int n)
{
	return n != 2 || (p->port_b & PORT_B_GATE2);
}

static __u64 ticks(const struct pit *p, const struct pit_channel *c)
{
	return (p->now_ns() - c->start_ns) * PIT_HZ / NSEC;
}

/* The count now: modes 2 and 3 reload; the others wrap through 0. */
static __u16 count(const struct pit *p, unsigned int n)
{
	const struct pit_channel *c = &p->ch[n];
	__u64 t;

	if (!counting(p, n))
		return c->frozen;
	t = ticks(p, c);
	if (c->mode == 2 || c->mode == 3)
		return period(c) - t % period(c);
	return (__u16)(period(c) - t);
}

/* OUT: mode 0 rises at the terminal count; mode 3 is a square wave. */
static bool out(const struct pit *p, unsigned int n)
{
	const struct pit_channel *c = &p->ch[n];
	__u64 t;

	if (!counting(p, n))
		return c->mode != 0;
	t = ticks(p, c);
	switch (c->mode) {
	case 0:
		return t >= period(c);
	case 3:
		return t % period(c) < period(c) / 2;
	default:
		return true;
	}
}

static __u8 read_counter(struct pit *p, unsigned int n)
{
	struct pit_channel *c = &p->ch[n];
	__u16 v;
	__u8 byte;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->latched ? c->latch : count(p, n);
	if (c->access == 1)
		byte = v;
	else if (c->access == 2)
		byte = v >> 8;
	else
		byte = c->read_msb ? v >> 8 : v;
	if (c->access == 3)
		c->read_msb = !c->read_msb;
	if (c->latched && (c->access != 3 || !c->read_msb))
		c->latched = false;
	return byte;
}

static void write_counter(struct pit *p, unsigned int n, __u8 val)
{
	struct pit_channel *c = &p->ch[n];

	if (c->access == 1 || (c->access == 3 && !c->write_msb))
		c->reload = (c->reload & 0xff00) | val;
	else
		c->reload = (c->reload & 0x00ff) | val << 8;
	if (c->access == 3) {
		c->write_msb = !c->write_msb;
		if (c->write_msb)
			return;		/* counting starts with the MSB */
	}
	c->start_ns = p->now_ns();
	c->frozen = c->reload;
}

static void latch(struct pit *p, unsigned int n)
{
	struct pit_channel *c = &p->ch[n];

	if (c->latched)
		return;			/* the first latch holds */
	c->latch = count(p, n);
	c->latched = true;
}

static void command(struct pit *p, __u8 val)
{
	unsigned int sel = val >> 6, access = (val >> 4) & 3, n;
	struct pit_channel *c;

	if (sel == PIT_SEL_READBACK) {
		for (n = 0; n < PIT_NR_CHANNELS; n++) {
			if (!(val & (2 << n)))
				continue;
			c = &p->ch[n];
			if (!(val & PIT_RB_NO_COUNT))
				latch(p, n);
			if (!(val & PIT_RB_NO_STATUS) && !c->status_latched) {
				c->status = out(p, n) << 7 | c->access << 4 |
					    c->mode << 1;
				c->status_latched = true;
			}
		}
		return;
	}
	if (!access) {
		latch(p, sel);
		return;
	}
	c = &p->ch[sel];
	c->access = access;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;		/* 6 and 7 are modes 2 and 3 */
	c->write_msb = false;
	c->read_msb = false;
	c->latched = false;
}

static int pit_io(void *opaque, __u16 port, __u8 *data, __u32 size,
		  bool is_write)
{
	struct pit *p = opaque;
	unsigned int n = port - PIT_PORT;

	if (is_write) {
		if (port == PIT_CMD)
			command(p, data[0]);
		else
			write_counter(p, n, data[0]);
		return 0;
	}
	memset(data, 0xff, size);
	if (port != PIT_CMD)
		data[0] = read_counter(p, n);
	return 0;
}

static int port_b_io(void *opaque, __u16 port __always_unused, __u8 *data,
		     __u32 size, bool is_write)
{
	struct pit *p = opaque;
	struct pit_channel *c2 = &p->ch[2];
	bool gate = p->port_b & PORT_B_GATE2;

	if (is_write) {
		p->port_b = data[0] & PORT_B_WRITABLE;
		if (gate && !(p->port_b & PORT_B_GATE2)) {
			c2->frozen = count(p, 2);	/* counting stops */
		} else if (!gate && (p->port_b & PORT_B_GATE2)) {
			/* A rising gate (re)starts the count. */
			c2->start_ns = p->now_ns();
		}
		return 0;
	}
	memset(data, 0xff, size);
	data[0] = p->port_b |
		  ((p->now_ns() / REFRESH_NS) & 1 ? PORT_B_REFRESH : 0) |
		  (out(p, 2) ? PORT_B_OUT2 : 0);
	return 0;
}

/**
 * pit_init() - the PIT after power-on: every counter idle in mode 0
 * @p: the PIT
 */
void pit_init(struct pit *p)
{
	memset(p, 0, sizeof(*p));
	p->now_ns = host_ns;
}

/**
 * pit_register() - claim ports 0x40-0x43 and 0x61
 * @bus: the VM's device registry
 * @p: the PIT, from pit_init()
 *
 * Return: 0 or -errno from the registry.
 */
int pit_register(struct minivmx_bus *bus, struct pit *p)
{
	int ret = minivmx_register_pio(bus, PIT_PORT, 4, pit_io, p);

	if (ret)
		return ret;
	return minivmx_register_pio(bus, SYSCTL_PORT_B, 1, port_b_io, p);
}
