/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry for --mode real.  The tool starts us with CS = DS = ES = SS =
 * load >> 4, IP = 0 and SP = 0xfff0 (Documentation/guest-abi.rst).
 *
 * The C code is gcc -m16 output: 32-bit code assembled as .code16gcc, so
 * every instruction carries operand- and address-size prefixes.  It uses
 * 32-bit registers and addresses, which must therefore be offsets below
 * 64 KiB from the segment base (see guest.lds, linked at 0 for this mode),
 * calls push 4-byte return addresses (CALLL/RETL), and arguments are
 * 4-byte stack slots as in i386 cdecl.
 */
#define STACK_SIZE	8192

	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	/*
	 * All segments on the one the image was loaded in: gcc addresses
	 * locals through (E)SP/(E)BP (SS) and everything else through DS and
	 * ES (string instructions), and passes pointers to both freely.
	 */
	movw %cs, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	/*
	 * Our own stack, in .bss.  All of ESP, not just SP: the -m16 code
	 * addresses the stack as (%esp) with a 32-bit address size, so the
	 * upper half must be 0.  The MOV to SS above blocks interrupts until
	 * after this instruction (SDM Vol. 3A 6.8.3); they are off anyway.
	 */
	movl $stack_top, %esp
	xorl %ebp, %ebp

	/* Clear .bss (it holds the stack, unused so far): ES:DI, CX bytes. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* No top of RAM is passed in real mode: ram_top stays 0. */

	calll serial_init
	calll main
	pushl %eax
	calll exit
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
