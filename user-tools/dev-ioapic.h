/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The I/O APIC of `minivmx run --lapic` (an 82093AA as Linux sees it): 24
 * pins whose redirection entries turn a device's line into a message to
 * the in-kernel local APICs (Documentation/guest-abi.rst, "Devices").
 */
#ifndef MINIVMX_DEV_IOAPIC_H
#define MINIVMX_DEV_IOAPIC_H

#include <stdbool.h>

#include "libminivmx.h"

#define IOAPIC_BASE		0xfec00000ULL
#define IOAPIC_SIZE		0x1000ULL
#define IOAPIC_NR_PINS		24
#define IOAPIC_VERSION		0x11

/* The MMIO window (82093AA datasheet 3.1) */
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10

/* Registers behind IOREGSEL (82093AA datasheet 3.2) */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDTBL	0x10	/* two per pin: low, high dword */

/* Redirection entry bits (82093AA datasheet 3.2.4) */
#define IOAPIC_RTE_VECTOR	0xffULL
#define IOAPIC_RTE_DELMODE	(7ULL << 8)
#define IOAPIC_RTE_LOGICAL	0x00800ULL
#define IOAPIC_RTE_DELIVS	0x01000ULL	/* read-only: always idle */
#define IOAPIC_RTE_POLARITY	0x02000ULL
#define IOAPIC_RTE_REMOTE_IRR	0x04000ULL	/* read-only */
#define IOAPIC_RTE_LEVEL	0x08000ULL
#define IOAPIC_RTE_MASKED	0x10000ULL
#define IOAPIC_RTE_DEST_SHIFT	56
/* What software may write: all but delivery status and remote IRR. */
#define IOAPIC_RTE_WRITABLE	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE | \
				 IOAPIC_RTE_LOGICAL | IOAPIC_RTE_POLARITY | \
				 IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | \
				 (0xffULL << IOAPIC_RTE_DEST_SHIFT))

/* Delivery modes (bits 10:8) */
#define IOAPIC_DM_FIXED		0
#define IOAPIC_DM_LOWEST	1
#define IOAPIC_DM_SMI		2
#define IOAPIC_DM_NMI		4
#define IOAPIC_DM_INIT		5
#define IOAPIC_DM_EXTINT	7

/*
 * Sends one message; returns the number of APICs that took it or a
 * negative errno (MINIVMX_SIGNAL_MSI's contract).
 */
typedef int (*ioapic_msi_fn)(void *opaque, __u64 address, __u32 data);

/**
 * struct ioapic - the I/O APIC's state
 * @ioregsel: the register IOWIN reaches
 * @id: the APIC ID in bits 27:24 of register 0
 * @rte: the redirection table
 * @line: the level each device drives on each pin
 * @irr: pins asserted and not yet delivered (held while masked)
 * @send_msi: delivers a message (MINIVMX_SIGNAL_MSI in the tool)
 * @opaque: passed to @send_msi
 * @dropped: messages the kernel refused or no APIC took
 */
struct ioapic {
	__u32 ioregsel;
	__u32 id;
	__u64 rte[IOAPIC_NR_PINS];
	__u32 line;
	__u32 irr;
	ioapic_msi_fn send_msi;
	void *opaque;
	unsigned long dropped;
};

void ioapic_init(struct ioapic *io, ioapic_msi_fn send_msi, void *opaque);
int ioapic_register(struct minivmx_bus *bus, struct ioapic *io);
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level);
void ioapic_eoi(struct ioapic *io, __u8 vector);
void ioapic_msi_encode(__u64 rte, __u64 *address, __u32 *data);

#endif /* MINIVMX_DEV_IOAPIC_H */
