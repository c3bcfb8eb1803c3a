/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The GDB remote serial protocol's framing: packets "$DATA#CS" with a
 * modulo-256 checksum, acknowledgements, the interrupt byte, escapes and
 * hex.  Pure functions and a byte-at-a-time receiver, so the host tests
 * can feed them anything; gdbstub.c does the I/O.
 */
#ifndef MINIVMX_GDB_PROTO_H
#define MINIVMX_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

/* The largest packet we take and send (qSupported's PacketSize). */
#define GDB_PACKET_SIZE		4096

/* What gdb_rx_byte() made of one more byte. */
enum gdb_rx_event {
	GDB_RX_NONE,		/* nothing complete yet */
	GDB_RX_PACKET,		/* rx->buf holds rx->len bytes, checksum good */
	GDB_RX_BAD_CHECKSUM,	/* a whole packet whose checksum is wrong */
	GDB_RX_OVERFLOW,	/* a packet longer than GDB_PACKET_SIZE */
	GDB_RX_INTERRUPT,	/* 0x03 between packets: stop the target */
	GDB_RX_ACK,		/* '+' */
	GDB_RX_NACK,		/* '-': send the last packet again */
};

/**
 * struct gdb_rx - the receiver's state between bytes
 * @state: where in a packet we are (gdb-proto.c)
 * @len: bytes of data in @buf so far
 * @sum: checksum of those bytes
 * @csum: the checksum the packet carries, as its two digits come
 * @overflow: the packet was longer than @buf
 * @buf: the packet's data, NUL-terminated when complete
 */
struct gdb_rx {
	int state;
	size_t len;
	__u8 sum;
	__u8 csum;
	bool overflow;
	char buf[GDB_PACKET_SIZE + 1];
};

void gdb_rx_init(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, char c);

__u8 gdb_checksum(const char *data, size_t len);
int gdb_hex_digit(char c);
void gdb_hex_encode(char *dst, const void *src, size_t len);
int gdb_hex_decode(void *dst, const char *src, size_t len);
int gdb_parse_hex(const char **p, __u64 *val);
size_t gdb_escape(char *dst, size_t room, const char *src, size_t len,
		  size_t *used);
ssize_t gdb_unescape(char *dst, const char *src, size_t len);
size_t gdb_frame(char *dst, const char *data, size_t len);

#endif /* MINIVMX_GDB_PROTO_H */
