// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal printf: %d %i %u %x %X %p %s %c %%, with the length modifiers
 * l, ll and z, a field width with an optional '0' flag ("%08llx") and the
 * '#' flag for a 0x prefix ("%#x").
 *
 * There is no libgcc: a 64-bit division in -m16 or -m32 code would call
 * __udivdi3, so decimal conversion divides by 10 with 32-bit divisions
 * only (div10() below).
 */
#include "libguest.h"

typedef void (*sink_t)(char c);

/*
 * *n /= 10, returning the remainder.  Long division by 16-bit digits: each
 * step divides (remainder << 16 | next digit), which is below 10 << 16 and
 * so fits in 32 bits.
 */
static unsigned int div10(u64 *n)
{
	u32 hi = *n >> 32, lo = *n;
	u32 q_hi = hi / 10, r = hi % 10;
	u32 cur, q_mid, q_lo;

	cur = (r << 16) | (lo >> 16);
	q_mid = cur / 10;
	r = cur % 10;
	cur = (r << 16) | (lo & 0xffff);
	q_lo = cur / 10;
	r = cur % 10;
	*n = ((u64)q_hi << 32) | (q_mid << 16) | q_lo;
	return r;
}

static int put_num(sink_t put, u64 n, unsigned int base, bool upper,
		   bool neg, unsigned int width, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];		/* 2^64 has 20 decimal digits, plus '-' */
	unsigned int len = 0, out = 0;

	do {
		if (base == 16) {
			buf[len++] = digits[n & 0xf];
			n >>= 4;
		} else {
			buf[len++] = digits[div10(&n)];
		}
	} while (n);
	if (neg && pad == '0') {
		put('-');
		out++;
		width = width ? width - 1 : 0;
	} else if (neg) {
		buf[len++] = '-';
	}
	for (; width > len; width--, out++)
		put(pad);
	while (len) {
		put(buf[--len]);
		out++;
	}
	return out;
}

static int vxprintf(sink_t put, const char *fmt, va_list ap)
{
	int out = 0;

	for (; *fmt; fmt++) {
		unsigned int width = 0, lng = 0;
		char pad = ' ';
		bool neg = false, alt = false;
		const char *s;
		u64 n;

		if (*fmt != '%') {
			put(*fmt);
			out++;
			continue;
		}
		for (fmt++; *fmt == '0' || *fmt == '#'; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else
				alt = true;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng += *fmt == 'z' ? (sizeof(size_t) == 8 ? 2 : 1) : 1;

		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 2)
				n = va_arg(ap, long long);
			else if (lng)
				n = va_arg(ap, long);
			else
				n = va_arg(ap, int);
			neg = (long long)n < 0;
			if (neg)
				n = -n;
			out += put_num(put, n, 10, false, neg, width, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng >= 2)
				n = va_arg(ap, unsigned long long);
			else if (lng)
				n = va_arg(ap, unsigned long);
			else
				n = va_arg(ap, unsigned int);
			if (alt && *fmt != 'u') {
				put('0');
				put('x');
				out += 2;
			}
			out += put_num(put, n, *fmt == 'u' ? 10 : 16,
				       *fmt == 'X', false, width, pad);
			break;
		case 'p':
			put('0');
			put('x');
			n = (unsigned long)va_arg(ap, void *);
			out += 2 + put_num(put, n, 16, false, false, width, pad);
			break;
		case 'c':
			put((char)va_arg(ap, int));
			out++;
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (n = strlen(s); width > n; width--, out++)
				put(' ');
			for (; *s; s++, out++)
				put(*s);
			break;
		case '%':
			put('%');
			out++;
			break;
		case '\0':
			return out;	/* a lone '%' at the end */
		default:
			/* unknown: show it as written, it's a bug to fix */
			put('%');
			put(*fmt);
			out += 2;
			break;
		}
	}
	return out;
}

int vprintf(const char *fmt, va_list ap)
{
	return vxprintf(serial_putc, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vxprintf(serial_putc, fmt, ap);
	va_end(ap);
	return ret;
}

int debugcon_printf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vxprintf(debugcon_putc, fmt, ap);
	va_end(ap);
	return ret;
}
