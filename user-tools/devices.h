/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The devices of `minivmx run` (Documentation/guest-abi.rst, "Devices"):
 * a 16550 UART at 0x3f8, a disk behind ports 0x5d0-0x5d7 and behind a
 * paravirtual ring (dev-pvio.c), a paravirtual console, and with
 * --user-devices the debug console (0xe9) and the exit-status port (0xf4),
 * which the kernel handles otherwise; and the answers to user hypercalls.
 * With --lapic, the platform a kernel expects: the I/O APIC with the
 * UART's interrupt, and the legacy ports.
 */
#ifndef MINIVMX_DEVICES_H
#define MINIVMX_DEVICES_H

#include <pthread.h>
#include <stdbool.h>

#include "dev-ioapic.h"
#include "dev-legacy.h"
#include "dev-pvio.h"
#include "dev-uart.h"
#include "libminivmx.h"

#define DEBUGCON_PORT	0xe9
#define EXIT_PORT	0xf4

/* The user hypercall the tool answers with RBX + 1 (guest-abi.rst). */
#define HC_USER_ECHO	0x100

/**
 * struct run_devices - everything the tool emulates for one VM
 * @lock: held around every device access (devices_handle_exit())
 * @uart: COM1
 * @platform: devices_register_platform() put the rest on the bus:
 * @ioapic: the I/O APIC
 * @cmos: the RTC
 * @pit: the PIT and port 0x61
 * @legacy: the PICs, port 0x80, the i8042
 * @pvio: the disk, trapped and paravirtual, and the paravirtual console
 * @out_fd: where the debug console writes (stdout)
 * @exited: the guest wrote to the exit port (--user-devices)
 * @status: what it wrote there
 */
struct run_devices {
	pthread_mutex_t lock;
	struct uart16550 uart;
	bool platform;
	struct ioapic ioapic;
	struct cmos cmos;
	struct pit pit;
	struct legacy legacy;
	struct pvio pvio;
	int out_fd;
	bool exited;
	__u64 status;
};

void devices_init(struct run_devices *d, int in_fd, int out_fd);
int devices_register(struct minivmx_bus *bus, struct run_devices *d,
		     bool user_devices);
int devices_register_platform(struct minivmx_bus *bus, struct run_devices *d,
			      ioapic_msi_fn send_msi, void *opaque);
int devices_start(struct run_devices *d);
void devices_stop(struct run_devices *d);
int devices_handle_exit(struct minivmx_bus *bus, struct run_devices *d,
			struct minivmx_run *run);
void devices_hypercall(struct minivmx_run *run);
void devices_free(struct run_devices *d);

#endif /* MINIVMX_DEVICES_H */
