/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scratch devices some guests under tests/guests/ expect the host-side
 * test program to provide.  The minivmx tool alone does not implement them:
 * without them those guests report failures.  Plain C: the host programs
 * include this file too.
 */
#ifndef MINIVMX_GUEST_TESTDEV_H
#define MINIVMX_GUEST_TESTDEV_H

/*
 * Echo ports ECHO_PORT .. ECHO_PORT + ECHO_NR_PORTS - 1: an OUT stores the
 * value, an IN of the same size from the same port returns the last value
 * stored there.  The portio guest always reads back with the size it wrote,
 * and never lets accesses of different sizes overlap, so a host may keep
 * either one value per port or one byte per port.
 */
#define ECHO_PORT	0x510
#define ECHO_NR_PORTS	8

/*
 * FIFO port for the string I/O tests: the bytes of every OUT (of any size,
 * string or not) are queued in order (little-endian within an item); every
 * IN takes its bytes from the head of the queue.  The portio guest never
 * has more than 300 bytes queued.
 */
#define FIFO_PORT	0x518

/* The bench guest writes 10000 bytes here: any cheap userspace handler. */
#define BENCH_PORT	0x511

/*
 * MMIO echo window at guest-physical MMIO_ECHO_BASE (the mmio guest uses
 * offsets below 0x100): a write stores the bytes, a read of the same size at
 * the same offset returns them.
 */
#define MMIO_ECHO_BASE	0xd0000000UL
#define MMIO_ECHO_SIZE	0x1000

/* Nothing lives here: reads must return all ones, writes are dropped. */
#define MMIO_EMPTY	0xe0000000UL

/* The tool's user hypercall that answers RBX + 1 (guest-abi.rst). */
#define HC_USER_ECHO	0x100

#endif /* MINIVMX_GUEST_TESTDEV_H */
