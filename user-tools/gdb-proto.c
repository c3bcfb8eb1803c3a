// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GDB remote serial protocol's framing (gdb's manual, "Overview" and
 * "Packets" in the "Remote Protocol" appendix): "$DATA#CS", CS the sum of
 * DATA's bytes modulo 256 in two hex digits; '+' and '-' acknowledge until
 * QStartNoAckMode turns them off; a lone 0x03 asks to stop the target.
 * Binary data (X packets, qXfer replies) escapes '#', '$', '}' and '*' as
 * '}' followed by the byte XOR 0x20.  gdb never sends run-length encoding,
 * and we never send it.
 */
#include <string.h>
#include <sys/types.h>

#include "gdb-proto.h"

enum { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 };

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state = RX_IDLE;
	rx->len = 0;
	rx->sum = 0;
	rx->csum = 0;
	rx->overflow = false;
	rx->buf[0] = '\0';
}

/*
 * Feed one byte.  Bytes between packets other than '$', '+', '-' and 0x03
 * are line noise and ignored; a '$' inside a packet starts it over, as
 * gdbserver does.  A bad checksum digit counts as a bad checksum.
 */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, char c)
{
	int d;

	switch (rx->state) {
	case RX_IDLE:
		if (c == '$') {
			gdb_rx_init(rx);
			rx->state = RX_DATA;
		} else if (c == 0x03) {
			return GDB_RX_INTERRUPT;
		} else if (c == '+') {
			return GDB_RX_ACK;
		} else if (c == '-') {
			return GDB_RX_NACK;
		}
		return GDB_RX_NONE;
	case RX_DATA:
		if (c == '$') {
			gdb_rx_init(rx);
			rx->state = RX_DATA;
		} else if (c == '#') {
			rx->state = RX_CSUM1;
		} else {
			rx->sum += (__u8)c;
			if (rx->len < GDB_PACKET_SIZE)
				rx->buf[rx->len++] = c;
			else
				rx->overflow = true;
		}
		return GDB_RX_NONE;
	case RX_CSUM1:
		d = gdb_hex_digit(c);
		rx->csum = d < 0 ? (__u8)~rx->sum : d << 4;
		rx->state = d < 0 ? RX_IDLE : RX_CSUM2;
		return d < 0 ? GDB_RX_BAD_CHECKSUM : GDB_RX_NONE;
	default:
		rx->state = RX_IDLE;
		d = gdb_hex_digit(c);
		rx->buf[rx->len] = '\0';
		if (d < 0 || (rx->csum | d) != rx->sum)
			return GDB_RX_BAD_CHECKSUM;
		return rx->overflow ? GDB_RX_OVERFLOW : GDB_RX_PACKET;
	}
}

__u8 gdb_checksum(const char *data, size_t len)
{
	__u8 sum = 0;

	while (len--)
		sum += (__u8)*data++;
	return sum;
}

/* Return: the value of hex digit @c, or -1. */
int gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* @len bytes as 2 * @len lower-case hex digits (no NUL). */
void gdb_hex_encode(char *dst, const void *src, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const __u8 *s = src;

	while (len--) {
		*dst++ = digits[*s >> 4];
		*dst++ = digits[*s++ & 0xf];
	}
}

/* 2 * @len hex digits at @src into @len bytes.  Return: 0, or -1. */
int gdb_hex_decode(void *dst, const char *src, size_t len)
{
	__u8 *d = dst;
	int hi, lo;

	while (len--) {
		hi = gdb_hex_digit(*src++);
		lo = hi < 0 ? -1 : gdb_hex_digit(*src++);
		if (lo < 0)
			return -1;
		*d++ = hi << 4 | lo;
	}
	return 0;
}

/*
 * A hex number at *@p, at most 16 digits; *@p moves past it.
 * Return: 0, or -1 if there is no digit or too many.
 */
int gdb_parse_hex(const char **p, __u64 *val)
{
	const char *s = *p;
	__u64 v = 0;
	int d, n = 0;

	while ((d = gdb_hex_digit(*s)) >= 0) {
		if (++n > 16)
			return -1;
		v = v << 4 | d;
		s++;
	}
	if (!n)
		return -1;
	*val = v;
	*p = s;
	return 0;
}

static bool needs_escape(char c)
{
	return c == '#' || c == '$' || c == '}' || c == '*';
}

/*
 * Escape bytes of @src into at most @room bytes at @dst, stopping before
 * a byte that would not fit.  Return: bytes written; *@used: bytes of
 * @src they hold.
 */
size_t gdb_escape(char *dst, size_t room, const char *src, size_t len,
		  size_t *used)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (needs_escape(src[i])) {
			if (n + 2 > room)
				break;
			dst[n++] = '}';
			dst[n++] = src[i] ^ 0x20;
		} else {
			if (n + 1 > room)
				break;
			dst[n++] = src[i];
		}
	}
	*used = i;
	return n;
}

/*
 * Undo gdb_escape(); @dst may be @src.  Return: bytes written, or -1 if
 * the data ends in the middle of an escape.
 */
ssize_t gdb_unescape(char *dst, const char *src, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (src[i] == '}') {
			if (++i == len)
				return -1;
			dst[n++] = src[i] ^ 0x20;
		} else {
			dst[n++] = src[i];
		}
	}
	return n;
}

/*
 * "$DATA#CS" at @dst, which has room for @len + 4 bytes and may overlap
 * @data.  @data must be escaped already where it is binary.
 * Return: the frame's length.
 */
size_t gdb_frame(char *dst, const char *data, size_t len)
{
	__u8 sum = gdb_checksum(data, len);

	memmove(dst + 1, data, len);
	dst[0] = '$';
	dst[len + 1] = '#';
	gdb_hex_encode(dst + len + 2, &sum, 1);
	return len + 4;
}
