/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What start-multiboot.S leaves for the multiboot guest: the registers
 * the loader handed over, saved before anything else ran.
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include "types.h"

extern u32 mb_magic;	/* EAX at entry: 0x2BADB002 */
extern u32 mb_info;	/* EBX at entry: the information structure */
extern char _start[];	/* guest.lds: the first byte of the image */

#endif /* GUEST_MULTIBOOT_H */
