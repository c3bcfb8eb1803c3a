// SPDX-License-Identifier: GPL-2.0-only
/*
 * portio: IN and OUT of every size, and the string forms INS/OUTS with and
 * without REP and with DF set, against the host test's echo ports and FIFO
 * (testdev.h).  Checks the data and how the string instructions leave
 * (E/R)SI, (E/R)DI and (E/R)CX.  Long and real mode.
 *
 * Host: echo ports 0x510-0x517, FIFO port 0x518.  Serial: the reports;
 * exit status 0.
 */
#include "libguest.h"
#include "testdev.h"

#define STR_BYTES	300	/* a multiple of 2 and 4: the same buffer for all sizes */

static u8 out_buf[STR_BYTES], in_buf[STR_BYTES];

static void fill(void)
{
	unsigned int i;

	for (i = 0; i < STR_BYTES; i++)
		out_buf[i] = i * 7 + 3;
	memset(in_buf, 0, sizeof(in_buf));
}

static void test_echo(void)
{
	unsigned int i, bad = 0;
	u16 w;
	u32 l;
	u8 b;

	/* One byte in each port, then all read back: ports are distinct. */
	for (i = 0; i < ECHO_NR_PORTS; i++)
		outb(ECHO_PORT + i, 0xa0 + i);
	for (i = 0; i < ECHO_NR_PORTS; i++) {
		b = inb(ECHO_PORT + i);
		if (b != 0xa0 + i) {
			printf("# port %#x: %#x, expected %#x\n",
			       ECHO_PORT + i, b, 0xa0 + i);
			bad++;
		}
	}
	report(!bad, "outb/inb on each of ports %#x-%#x", ECHO_PORT,
	       ECHO_PORT + ECHO_NR_PORTS - 1);

	outw(ECHO_PORT + 2, 0xbeef);
	w = inw(ECHO_PORT + 2);
	report(w == 0xbeef, "outw/inw on port %#x (%#x)", ECHO_PORT + 2, w);
	outl(ECHO_PORT + 4, 0xdeadbeef);
	l = inl(ECHO_PORT + 4);
	report(l == 0xdeadbeef, "outl/inl on port %#x (%#x)", ECHO_PORT + 4, l);
	outb(ECHO_PORT, 0x5a);
	b = inb(ECHO_PORT);
	report(b == 0x5a, "outb/inb again on port %#x (%#x)", ECHO_PORT, b);
}

/*
 * REP OUTS then REP INS of @count items of @size bytes through the FIFO,
 * checking the data and the registers: SI and DI advance by count * size
 * and CX ends at 0 (SDM Vol. 2B, OUTS and REP).
 */
static void test_rep(unsigned int size, unsigned long count)
{
	const u8 *src = out_buf;
	u8 *dst = in_buf;
	unsigned long cx_out = count, cx_in = count;

	fill();
	switch (size) {
	case 1:
		asm volatile("rep outsb" : "+S"(src), "+c"(cx_out)
			     : "d"(FIFO_PORT) : "memory");
		asm volatile("rep insb" : "+D"(dst), "+c"(cx_in)
			     : "d"(FIFO_PORT) : "memory");
		break;
	case 2:
		asm volatile("rep outsw" : "+S"(src), "+c"(cx_out)
			     : "d"(FIFO_PORT) : "memory");
		asm volatile("rep insw" : "+D"(dst), "+c"(cx_in)
			     : "d"(FIFO_PORT) : "memory");
		break;
	default:
		asm volatile("rep outsl" : "+S"(src), "+c"(cx_out)
			     : "d"(FIFO_PORT) : "memory");
		asm volatile("rep insl" : "+D"(dst), "+c"(cx_in)
			     : "d"(FIFO_PORT) : "memory");
		break;
	}
	report(!memcmp(out_buf, in_buf, size * count),
	       "rep outs/ins of %lu x %u bytes: data", count, size);
	report(src == out_buf + size * count && dst == in_buf + size * count &&
	       !cx_out && !cx_in,
	       "rep outs/ins of %lu x %u bytes: SI +%ld, DI +%ld, CX %lu/%lu",
	       count, size, (long)(src - out_buf), (long)(dst - in_buf),
	       cx_out, cx_in);
}

/* OUTSB and INSB without REP: one byte each, CX untouched. */
static void test_single(void)
{
	const u8 *src = out_buf + 5;
	u8 *dst = in_buf + 9;
	unsigned long cx = 1234;

	fill();
	asm volatile("outsb" : "+S"(src), "+c"(cx) : "d"(FIFO_PORT) : "memory");
	asm volatile("insb" : "+D"(dst), "+c"(cx) : "d"(FIFO_PORT) : "memory");
	report(in_buf[9] == out_buf[5] && src == out_buf + 6 &&
	       dst == in_buf + 10 && cx == 1234,
	       "outsb/insb without rep: one byte, SI/DI +1, CX kept");
}

/* The FIFO is bytes in order: a dword comes back little-endian. */
static void test_byte_order(void)
{
	static const u32 dword = 0x04030201;

	memset(in_buf, 0, sizeof(in_buf));
	outsl(FIFO_PORT, &dword, 1);
	insb(FIFO_PORT, in_buf, 4);
	report(in_buf[0] == 1 && in_buf[1] == 2 && in_buf[2] == 3 &&
	       in_buf[3] == 4, "outsl then insb x 4: little-endian bytes");
}

/*
 * With DF set, REP OUTSB walks down from SI: the FIFO receives the buffer
 * backwards, and SI ends one below the buffer (SDM Vol. 2B, OUTS).
 */
static void test_backward(void)
{
	const unsigned int n = 16;
	const u8 *src = out_buf + n - 1;
	unsigned long cx = n;
	unsigned int i;
	bool ok = true;

	fill();
	asm volatile("std\n\trep outsb\n\tcld"
		     : "+S"(src), "+c"(cx) : "d"(FIFO_PORT) : "memory", "cc");
	insb(FIFO_PORT, in_buf, n);
	for (i = 0; i < n; i++)
		ok &= in_buf[i] == out_buf[n - 1 - i];
	report(ok && (unsigned long)src == (unsigned long)out_buf - 1 && !cx,
	       "std; rep outsb: bytes in reverse order, SI decremented");
}

int main(void)
{
	test_echo();
	test_rep(1, STR_BYTES);
	test_rep(2, STR_BYTES / 2);
	test_rep(4, STR_BYTES / 4);
	test_single();
	test_byte_order();
	test_backward();
	return report_summary();
}
