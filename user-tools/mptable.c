// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MP table (Intel MultiProcessor Specification 1.4, chapter 4): a
 * floating pointer structure at MPTABLE_BASE and the configuration table
 * right after it, with
 *
 * - one processor entry per vCPU, APIC ID = vCPU id, vCPU 0 the BSP;
 * - one bus, "ISA   ", id 0;
 * - the I/O APIC at 0xfec00000 (ID MPTABLE_IOAPIC_ID, version 0x11);
 * - ISA IRQs 0-15 to I/O APIC pins as on a PC: IRQ 0 (the PIT) to pin
 *   2, IRQ 2 (the PICs' cascade) nowhere, every other IRQ n to pin n;
 *   polarity and trigger conform to the bus (ISA: active high, edge);
 * - LINT0 as ExtINT and LINT1 as NMI on every local APIC.
 *
 * Both structures carry checksums that make their bytes sum to 0.
 */
#include <errno.h>
#include <string.h>

#include "dev-ioapic.h"
#include "mptable.h"
#include "util.h"

#define MPF_SIGNATURE		"_MP_"
#define MPC_SIGNATURE		"PCMP"
#define MP_SPEC_REV		4	/* version 1.4 */
#define LAPIC_BASE		0xfee00000U
#define LAPIC_VERSION		0x14	/* what the kernel's APIC reports */
#define CPU_SIGNATURE		0x600	/* family 6 */
#define CPU_FEATURES		0x201	/* CPUID.1:EDX FPU, APIC */
#define ISA_IRQS		16
#define ISA_CASCADE_IRQ		2
#define ALL_LAPICS		0xff

/* The structures, packed as the specification lays them out. */
struct mpf {
	char signature[4];
	__u32 physptr;
	__u8 length;		/* in 16-byte units */
	__u8 spec_rev;
	__u8 checksum;
	__u8 feature[5];	/* all 0: a configuration table follows */
} __attribute((packed));

struct mpc {
	char signature[4];
	__u16 length;
	__u8 spec_rev;
	__u8 checksum;
	char oem[8];
	char product[12];
	__u32 oem_ptr;
	__u16 oem_size;
	__u16 count;
	__u32 lapic;
	__u16 ext_length;
	__u8 ext_checksum;
	__u8 reserved;
} __attribute((packed));

struct mpc_cpu {
	__u8 type;
	__u8 apic_id;
	__u8 apic_ver;
	__u8 flags;
	__u32 signature;
	__u32 features;
	__u32 reserved[2];
} __attribute((packed));

struct mpc_bus {
	__u8 type;
	__u8 id;
	char name[6];
} __attribute((packed));

struct mpc_ioapic {
	__u8 type;
	__u8 id;
	__u8 version;
	__u8 flags;
	__u32 addr;
} __attribute((packed));

/* The I/O (type 3) and local (type 4) interrupt entries share a layout. */
struct mpc_int {
	__u8 type;
	__u8 irqtype;
	__u16 flags;		/* 0: polarity and trigger conform to the bus */
	__u8 src_bus;
	__u8 src_irq;
	__u8 dst_apic;
	__u8 dst_pin;
} __attribute((packed));

static __u8 checksum(const void *p, size_t len)
{
	const __u8 *b = p;
	__u8 sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

/* Append @len bytes at *@pos of @base; count an entry. */
static void put(__u8 *base, size_t *pos, const void *entry, size_t len,
		struct mpc *mpc)
{
	memcpy(base + *pos, entry, len);
	*pos += len;
	mpc->count++;
}

static void put_int(__u8 *base, size_t *pos, struct mpc *mpc, __u8 type,
		    __u8 irqtype, __u8 src_irq, __u8 dst_apic, __u8 dst_pin)
{
	struct mpc_int e = {
		.type = type,
		.irqtype = irqtype,
		.src_irq = src_irq,
		.dst_apic = dst_apic,
		.dst_pin = dst_pin,
	};

	put(base, pos, &e, sizeof(e), mpc);
}

/**
 * mptable_write() - write the MP table into guest memory
 * @guest_mem: guest RAM, guest-physical 0 at @guest_mem
 * @mem_size: its size in bytes; the table needs RAM up to MPTABLE_END
 * @nr_cpus: vCPUs, 1 to MINIVMX_MAX_VCPUS, with APIC IDs 0 to @nr_cpus - 1
 *
 * Overwrites MPTABLE_BASE to MPTABLE_END.
 *
 * Return: the bytes written, or -EINVAL for a bad @nr_cpus, -ENOSPC when
 * @mem_size does not reach MPTABLE_END.
 */
int mptable_write(void *guest_mem, size_t mem_size, unsigned int nr_cpus)
{
	__u8 *base = (__u8 *)guest_mem + MPTABLE_BASE;
	struct mpf mpf = {
		.signature = MPF_SIGNATURE,
		.physptr = MPTABLE_BASE + sizeof(mpf),
		.length = sizeof(mpf) / 16,
		.spec_rev = MP_SPEC_REV,
	};
	struct mpc mpc = {
		.signature = MPC_SIGNATURE,
		.spec_rev = MP_SPEC_REV,
		.oem = "MINIVMX ",
		.product = "MINIVMX     ",
		.lapic = LAPIC_BASE,
	};
	struct mpc_bus bus = { .type = MP_BUS, .name = "ISA   " };
	struct mpc_ioapic ioapic = {
		.type = MP_IOAPIC,
		.id = MPTABLE_IOAPIC_ID,
		.version = IOAPIC_VERSION,
		.flags = MP_CPU_ENABLED,
		.addr = IOAPIC_BASE,
	};
	size_t pos = sizeof(mpf) + sizeof(mpc);
	unsigned int i;

	if (!nr_cpus || nr_cpus > MINIVMX_MAX_VCPUS)
		return -EINVAL;
	if (mem_size < MPTABLE_END)
		return -ENOSPC;
	memset(base, 0, MPTABLE_MAX_SIZE);
	for (i = 0; i < nr_cpus; i++) {
		struct mpc_cpu cpu = {
			.type = MP_PROCESSOR,
			.apic_id = i,
			.apic_ver = LAPIC_VERSION,
			.flags = MP_CPU_ENABLED | (i ? 0 : MP_CPU_BSP),
			.signature = CPU_SIGNATURE,
			.features = CPU_FEATURES,
		};

		put(base, &pos, &cpu, sizeof(cpu), &mpc);
	}
	put(base, &pos, &bus, sizeof(bus), &mpc);
	put(base, &pos, &ioapic, sizeof(ioapic), &mpc);
	for (i = 0; i < ISA_IRQS; i++)
		if (i != ISA_CASCADE_IRQ)
			put_int(base, &pos, &mpc, MP_INTSRC, MP_INT_INT, i,
				MPTABLE_IOAPIC_ID, i ? i : 2);
	put_int(base, &pos, &mpc, MP_LINTSRC, MP_INT_EXTINT, 0, ALL_LAPICS, 0);
	put_int(base, &pos, &mpc, MP_LINTSRC, MP_INT_NMI, 0, ALL_LAPICS, 1);
	mpc.length = pos - sizeof(mpf);
	memcpy(base + sizeof(mpf), &mpc, sizeof(mpc));
	base[sizeof(mpf) + offsetof(struct mpc, checksum)] =
		checksum(base + sizeof(mpf), mpc.length);
	mpf.checksum = checksum(&mpf, sizeof(mpf));
	memcpy(base, &mpf, sizeof(mpf));
	return pos;
}
