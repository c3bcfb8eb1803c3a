/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry for --mode long: 64-bit code segment 0x08, identity-mapped first
 * 4 GiB, RIP = entry and RSP = top of RAM (Documentation/guest-abi.rst).
 */
#define STACK_SIZE	16384

	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	cld

	/* Clear .bss: RDI, RCX bytes.  RSP is not touched. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* The tool's RSP is the top of RAM: keep it, then use our own stack. */
	movq %rsp, ram_top(%rip)
	movl $stack_top, %esp
	xorl %ebp, %ebp

	/* RSP is 16-byte aligned before each call, as the SysV ABI wants. */
	call serial_init
	call main
	movl %eax, %edi
	call exit
1:	hlt
	jmp 1b

	.bss
	.balign 16
stack:
	.skip STACK_SIZE
stack_top:

	.globl ram_top
	.balign 8
ram_top:
	.quad 0

	.section .note.GNU-stack, "", @progbits
