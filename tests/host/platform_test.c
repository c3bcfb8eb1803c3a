// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform of `minivmx run --lapic` driven through the device
 * registry with hand-made exits: the I/O APIC's registers and the
 * messages its redirection entries send (captured instead of
 * MINIVMX_SIGNAL_MSI), the UART's interrupt (IIR priorities, IER, the
 * line at pin 4), the MP table parsed back as a guest kernel would, the
 * CMOS clock at a fixed time, the PIT on a fake clock, and the legacy
 * ports.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "devices.h"
#include "mptable.h"

#define MAX_MSIS	64
#define MEM_SIZE	(2U << 20)

static union {
	struct minivmx_run run;
	__u8 page[MINIVMX_RUN_SIZE];
} page __attribute((aligned(4096)));

/* The messages the I/O APIC sent, and how many APICs "took" each. */
static struct {
	__u64 address;
	__u32 data;
} msis[MAX_MSIS];
static unsigned int nr_msis;
static int msi_accepts = 1;

static int capture_msi(void *opaque, __u64 address, __u32 data)
{
	if (nr_msis < MAX_MSIS) {
		msis[nr_msis].address = address;
		msis[nr_msis].data = data;
	}
	nr_msis++;
	return msi_accepts;
}

static int io(struct minivmx_bus *bus, __u16 port, bool out, __u8 *val)
{
	int ret;

	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_IO;
	page.run.io.port = port;
	page.run.io.direction = out ? MINIVMX_IO_OUT : MINIVMX_IO_IN;
	page.run.io.size = 1;
	page.run.io.count = 1;
	page.run.io.data_offset = MINIVMX_IO_DATA_OFFSET;
	page.page[MINIVMX_IO_DATA_OFFSET] = out ? *val : 0x5a;
	ret = minivmx_bus_handle_exit(bus, &page.run);
	if (!out)
		*val = page.page[MINIVMX_IO_DATA_OFFSET];
	return ret;
}

static int out8(struct minivmx_bus *bus, __u16 port, __u8 val)
{
	return io(bus, port, true, &val);
}

static __u8 in8(struct minivmx_bus *bus, __u16 port)
{
	__u8 val;

	io(bus, port, false, &val);
	return val;
}

static __u32 mmio(struct minivmx_bus *bus, __u64 gpa, bool write, __u32 val)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_MMIO;
	page.run.mmio.phys_addr = gpa;
	page.run.mmio.len = 4;
	page.run.mmio.is_write = write;
	memcpy(page.run.mmio.data, &val, 4);
	if (minivmx_bus_handle_exit(bus, &page.run))
		return 0xdeadbeef;
	memcpy(&val, page.run.mmio.data, 4);
	return val;
}

static __u32 ioapic_rd(struct minivmx_bus *bus, __u32 reg)
{
	mmio(bus, IOAPIC_BASE + IOAPIC_IOREGSEL, true, reg);
	return mmio(bus, IOAPIC_BASE + IOAPIC_IOWIN, false, 0);
}

static void ioapic_wr(struct minivmx_bus *bus, __u32 reg, __u32 val)
{
	mmio(bus, IOAPIC_BASE + IOAPIC_IOREGSEL, true, reg);
	mmio(bus, IOAPIC_BASE + IOAPIC_IOWIN, true, val);
}

static void set_rte(struct minivmx_bus *bus, unsigned int pin, __u64 rte)
{
	ioapic_wr(bus, IOAPIC_REG_REDTBL + 2 * pin + 1, rte >> 32);
	ioapic_wr(bus, IOAPIC_REG_REDTBL + 2 * pin, (__u32)rte);
}

static __u64 get_rte(struct minivmx_bus *bus, unsigned int pin)
{
	return (__u64)ioapic_rd(bus, IOAPIC_REG_REDTBL + 2 * pin + 1) << 32 |
	       ioapic_rd(bus, IOAPIC_REG_REDTBL + 2 * pin);
}

static void eoi(struct minivmx_bus *bus, struct run_devices *d, __u8 vector)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_EOI;
	page.run.eoi.vector = vector;
	devices_handle_exit(bus, d, &page.run);
}

FIXTURE(plat) {
	struct minivmx_bus bus;
	struct run_devices d;
	int in[2];
	int out[2];
};

FIXTURE_SETUP(plat)
{
	ASSERT_EQ(0, pipe(self->in));
	ASSERT_EQ(0, pipe2(self->out, O_NONBLOCK));
	devices_init(&self->d, self->in[0], self->out[1]);
	minivmx_bus_init(&self->bus);
	ASSERT_EQ(0, devices_register(&self->bus, &self->d, false));
	ASSERT_EQ(0, devices_register_platform(&self->bus, &self->d,
					       capture_msi, NULL));
	nr_msis = 0;
	msi_accepts = 1;
}

FIXTURE_TEARDOWN(plat)
{
	close(self->in[0]);
	close(self->in[1]);
	close(self->out[0]);
	close(self->out[1]);
}

/* ---- the I/O APIC ---- */

TEST_F(plat, ioapic_id_version_and_reset_state)
{
	unsigned int pin;

	EXPECT_EQ(MPTABLE_IOAPIC_ID << 24U, ioapic_rd(&self->bus, 0));
	/* Version 0x11, 24 entries (the maximum index is 23). */
	EXPECT_EQ(0x00170011, ioapic_rd(&self->bus, 1));
	EXPECT_EQ(MPTABLE_IOAPIC_ID << 24U, ioapic_rd(&self->bus, 2));
	for (pin = 0; pin < IOAPIC_NR_PINS; pin++)
		EXPECT_EQ(IOAPIC_RTE_MASKED, get_rte(&self->bus, pin));
	/* IOREGSEL reads back; beyond the table reads 0. */
	mmio(&self->bus, IOAPIC_BASE, true, 0x10);
	EXPECT_EQ(0x10, mmio(&self->bus, IOAPIC_BASE, false, 0));
	EXPECT_EQ(0, ioapic_rd(&self->bus, 0x40));
	/* The ID takes bits 27:24; version and arbitration are read-only. */
	ioapic_wr(&self->bus, 0, 0xf3ffffff);
	EXPECT_EQ(0x03000000, ioapic_rd(&self->bus, 0));
	ioapic_wr(&self->bus, 1, 0);
	EXPECT_EQ(0x00170011, ioapic_rd(&self->bus, 1));
	EXPECT_EQ(0, nr_msis);
}

TEST_F(plat, ioapic_redirection_entries_keep_their_writable_bits)
{
	set_rte(&self->bus, 5, 0xff000000ffffffffULL);
	/* Delivery status (12) and remote IRR (14) stay 0; 17-55 reserved. */
	EXPECT_EQ(0xff0000000001afffULL, get_rte(&self->bus, 5));
	set_rte(&self->bus, 23, 0x0300000000010031ULL);
	EXPECT_EQ(0x0300000000010031ULL, get_rte(&self->bus, 23));
	EXPECT_EQ(IOAPIC_RTE_MASKED, get_rte(&self->bus, 6));
}

TEST(ioapic_msi_encoding)
{
	__u64 addr;
	__u32 data;

	/* Physical destination 3, fixed, vector 0x31, edge. */
	ioapic_msi_encode(0x0300000000000031ULL, &addr, &data);
	EXPECT_EQ(0xfee03000ULL, addr);
	EXPECT_EQ(0x31, data);
	/* Logical destination 0x0f, lowest priority, level: assert + level. */
	ioapic_msi_encode(0x0f00000000008942ULL, &addr, &data);
	EXPECT_EQ(0xfee0f004ULL, addr);
	EXPECT_EQ(0xc142, data);
	/* NMI to APIC 1; the polarity bit does not reach the message. */
	ioapic_msi_encode(0x0100000000002402ULL, &addr, &data);
	EXPECT_EQ(0xfee01000ULL, addr);
	EXPECT_EQ(0x402, data);
}

TEST_F(plat, ioapic_edge_pin_delivers_once_per_rising_edge)
{
	set_rte(&self->bus, 7, 0x0200000000000041ULL);
	ioapic_set_irq(&self->d.ioapic, 7, true);
	ASSERT_EQ(1, nr_msis);
	EXPECT_EQ(0xfee02000ULL, msis[0].address);
	EXPECT_EQ(0x41, msis[0].data);
	ioapic_set_irq(&self->d.ioapic, 7, true);	/* still high */
	EXPECT_EQ(1, nr_msis);
	ioapic_set_irq(&self->d.ioapic, 7, false);
	ioapic_set_irq(&self->d.ioapic, 7, true);
	EXPECT_EQ(2, nr_msis);
	/* An edge entry has no remote IRR. */
	EXPECT_EQ(0, get_rte(&self->bus, 7) & IOAPIC_RTE_REMOTE_IRR);
}

TEST_F(plat, ioapic_masked_pin_is_held_until_unmasked)
{
	set_rte(&self->bus, 3, 0x0000000000010043ULL);	/* masked */
	ioapic_set_irq(&self->d.ioapic, 3, true);
	ioapic_set_irq(&self->d.ioapic, 3, false);
	EXPECT_EQ(0, nr_msis);
	set_rte(&self->bus, 3, 0x43);			/* unmasked */
	ASSERT_EQ(1, nr_msis);
	EXPECT_EQ(0x43, msis[0].data);
	set_rte(&self->bus, 3, 0x43);			/* once only */
	EXPECT_EQ(1, nr_msis);
}

TEST_F(plat, ioapic_level_pin_waits_for_eoi)
{
	set_rte(&self->bus, 9, 0x0000000000008051ULL);	/* level, 0x51 */
	ioapic_set_irq(&self->d.ioapic, 9, true);
	ASSERT_EQ(1, nr_msis);
	EXPECT_EQ(0xc051, msis[0].data);
	EXPECT_NE(0, get_rte(&self->bus, 9) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_set_irq(&self->d.ioapic, 9, true);
	EXPECT_EQ(1, nr_msis);			/* remote IRR holds it */
	eoi(&self->bus, &self->d, 0x52);	/* another vector */
	EXPECT_EQ(1, nr_msis);
	eoi(&self->bus, &self->d, 0x51);	/* still high: again */
	EXPECT_EQ(2, nr_msis);
	ioapic_set_irq(&self->d.ioapic, 9, false);
	eoi(&self->bus, &self->d, 0x51);	/* low now: nothing */
	EXPECT_EQ(2, nr_msis);
	EXPECT_EQ(0, get_rte(&self->bus, 9) & IOAPIC_RTE_REMOTE_IRR);
}

TEST_F(plat, ioapic_level_remote_irr_cleared_by_switching_to_edge)
{
	set_rte(&self->bus, 9, 0x0000000000018051ULL);	/* masked, level */
	ioapic_set_irq(&self->d.ioapic, 9, true);
	set_rte(&self->bus, 9, 0x8051);
	ASSERT_EQ(1, nr_msis);
	/* Linux's clear_IO_APIC_pin(): edge, then level again. */
	set_rte(&self->bus, 9, 0x10051);
	EXPECT_EQ(0, get_rte(&self->bus, 9) & IOAPIC_RTE_REMOTE_IRR);
	set_rte(&self->bus, 9, 0x18051);
	EXPECT_EQ(1, nr_msis);
}

TEST_F(plat, ioapic_refused_message_sets_no_remote_irr)
{
	msi_accepts = 0;		/* no APIC enabled yet */
	set_rte(&self->bus, 9, 0x8051);
	ioapic_set_irq(&self->d.ioapic, 9, true);
	EXPECT_EQ(1, nr_msis);
	EXPECT_EQ(0, get_rte(&self->bus, 9) & IOAPIC_RTE_REMOTE_IRR);
	EXPECT_EQ(1, self->d.ioapic.dropped);
}

TEST_F(plat, ioapic_extint_and_smi_send_nothing)
{
	set_rte(&self->bus, 0, 0x700);
	set_rte(&self->bus, 1, 0x200);
	ioapic_set_irq(&self->d.ioapic, 0, true);
	ioapic_set_irq(&self->d.ioapic, 1, true);
	ioapic_set_irq(&self->d.ioapic, 24, true);	/* no such pin */
	EXPECT_EQ(0, nr_msis);
}

/* ---- the UART's interrupt ---- */

#define COM1_IER	(COM1_PORT + 1)
#define COM1_IIR	(COM1_PORT + 2)

TEST_F(plat, uart_thre_interrupt_when_enabled_and_cleared_by_iir)
{
	set_rte(&self->bus, COM1_IRQ, 0x24);	/* edge, vector 0x24 */
	EXPECT_EQ(0x01, in8(&self->bus, COM1_IIR));
	EXPECT_EQ(0, nr_msis);
	out8(&self->bus, COM1_IER, 0x02);	/* ETBEI */
	ASSERT_EQ(1, nr_msis);
	EXPECT_EQ(0x24, msis[0].data);
	EXPECT_EQ(0x02, in8(&self->bus, COM1_IIR));
	/* Reading IIR that said THRE cleared it. */
	EXPECT_EQ(0x01, in8(&self->bus, COM1_IIR));
	/* Each byte sent empties THR again: one more edge each. */
	out8(&self->bus, COM1_PORT, 'a');
	out8(&self->bus, COM1_PORT, 'b');
	EXPECT_EQ(3, nr_msis);
	EXPECT_EQ(0x02, in8(&self->bus, COM1_IIR));
	/* IER 0: no interrupt, whatever is pending. */
	out8(&self->bus, COM1_PORT, 'c');
	out8(&self->bus, COM1_IER, 0x00);
	EXPECT_EQ(0x01, in8(&self->bus, COM1_IIR));
	EXPECT_EQ(4, nr_msis);
}

TEST_F(plat, uart_received_data_comes_before_thre)
{
	set_rte(&self->bus, COM1_IRQ, 0x8024);	/* level this time */
	out8(&self->bus, COM1_IER, 0x03);	/* ERBFI | ETBEI */
	ASSERT_EQ(1, nr_msis);
	ASSERT_EQ(1, write(self->in[1], "q", 1));
	/* LSR polls the input: data ready; IIR: RX data first. */
	EXPECT_EQ(0x61, in8(&self->bus, COM1_PORT + 5));
	EXPECT_EQ(0x04, in8(&self->bus, COM1_IIR));
	EXPECT_EQ(0x04, in8(&self->bus, COM1_IIR));	/* IIR does not clear it */
	EXPECT_EQ('q', in8(&self->bus, COM1_PORT));
	EXPECT_EQ(0x02, in8(&self->bus, COM1_IIR));	/* then THRE */
	EXPECT_EQ(0x01, in8(&self->bus, COM1_IIR));
	/* The line fell: the EOI sends nothing more. */
	eoi(&self->bus, &self->d, 0x24);
	EXPECT_EQ(1, nr_msis);
	/* With FIFOs enabled IIR has bits 7:6 set. */
	out8(&self->bus, COM1_PORT + 2, 0x01);
	EXPECT_EQ(0xc1, in8(&self->bus, COM1_IIR));
}

TEST_F(plat, uart_level_line_redelivers_after_eoi_while_pending)
{
	set_rte(&self->bus, COM1_IRQ, 0x8024);
	ASSERT_EQ(2, write(self->in[1], "xy", 2));
	out8(&self->bus, COM1_PORT + 5, 0);	/* LSR is read-only */
	in8(&self->bus, COM1_PORT + 5);		/* 'x' into RBR */
	out8(&self->bus, COM1_IER, 0x01);
	ASSERT_EQ(1, nr_msis);
	eoi(&self->bus, &self->d, 0x24);	/* RBR still full */
	EXPECT_EQ(2, nr_msis);
	EXPECT_EQ('x', in8(&self->bus, COM1_PORT));
	in8(&self->bus, COM1_PORT + 5);		/* 'y' */
	eoi(&self->bus, &self->d, 0x24);
	EXPECT_EQ(3, nr_msis);
}

/* ---- the MP table ---- */

static __u8 sum(const __u8 *p, size_t len)
{
	__u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Find the floating pointer as Linux does: 16-byte steps, checksum. */
static const __u8 *find_mpf(const __u8 *mem, __u64 from, __u64 to)
{
	__u64 a;

	for (a = from; a < to; a += 16)
		if (!memcmp(mem + a, "_MP_", 4) && mem[a + 8] == 1 &&
		    !sum(mem + a, 16))
			return mem + a;
	return NULL;
}

FIXTURE(mp) {
	__u8 *mem;
};

FIXTURE_SETUP(mp)
{
	self->mem = calloc(1, MEM_SIZE);
	ASSERT_NE(NULL, self->mem);
	memset(self->mem, 0xcc, MEM_SIZE);
}

FIXTURE_TEARDOWN(mp)
{
	free(self->mem);
}

static __u16 le16(const __u8 *p)
{
	return p[0] | p[1] << 8;
}

static __u32 le32(const __u8 *p)
{
	return le16(p) | (__u32)le16(p + 2) << 16;
}

static void check_table(struct __test_metadata *_metadata, const __u8 *mem,
			unsigned int cpus)
{
	const __u8 *mpf = find_mpf(mem, 0xf0000, 0x100000), *mpc, *e;
	unsigned int i, count, n_cpu = 0, n_bus = 0, n_io = 0, n_int = 0;
	unsigned int n_lint = 0, pin_of[16];
	__u16 len;

	ASSERT_NE(NULL, mpf);
	EXPECT_EQ(4, mpf[9]);			/* spec 1.4 */
	EXPECT_EQ(0, mpf[11]);			/* a table, no default config */
	ASSERT_EQ(MPTABLE_BASE + 16, le32(mpf + 4));
	mpc = mem + le32(mpf + 4);
	ASSERT_EQ(0, memcmp(mpc, "PCMP", 4));
	len = le16(mpc + 4);
	EXPECT_EQ(0, sum(mpc, len));
	EXPECT_EQ(4, mpc[6]);
	EXPECT_EQ(0xfee00000, le32(mpc + 36));
	EXPECT_GE(MPTABLE_MAX_SIZE, len + 16);
	count = le16(mpc + 34);
	memset(pin_of, 0xff, sizeof(pin_of));
	e = mpc + 44;
	for (i = 0; i < count; i++) {
		switch (e[0]) {
		case MP_PROCESSOR:
			EXPECT_EQ(n_cpu, e[1]);		/* APIC ID = vCPU id */
			EXPECT_EQ(MP_CPU_ENABLED | (n_cpu ? 0 : MP_CPU_BSP),
				  e[3]);
			n_cpu++;
			e += 20;
			continue;
		case MP_BUS:
			EXPECT_EQ(0, memcmp(e + 2, "ISA   ", 6));
			n_bus++;
			break;
		case MP_IOAPIC:
			EXPECT_EQ(MPTABLE_IOAPIC_ID, e[1]);
			EXPECT_EQ(0x11, e[2]);
			EXPECT_EQ(1, e[3]);
			EXPECT_EQ(0xfec00000, le32(e + 4));
			n_io++;
			break;
		case MP_INTSRC:
			EXPECT_EQ(MP_INT_INT, e[1]);
			EXPECT_EQ(0, le16(e + 2));	/* conforms to ISA */
			EXPECT_EQ(0, e[4]);
			EXPECT_EQ(MPTABLE_IOAPIC_ID, e[6]);
			if (e[5] < 16)
				pin_of[e[5]] = e[7];
			n_int++;
			break;
		case MP_LINTSRC:
			EXPECT_EQ(0xff, e[6]);
			EXPECT_EQ(n_lint ? MP_INT_NMI : MP_INT_EXTINT, e[1]);
			EXPECT_EQ(n_lint, e[7]);	/* LINT0, then LINT1 */
			n_lint++;
			break;
		default:
			ASSERT_TRUE(false) TH_LOG("entry type %u", e[0]);
		}
		e += 8;
	}
	EXPECT_EQ(len, e - mpc);
	EXPECT_EQ(cpus, n_cpu);
	EXPECT_EQ(1, n_bus);
	EXPECT_EQ(1, n_io);
	EXPECT_EQ(15, n_int);
	EXPECT_EQ(2, n_lint);
	EXPECT_EQ(2, pin_of[0]);		/* the PIT's IRQ 0 at pin 2 */
	EXPECT_EQ(0xffffffff, pin_of[2]);	/* no IRQ 2 */
	for (i = 1; i < 16; i++)
		if (i != 2)
			EXPECT_EQ(i, pin_of[i]) TH_LOG("IRQ %u", i);
}

TEST_F(mp, one_cpu)
{
	int n = mptable_write(self->mem, MEM_SIZE, 1);

	ASSERT_LT(0, n);
	check_table(_metadata, self->mem, 1);
	/* Nothing outside its area changed. */
	EXPECT_EQ(0xcc, self->mem[MPTABLE_BASE - 1]);
	EXPECT_EQ(0xcc, self->mem[MPTABLE_END]);
}

TEST_F(mp, eight_cpus)
{
	ASSERT_LT(0, mptable_write(self->mem, MEM_SIZE, MINIVMX_MAX_VCPUS));
	check_table(_metadata, self->mem, MINIVMX_MAX_VCPUS);
}

TEST_F(mp, refuses_bad_counts_and_small_memory)
{
	EXPECT_EQ(-EINVAL, mptable_write(self->mem, MEM_SIZE, 0));
	EXPECT_EQ(-EINVAL, mptable_write(self->mem, MEM_SIZE,
					 MINIVMX_MAX_VCPUS + 1));
	EXPECT_EQ(-ENOSPC, mptable_write(self->mem, MPTABLE_END - 1, 1));
	EXPECT_EQ(NULL, find_mpf(self->mem, 0xf0000, 0x100000));
}

/* ---- the CMOS clock ---- */

static time_t fixed_time(void)
{
	return 1798761598;	/* 2026-12-31 23:59:58 UTC, a Thursday */
}

static __u8 cmos(struct minivmx_bus *bus, __u8 reg)
{
	out8(bus, 0x70, reg);
	return in8(bus, 0x71);
}

TEST_F(plat, cmos_time_in_bcd_binary_and_12_hours)
{
	self->d.cmos.now = fixed_time;
	EXPECT_EQ(0x58, cmos(&self->bus, 0x00));
	EXPECT_EQ(0x59, cmos(&self->bus, 0x02));
	EXPECT_EQ(0x23, cmos(&self->bus, 0x04));
	EXPECT_EQ(0x05, cmos(&self->bus, 0x06));	/* Thursday: day 5 */
	EXPECT_EQ(0x31, cmos(&self->bus, 0x07));
	EXPECT_EQ(0x12, cmos(&self->bus, 0x08));
	EXPECT_EQ(0x26, cmos(&self->bus, 0x09));
	EXPECT_EQ(0x20, cmos(&self->bus, 0x32));
	/* NMI-disable bit 7 on the index port is not part of the index. */
	EXPECT_EQ(0x26, cmos(&self->bus, 0x89));
	/* Status: no update in progress, 24-hour BCD, battery good. */
	EXPECT_EQ(0, cmos(&self->bus, 0x0a) & 0x80);
	EXPECT_EQ(0x02, cmos(&self->bus, 0x0b));
	EXPECT_EQ(0x00, cmos(&self->bus, 0x0c));
	EXPECT_EQ(0x80, cmos(&self->bus, 0x0d));
	/* Binary mode. */
	out8(&self->bus, 0x70, 0x0b);
	out8(&self->bus, 0x71, 0x06);
	EXPECT_EQ(58, cmos(&self->bus, 0x00));
	EXPECT_EQ(23, cmos(&self->bus, 0x04));
	EXPECT_EQ(26, cmos(&self->bus, 0x09));
	/* 12-hour BCD: 11 p.m. */
	out8(&self->bus, 0x70, 0x0b);
	out8(&self->bus, 0x71, 0x00);
	EXPECT_EQ(0x91, cmos(&self->bus, 0x04));
}

TEST_F(plat, cmos_ram_keeps_writes_and_the_clock_does_not)
{
	self->d.cmos.now = fixed_time;
	out8(&self->bus, 0x70, 0x40);
	out8(&self->bus, 0x71, 0xa5);
	EXPECT_EQ(0xa5, cmos(&self->bus, 0x40));
	out8(&self->bus, 0x70, 0x00);
	out8(&self->bus, 0x71, 0x11);
	EXPECT_EQ(0x58, cmos(&self->bus, 0x00));
	out8(&self->bus, 0x70, 0x0d);
	out8(&self->bus, 0x71, 0x00);
	EXPECT_EQ(0x80, cmos(&self->bus, 0x0d));
	out8(&self->bus, 0x70, 0x0a);
	out8(&self->bus, 0x71, 0xa6);		/* UIP is read-only */
	EXPECT_EQ(0x26, cmos(&self->bus, 0x0a));
}

/* ---- the PIT and port 0x61 ---- */

static __u64 fake_ns;

static __u64 fake_clock(void)
{
	return fake_ns;
}

/* A counter's LSB, then its MSB. */
static unsigned int read16(struct minivmx_bus *bus, __u16 port)
{
	unsigned int lsb = in8(bus, port);

	return lsb | in8(bus, port) << 8;
}

TEST_F(plat, pit_channel2_counts_and_raises_out2)
{
	unsigned int held;

	self->d.pit.now_ns = fake_clock;
	fake_ns = 1000000000;
	out8(&self->bus, 0x61, 0x01);		/* gate 2 on, speaker off */
	out8(&self->bus, 0x43, 0xb0);		/* ch 2, LSB+MSB, mode 0 */
	out8(&self->bus, 0x42, 0xe8);		/* 1000 ticks: 838 us */
	out8(&self->bus, 0x42, 0x03);
	EXPECT_EQ(0, in8(&self->bus, 0x61) & 0x20);
	fake_ns += 419100;			/* 500 ticks */
	out8(&self->bus, 0x43, 0x80);		/* latch channel 2 */
	fake_ns += 100000;			/* the latch holds */
	EXPECT_EQ(500, read16(&self->bus, 0x42));
	EXPECT_EQ(0, in8(&self->bus, 0x61) & 0x20);
	fake_ns += 400000;			/* past the terminal count */
	EXPECT_EQ(0x21, in8(&self->bus, 0x61) & 0x2f);
	/* Read-back status of channel 2: OUT high, LSB+MSB, mode 0. */
	out8(&self->bus, 0x43, 0xe8);
	EXPECT_EQ(0xb0, in8(&self->bus, 0x42));
	/* The gate off stops the count. */
	out8(&self->bus, 0x61, 0x00);
	out8(&self->bus, 0x43, 0x80);
	held = read16(&self->bus, 0x42);
	fake_ns += 5000000;
	out8(&self->bus, 0x43, 0x80);
	EXPECT_EQ(held, read16(&self->bus, 0x42));
	/* Port 0x61's refresh bit toggles with time. */
	fake_ns = 0;
	EXPECT_EQ(0, in8(&self->bus, 0x61) & 0x10);
	fake_ns = 15085;
	EXPECT_EQ(0x10, in8(&self->bus, 0x61) & 0x10);
}

TEST_F(plat, pit_channel0_mode2_reloads)
{
	self->d.pit.now_ns = fake_clock;
	fake_ns = 0;
	out8(&self->bus, 0x43, 0x34);		/* ch 0, LSB+MSB, mode 2 */
	out8(&self->bus, 0x40, 100);
	out8(&self->bus, 0x40, 0);
	fake_ns = 150 * 1000000000ULL / PIT_HZ + 1;	/* 150 ticks */
	out8(&self->bus, 0x43, 0x00);		/* latch channel 0 */
	EXPECT_EQ(50, read16(&self->bus, 0x40));
	/* LSB-only access: one byte per read. */
	out8(&self->bus, 0x43, 0x14);
	out8(&self->bus, 0x40, 10);
	EXPECT_EQ(10, in8(&self->bus, 0x40));
	fake_ns += 3 * 1000000000ULL / PIT_HZ + 1;
	EXPECT_EQ(7, in8(&self->bus, 0x40));
}

/* ---- the PICs, port 0x80, the i8042, the rest ---- */

TEST_F(plat, legacy_ports)
{
	/* The PICs: commands ignored, everything masked, nothing pending. */
	EXPECT_EQ(0, out8(&self->bus, 0x20, 0x11));
	EXPECT_EQ(0, out8(&self->bus, 0x21, 0xfb));
	EXPECT_EQ(0xff, in8(&self->bus, 0x21));
	EXPECT_EQ(0xff, in8(&self->bus, 0xa1));
	EXPECT_EQ(0, in8(&self->bus, 0x20));
	EXPECT_EQ(0, out8(&self->bus, 0x80, 0x55));
	/* i8042: empty and ready; only the reset command stops the run. */
	EXPECT_EQ(0, in8(&self->bus, 0x64));
	EXPECT_EQ(0, out8(&self->bus, 0x64, 0xad));
	EXPECT_FALSE(self->d.legacy.reset);
	EXPECT_EQ(MINIVMX_BUS_STOP, out8(&self->bus, 0x64, 0xfe));
	EXPECT_TRUE(self->d.legacy.reset);
	/* A port nobody claims: all ones, no error. */
	EXPECT_EQ(0xff, in8(&self->bus, 0x2f8));
	EXPECT_EQ(0, out8(&self->bus, 0x2f8, 1));
	EXPECT_EQ(0, nr_msis);
}

TEST_HARNESS_MAIN
