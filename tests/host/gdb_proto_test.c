// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gdb stub's packet layer (user-tools/gdb-proto.c), linked straight
 * from user-tools/: checksums, the receiver's events on good, bad and
 * noisy input, framing, hex, and the escapes of binary data.  Checksums
 * below are worked out by hand from the ASCII codes.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "gdb-proto.h"

/*
 * Feed @s; return the last event that was not GDB_RX_NONE (as an int: the
 * harness compares with the int enumerators).
 */
static int feed(struct gdb_rx *rx, const char *s, size_t len)
{
	enum gdb_rx_event last = GDB_RX_NONE, e;
	size_t i;

	for (i = 0; i < len; i++) {
		e = gdb_rx_byte(rx, s[i]);
		if (e != GDB_RX_NONE)
			last = e;
	}
	return last;
}

static int FEED(struct gdb_rx *rx, const char *s)
{
	return feed(rx, s, strlen(s));
}

static int byte(struct gdb_rx *rx, char c)
{
	return gdb_rx_byte(rx, c);
}

TEST(checksum)
{
	EXPECT_EQ(0x9a, gdb_checksum("OK", 2));		/* 0x4f + 0x4b */
	EXPECT_EQ(0x67, gdb_checksum("g", 1));
	/* m 1 0 0 3 3 , 4: 452 = 0x1c4 */
	EXPECT_EQ(0xc4, gdb_checksum("m10033,4", 8));
	EXPECT_EQ(0, gdb_checksum("", 0));
}

TEST(receives_packets)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$m10033,4#c4"));
	EXPECT_EQ(8U, rx.len);
	EXPECT_STREQ("m10033,4", rx.buf);
	/* Upper-case digits, and an empty packet. */
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$OK#9A"));
	EXPECT_STREQ("OK", rx.buf);
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$#00"));
	EXPECT_EQ(0U, rx.len);
}

TEST(bad_checksums)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	EXPECT_EQ(GDB_RX_BAD_CHECKSUM, FEED(&rx, "$OK#9b"));
	EXPECT_EQ(GDB_RX_BAD_CHECKSUM, FEED(&rx, "$OK#x0"));
	EXPECT_EQ(GDB_RX_BAD_CHECKSUM, FEED(&rx, "$OK#9z"));
	/* The receiver is ready for the next packet. */
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$g#67"));
	EXPECT_STREQ("g", rx.buf);
}

TEST(acks_interrupt_and_noise)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	EXPECT_EQ(GDB_RX_ACK, byte(&rx, '+'));
	EXPECT_EQ(GDB_RX_NACK, byte(&rx, '-'));
	EXPECT_EQ(GDB_RX_INTERRUPT, byte(&rx, 0x03));
	EXPECT_EQ(GDB_RX_NONE, FEED(&rx, "xyz\r\n#99"));
	/* Inside a packet these bytes are data. */
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$+-#58"));	/* 0x2b + 0x2d */
	EXPECT_STREQ("+-", rx.buf);
	/* A '$' inside a packet starts it over. */
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$abc$g#67"));
	EXPECT_STREQ("g", rx.buf);
}

TEST(overflow)
{
	static char big[GDB_PACKET_SIZE + 8];
	struct gdb_rx rx;
	char trailer[4];

	memset(big, 'a', GDB_PACKET_SIZE + 1);
	gdb_rx_init(&rx);
	EXPECT_EQ(GDB_RX_NONE, byte(&rx, '$'));
	EXPECT_EQ(GDB_RX_NONE, feed(&rx, big, GDB_PACKET_SIZE + 1));
	/* The checksum counts every byte, kept or not: (n * 0x61) % 256. */
	snprintf(trailer, sizeof(trailer), "#%02x",
		 (unsigned int)(((GDB_PACKET_SIZE + 1) * 0x61) & 0xff));
	EXPECT_EQ(GDB_RX_OVERFLOW, FEED(&rx, trailer));
	EXPECT_EQ(GDB_RX_PACKET, FEED(&rx, "$g#67"));
}

TEST(frame)
{
	char buf[32];

	EXPECT_EQ(6U, gdb_frame(buf, "OK", 2));
	EXPECT_EQ(0, memcmp(buf, "$OK#9a", 6));
	/* The data may already sit in the frame's buffer. */
	memcpy(buf + 8, "g", 1);
	EXPECT_EQ(5U, gdb_frame(buf, buf + 8, 1));
	EXPECT_EQ(0, memcmp(buf, "$g#67", 5));
	EXPECT_EQ(4U, gdb_frame(buf, "", 0));
	EXPECT_EQ(0, memcmp(buf, "$#00", 4));
}

TEST(hex)
{
	static const __u8 bytes[] = { 0x00, 0x12, 0xab, 0xff };
	const char *p;
	char hex[16];
	__u8 back[4];
	__u64 v;

	gdb_hex_encode(hex, bytes, sizeof(bytes));
	EXPECT_EQ(0, memcmp(hex, "0012abff", 8));
	EXPECT_EQ(0, gdb_hex_decode(back, "0012ABff", 4));
	EXPECT_EQ(0, memcmp(back, bytes, 4));
	EXPECT_EQ(-1, gdb_hex_decode(back, "00g2", 2));
	EXPECT_EQ(-1, gdb_hex_decode(back, "0", 1));	/* NUL is no digit */

	p = "1f,4";
	ASSERT_EQ(0, gdb_parse_hex(&p, &v));
	EXPECT_EQ(0x1fULL, v);
	EXPECT_EQ(',', *p);
	p = "ffffffffffffffff:";
	ASSERT_EQ(0, gdb_parse_hex(&p, &v));
	EXPECT_EQ(~0ULL, v);
	p = ",4";
	EXPECT_EQ(-1, gdb_parse_hex(&p, &v));
	EXPECT_EQ(',', *p);
	p = "10000000000000000";				/* 17 digits */
	EXPECT_EQ(-1, gdb_parse_hex(&p, &v));
}

TEST(escapes)
{
	static const char raw[] = "a#b$c}d*e";
	/* '#' ^ 0x20 = 0x03, '$' ^ 0x20 = 0x04, '}' ^ 0x20 = ']', '*' ^ 0x20 = '\n' */
	static const char esc[] = "a}\003b}\004c}]d}\ne";
	char out[32], back[32];
	size_t used, n;

	n = gdb_escape(out, sizeof(out), raw, 9, &used);
	EXPECT_EQ(13U, n);
	EXPECT_EQ(9U, used);
	EXPECT_EQ(0, memcmp(out, esc, 13));
	EXPECT_EQ(9, gdb_unescape(back, out, n));
	EXPECT_EQ(0, memcmp(back, raw, 9));
	/* No room for the escape pair: stop before it, not in the middle. */
	n = gdb_escape(out, 2, raw, 9, &used);
	EXPECT_EQ(1U, n);
	EXPECT_EQ(1U, used);
	/* Data ending inside an escape is refused. */
	EXPECT_EQ(-1, gdb_unescape(back, "ab}", 3));
	/* In place. */
	memcpy(out, "x}]y", 4);
	EXPECT_EQ(3, gdb_unescape(out, out, 4));
	EXPECT_EQ(0, memcmp(out, "x}y", 3));
}

TEST_HARNESS_MAIN
