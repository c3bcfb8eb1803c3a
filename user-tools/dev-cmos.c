// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMOS real-time clock at ports 0x70 (index, bit 7 the NMI mask) and
 * 0x71 (data), as a guest's probes and clock reads see an MC146818A: the
 * time registers show the host's time (UTC) in the format status register
 * B asks for (BCD or binary, 24 or 12 hours), an update is never in
 * progress, the battery is good.  Writes to the time registers are
 * dropped (the clock is the host's); other registers are CMOS RAM.  No
 * interrupts: no periodic, alarm or update-ended interrupt is raised.
 */
#include <string.h>

#include "dev-legacy.h"
#include "util.h"

#define CMOS_INDEX_MASK	0x7f
#define CMOS_PM		0x80	/* 12-hour mode: the hour is p.m. */

static time_t host_time(void)
{
	return time(NULL);
}

static __u8 to_bcd(unsigned int v)
{
	return (v / 10) << 4 | (v % 10);
}

/* A time register's value, or -1 if @reg is not one. */
static int time_reg(const struct cmos *c, unsigned int reg)
{
	__u8 b = c->nvram[CMOS_STATUS_B];
	time_t t = c->now();
	struct tm tm;
	unsigned int v, pm = 0;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	switch (reg) {
	case CMOS_SECONDS:
		v = tm.tm_sec;
		break;
	case CMOS_MINUTES:
		v = tm.tm_min;
		break;
	case CMOS_HOURS:
		v = tm.tm_hour;
		if (!(b & CMOS_B_24H)) {
			pm = v >= 12 ? CMOS_PM : 0;
			v = v % 12 ? v % 12 : 12;
		}
		break;
	case CMOS_WEEKDAY:
		v = tm.tm_wday + 1;
		break;
	case CMOS_DAY:
		v = tm.tm_mday;
		break;
	case CMOS_MONTH:
		v = tm.tm_mon + 1;
		break;
	case CMOS_YEAR:
		v = tm.tm_year % 100;
		break;
	case CMOS_CENTURY:
		v = (tm.tm_year + 1900) / 100;
		break;
	default:
		return -1;
	}
	return (b & CMOS_B_BINARY ? v : to_bcd(v)) | pm;
}

static __u8 cmos_read(struct cmos *c)
{
	int v = time_reg(c, c->index);

	if (v >= 0)
		return v;
	switch (c->index) {
	case CMOS_STATUS_A:
		return c->nvram[CMOS_STATUS_A] & ~CMOS_A_UIP;
	case CMOS_STATUS_C:
		return 0;		/* no interrupt flags */
	case CMOS_STATUS_D:
		return CMOS_D_VRT;
	default:
		return c->nvram[c->index];
	}
}

static void cmos_write(struct cmos *c, __u8 val)
{
	if (time_reg(c, c->index) >= 0 || c->index == CMOS_STATUS_C ||
	    c->index == CMOS_STATUS_D)
		return;
	c->nvram[c->index] = val;
}

static int cmos_io(void *opaque, __u16 port, __u8 *data, __u32 size,
		   bool is_write)
{
	struct cmos *c = opaque;

	if (port == CMOS_PORT) {
		if (is_write)
			c->index = data[0] & CMOS_INDEX_MASK;
		else
			memset(data, 0xff, size);
		return 0;
	}
	if (is_write)
		cmos_write(c, data[0]);
	else
		memset(data, cmos_read(c), size);
	return 0;
}

/**
 * cmos_init() - the RTC after power-on: 24-hour BCD, the host's clock
 * @c: the RTC
 */
void cmos_init(struct cmos *c)
{
	memset(c, 0, sizeof(*c));
	c->nvram[CMOS_STATUS_A] = 0x26;	/* 32.768 kHz, 1024 Hz rate */
	c->nvram[CMOS_STATUS_B] = CMOS_B_24H;
	c->now = host_time;
}

/**
 * cmos_register() - claim ports 0x70 and 0x71
 * @bus: the VM's device registry
 * @c: the RTC, from cmos_init()
 *
 * Return: 0 or -errno from the registry.
 */
int cmos_register(struct minivmx_bus *bus, struct cmos *c)
{
	return minivmx_register_pio(bus, CMOS_PORT, 2, cmos_io, c);
}
