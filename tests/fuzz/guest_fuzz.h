/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest fuzzer's two parts: the program generator (guest_gen.c) and
 * the runner (guest_fuzz.c).
 */
#ifndef MINIVMX_GUEST_FUZZ_H
#define MINIVMX_GUEST_FUZZ_H

#include "fuzzlib.h"

#define BATCH		64	/* programs per VM */
#define MAX_RUNS	16	/* MINIVMX_RUN calls per program */
#define RUN_USEC	200	/* timer per MINIVMX_RUN */
#define MAX_FAIL_LINES	50

/* Guest-physical layout; vmlib.h's GDT and 64-bit page tables included. */
#define G_PAE_PDPT	0x5000		/* then four PDs at 0x6000 */
#define G_IDT		0xa000
#define G_TSS		0xc000
#define G_CODE		TVM_CODE	/* 0x10000 */
#define CODE_SIZE	0x1000
#define G_STUBS		(G_CODE + CODE_SIZE)	/* hlt; iret */
#define G_TABLES	0x1b000		/* random descriptor tables */
#define G_DATA		0x20000		/* random data */
#define G_ROM		0x300000	/* a read-only slot */
#define ROM_SIZE	0x10000

enum mode { M_REAL, M_PROT, M_PAE, M_LONG, NR_MODES };

/* One program being generated: its code and where it runs. */
struct prog {
	unsigned long index;
	struct rng rng;
	enum mode mode;
	uint8_t *mem;		/* guest RAM */
	uint8_t *code;		/* mem + G_CODE */
	unsigned int len;	/* bytes of code so far */
	unsigned long fails;
	bool no_cr8_write;	/* --skip-cr8-write */
	bool bad_action;	/* a routed exit got an unknown action */
};

extern const char * const mode_name[NR_MODES];

/*
 * Program @index of stream @seed into @mem (guest RAM): its mode, code,
 * IDT or IVT, page tables, GDT entries, random tables and data.  The rest
 * of @p's stream is for the caller.
 */
void gen_program(struct prog *p, uint64_t seed, unsigned long index,
		 uint8_t *mem);

/* A value with few, all or one bit set; a guest address to use. */
uint64_t rnd_val(struct rng *r);
uint64_t rnd_addr(struct prog *p);

#endif /* MINIVMX_GUEST_FUZZ_H */
