// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest a flat binary finds at its first instruction, as
 * Documentation/guest-abi.rst promises it: the layout checks, the GDT and
 * page tables in guest memory, and the registers.
 *
 * The segment registers' hidden parts and the GDT descriptors come from
 * the same struct minivmx_segment, so a guest that reloads a selector gets
 * exactly what it started with.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"
#include "util.h"

/* CR0, CR4 and EFER bits (SDM Vol. 3A 2.5, 2.2.1). */
#define CR0_PE		BIT_ULL(0)
#define CR0_ET		BIT_ULL(4)
#define CR0_PG		BIT_ULL(31)
#define CR4_PSE		BIT_ULL(4)
#define CR4_PAE		BIT_ULL(5)
#define EFER_LME	BIT_ULL(8)
#define EFER_LMA	BIT_ULL(10)
#define RFLAGS_FIXED	BIT_ULL(1)

/* Paging-structure entry bits (SDM Vol. 3A Tables 4-4, 4-15 to 4-18). */
#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_PS		BIT_ULL(7)

/* Segment types (SDM Vol. 3A 3.4.5.1, Table 3-2; 3.5, Table 3-2). */
#define SEG_TYPE_DATA	0x3	/* read/write, accessed */
#define SEG_TYPE_CODE	0xb	/* execute/read, accessed */
#define SEG_TYPE_TSS	0xb	/* busy 32-bit (or 64-bit) TSS */
#define TSS_LIMIT	0x67	/* the 104-byte TSS, the minimum (7.2.1) */

#define REAL_SEG_LIMIT	0xffffULL
#define REAL_IVT_LIMIT	0x3ff
#define FLAT_LIMIT	0xffffffffU

static const char * const mode_names[] = {
	[GUEST_REAL] = "real",
	[GUEST_PROTECTED] = "protected",
	[GUEST_PAGED] = "paged",
	[GUEST_LONG] = "long",
};

/**
 * guest_mode_parse() - a mode by its --mode name
 * @name: "real", "protected", "paged" or "long"
 * @mode: out: the mode
 *
 * Return: 0, or -EINVAL for another name.
 */
int guest_mode_parse(const char *name, enum guest_mode *mode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(name, mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * guest_mode_name() - the --mode name of a mode
 * @mode: the mode
 *
 * Return: its name, or "?" for a value outside the enum.
 */
const char *guest_mode_name(enum guest_mode mode)
{
	return (unsigned int)mode < ARRAY_SIZE(mode_names) ?
	       mode_names[mode] : "?";
}

/**
 * guest_layout_check() - can the image run with this layout?
 * @l: the layout
 * @why: out: on failure, what is wrong, as a sentence for the user
 * @len: room in @why
 *
 * RAM is a multiple of 4 KiB from 1 MiB to 4 GiB; the image is not empty
 * and fits in RAM at @l->load; outside real mode it stays clear of the GDT
 * and page tables (0x1000-0x8fff); in real mode it ends below 1 MiB; the
 * entry point is in RAM and, in real mode, in the 64 KiB code segment
 * that starts at the load address.
 *
 * Return: 0, or -EINVAL with @why filled.
 */
int guest_layout_check(const struct guest_layout *l, char *why, size_t len)
{
	unsigned long long mem = l->mem_size, load = l->load;
	unsigned long long size = l->image_size, entry = l->entry;
	unsigned long long end = load + size, cs_base = load >> 4 << 4;

	if (mem % GUEST_MEM_ALIGN) {
		snprintf(why, len,
			 "--mem %#llx is not a multiple of 4 KiB", mem);
	} else if (mem < GUEST_MEM_MIN) {
		snprintf(why, len,
			 "--mem %#llx is too small: the guest needs at least 1 MiB", mem);
	} else if (mem > GUEST_MEM_MAX) {
		snprintf(why, len,
			 "--mem %#llx is too large: at most 4 GiB (the identity maps end there)",
			 mem);
	} else if (!size) {
		snprintf(why, len,
			 "the image is empty");
	} else if (load >= mem || size > mem - load) {
		snprintf(why, len,
			 "the image (%llu bytes at %#llx) does not fit in RAM (%#llx bytes): it would end at %#llx",
			 size, load, mem, end);
	} else if (l->mode == GUEST_REAL && end >= GUEST_REAL_END) {
		snprintf(why, len,
			 "in real mode the image must end below 1 MiB; at %#llx it ends at %#llx",
			 load, end);
	} else if (l->mode != GUEST_REAL && load < GUEST_TABLES_END &&
		   end > GUEST_GDT) {
		snprintf(why, len,
			 "the image (%#llx-%#llx) overlaps the GDT and page tables at 0x1000-0x8fff: load it at 0x9000 or above",
			 load, end - 1);
	} else if (entry >= mem) {
		snprintf(why, len,
			 "--entry %#llx is outside RAM (%#llx bytes)",
			 entry, mem);
	} else if (l->mode == GUEST_REAL &&
		   (entry < cs_base || entry - cs_base > REAL_SEG_LIMIT)) {
		snprintf(why, len,
			 "in real mode --entry must lie in the code segment at the load address (%#llx-%#llx), not at %#llx",
			 cs_base, cs_base + REAL_SEG_LIMIT, entry);
	} else {
		return 0;
	}
	return -EINVAL;
}

/**
 * guest_seg_desc() - the GDT descriptor of a code, data or TSS segment
 * @seg: the segment with its hidden part; @seg->limit in bytes
 *
 * The layout is SDM Vol. 3A 3.4.5, Figure 3-8.  A 64-bit TSS descriptor
 * takes a second quadword holding base bits 63:32 (7.2.3).
 *
 * Return: the low 8 bytes of the descriptor.
 */
__u64 guest_seg_desc(const struct minivmx_segment *seg)
{
	__u32 limit = seg->g ? seg->limit >> 12 : seg->limit;
	__u64 access = seg->type | seg->s << 4 | seg->dpl << 5 |
		       seg->present << 7;
	__u64 flags = seg->avl | seg->l << 1 | seg->db << 2 | seg->g << 3;

	return (limit & 0xffffULL) | (seg->base & 0xffffffULL) << 16 |
	       access << 40 | ((limit >> 16) & 0xfULL) << 48 | flags << 52 |
	       ((seg->base >> 24) & 0xffULL) << 56;
}

/* A flat 4 GiB segment, DPL 0; long-mode code has L set and D clear. */
static void seg_flat(struct minivmx_segment *s, __u16 sel, __u8 type,
		     bool l)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = FLAT_LIMIT;
	s->type = type;
	s->s = 1;
	s->present = 1;
	s->l = l;
	s->db = !l;
	s->g = 1;
}

/* A real-mode segment: base = selector * 16, 64 KiB (SDM 20.1.1). */
static void seg_real(struct minivmx_segment *s, __u16 sel, __u8 type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = (__u64)sel << 4;
	s->limit = REAL_SEG_LIMIT;
	s->type = type;
	s->s = 1;
	s->present = 1;
}

/*
 * VM entry wants TR to be a present busy TSS in every mode, real mode
 * included (SDM 26.3.1.2); nothing uses it while the guest stays at CPL 0
 * without task switches, so its base may be anywhere.
 */
static void seg_tss(struct minivmx_segment *s, __u16 sel)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = TSS_LIMIT;
	s->type = SEG_TYPE_TSS;
	s->present = 1;
}

static __u16 real_cs(const struct guest_layout *l)
{
	return l->load >> 4;
}

/* GDT entries: null, code, data, TSS (two entries in long mode). */
static unsigned int gdt_entries(enum guest_mode mode)
{
	return mode == GUEST_LONG ? 5 : 4;
}

/**
 * guest_init_sregs() - segments, descriptor tables and control registers
 * @s: out: the state for MINIVMX_SET_SREGS
 * @l: the layout
 *
 * Real mode: every segment register holds load >> 4 with the hidden part
 * real mode gives it, IDTR covers the IVT at 0.  Other modes: CS = 0x08,
 * the data segments 0x10, from the GDT at 0x1000; IDTR is empty (limit 0),
 * so any exception ends in a triple fault the tool reports.  TR is a busy
 * TSS everywhere, LDTR unusable.  CR0/CR4/EFER as each mode needs: PE;
 * PG and PSE with CR3 0x8000 (paged); PG, PAE, LME and LMA with CR3 0x2000
 * (long).
 */
void guest_init_sregs(struct minivmx_sregs *s, const struct guest_layout *l)
{
	struct minivmx_segment *data[] = { &s->ds, &s->es, &s->fs, &s->gs,
					   &s->ss };
	size_t i;

	memset(s, 0, sizeof(*s));
	s->ldt.unusable = 1;
	s->cr0 = CR0_ET;
	if (l->mode == GUEST_REAL) {
		seg_real(&s->cs, real_cs(l), SEG_TYPE_CODE);
		for (i = 0; i < ARRAY_SIZE(data); i++)
			seg_real(data[i], real_cs(l), SEG_TYPE_DATA);
		seg_tss(&s->tr, 0);
		s->gdt.limit = REAL_SEG_LIMIT;
		s->idt.limit = REAL_IVT_LIMIT;
		return;
	}

	seg_flat(&s->cs, GUEST_SEL_CODE, SEG_TYPE_CODE, l->mode == GUEST_LONG);
	for (i = 0; i < ARRAY_SIZE(data); i++)
		seg_flat(data[i], GUEST_SEL_DATA, SEG_TYPE_DATA, false);
	seg_tss(&s->tr, GUEST_SEL_TSS);
	s->gdt.base = GUEST_GDT;
	s->gdt.limit = gdt_entries(l->mode) * 8 - 1;
	s->cr0 |= CR0_PE;
	if (l->mode == GUEST_PAGED) {
		s->cr0 |= CR0_PG;
		s->cr3 = GUEST_PD32;
		s->cr4 = CR4_PSE;
	} else if (l->mode == GUEST_LONG) {
		s->cr0 |= CR0_PG;
		s->cr3 = GUEST_PML4;
		s->cr4 = CR4_PAE;
		s->efer = EFER_LME | EFER_LMA;
	}
}

static void put64(void *ram, __u64 gpa, __u64 val)
{
	memcpy((char *)ram + gpa, &val, sizeof(val));
}

static void put32(void *ram, __u64 gpa, __u32 val)
{
	memcpy((char *)ram + gpa, &val, sizeof(val));
}

/*
 * Long mode: PML4[0] -> PDPT, PDPT[0..3] -> four page directories whose
 * 2048 entries map 2 MiB pages 1:1 over the first 4 GiB (SDM 4.5).
 */
static void build_long_tables(void *ram)
{
	unsigned int i;

	put64(ram, GUEST_PML4, GUEST_PDPT | PTE_P | PTE_RW);
	for (i = 0; i < 4; i++)
		put64(ram, GUEST_PDPT + 8 * i,
		      (GUEST_PD + 0x1000ULL * i) | PTE_P | PTE_RW);
	for (i = 0; i < 4 * 512; i++)
		put64(ram, GUEST_PD + 8 * i,
		      ((__u64)i << 21) | PTE_P | PTE_RW | PTE_PS);
}

/* 32-bit paging: 1024 PDEs mapping 4 MiB pages 1:1 over 4 GiB (SDM 4.3). */
static void build_paged_tables(void *ram)
{
	unsigned int i;

	for (i = 0; i < 1024; i++)
		put32(ram, GUEST_PD32 + 4 * i,
		      (i << 22) | PTE_P | PTE_RW | PTE_PS);
}

/**
 * guest_build_tables() - write the GDT and page tables into guest memory
 * @ram: guest RAM, guest-physical 0 at @ram, at least 0x9000 bytes
 * @l: the layout (checked with guest_layout_check())
 *
 * Clears 0x1000-0x8fff, then writes the GDT at 0x1000 (not in real mode)
 * and the page tables of paged and long mode.
 */
void guest_build_tables(void *ram, const struct guest_layout *l)
{
	struct minivmx_sregs s;

	if (l->mode == GUEST_REAL)
		return;
	memset((char *)ram + GUEST_GDT, 0, GUEST_TABLES_END - GUEST_GDT);
	guest_init_sregs(&s, l);
	put64(ram, GUEST_GDT + GUEST_SEL_CODE, guest_seg_desc(&s.cs));
	put64(ram, GUEST_GDT + GUEST_SEL_DATA, guest_seg_desc(&s.ds));
	put64(ram, GUEST_GDT + GUEST_SEL_TSS, guest_seg_desc(&s.tr));
	if (l->mode == GUEST_LONG)
		put64(ram, GUEST_GDT + GUEST_SEL_TSS + 8, s.tr.base >> 32);
	if (l->mode == GUEST_PAGED)
		build_paged_tables(ram);
	else if (l->mode == GUEST_LONG)
		build_long_tables(ram);
}

/**
 * guest_init_regs() - the general registers at the first instruction
 * @r: out: the state for MINIVMX_SET_REGS
 * @l: the layout
 *
 * RFLAGS = 0x2 and every register 0 but the instruction and stack
 * pointers: real mode IP = entry - CS * 16, SP = 0xfff0; otherwise
 * RIP = entry and RSP = top of RAM (in 32-bit modes, ESP wraps to 0 for
 * 4 GiB of RAM, which is where the first push goes below).
 */
void guest_init_regs(struct minivmx_regs *r, const struct guest_layout *l)
{
	memset(r, 0, sizeof(*r));
	r->rflags = RFLAGS_FIXED;
	if (l->mode == GUEST_REAL) {
		r->rip = l->entry - ((__u64)real_cs(l) << 4);
		r->rsp = GUEST_REAL_SP;
	} else if (l->mode == GUEST_LONG) {
		r->rip = l->entry;
		r->rsp = l->mem_size;
	} else {
		r->rip = l->entry;
		r->rsp = (__u32)l->mem_size;
	}
}
