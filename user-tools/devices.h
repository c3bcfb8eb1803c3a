/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The devices of `minivmx run` (Documentation/guest-abi.rst, "Devices"):
 * a 16550 UART at 0x3f8, and with --user-devices the debug console (0xe9)
 * and the exit-status port (0xf4), which the kernel handles otherwise; and
 * the answers to user hypercalls.
 */
#ifndef MINIVMX_DEVICES_H
#define MINIVMX_DEVICES_H

#include <stdbool.h>

#include "libminivmx.h"

#define COM1_PORT	0x3f8
#define UART_NR_PORTS	8
#define DEBUGCON_PORT	0xe9
#define EXIT_PORT	0xf4

/* The user hypercall the tool answers with RBX + 1 (guest-abi.rst). */
#define HC_USER_ECHO	0x100

/**
 * struct uart16550 - the state of the UART model
 * @in_fd: where received bytes come from (stdin)
 * @out_fd: where transmitted bytes go (stdout)
 * @rx: the received byte RBR holds, valid if @rx_full
 * @rx_full: a byte waits in RBR (LSR.DR)
 * @rx_eof: @in_fd reached its end or failed: stop polling it
 * @ier: interrupt enable register, latched
 * @fcr: FIFO control register, latched (IIR shows FIFO enable)
 * @lcr: line control register; bit 7 (DLAB) selects the divisor latch
 * @mcr: modem control register, latched
 * @msr: modem status register, latched
 * @scr: scratch register
 * @dll: divisor latch, low byte
 * @dlm: divisor latch, high byte
 */
struct uart16550 {
	int in_fd;
	int out_fd;
	__u8 rx;
	bool rx_full;
	bool rx_eof;
	__u8 ier, fcr, lcr, mcr, msr, scr, dll, dlm;
};

/**
 * struct run_devices - everything the tool emulates for one VM
 * @uart: COM1
 * @out_fd: where the debug console writes (stdout)
 * @exited: the guest wrote to the exit port (--user-devices)
 * @status: what it wrote there
 */
struct run_devices {
	struct uart16550 uart;
	int out_fd;
	bool exited;
	__u64 status;
};

void devices_init(struct run_devices *d, int in_fd, int out_fd);
int devices_register(struct minivmx_bus *bus, struct run_devices *d,
		     bool user_devices);
void devices_hypercall(struct minivmx_run *run);

#endif /* MINIVMX_DEVICES_H */
