// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 16550 UART of `minivmx run`, registered on libminivmx's bus.
 *
 * THR goes to stdout at once, so the transmitter is always empty; RBR
 * takes bytes from stdin when there are some (never blocking); the other
 * registers keep what is written.  No FIFO (one byte at a time), no
 * loopback.
 *
 * Interrupts as the 16550 raises them (IIR, by priority): received data
 * available (IER bit 0, while RBR is full), then transmitter holding
 * register empty (IER bit 1: pending when THR empties or the bit is
 * enabled, cleared by reading IIR that reports it or by writing THR), then
 * modem status (IER bit 3).  The line is what IIR bit 0 says, not gated by
 * MCR.OUT2 (QEMU's model).  A THR write lowers and raises it again, so an
 * edge-triggered I/O APIC pin sees each transmitted byte.
 *
 * With interrupts, a reader thread waits for stdin and puts each byte in
 * RBR as soon as it is empty, raising the line: that wakes a halted vCPU.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dev-uart.h"

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
#define UART_IER_RDI	0x01	/* received data available */
#define UART_IER_THRI	0x02	/* transmitter holding register empty */
#define UART_IER_MSI	0x08	/* modem status */
#define UART_IER_MASK	0x0f
#define UART_IIR_NO_INT	0x01	/* no interrupt pending */
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0	/* FIFOs enabled */
#define UART_FCR_ENABLE	0x01
#define UART_MSR_DELTA	0x0f	/* the four delta bits */

/**
 * write_all() - write all of @buf
 * @fd: where to
 * @buf: the bytes
 * @len: how many
 *
 * Output errors (a closed pipe) are not the guest's: they end the write.
 */
void write_all(int fd, const void *buf, size_t len)
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

/**
 * uart_iir() - the interrupt the UART reports, highest priority first
 * @u: the UART
 *
 * Return: IIR bits 3:0 (UART_IIR_NO_INT when none is pending).
 */
__u8 uart_iir(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RDI) && u->rx_full)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct uart16550 *u)
{
	bool level = uart_iir(u) != UART_IIR_NO_INT;

	if (level == u->irq)
		return;
	u->irq = level;
	if (u->set_irq)
		u->set_irq(u->irq_opaque, level);
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
	update_irq(u);
}

static __u8 uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	__u8 iir;

	switch (reg) {
	case UART_RBR:
		if (dlab)
			return u->dll;
		uart_poll_rx(u);
		if (!u->rx_full)
			return 0;
		u->rx_full = false;
		update_irq(u);
		pthread_cond_signal(&u->rx_taken);
		return u->rx;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		iir = uart_iir(u);
		/* Reading IIR that reports THRE is what clears it. */
		if (iir == UART_IIR_THRI) {
			u->thre_pending = false;
			update_irq(u);
		}
		return iir | (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
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
		if (dlab) {
			u->dll = val;
			break;
		}
		u->thre_pending = false;
		update_irq(u);
		write_all(u->out_fd, &val, 1);
		u->thre_pending = true;		/* sent at once */
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		/* THR is always empty: enabling ETBEI interrupts at once. */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thre_pending = true;
		u->ier = val & UART_IER_MASK;
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
	update_irq(u);
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

/**
 * uart_init() - the UART in its power-on state, without interrupts
 * @u: the UART
 * @in_fd: its input (stdin); -1 for none
 * @out_fd: its output (stdout)
 */
void uart_init(struct uart16550 *u, int in_fd, int out_fd)
{
	memset(u, 0, sizeof(*u));
	u->in_fd = in_fd;
	u->out_fd = out_fd;
	u->stop_fd = -1;
	pthread_cond_init(&u->rx_taken, NULL);
}

/**
 * uart_register() - claim COM1's ports
 * @bus: the VM's device registry
 * @u: the UART
 *
 * Return: 0 or -errno from the registry.
 */
int uart_register(struct minivmx_bus *bus, struct uart16550 *u)
{
	return minivmx_register_pio(bus, COM1_PORT, UART_NR_PORTS, uart_io, u);
}

/**
 * uart_connect_irq() - wire the interrupt line
 * @u: the UART
 * @set_irq: called with the line's new level when it changes
 * @opaque: passed to @set_irq
 */
void uart_connect_irq(struct uart16550 *u, uart_irq_fn set_irq, void *opaque)
{
	u->set_irq = set_irq;
	u->irq_opaque = opaque;
	u->irq = false;
	update_irq(u);
}

/* Wait for input, or for RBR to empty, and put the next byte in RBR. */
static void *reader(void *opaque)
{
	struct uart16550 *u = opaque;
	struct pollfd pfd[2] = {
		{ .fd = u->in_fd, .events = POLLIN },
		{ .fd = u->stop_fd, .events = POLLIN },
	};

	pthread_mutex_lock(u->lock);
	while (!u->stopping && !u->rx_eof) {
		if (u->rx_full) {
			pthread_cond_wait(&u->rx_taken, u->lock);
			continue;
		}
		pthread_mutex_unlock(u->lock);
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			pthread_mutex_lock(u->lock);
			break;
		}
		pthread_mutex_lock(u->lock);
		if (!u->stopping)
			uart_poll_rx(u);
	}
	pthread_mutex_unlock(u->lock);
	return NULL;
}

/**
 * uart_start_reader() - deliver input as it arrives, not only when polled
 * @u: the UART, its line connected
 * @lock: the lock every access to @u holds
 *
 * Return: 0 or -errno.
 */
int uart_start_reader(struct uart16550 *u, pthread_mutex_t *lock)
{
	sigset_t all, old;
	int ret;

	if (u->in_fd < 0)
		return 0;
	u->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (u->stop_fd < 0)
		return -errno;
	u->lock = lock;
	/* Signals are for the vCPU threads: the reader inherits a full mask. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&u->reader, NULL, reader, u);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		close(u->stop_fd);
		u->stop_fd = -1;
		return -ret;
	}
	return 0;
}

/**
 * uart_stop_reader() - stop and join the reader thread, if it runs
 * @u: the UART
 */
void uart_stop_reader(struct uart16550 *u)
{
	__u64 one = 1;

	if (u->stop_fd < 0)
		return;
	pthread_mutex_lock(u->lock);
	u->stopping = true;
	pthread_cond_signal(&u->rx_taken);
	pthread_mutex_unlock(u->lock);
	write_all(u->stop_fd, &one, sizeof(one));
	pthread_join(u->reader, NULL);
	close(u->stop_fd);
	u->stop_fd = -1;
}
