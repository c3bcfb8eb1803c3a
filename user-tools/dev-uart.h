/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 16550 UART of `minivmx run` at 0x3f8 (COM1): THR to stdout, RBR from
 * stdin, and its interrupt (IRQ 4) when the VM has an I/O APIC
 * (Documentation/guest-abi.rst, "Devices").
 */
#ifndef MINIVMX_DEV_UART_H
#define MINIVMX_DEV_UART_H

#include <pthread.h>
#include <stdbool.h>

#include "libminivmx.h"

#define COM1_PORT	0x3f8
#define COM1_IRQ	4
#define UART_NR_PORTS	8

/* Drives the UART's interrupt line. */
typedef void (*uart_irq_fn)(void *opaque, bool level);

/**
 * struct uart16550 - the state of the UART model
 * @in_fd: where received bytes come from (stdin)
 * @out_fd: where transmitted bytes go (stdout)
 * @rx: the received byte RBR holds, valid if @rx_full
 * @rx_full: a byte waits in RBR (LSR.DR)
 * @rx_eof: @in_fd reached its end or failed: stop polling it
 * @thre_pending: the THRE interrupt is pending (THR emptied, or ETBEI
 *	enabled, and neither IIR has reported it nor THR been written since)
 * @irq: the level the interrupt line has now
 * @ier: interrupt enable register (bits 3:0)
 * @fcr: FIFO control register, latched (IIR shows FIFO enable)
 * @lcr: line control register; bit 7 (DLAB) selects the divisor latch
 * @mcr: modem control register, latched
 * @msr: modem status register, latched
 * @scr: scratch register
 * @dll: divisor latch, low byte
 * @dlm: divisor latch, high byte
 * @set_irq: drives the interrupt line (NULL: no interrupts)
 * @irq_opaque: passed to @set_irq
 * @lock: held around every access (the devices' lock), NULL if none
 * @rx_taken: signalled when the guest empties RBR
 * @reader: the thread that waits for input (uart_start_reader())
 * @stop_fd: an eventfd that stops @reader
 * @stopping: @reader is to stop
 */
struct uart16550 {
	int in_fd;
	int out_fd;
	__u8 rx;
	bool rx_full;
	bool rx_eof;
	bool thre_pending;
	bool irq;
	__u8 ier, fcr, lcr, mcr, msr, scr, dll, dlm;
	uart_irq_fn set_irq;
	void *irq_opaque;
	pthread_mutex_t *lock;
	pthread_cond_t rx_taken;
	pthread_t reader;
	int stop_fd;
	bool stopping;
};

void uart_init(struct uart16550 *u, int in_fd, int out_fd);
int uart_register(struct minivmx_bus *bus, struct uart16550 *u);
void uart_connect_irq(struct uart16550 *u, uart_irq_fn set_irq,
		      void *opaque);
__u8 uart_iir(const struct uart16550 *u);
int uart_start_reader(struct uart16550 *u, pthread_mutex_t *lock);
void uart_stop_reader(struct uart16550 *u);
void write_all(int fd, const void *buf, size_t len);

#endif /* MINIVMX_DEV_UART_H */
