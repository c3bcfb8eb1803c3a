/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry for --mode protected and --mode paged: 32-bit code, flat segments
 * from the tool's GDT (CS = 0x08, data 0x10), EIP = entry and ESP = top of
 * RAM (Documentation/guest-abi.rst).
 */
#define STACK_SIZE	16384

	.code32
	.section .text.entry, "ax"
	.globl _start
_start:
	cld

	/* Clear .bss: ES:EDI, ECX bytes.  ESP is not touched. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* The tool's ESP is the top of RAM: keep it, then use our own stack. */
	movl %esp, ram_top
	movl $stack_top, %esp
	xorl %ebp, %ebp

	call serial_init
	call main
	/* exit(main()): keep the i386 ABI's 16-byte alignment at the call */
	subl $12, %esp
	pushl %eax
	call exit
1:	hlt
	jmp 1b

	.bss
	.balign 16
stack:
	.skip STACK_SIZE
stack_top:

	.globl ram_top
	.balign 4
ram_top:
	.long 0

	.section .note.GNU-stack, "", @progbits
