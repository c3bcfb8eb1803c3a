// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console output: the 16550 UART at COM1 (handled by the minivmx tool) and
 * the debug console port 0xe9 (handled in the kernel, or by the tool with
 * --user-devices).
 */
#include "libguest.h"

/* 16550 registers, offsets from COM1_PORT (with LCR.DLAB clear) */
#define UART_THR	0	/* transmitter holding register (write) */
#define UART_IER	1	/* interrupt enable */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define UART_LCR_8N1	0x03	/* 8 data bits, no parity, 1 stop bit */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE	0x20	/* transmitter holding register empty */

/*
 * Polls of LSR before a byte is sent anyway: the tool's LSR always says
 * "empty", so one poll suffices; the bound keeps a broken LSR from hanging
 * the guest silently.
 */
#define UART_POLLS	100000

/*
 * The guest runs with interrupts off and polls, so IER = 0.  The divisor is
 * left alone: a virtual UART has no baud rate, and never setting LCR.DLAB
 * means a UART model that ignores DLAB cannot mistake the divisor for a
 * character written to THR.
 */
void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
	outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS);
}

void serial_putc(char c)
{
	unsigned int i;

	for (i = 0; i < UART_POLLS; i++)
		if (inb(COM1_PORT + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_PORT + UART_THR, c);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

void debugcon_putc(char c)
{
	outb(DEBUGCON_PORT, c);
}

void debugcon_puts(const char *s)
{
	while (*s)
		debugcon_putc(*s++);
}
