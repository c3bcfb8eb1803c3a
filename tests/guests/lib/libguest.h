/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guests' tiny library (the model is kvm-unit-tests' lib/): console
 * output, printf, TAP-ish reports, the exit port and the ucall channel.
 *
 * The same sources build for -m16 (real mode), -m32 (protected and paged)
 * and -m64 (long mode); the Makefile defines MODE_REAL, MODE_PROTECTED,
 * MODE_PAGED or MODE_LONG.
 */
#ifndef GUEST_LIBGUEST_H
#define GUEST_LIBGUEST_H

#include <stdarg.h>

#include "types.h"
#include "io.h"
#include "mmio.h"
#include "processor.h"
#include "../ucall.h"

/* Documentation/guest-abi.rst, "Devices" */
#define COM1_PORT	0x3f8
#define DEBUGCON_PORT	0xe9
#define EXIT_PORT	0xf4

#if defined(MODE_REAL)
#define MODE_NAME	"real"
#define IS_REAL_MODE	1
#elif defined(MODE_PROTECTED)
#define MODE_NAME	"protected"
#define IS_REAL_MODE	0
#elif defined(MODE_PAGED)
#define MODE_NAME	"paged"
#define IS_REAL_MODE	0
#elif defined(MODE_LONG)
#define MODE_NAME	"long"
#define IS_REAL_MODE	0
#else
#error "build with -DMODE_REAL, -DMODE_PROTECTED, -DMODE_PAGED or -DMODE_LONG"
#endif

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))
#define __packed	__attribute__((packed))

/* start*.S */
extern unsigned long ram_top;	/* stack pointer at entry: top of RAM, 0 in real mode */
extern char _end[];		/* guest.lds: end of the image, .bss included */
int main(void);

/* serial.c */
void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
void debugcon_putc(char c);
void debugcon_puts(const char *s);

/* printf.c: printf() goes to the serial port */
int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) __printf(1, 2);
int debugcon_printf(const char *fmt, ...) __printf(1, 2);

/* report.c */
void report(bool pass, const char *fmt, ...) __printf(2, 3);
int report_summary(void);

/* exit.c */
void exit(int status) __noreturn;

/* ucall.c */
unsigned long virt_to_phys(const void *p);
void ucall(u64 cmd, u64 a0, u64 a1);

/* string.c: gcc may emit calls to these even in freestanding code */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* GUEST_LIBGUEST_H */
