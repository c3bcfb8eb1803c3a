// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O APIC in userspace, KVM's split irqchip: devices drive its pins,
 * and each redirection entry turns an asserted pin into a message to the
 * in-kernel local APICs (MINIVMX_SIGNAL_MSI).  Its registers are those of
 * the 82093AA (version 0x11: no EOI register), reached by MMIO through
 * IOREGSEL and IOWIN.
 *
 * Edge-triggered pins deliver on a rising edge; level-triggered ones while
 * the line is high and no delivery is in service (remote IRR), which the
 * EOI of the vector ends (MINIVMX_EXIT_EOI, ioapic_eoi()).  A masked pin
 * keeps what was asserted (irr) and delivers it when unmasked, as QEMU's
 * and KVM's I/O APICs do.  Polarity is stored but not applied: a device
 * reports its line as asserted or not (QEMU's model).
 */
#include <string.h>

#include "dev-ioapic.h"
#include "util.h"

#define MSI_ADDR_BASE		0xfee00000ULL
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_LOGICAL	BIT_ULL(2)
#define MSI_DATA_LEVEL		BIT_ULL(15)
#define MSI_DATA_ASSERT		BIT_ULL(14)

/**
 * ioapic_msi_encode() - the message a redirection entry sends
 * @rte: the entry
 * @address: out: the message address (SDM Vol. 3A 11.11.1)
 * @data: out: the message data (11.11.2)
 */
void ioapic_msi_encode(__u64 rte, __u64 *address, __u32 *data)
{
	__u64 dest = (rte >> IOAPIC_RTE_DEST_SHIFT) & 0xff;

	*address = MSI_ADDR_BASE | dest << MSI_ADDR_DEST_SHIFT |
		   (rte & IOAPIC_RTE_LOGICAL ? MSI_ADDR_LOGICAL : 0);
	*data = (rte & (IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE)) |
		(rte & IOAPIC_RTE_LEVEL ? MSI_DATA_LEVEL | MSI_DATA_ASSERT : 0);
}

static unsigned int delivery_mode(__u64 rte)
{
	return (rte & IOAPIC_RTE_DELMODE) >> 8;
}

/* Deliver what pin @pin holds, if its entry lets it through. */
static void service(struct ioapic *io, unsigned int pin)
{
	__u64 *rte = &io->rte[pin];
	unsigned int mode = delivery_mode(*rte);
	__u64 address;
	__u32 data;
	int ret;

	if (!(io->irr & BIT_ULL(pin)) || (*rte & IOAPIC_RTE_MASKED) ||
	    (*rte & IOAPIC_RTE_REMOTE_IRR))
		return;
	if (!(*rte & IOAPIC_RTE_LEVEL))
		io->irr &= ~BIT_ULL(pin);
	/* ExtINT and SMI have no message the kernel takes: nothing to do. */
	if (mode == IOAPIC_DM_EXTINT || mode == IOAPIC_DM_SMI) {
		io->dropped++;
		return;
	}
	ioapic_msi_encode(*rte, &address, &data);
	ret = io->send_msi(io->opaque, address, data);
	if (ret <= 0) {
		io->dropped++;
		return;
	}
	/* As KVM: only a delivered level interrupt waits for its EOI. */
	if (*rte & IOAPIC_RTE_LEVEL)
		*rte |= IOAPIC_RTE_REMOTE_IRR;
}

/**
 * ioapic_set_irq() - a device drives pin @pin
 * @io: the I/O APIC
 * @pin: 0 to IOAPIC_NR_PINS - 1; others are ignored
 * @level: asserted or not
 */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level)
{
	__u32 bit;
	bool was;

	if (pin >= IOAPIC_NR_PINS)
		return;
	bit = BIT_ULL(pin);
	was = io->line & bit;
	if (!level) {
		io->line &= ~bit;
		if (io->rte[pin] & IOAPIC_RTE_LEVEL)
			io->irr &= ~bit;
		return;
	}
	io->line |= bit;
	if ((io->rte[pin] & IOAPIC_RTE_LEVEL) || !was)
		io->irr |= bit;
	service(io, pin);
}

/**
 * ioapic_eoi() - a local APIC took the EOI of a level-triggered @vector
 * @io: the I/O APIC
 * @vector: the vector (MINIVMX_EXIT_EOI's eoi.vector)
 *
 * Clears remote IRR of every level entry with that vector, and delivers
 * again what is still asserted.
 */
void ioapic_eoi(struct ioapic *io, __u8 vector)
{
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_NR_PINS; pin++) {
		__u64 *rte = &io->rte[pin];

		if ((*rte & IOAPIC_RTE_VECTOR) != vector ||
		    !(*rte & IOAPIC_RTE_REMOTE_IRR))
			continue;
		*rte &= ~IOAPIC_RTE_REMOTE_IRR;
		service(io, pin);
	}
}

static __u32 reg_read(const struct ioapic *io, __u32 reg)
{
	unsigned int pin = (reg - IOAPIC_REG_REDTBL) / 2;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return io->id;
	case IOAPIC_REG_VER:
		return (IOAPIC_NR_PINS - 1) << 16 | IOAPIC_VERSION;
	}
	if (reg < IOAPIC_REG_REDTBL || pin >= IOAPIC_NR_PINS)
		return 0;
	return reg & 1 ? io->rte[pin] >> 32 : (__u32)io->rte[pin];
}

static void reg_write(struct ioapic *io, __u32 reg, __u32 val)
{
	unsigned int pin = (reg - IOAPIC_REG_REDTBL) / 2;
	__u64 rte, keep;

	if (reg == IOAPIC_REG_ID) {
		io->id = val & (0xfU << 24);
		return;
	}
	if (reg < IOAPIC_REG_REDTBL || pin >= IOAPIC_NR_PINS)
		return;		/* version, arbitration: read-only */
	rte = io->rte[pin];
	if (reg & 1)
		rte = (rte & 0xffffffffULL) | (__u64)val << 32;
	else
		rte = (rte & ~0xffffffffULL) | val;
	keep = io->rte[pin] & IOAPIC_RTE_REMOTE_IRR;
	rte = (rte & IOAPIC_RTE_WRITABLE) | keep;
	/*
	 * An edge entry has no remote IRR: Linux switches a stuck level pin
	 * to edge and back to clear it (clear_IO_APIC_pin()), as KVM allows.
	 */
	if (!(rte & IOAPIC_RTE_LEVEL))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	/* A level line still high asserts again, for the new entry. */
	if ((rte & IOAPIC_RTE_LEVEL) && (io->line & BIT_ULL(pin)))
		io->irr |= BIT_ULL(pin);
	service(io, pin);
}

/*
 * 32-bit accesses to IOREGSEL and IOWIN (narrower ones see their low
 * bytes); other offsets read as zero and ignore writes.
 */
static int ioapic_mmio(void *opaque, __u64 gpa, __u8 *data, __u32 len,
		       bool is_write)
{
	struct ioapic *io = opaque;
	__u64 off = gpa - IOAPIC_BASE;
	__u32 val = 0;

	if (is_write) {
		memcpy(&val, data, len < 4 ? len : 4);
		if (off == IOAPIC_IOREGSEL)
			io->ioregsel = val & 0xff;
		else if (off == IOAPIC_IOWIN)
			reg_write(io, io->ioregsel, val);
		return 0;
	}
	if (off == IOAPIC_IOREGSEL)
		val = io->ioregsel;
	else if (off == IOAPIC_IOWIN)
		val = reg_read(io, io->ioregsel);
	memset(data, 0, len);
	memcpy(data, &val, len < 4 ? len : 4);
	return 0;
}

/**
 * ioapic_init() - the I/O APIC after reset: ID 0, every pin masked
 * @io: the I/O APIC
 * @send_msi: how it delivers a message
 * @opaque: passed to @send_msi
 */
void ioapic_init(struct ioapic *io, ioapic_msi_fn send_msi, void *opaque)
{
	unsigned int pin;

	memset(io, 0, sizeof(*io));
	for (pin = 0; pin < IOAPIC_NR_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;
	io->send_msi = send_msi;
	io->opaque = opaque;
}

/**
 * ioapic_register() - claim IOAPIC_BASE on the bus
 * @bus: the VM's device registry
 * @io: the I/O APIC, from ioapic_init()
 *
 * Return: 0 or -errno from the registry.
 */
int ioapic_register(struct minivmx_bus *bus, struct ioapic *io)
{
	return minivmx_register_mmio(bus, IOAPIC_BASE, IOAPIC_SIZE,
				     ioapic_mmio, io);
}
