/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the multiboot guest: a Multiboot v1 header (Multiboot
 * Specification 0.6.96, 3.1) in the first 8 KiB, then the registers the
 * loader hands over (EAX the magic, EBX the information structure) saved
 * before anything else, then start32.S's start.  With MB_AOUT the header
 * has the address fields (flags bit 16) and the image is a flat binary;
 * without, the loader reads the ELF program headers.
 */
#define MB_HEADER_MAGIC	0x1BADB002
#define MB_PAGE_ALIGN	0x1
#define MB_MEMORY_INFO	0x2
#define MB_AOUT_KLUDGE	0x10000
#ifdef MB_AOUT
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT_KLUDGE)
#else
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

	.code32
	.section .text.entry, "ax"
	.globl _start
_start:
	jmp mb_entry

	.balign 4
mb_header:
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MB_HEADER_MAGIC + MB_FLAGS)
#ifdef MB_AOUT
	.long mb_header		/* header_addr */
	.long _start		/* load_addr */
	.long 0			/* load_end_addr: the whole file */
	.long _end		/* bss_end_addr */
	.long _start		/* entry_addr */
#endif

mb_entry:
	movl %eax, mb_magic
	movl %ebx, mb_info

	.data
	.globl mb_magic, mb_info
	.balign 4
mb_magic:
	.long 0
mb_info:
	.long 0

/* start32.S goes on in .text.entry: clear .bss, stack, main(), exit(). */
#define _start	start32
#include "start32.S"
