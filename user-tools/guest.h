/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest a flat binary finds (Documentation/guest-abi.rst): memory
 * layout, the GDT and page tables the tool builds, and the registers at
 * the first instruction in each mode.  Pure functions over a buffer that
 * stands for guest RAM, so the host tests can check every entry.
 */
#ifndef MINIVMX_GUEST_H
#define MINIVMX_GUEST_H

#include <stddef.h>
#include <linux/minivmx.h>

enum guest_mode {
	GUEST_REAL,		/* real mode (unrestricted guest) */
	GUEST_PROTECTED,	/* 32-bit protected mode, paging off */
	GUEST_PAGED,		/* 32-bit paging with 4 MiB pages */
	GUEST_LONG,		/* 64-bit mode, 2 MiB pages */
};

/* Guest-physical layout (guest-abi.rst, "Memory layout"). */
#define GUEST_GDT		0x1000ULL	/* the tool's GDT */
#define GUEST_PML4		0x2000ULL	/* long: PML4 */
#define GUEST_PDPT		0x3000ULL	/* long: PDPT */
#define GUEST_PD		0x4000ULL	/* long: 4 page directories */
#define GUEST_PD32		0x8000ULL	/* paged: the page directory */
#define GUEST_TABLES_END	0x9000ULL	/* end of GDT and page tables */

#define GUEST_LOAD_DEFAULT	0x10000ULL
#define GUEST_MEM_DEFAULT	0x200000ULL
#define GUEST_MEM_MIN		0x100000ULL
/* The identity maps cover 4 GiB, and ESP must hold the top of RAM. */
#define GUEST_MEM_MAX		0x100000000ULL
#define GUEST_MEM_ALIGN		0x1000ULL
/* Real mode reaches 1 MiB (plus the HMA, which the tool does not use). */
#define GUEST_REAL_END		0x100000ULL
#define GUEST_REAL_SP		0xfff0ULL

/* Selectors of the tool's GDT. */
#define GUEST_SEL_CODE		0x08
#define GUEST_SEL_DATA		0x10
#define GUEST_SEL_TSS		0x18

/**
 * struct guest_layout - where everything goes
 * @mode: the mode at the first instruction
 * @mem_size: bytes of RAM from guest-physical 0
 * @load: guest-physical address of the image
 * @image_size: bytes in the image
 * @entry: guest-physical address of the first instruction
 */
struct guest_layout {
	enum guest_mode mode;
	__u64 mem_size;
	__u64 load;
	__u64 image_size;
	__u64 entry;
};

int guest_mode_parse(const char *name, enum guest_mode *mode);
const char *guest_mode_name(enum guest_mode mode);
int guest_layout_check(const struct guest_layout *l, char *why, size_t len);
void guest_build_tables(void *ram, const struct guest_layout *l);
void guest_init_sregs(struct minivmx_sregs *s, const struct guest_layout *l);
void guest_init_regs(struct minivmx_regs *r, const struct guest_layout *l);
__u64 guest_seg_desc(const struct minivmx_segment *seg);

#endif /* MINIVMX_GUEST_H */
