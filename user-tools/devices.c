// SPDX-License-Identifier: GPL-2.0-only
/*
 * The devices of `minivmx run`, registered on libminivmx's bus.
 *
 * The UART (dev-uart.c) is on the bus always.  With --lapic the platform
 * a kernel expects joins it: the I/O APIC (dev-ioapic.c), which the
 * UART's line reaches at pin 4, the legacy ports (dev-cmos.c,
 * dev-pit.c, dev-legacy.c).  Every access holds the devices' lock: vCPU
 * threads and the UART's reader thread share them.
 *
 * The debug console and the exit port behave exactly as the kernel's
 * MINIVMX_PORT_DEBUGCON and MINIVMX_PORT_EXIT handlers: each item's low
 * byte goes to the console, the first item written to the exit port is
 * the status, and reads of either return all ones.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "devices.h"
#include "mptable.h"
#include "util.h"

static int debugcon_io(void *opaque, __u16 port __always_unused, __u8 *data,
		       __u32 size, bool is_write)
{
	struct run_devices *d = opaque;

	if (is_write)
		write_all(d->out_fd, data, 1);
	else
		memset(data, 0xff, size);
	return 0;
}

static int exit_io(void *opaque, __u16 port __always_unused, __u8 *data,
		   __u32 size, bool is_write)
{
	struct run_devices *d = opaque;
	__u64 status = 0;

	if (!is_write) {
		memset(data, 0xff, size);
		return 0;
	}
	memcpy(&status, data, size);
	d->exited = true;
	d->status = status;
	return MINIVMX_BUS_STOP;
}

/**
 * devices_init() - the devices in their power-on state
 * @d: the devices
 * @in_fd: the UART's input (stdin); -1 for none
 * @out_fd: where the UART and the debug console write (stdout)
 */
void devices_init(struct run_devices *d, int in_fd, int out_fd)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	uart_init(&d->uart, in_fd, out_fd);
	pvio_init(&d->pvio, out_fd);
	d->out_fd = out_fd;
}

/**
 * devices_free() - free what the devices allocated (the disk)
 * @d: the devices, stopped
 */
void devices_free(struct run_devices *d)
{
	pvio_free(&d->pvio);
}

/**
 * devices_register() - put the devices on the bus
 * @bus: the VM's device registry
 * @d: the devices, from devices_init()
 * @user_devices: also the debug console and the exit port, which
 *	otherwise the kernel handles (the caller routes them there)
 *
 * Return: 0 or -errno from the registry.
 */
int devices_register(struct minivmx_bus *bus, struct run_devices *d,
		     bool user_devices)
{
	int ret;

	ret = uart_register(bus, &d->uart);
	if (!ret)
		ret = pvio_register(bus, &d->pvio);
	if (ret || !user_devices)
		return ret;
	ret = minivmx_register_pio(bus, DEBUGCON_PORT, 1, debugcon_io, d);
	if (ret)
		return ret;
	return minivmx_register_pio(bus, EXIT_PORT, 1, exit_io, d);
}

/* The UART's line, at I/O APIC pin 4 (the MP table says so). */
static void uart_irq(void *opaque, bool level)
{
	struct run_devices *d = opaque;

	ioapic_set_irq(&d->ioapic, COM1_IRQ, level);
}

/**
 * devices_register_platform() - the I/O APIC and the legacy ports
 * @bus: the VM's device registry, with devices_register()'s devices
 * @d: the devices
 * @send_msi: how the I/O APIC delivers (MINIVMX_SIGNAL_MSI)
 * @opaque: passed to @send_msi
 *
 * Connects the UART's interrupt.  Call devices_start() before the vCPUs
 * run and devices_stop() after.
 *
 * Return: 0 or -errno from the registry.
 */
int devices_register_platform(struct minivmx_bus *bus, struct run_devices *d,
			      ioapic_msi_fn send_msi, void *opaque)
{
	int ret;

	ioapic_init(&d->ioapic, send_msi, opaque);
	d->ioapic.id = MPTABLE_IOAPIC_ID << 24;	/* as the MP table says */
	cmos_init(&d->cmos);
	pit_init(&d->pit);
	ret = ioapic_register(bus, &d->ioapic);
	if (!ret)
		ret = cmos_register(bus, &d->cmos);
	if (!ret)
		ret = pit_register(bus, &d->pit);
	if (!ret)
		ret = legacy_register(bus, &d->legacy);
	if (ret)
		return ret;
	uart_connect_irq(&d->uart, uart_irq, d);
	d->platform = true;
	return 0;
}

/**
 * devices_start() - the threads the devices need: the UART's reader
 * @d: the devices
 *
 * Only with devices_register_platform(): without an interrupt to raise,
 * the UART polls its input when the guest reads it.
 *
 * Return: 0 or -errno.
 */
int devices_start(struct run_devices *d)
{
	if (!d->platform)
		return 0;
	return uart_start_reader(&d->uart, &d->lock);
}

/**
 * devices_stop() - stop what devices_start() started
 * @d: the devices
 */
void devices_stop(struct run_devices *d)
{
	uart_stop_reader(&d->uart);
}

/**
 * devices_handle_exit() - an exit that is the devices' business
 * @bus: the VM's device registry
 * @d: the devices
 * @run: the run structure of the vCPU that exited
 *
 * Port and MMIO accesses go to the bus, MINIVMX_EXIT_EOI to the I/O APIC,
 * user hypercalls are answered; all under the devices' lock, from any
 * vCPU thread.
 *
 * Return: as minivmx_bus_handle_exit() (MINIVMX_BUS_STOP: @d->exited or
 * @d->legacy.reset says why), or -ENOENT for another exit.
 */
int devices_handle_exit(struct minivmx_bus *bus, struct run_devices *d,
			struct minivmx_run *run)
{
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	switch (run->exit_reason) {
	case MINIVMX_EXIT_EOI:
		ioapic_eoi(&d->ioapic, run->eoi.vector);
		break;
	case MINIVMX_EXIT_HYPERCALL:
		if (!pvio_hypercall(&d->pvio, run))
			devices_hypercall(run);
		break;
	default:
		ret = minivmx_bus_handle_exit(bus, run);
		break;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/**
 * devices_hypercall() - answer a MINIVMX_EXIT_HYPERCALL
 * @run: the run structure; @run->hypercall.ret gets the answer
 *
 * HC_USER_ECHO answers its first argument (RBX) plus one, every other user
 * call -ENOSYS (guest-abi.rst, "Hypercalls").
 */
void devices_hypercall(struct minivmx_run *run)
{
	if (run->hypercall.nr == HC_USER_ECHO)
		run->hypercall.ret = run->hypercall.args[0] + 1;
	else
		run->hypercall.ret = MINIVMX_HC_ENOSYS;
}
