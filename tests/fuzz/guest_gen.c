// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest fuzzer's program generator: random bytes mixed with a weighted
 * choice of privileged and exiting instructions for the mode of the
 * program, and the memory it runs in.
 */
#include "guest_fuzz.h"

const char * const mode_name[NR_MODES] = {
	"real mode", "32-bit protected mode", "32-bit PAE paging",
	"64-bit long mode",
};

/* ---- the code emitter ---- */

static int bits(const struct prog *p)
{
	static const int b[NR_MODES] = { 16, 32, 32, 64 };

	return b[p->mode];
}

static void emit(struct prog *p, const uint8_t *b, unsigned int n)
{
	if (p->len + n > CODE_SIZE - 16)
		return;
	memcpy(p->code + p->len, b, n);
	p->len += n;
}

#define EMIT(p, ...) \
	emit(p, (const uint8_t[]){ __VA_ARGS__ }, \
	     sizeof((const uint8_t[]){ __VA_ARGS__ }))

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

/* mov reg, imm: 32 bits (64 in long mode when the value needs it). */
static void emit_mov(struct prog *p, unsigned int reg, uint64_t v)
{
	if (bits(p) == 64 && v >> 32) {
		EMIT(p, 0x48, 0xb8 + reg);
		emit(p, (uint8_t *)&v, 8);
		return;
	}
	if (bits(p) == 16)
		EMIT(p, 0x66);
	EMIT(p, 0xb8 + reg);
	emit(p, (uint8_t *)&v, 4);
}

/* ModRM for [bx] (16-bit) or [ebx]/[rbx] with @reg in the reg field. */
static uint8_t modrm_bx(const struct prog *p, unsigned int reg)
{
	return (reg << 3) | (bits(p) == 16 ? 7 : 3);
}

/*
 * RBX = the guest-physical @addr: real mode addresses through DS, whose
 * base is G_CODE there.
 */
static void emit_bx(struct prog *p, uint64_t addr)
{
	emit_mov(p, RBX, bits(p) == 16 ? addr - G_CODE : addr);
}

uint64_t rnd_val(struct rng *r)
{
	switch (rnd(r, 4)) {
	case 0:
		return rnd(r, 16);
	case 1:
		return rnd64(r);
	case 2:
		return (uint32_t)rnd64(r);
	default:
		return 1ULL << rnd(r, 64);
	}
}

/*
 * An address in RAM, in the read-only slot, above it all (MMIO), or a
 * register of the local APIC.
 */
uint64_t rnd_addr(struct prog *p)
{
	switch (rnd(&p->rng, 7)) {
	case 6:
		return 0xfee00000 + rnd(&p->rng, 0x400);
	case 0:
		return G_DATA + rnd(&p->rng, 0x1000);
	case 1:
		return G_CODE + rnd(&p->rng, CODE_SIZE);
	case 2:
		return G_ROM + rnd(&p->rng, ROM_SIZE);
	case 3:
		return 0xd0000000 + rnd(&p->rng, 0x1000);
	case 4:
		return TVM_MEM + rnd(&p->rng, 0x100000);
	default:
		return (uint32_t)rnd64(&p->rng);
	}
}

/* ---- the instruction generators ---- */

static const uint32_t msrs[] = {
	0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xc1, 0xe7, 0xe8, 0x174, 0x175,
	0x176, 0x186, 0x1a0, 0x1d9, 0x200, 0x20f, 0x277, 0x2ff, 0x38f, 0x480,
	0x48d, 0x491, 0x6e0, 0x802, 0x808, 0x830, 0x838, 0xda0, 0xc0000080,
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100,
	0xc0000101, 0xc0000102, 0xc0000103, 0x4b564d00, 0x40000000,
};

static void gen_cr_write(struct prog *p)
{
	static const uint8_t crs[] = { 0, 0, 3, 4, 4, 2, 8 };
	unsigned int cr = crs[rnd(&p->rng, ARRAY_SIZE(crs))];
	uint64_t v = rnd_val(&p->rng);

	if (cr == 8 && (bits(p) != 64 || p->no_cr8_write))
		cr = 4;
	if (cr == 0 && one_in(&p->rng, 2))
		v = 0x80000011 ^ (1ULL << rnd(&p->rng, 32));
	if (cr == 4 && one_in(&p->rng, 2))
		v = (bits(p) == 64 ? 0x620 : 0) | (1ULL << rnd(&p->rng, 24));
	if (cr == 8 && !one_in(&p->rng, 4))
		v = rnd(&p->rng, 16);			/* a task priority */
	emit_mov(p, RAX, v);
	if (cr == 8)
		EMIT(p, 0x44);		/* REX.R */
	EMIT(p, 0x0f, 0x22, 0xc0 | (cr & 7) << 3);
}

static void gen_cr_read(struct prog *p)
{
	static const uint8_t crs[] = { 0, 2, 3, 4, 8 };
	unsigned int cr = crs[rnd(&p->rng, ARRAY_SIZE(crs))];

	if (cr == 8 && bits(p) != 64)
		cr = 0;
	if (cr == 8)
		EMIT(p, 0x44);
	EMIT(p, 0x0f, 0x20, 0xc0 | (cr & 7) << 3 | rnd(&p->rng, 8));
}

static void gen_dr(struct prog *p)
{
	unsigned int dr = rnd(&p->rng, 8);

	if (one_in(&p->rng, 2)) {
		emit_mov(p, RAX, dr == 7 ? rnd(&p->rng, 0x10000) | 0x400 :
			 rnd_addr(p));
		EMIT(p, 0x0f, 0x23, 0xc0 | dr << 3);
	} else {
		EMIT(p, 0x0f, 0x21, 0xc0 | dr << 3 | rnd(&p->rng, 8));
	}
}

static void gen_msr(struct prog *p)
{
	uint32_t msr = one_in(&p->rng, 8) ? (uint32_t)rnd64(&p->rng) :
		       msrs[rnd(&p->rng, ARRAY_SIZE(msrs))];
	uint64_t v = rnd_val(&p->rng);

	if (msr == 0xc0000080 && one_in(&p->rng, 2))
		v = 1ULL << rnd(&p->rng, 12);		/* EFER bits */
	emit_mov(p, RCX, msr);
	emit_mov(p, RAX, (uint32_t)v);
	emit_mov(p, RDX, v >> 32);
	EMIT(p, 0x0f, one_in(&p->rng, 2) ? 0x30 : 0x32);
}

static void gen_xsetbv(struct prog *p)
{
	static const uint32_t xcr0[] = { 1, 3, 7, 0xe7, 0x2e7, 0x1f, 0 };
	uint64_t v = one_in(&p->rng, 4) ? rnd_val(&p->rng) :
		     xcr0[rnd(&p->rng, ARRAY_SIZE(xcr0))];

	emit_mov(p, RCX, one_in(&p->rng, 8) ? rnd(&p->rng, 4) : 0);
	emit_mov(p, RAX, (uint32_t)v);
	emit_mov(p, RDX, v >> 32);
	EMIT(p, 0x0f, 0x01, one_in(&p->rng, 4) ? 0xd0 : 0xd1);
}

static void gen_cpuid(struct prog *p)
{
	static const uint32_t leaves[] = {
		0, 1, 4, 6, 7, 0xa, 0xb, 0xd, 0x14, 0x15, 0x16, 0x1f,
		0x40000000, 0x40000001, 0x80000000, 0x80000001, 0x80000008,
	};

	emit_mov(p, RAX, one_in(&p->rng, 4) ? (uint32_t)rnd64(&p->rng) :
		 leaves[rnd(&p->rng, ARRAY_SIZE(leaves))]);
	emit_mov(p, RCX, rnd(&p->rng, 4));
	EMIT(p, 0x0f, 0xa2);
}

static void gen_io(struct prog *p)
{
	static const uint16_t ports[] = {
		0x3f8, 0x3fd, 0xe9, 0xf4, 0x80, 0xcf8, 0xcfc, 0x60, 0x510,
		0x70, 0x71,
	};
	static const uint8_t ops[] = {
		0xe4, 0xe5, 0xe6, 0xe7, 0xec, 0xed, 0xee, 0xef,
		0x6c, 0x6d, 0x6e, 0x6f,
	};
	uint8_t op = ops[rnd(&p->rng, ARRAY_SIZE(ops))];

	emit_mov(p, RDX, one_in(&p->rng, 2) ? rnd(&p->rng, 0x10000) :
		 ports[rnd(&p->rng, ARRAY_SIZE(ports))]);
	if (op >= 0x6c) {		/* INS/OUTS */
		emit_mov(p, RCX, one_in(&p->rng, 4) ? rnd(&p->rng, 5000) :
			 rnd(&p->rng, 8));
		emit_mov(p, RSI, rnd_addr(p));
		emit_mov(p, RDI, rnd_addr(p));
		if (one_in(&p->rng, 4))
			EMIT(p, 0x67);
		if (!one_in(&p->rng, 4))
			EMIT(p, 0xf3);	/* REP */
	}
	if (one_in(&p->rng, 4))
		EMIT(p, 0x66);
	EMIT(p, op);
	if (op < 0xe8)
		EMIT(p, rnd(&p->rng, 2) ? 0xe9 : rnd(&p->rng, 256));
}

static void gen_vmx(struct prog *p)
{
	static const uint64_t hcs[] = { 0, 1, 2, 0x100, 0x101, 0x1000 };

	emit_bx(p, rnd_addr(p));
	emit_mov(p, RAX, one_in(&p->rng, 2) ?
		 hcs[rnd(&p->rng, ARRAY_SIZE(hcs))] : rnd_val(&p->rng));
	switch (rnd(&p->rng, 14)) {
	case 0:
		EMIT(p, 0xf3, 0x0f, 0xc7, modrm_bx(p, 6));  /* VMXON */
		break;
	case 1:
		EMIT(p, 0x0f, 0x01, 0xc4);		/* VMXOFF */
		break;
	case 2:
		EMIT(p, 0x0f, 0x01, 0xc2);		/* VMLAUNCH */
		break;
	case 3:
		EMIT(p, 0x0f, 0x01, 0xc3);		/* VMRESUME */
		break;
	case 4:
		EMIT(p, 0x0f, 0xc7, modrm_bx(p, 6));	/* VMPTRLD */
		break;
	case 5:
		EMIT(p, 0x0f, 0xc7, modrm_bx(p, 7));	/* VMPTRST */
		break;
	case 6:
		EMIT(p, 0x66, 0x0f, 0xc7, modrm_bx(p, 6)); /* VMCLEAR */
		break;
	case 7:
		EMIT(p, 0x0f, 0x78, 0xc0 | rnd(&p->rng, 64)); /* VMREAD */
		break;
	case 8:
		EMIT(p, 0x0f, 0x79, 0xc0 | rnd(&p->rng, 64));
		break;
	case 9:
		EMIT(p, 0x66, 0x0f, 0x38, 0x80, modrm_bx(p, 0));
		break;
	case 10:
		EMIT(p, 0x66, 0x0f, 0x38, 0x81, modrm_bx(p, 0));
		break;
	case 11:
		EMIT(p, 0x0f, 0x01, 0xd4);		/* VMFUNC */
		break;
	case 12:
		EMIT(p, 0x0f, 0x37);			/* GETSEC */
		break;
	default:
		EMIT(p, 0x0f, 0x01, 0xc1);		/* VMCALL */
	}
}

static void gen_int(struct prog *p)
{
	switch (rnd(&p->rng, 7)) {
	case 0:
		EMIT(p, 0xcd, rnd(&p->rng, 256));
		break;
	case 1:
		EMIT(p, 0xcc);
		break;
	case 2:
		EMIT(p, 0xf1);
		break;
	case 3:
		EMIT(p, 0xce);
		break;
	case 4:
		EMIT(p, 0x0f, 0x0b);
		break;
	case 5:
		if (bits(p) == 64)
			EMIT(p, 0x48);
		EMIT(p, 0xcf);			/* IRET */
		break;
	default:
		EMIT(p, 0xcd, 0x80 + rnd(&p->rng, 3));
	}
}

/* Random bytes in the table area; LGDT, LIDT, LTR, LLDT or MOV Sreg. */
static void gen_tables(struct prog *p)
{
	uint16_t sel = one_in(&p->rng, 2) ? rnd(&p->rng, 0x10000) :
		       rnd(&p->rng, 8) << 3 | rnd(&p->rng, 4);
	static const uint8_t sregs[] = { 0, 2, 3, 4, 5 };

	switch (rnd(&p->rng, 5)) {
	case 0:
	case 1:
		emit_bx(p, G_TABLES + rnd(&p->rng, 0x800));
		EMIT(p, 0x0f, 0x01, modrm_bx(p, 2 + rnd(&p->rng, 2)));
		break;
	case 2:
		emit_mov(p, RAX, sel);
		EMIT(p, 0x0f, 0x00, 0xd0 | rnd(&p->rng, 2) << 3);
		break;
	default:
		emit_mov(p, RAX, sel);
		EMIT(p, 0x8e, 0xc0 | sregs[rnd(&p->rng, ARRAY_SIZE(sregs))] << 3);
	}
}

static void gen_sys(struct prog *p)
{
	static const uint8_t ops[] = { 0x05, 0x07, 0x34, 0x35, 0x33, 0x31 };
	uint8_t op = ops[rnd(&p->rng, ARRAY_SIZE(ops))];

	emit_mov(p, RCX, one_in(&p->rng, 2) ? rnd(&p->rng, 4) :
		 rnd_val(&p->rng));		/* for RDPMC, SYSEXIT */
	switch (rnd(&p->rng, 5)) {
	case 0:
		EMIT(p, 0x0f, 0x01, 0xf9);	/* RDTSCP */
		break;
	case 1:
		EMIT(p, 0x0f, 0xc7, one_in(&p->rng, 2) ? 0xf0 : 0xf8);
		break;
	case 2:
		EMIT(p, 0x0f, 0x01, 0xf8);	/* SWAPGS */
		break;
	default:	/* SYSRET and SYSEXIT to 64-bit code with REX.W */
		if (bits(p) == 64 && one_in(&p->rng, 2))
			EMIT(p, 0x48);
		EMIT(p, 0x0f, op);
	}
}

/* Flip CR0 bits through RAX, or far-jump to a random selector. */
static void gen_mode_switch(struct prog *p)
{
	static const uint32_t masks[] = {
		1, 0x80000000, 0x80000001, 0x40000000, 0x60000000, 0x10000,
		0x8,
	};
	uint16_t sel = rnd(&p->rng, 8) << 3;
	uint32_t off = G_CODE + rnd(&p->rng, p->len + 1);

	if (one_in(&p->rng, 2)) {
		EMIT(p, 0x0f, 0x20, 0xc0);		/* mov eax, cr0 */
		if (bits(p) == 16)
			EMIT(p, 0x66);
		EMIT(p, 0x35);				/* xor eax, imm32 */
		emit(p, (uint8_t *)&masks[rnd(&p->rng, ARRAY_SIZE(masks))], 4);
		EMIT(p, 0x0f, 0x22, 0xc0);		/* mov cr0, eax */
	} else if (bits(p) == 64) {	/* push sel; push off; retfq */
		EMIT(p, 0x6a, sel, 0x68);
		emit(p, (uint8_t *)&off, 4);
		EMIT(p, 0x48, 0xcb);
	} else {			/* jmp far sel:off */
		if (bits(p) == 16)
			EMIT(p, 0x66);
		EMIT(p, 0xea);
		emit(p, (uint8_t *)&off, 4);
		emit(p, (uint8_t *)&sel, 2);
	}
}

/* Self-modifying code: write a byte a little ahead. */
static void gen_smc(struct prog *p)
{
	emit_bx(p, G_CODE + p->len + 8 + rnd(&p->rng, 24));
	EMIT(p, 0xc6, modrm_bx(p, 0), rnd(&p->rng, 256));
}

/* Loads, stores, string moves and read-modify-writes through RBX. */
static void gen_mem(struct prog *p)
{
	static const uint8_t ops[] = { 0x89, 0x8b, 0x88, 0x8a, 0x01, 0x87 };

	emit_bx(p, rnd_addr(p));
	emit_mov(p, RSI, rnd_addr(p));
	emit_mov(p, RDI, rnd_addr(p));
	if (bits(p) == 16)
		EMIT(p, 0x67);		/* 32-bit addressing: reach MMIO */
	if (bits(p) == 64 && one_in(&p->rng, 2))
		EMIT(p, 0x48);
	switch (rnd(&p->rng, 4)) {
	case 0:
		EMIT(p, 0x0f, 0xb6, 0x03);		/* movzx */
		break;
	case 1:
		EMIT(p, 0xa4 + rnd(&p->rng, 2));	/* movs */
		break;
	default:
		EMIT(p, ops[rnd(&p->rng, ARRAY_SIZE(ops))], 0x03);
	}
}

/* CLTS, WBINVD, INVD, LMSW, MONITOR/MWAIT, PAUSE, XSAVE and friends. */
static void gen_misc(struct prog *p)
{
	static const uint8_t ops[][4] = {
		{ 2, 0x0f, 0x06 }, { 2, 0x0f, 0x09 }, { 2, 0x0f, 0x08 },
		{ 3, 0x0f, 0x01, 0xf0 }, { 3, 0x0f, 0x01, 0xc8 },
		{ 3, 0x0f, 0x01, 0xc9 }, { 2, 0xf3, 0x90 }, { 1, 0xfa },
		{ 1, 0xfb }, { 1, 0x9d }, { 2, 0x0f, 0xaa },
		{ 3, 0x0f, 0x01, 0xcf }, { 3, 0x0f, 0x01, 0xca },
	};
	unsigned int i = rnd(&p->rng, ARRAY_SIZE(ops) + 3);

	emit_mov(p, RAX, rnd_val(&p->rng));
	emit_bx(p, G_DATA + (rnd(&p->rng, 0x800) & ~63));
	if (i < ARRAY_SIZE(ops))
		emit(p, ops[i] + 1, ops[i][0]);
	else if (i == ARRAY_SIZE(ops))		/* INVPCID */
		EMIT(p, 0x66, 0x0f, 0x38, 0x82, modrm_bx(p, 0));
	else if (i == ARRAY_SIZE(ops) + 1)	/* INVLPG */
		EMIT(p, 0x0f, 0x01, modrm_bx(p, 7));
	else					/* XSAVE, XRSTOR */
		EMIT(p, 0x0f, 0xae, modrm_bx(p, rnd(&p->rng, 2) ? 4 : 5));
}

static void gen_bytes(struct prog *p)
{
	uint8_t b[16];
	unsigned int n = 1 + rnd(&p->rng, sizeof(b));

	rnd_bytes(&p->rng, b, n);
	emit(p, b, n);
}

static void gen_jump(struct prog *p)
{
	EMIT(p, one_in(&p->rng, 2) ? 0xeb : 0x70 + rnd(&p->rng, 16),
	     rnd(&p->rng, 256));
}

static void gen_hlt(struct prog *p)
{
	EMIT(p, 0xf4);
}

static void (* const gens[])(struct prog *p) = {
	gen_cr_write, gen_cr_read, gen_dr, gen_msr, gen_xsetbv, gen_cpuid,
	gen_io, gen_hlt, gen_vmx, gen_int, gen_tables, gen_sys,
	gen_mode_switch, gen_smc, gen_mem, gen_misc, gen_bytes, gen_jump,
};

static const uint8_t gen_weights[ARRAY_SIZE(gens)] = {
	10, 4, 4, 10, 4, 6, 10, 2, 6, 4, 6, 5, 5, 3, 8, 5, 12, 3,
};

/* The program: generated instructions, then HLT, then noise or HLTs. */
static void gen_code(struct prog *p)
{
	unsigned int n = 1 + rnd(&p->rng, 40), i;

	p->len = 0;
	for (i = 0; i < n; i++)
		gens[rnd_weighted(&p->rng, gen_weights, ARRAY_SIZE(gens))](p);
	if (!one_in(&p->rng, 4))
		gen_hlt(p);
	if (one_in(&p->rng, 2))
		rnd_bytes(&p->rng, p->code + p->len, CODE_SIZE - p->len);
	else
		memset(p->code + p->len, 0xf4, CODE_SIZE - p->len);
}

/* ---- the machine state ---- */

/* An IDT (or IVT) whose gates lead to HLT, IRET or into the program. */
static void gen_idt(struct prog *p)
{
	unsigned int i;

	for (i = 0; i < 256; i++) {
		uint32_t to = G_STUBS + rnd(&p->rng, 2);
		uint8_t *g;

		if (one_in(&p->rng, 4))
			to = G_CODE + rnd(&p->rng, p->len + 1);
		if (p->mode == M_REAL) {
			*(uint32_t *)(p->mem + i * 4) = (G_CODE >> 4) << 16 |
							(to - G_CODE);
			continue;
		}
		g = p->mem + G_IDT + i * (p->mode == M_LONG ? 16 : 8);
		memset(g, 0, p->mode == M_LONG ? 16 : 8);
		*(uint16_t *)g = to;
		*(uint16_t *)(g + 2) = 8;
		g[5] = one_in(&p->rng, 8) ? rnd(&p->rng, 256) : 0x8e;
		*(uint16_t *)(g + 6) = to >> 16;
	}
}

static void gen_memory(struct prog *p)
{
	uint64_t *pdpt = (uint64_t *)(p->mem + G_PAE_PDPT);
	uint64_t *pd = (uint64_t *)(p->mem + G_PAE_PDPT + 0x1000);
	uint64_t *gdt = (uint64_t *)(p->mem + TVM_GDT);
	unsigned int i;

	gen_code(p);
	p->mem[G_STUBS] = 0xf4;				/* hlt */
	p->mem[G_STUBS + 1] = 0xcf;			/* iret */
	rnd_bytes(&p->rng, p->mem + G_TABLES, 0x1000);
	rnd_bytes(&p->rng, p->mem + G_DATA, 0x1000);
	for (i = 0; i < 4; i++)
		pdpt[i] = (G_PAE_PDPT + 0x1000 * (i + 1)) | 1;
	for (i = 0; i < 2048; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;
	/* vmlib's flat code and data at 8 and 16; then 32-bit, 16-bit code */
	gdt[3] = 0x00cf9a000000ffffULL;
	gdt[4] = 0x00009a010000ffffULL;
	gdt[5] = 0x00af9a000000ffffULL;
	gdt[6] = 0x0000890000000067ULL | (uint64_t)G_TSS << 16;
	gdt[7] = rnd64(&p->rng);
	gen_idt(p);
}

void gen_program(struct prog *p, uint64_t seed, unsigned long index,
		 uint8_t *mem)
{
	p->index = index;
	p->mem = mem;
	rng_init(&p->rng, seed, index);
	p->mode = rnd(&p->rng, NR_MODES);
	p->code = mem + G_CODE;
	gen_memory(p);
}
