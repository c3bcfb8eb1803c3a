/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The small legacy PC devices a Linux guest probes (Documentation/
 * guest-abi.rst, "Devices"): the CMOS RTC (dev-cmos.c), the 8254 PIT and
 * port 0x61 (dev-pit.c), and the 8259 PICs, port 0x80 and the i8042's
 * reset (dev-legacy.c).  Each takes its clock from a function the host
 * tests replace.
 */
#ifndef MINIVMX_DEV_LEGACY_H
#define MINIVMX_DEV_LEGACY_H

#include <stdbool.h>
#include <time.h>

#include "libminivmx.h"

#define CMOS_PORT		0x70	/* index; 0x71: data */
#define CMOS_NVRAM_SIZE		128
#define PIT_PORT		0x40	/* counters 0-2; 0x43: mode/command */
#define PIT_NR_CHANNELS		3
#define PIT_HZ			1193182ULL
#define SYSCTL_PORT_B		0x61	/* PIT channel 2 gate and output */
#define PIC_MASTER		0x20
#define PIC_SLAVE		0xa0
#define POST_PORT		0x80
#define I8042_DATA		0x60
#define I8042_CMD		0x64
#define I8042_CMD_RESET		0xfe	/* pulse the CPU's reset line */

/* CMOS registers (MC146818A datasheet) */
#define CMOS_SECONDS		0x00
#define CMOS_MINUTES		0x02
#define CMOS_HOURS		0x04
#define CMOS_WEEKDAY		0x06
#define CMOS_DAY		0x07
#define CMOS_MONTH		0x08
#define CMOS_YEAR		0x09
#define CMOS_STATUS_A		0x0a
#define CMOS_STATUS_B		0x0b
#define CMOS_STATUS_C		0x0c
#define CMOS_STATUS_D		0x0d
#define CMOS_CENTURY		0x32	/* the PC's convention */
#define CMOS_A_UIP		0x80	/* update in progress */
#define CMOS_B_24H		0x02
#define CMOS_B_BINARY		0x04	/* DM: binary, not BCD */
#define CMOS_D_VRT		0x80	/* valid RAM and time */

/**
 * struct cmos - the MC146818 RTC and CMOS RAM
 * @index: the register port 0x71 reaches (bits 6:0)
 * @nvram: the registers that keep what is written
 * @now: the time the clock shows (the host's, UTC)
 */
struct cmos {
	__u8 index;
	__u8 nvram[CMOS_NVRAM_SIZE];
	time_t (*now)(void);
};

/**
 * struct pit_channel - one 8254 counter
 * @reload: the count written (0 counts 65536)
 * @mode: bits 3:1 of the control word
 * @access: 1 LSB, 2 MSB, 3 LSB then MSB
 * @write_msb: the next write is the MSB
 * @read_msb: the next read is the MSB
 * @latched: @latch holds a latched count
 * @latch: the latched count
 * @status_latched: @status holds a read-back status, read first
 * @status: that status
 * @start_ns: when counting started from @reload
 * @frozen: the count while the gate is low (channel 2)
 */
struct pit_channel {
	__u16 reload;
	__u8 mode;
	__u8 access;
	bool write_msb;
	bool read_msb;
	bool latched;
	__u16 latch;
	bool status_latched;
	__u8 status;
	__u64 start_ns;
	__u16 frozen;
};

/**
 * struct pit - the 8254 and system control port B (0x61)
 * @ch: the three counters
 * @port_b: port 0x61 bits 3:0 (bit 0: channel 2's gate)
 * @now_ns: a monotonic clock in nanoseconds
 */
struct pit {
	struct pit_channel ch[PIT_NR_CHANNELS];
	__u8 port_b;
	__u64 (*now_ns)(void);
};

/**
 * struct legacy - the PICs, port 0x80 and the i8042
 * @reset: the guest wrote I8042_CMD_RESET to port 0x64
 */
struct legacy {
	bool reset;
};

void cmos_init(struct cmos *c);
int cmos_register(struct minivmx_bus *bus, struct cmos *c);
void pit_init(struct pit *p);
int pit_register(struct minivmx_bus *bus, struct pit *p);
int legacy_register(struct minivmx_bus *bus, struct legacy *l);

#endif /* MINIVMX_DEV_LEGACY_H */
