// SPDX-License-Identifier: GPL-2.0-only
/*
 * The devices of `minivmx run`, registered on libminivmx's bus.
 *
 * The UART is a 16550 as far as a polling guest can tell: THR goes to
 * stdout at once, RBR takes bytes from stdin when there are some (never
 * blocking), LSR says the transmitter is always empty and shows
 * data-ready; the other registers keep what is written.  No interrupts,
 * no FIFO, no loopback.
 *
 * The debug console and the exit port behave exactly as the kernel's
 * MINIVMX_PORT_DEBUGCON and MINIVMX_PORT_EXIT handlers: each item's low
 * byte goes to the console, the first item written to the exit port is
 * the status, and reads of either return all ones.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "devices.h"
#include "util.h"

/* 16550 registers, offsets from the base port */
#define UART_RBR	0	/* read, DLAB 0: receiver buffer */
#define UART_THR	0	/* write, DLAB 0: transmitter holding */
#define UART_DLL	0	/* DLAB 1: divisor latch low */
#define UART_IER	1	/* DLAB 0: interrupt enable */
#define UART_DLM	1	/* DLAB 1: divisor latch high */
#define UART_IIR	2	/* read: interrupt identification */
#define UART_FCR	2	/* write: FIFO control */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmitter holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_IIR_NO_INT	0x01	/* no interrupt pending */
#define UART_IIR_FIFO	0xc0	/* FIFOs enabled */
#define UART_FCR_ENABLE	0x01

/* Write all of @buf; output errors (a closed pipe) are not the guest's. */
static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= n;
	}
}

/* Take a byte from the input into RBR if one is there now. */
static void uart_poll_rx(struct uart16550 *u)
{
	struct pollfd pfd = { .fd = u->in_fd, .events = POLLIN };
	ssize_t n;

	if (u->rx_full || u->rx_eof || u->in_fd < 0)
		return;
	if (poll(&pfd, 1, 0) <= 0)
		return;
	if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(u->in_fd, &u->rx, 1);
	if (n == 1)
		u->rx_full = true;
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		u->rx_eof = true;
}

static __u8 uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		if (dlab)
			return u->dll;
		uart_poll_rx(u);
		if (!u->rx_full)
			return 0;
		u->rx_full = false;
		return u->rx;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return UART_IIR_NO_INT |
		       (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		uart_poll_rx(u);
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (u->rx_full ? UART_LSR_DR : 0);
	case UART_MSR:
		return u->msr;
	default:
		return u->scr;
	}
}

static void uart_write(struct uart16550 *u, unsigned int reg, __u8 val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			u->dll = val;
		else
			write_all(u->out_fd, &val, 1);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = val;
		else
			u->ier = val;
		break;
	case UART_FCR:
		u->fcr = val;
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val;
		break;
	case UART_LSR:
		break;		/* read-only */
	case UART_MSR:
		u->msr = val;
		break;
	default:
		u->scr = val;
		break;
	}
}

/*
 * A wider access reaches consecutive registers, one byte each, as on a
 * byte-wide ISA device; bytes beyond the UART read as all ones.
 */
static int uart_io(void *opaque, __u16 port, __u8 *data, __u32 size,
		   bool is_write)
{
	struct uart16550 *u = opaque;
	unsigned int reg = port - COM1_PORT, i;

	for (i = 0; i < size; i++, reg++) {
		if (reg >= UART_NR_PORTS) {
			if (!is_write)
				data[i] = 0xff;
		} else if (is_write) {
			uart_write(u, reg, data[i]);
		} else {
			data[i] = uart_read(u, reg);
		}
	}
	return 0;
}

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
	d->uart.in_fd = in_fd;
	d->uart.out_fd = out_fd;
	d->out_fd = out_fd;
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

	ret = minivmx_register_pio(bus, COM1_PORT, UART_NR_PORTS, uart_io,
				   &d->uart);
	if (ret || !user_devices)
		return ret;
	ret = minivmx_register_pio(bus, DEBUGCON_PORT, 1, debugcon_io, d);
	if (ret)
		return ret;
	return minivmx_register_pio(bus, EXIT_PORT, 1, exit_io, d);
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
