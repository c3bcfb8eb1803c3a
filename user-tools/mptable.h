/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MP table (Intel MultiProcessor Specification 1.4) that tells a
 * guest kernel its processors, its I/O APIC and how the ISA interrupts
 * reach it, without ACPI (Documentation/guest-abi.rst, "MP table").
 *
 * It lies at MPTABLE_BASE, in the BIOS area 0xf0000-0xfffff where Linux
 * looks for it; a loader's memory map (E820) must report that area as
 * reserved, not RAM.
 */
#ifndef MINIVMX_MPTABLE_H
#define MINIVMX_MPTABLE_H

#include <stddef.h>
#include <linux/minivmx.h>

#define MPTABLE_BASE		0xf0000ULL
/* The floating pointer, the header and every entry for 8 vCPUs fit. */
#define MPTABLE_MAX_SIZE	0x200ULL
#define MPTABLE_END		(MPTABLE_BASE + MPTABLE_MAX_SIZE)

/* The I/O APIC's ID: above every vCPU's APIC ID. */
#define MPTABLE_IOAPIC_ID	MINIVMX_MAX_VCPUS

/* Entry types and the fields the tests read (MP spec 4.3) */
#define MP_PROCESSOR		0
#define MP_BUS			1
#define MP_IOAPIC		2
#define MP_INTSRC		3
#define MP_LINTSRC		4
#define MP_INT_INT		0	/* vectored interrupt */
#define MP_INT_NMI		1
#define MP_INT_EXTINT		3
#define MP_CPU_ENABLED		0x01
#define MP_CPU_BSP		0x02

int mptable_write(void *guest_mem, size_t mem_size, unsigned int nr_cpus);

#endif /* MINIVMX_MPTABLE_H */
