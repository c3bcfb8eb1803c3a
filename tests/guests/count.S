/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * count: a guest whose instruction count is known by construction, for
 * `minivmx run --step` (tests/guest/step_tool.sh).  No start file, no
 * library: the same 23 instructions in every mode, numbered below, each
 * run exactly once except the loop's two, five times each.
 *
 * Exits: CPUID (in the kernel), OUT to the debug console 0xe9 (in the
 * kernel, by default), OUT to the UART 0x3f8 (to userspace: the tool's
 * UART), OUT to the exit port 0xf4 (in the kernel: the run ends, status
 * 0).  Output: "KK" (debug console, then UART).
 */
#if defined(MODE_REAL)
	.code16
#elif defined(MODE_LONG)
	.code64
#else
	.code32
#endif

#define COUNT_INSNS	23

	.section .text.entry, "ax"
	.globl _start
_start:
	movl $1, %eax		/* 1 */
	movl $2, %ecx		/* 2 */
	addl %ecx, %eax		/* 3: EAX = 3 */
	xorl %eax, %eax		/* 4 */
	cpuid			/* 5: leaf 0, a CPUID exit */
	movw $0xe9, %dx		/* 6 */
	movb $0x4b, %al		/* 7: 'K' */
	outb %al, %dx		/* 8: debug console */
	movw $0x3f8, %dx	/* 9 */
	outb %al, %dx		/* 10: UART transmit holding register */
	movl $5, %ecx		/* 11 */
1:	decl %ecx		/* 12, 14, 16, 18, 20 */
	jnz 1b			/* 13, 15, 17, 19, 21 */
	xorl %eax, %eax		/* 22 */
	outb %al, $0xf4		/* 23: exit status 0 */

	.section .note.GNU-stack, "", @progbits
