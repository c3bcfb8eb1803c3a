// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest fuzzer: random guest programs in real mode, 32-bit protected mode,
 * 32-bit PAE paging and 64-bit long mode, from random initial registers:
 * random bytes mixed with a weighted generator of privileged and exiting
 * instructions (MOV CR/DR, RDMSR/WRMSR, XSETBV, INVLPG, CPUID, port and
 * string I/O, HLT, VMX instructions, INT n/IRET, LGDT/LIDT/LTR with random
 * tables, SYSCALL/SYSENTER, RDPMC, mode switches, self-modifying code and
 * MMIO).  Every MINIVMX_RUN is bounded by a 200 us timer and each program by
 * MAX_RUNS runs; I/O, MMIO and hypercall exits are answered with random
 * data.
 *
 * Fails on an errno other than the expected ones, on an exit reason that
 * the uapi header does not define, or on an exit whose fields break the
 * ABI; prints a histogram of the exits seen.  Program I draws from its own
 * stream of the seed; the VM is created anew every BATCH programs, so
 * --seed S --first I-I%BATCH --count I%BATCH+1 replays program I exactly.
 *
 *   guest_fuzz [--seed N] [--count PROGRAMS] [--first N] [--skip-cr8-write]
 */
#include <asm/prctl.h>
#include <sys/mman.h>
#include <linux/minivmx.h>

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

static const char * const mode_name[NR_MODES] = {
	"real mode", "32-bit protected mode", "32-bit PAE paging",
	"64-bit long mode",
};

static const struct {
	unsigned int nr;
	const char *name;
} vmx_reasons[] = { MINIVMX_VMX_EXIT_REASONS };

static const char * const exit_names[] = {
	"UNKNOWN", "IO", "MMIO", "HLT", "HYPERCALL", "SHUTDOWN", "FAIL_ENTRY",
	"INTERNAL_ERROR", "GUEST_EXIT", "CONSOLE", "INTR",
};

static struct fuzz_opts opts = { .count = 2000 };
static struct tap tap = { .lock = PTHREAD_MUTEX_INITIALIZER };
static uint64_t exits_seen[ARRAY_SIZE(exit_names)];
static uint64_t vmx_seen[MINIVMX_NR_VMX_EXIT_REASONS];
static uint64_t sregs_refused, intr_seen, entry_bad_guest;
/* VM-entry failures by VM-instruction error: minivmx's own VMCS fields */
static uint64_t vmfail[32];
static unsigned long vmfail_first[32];
static unsigned int fail_lines;
static unsigned long mode_fails[NR_MODES], mode_runs[NR_MODES];
static timer_t timer;

/* One program being generated: its code and where it runs. */
struct prog {
	unsigned long index;
	struct rng rng;
	enum mode mode;
	uint8_t *mem;		/* guest RAM */
	uint8_t *code;		/* mem + G_CODE */
	unsigned int len;	/* bytes of code so far */
	unsigned long fails;
};

struct vm {
	struct tvm t;
	uint8_t *rom;
};

static void prog_fail(struct prog *p, const char *fmt, ...)
{
	va_list ap;

	mode_fails[p->mode]++;
	if (p->fails++ || fail_lines++ >= MAX_FAIL_LINES)
		return;
	printf("# FAIL seed=%" PRIu64 " program=%lu (%s): ", opts.seed,
	       p->index, mode_name[p->mode]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (replay: --seed %" PRIu64 " --first %lu --count %lu%s)\n",
	       opts.seed, p->index - p->index % BATCH, p->index % BATCH + 1,
	       opts.flags & OPT_SKIP_CR8_WRITE ? " --skip-cr8-write" : "");
	fflush(stdout);
}

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

static uint64_t rnd_val(struct rng *r)
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

/* An address in RAM, in the read-only slot, or above it all (MMIO). */
static uint64_t rnd_addr(struct prog *p)
{
	switch (rnd(&p->rng, 6)) {
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

	if (cr == 8 && (bits(p) != 64 || opts.flags & OPT_SKIP_CR8_WRITE))
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

/* vmlib's set-up of the mode, then an IDT, the TSS, PAE, a larger GDT. */
static int set_mode(struct prog *p, struct tvm *t)
{
	static const int tvm_bits[NR_MODES] = { 16, 32, 32, 64 };
	struct minivmx_sregs s;

	if (tvm_setup(t, tvm_bits[p->mode], p->code, 0) ||
	    ioctl(t->vcpu, MINIVMX_GET_SREGS, &s))
		return -1;
	s.gdt.limit = 63;
	s.tr.base = G_TSS;
	s.idt.limit = one_in(&p->rng, 8) ? 0 : p->mode == M_LONG ? 4095 :
		      p->mode == M_REAL ? 1023 : 2047;
	s.idt.base = p->mode == M_REAL ? 0 : G_IDT;
	if (p->mode == M_REAL) {
		s.ds.selector = G_CODE >> 4;
		s.ds.base = G_CODE;
	}
	if (p->mode == M_PAE) {
		s.cr3 = G_PAE_PDPT;
		s.cr4 |= 0x20;
		s.cr0 |= 0x80000000;
	}
	if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s))
		return -1;
	/* Now and then a random bit of the special registers flipped. */
	if (one_in(&p->rng, 8)) {
		((uint8_t *)&s)[rnd(&p->rng, sizeof(s))] ^= 1 << rnd(&p->rng, 8);
		if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s)) {
			if (errno != EINVAL)
				return -1;
			sregs_refused++;
		}
	}
	return 0;
}

static uint64_t rnd_reg(struct prog *p)
{
	return one_in(&p->rng, 2) ? rnd_addr(p) : rnd_val(&p->rng);
}

static int set_regs(struct prog *p, struct tvm *t)
{
	struct minivmx_regs r;
	uint64_t *gpr = (uint64_t *)&r;
	unsigned int i;

	if (ioctl(t->vcpu, MINIVMX_GET_REGS, &r))
		return -1;
	for (i = 0; i < 16; i++)
		if (&gpr[i] != (uint64_t *)&r.rsp)
			gpr[i] = rnd_reg(p);
	r.rflags = 2 | (rnd64(&p->rng) & 0xcd5);	/* arithmetic, DF */
	if (one_in(&p->rng, 2))
		r.rflags |= 0x200;			/* IF */
	if (one_in(&p->rng, 16))
		r.rflags |= 1ULL << (8 + rnd(&p->rng, 14)); /* TF ... ID */
	if (ioctl(t->vcpu, MINIVMX_SET_REGS, &r) && errno != EINVAL)
		return -1;
	return 0;
}

/* ---- running ---- */

static bool vmx_reason_known(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_reasons); i++)
		if (vmx_reasons[i].nr == nr)
			return true;
	return false;
}

/* The ABI's promises about one exit; false (and a message) if broken. */
static bool exit_valid(struct prog *p, const struct minivmx_run *run)
{
	uint64_t bytes = (uint64_t)run->io.count * run->io.size;

	if (run->exit_reason >= ARRAY_SIZE(exit_names))
		prog_fail(p, "exit reason %u", run->exit_reason);
	else if (!vmx_reason_known(run->vmx_exit_reason & 0xffff))
		prog_fail(p, "VMX exit reason %#x", run->vmx_exit_reason);
	else if (run->exit_reason == MINIVMX_EXIT_IO &&
		 ((run->io.size != 1 && run->io.size != 2 &&
		   run->io.size != 4) ||
		  run->io.data_offset + bytes > MINIVMX_RUN_SIZE))
		prog_fail(p, "I/O exit: size %u count %u offset %llu",
			  run->io.size, run->io.count,
			  (unsigned long long)run->io.data_offset);
	else if (run->exit_reason == MINIVMX_EXIT_MMIO &&
		 (run->mmio.len < 1 || run->mmio.len > 8))
		prog_fail(p, "MMIO exit: length %u", run->mmio.len);
	else
		return true;
	return false;
}

/*
 * A failed VM entry: bad guest state (exit reason bit 31) is what the
 * guest or the fuzzer asked for; VMfailValid is the module's doing.
 */
static void note_fail_entry(struct prog *p, const struct minivmx_run *run)
{
	unsigned int e = run->fail_entry.vm_instruction_error;

	if (run->fail_entry.hardware_exit_reason & (1ULL << 31)) {
		entry_bad_guest++;
		return;
	}
	e = e < ARRAY_SIZE(vmfail) ? e : 0;
	if (!vmfail[e]++)
		vmfail_first[e] = p->index;
}

/* Answer an exit; false when the program is over. */
static bool answer(struct prog *p, struct minivmx_run *run)
{
	uint8_t *page = (uint8_t *)run;

	switch (run->exit_reason) {
	case MINIVMX_EXIT_IO:
		if (run->io.direction == MINIVMX_IO_IN)
			rnd_bytes(&p->rng, page + run->io.data_offset,
				  run->io.count * run->io.size);
		return true;
	case MINIVMX_EXIT_MMIO:
		if (!run->mmio.is_write)
			rnd_bytes(&p->rng, run->mmio.data, 8);
		return true;
	case MINIVMX_EXIT_HYPERCALL:
		run->hypercall.ret = rnd_val(&p->rng);
		return true;
	case MINIVMX_EXIT_CONSOLE:
		run->console_len = 0;
		return true;
	case MINIVMX_EXIT_HLT:
		return one_in(&p->rng, 2);
	default:
		return false;
	}
}

static void run_prog(struct prog *p, struct tvm *t)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MAX_RUNS; i++) {
		thread_timer_arm(timer, RUN_USEC);
		ret = ioctl(t->vcpu, MINIVMX_RUN, 0);
		thread_timer_arm(timer, 0);
		mode_runs[p->mode]++;
		if (ret && errno == EINTR) {
			intr_seen++;
			return;
		}
		if (ret) {
			prog_fail(p, "RUN: %s", strerror(errno));
			return;
		}
		if (!exit_valid(p, t->run))
			return;
		exits_seen[t->run->exit_reason]++;
		if (t->run->exit_reason == MINIVMX_EXIT_FAIL_ENTRY)
			note_fail_entry(p, t->run);
		if (!answer(p, t->run))
			return;
	}
}

static void one_program(struct vm *vm, unsigned long index)
{
	struct prog p = { .index = index, .mem = vm->t.mem };

	rng_init(&p.rng, opts.seed, index);
	p.mode = rnd(&p.rng, NR_MODES);
	p.code = p.mem + G_CODE;
	gen_memory(&p);
	rnd_bytes(&p.rng, vm->rom + rnd(&p.rng, ROM_SIZE / 256) * 256, 256);
	if (set_mode(&p, &vm->t) || set_regs(&p, &vm->t)) {
		prog_fail(&p, "set-up: %s", strerror(errno));
		return;
	}
	run_prog(&p, &vm->t);
}

/* ---- the VM ---- */

static void count_vmx_exits(const struct minivmx_run *run)
{
	unsigned int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		vmx_seen[i] += run->exit_count[i];
}

static void vm_destroy(struct vm *vm)
{
	count_vmx_exits(vm->t.run);
	tvm_destroy(&vm->t);
	munmap(vm->rom, ROM_SIZE);
}

/* RAM, a read-only slot, the debug console and the exit port. */
static int vm_create(struct vm *vm)
{
	struct minivmx_memory_region r = {
		.slot = 1, .flags = MINIVMX_MEM_READONLY,
		.guest_phys_addr = G_ROM, .memory_size = ROM_SIZE,
	};
	struct minivmx_port_route con = {
		.first_port = 0xe9, .nr_ports = 1,
		.handler = MINIVMX_PORT_DEBUGCON,
	};
	struct minivmx_port_route ex = {
		.first_port = 0xf4, .nr_ports = 1,
		.handler = MINIVMX_PORT_EXIT,
	};

	if (tvm_create(&vm->t))
		return -1;
	vm->rom = mmap(NULL, ROM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm->rom == MAP_FAILED)
		return -1;
	r.userspace_addr = (uintptr_t)vm->rom;
	if (ioctl(vm->t.vm, MINIVMX_SET_MEMORY_REGION, &r) ||
	    ioctl(vm->t.vm, MINIVMX_SET_PORT_ROUTE, &con) ||
	    ioctl(vm->t.vm, MINIVMX_SET_PORT_ROUTE, &ex))
		return -1;
	return 0;
}

/* ---- the report ---- */

static void print_histogram(void)
{
	unsigned int i;

	printf("# exits to userspace:");
	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exits_seen[i])
			printf(" %s %" PRIu64, exit_names[i], exits_seen[i]);
	printf("; RUN interrupted by the timer %" PRIu64 "\n", intr_seen);
	printf("# VM exits by basic reason (in-kernel ones included):\n");
	for (i = 0; i < ARRAY_SIZE(vmx_reasons); i++)
		if (vmx_seen[vmx_reasons[i].nr])
			printf("#   %-20s %" PRIu64 "\n", vmx_reasons[i].name,
			       vmx_seen[vmx_reasons[i].nr]);
	printf("# special registers refused after a flipped bit: %" PRIu64
	       "\n", sregs_refused);
}

/* VMfailValid from VMLAUNCH/VMRESUME is a failure, with a reproducer. */
static bool no_vmfail(void)
{
	unsigned int e;
	bool ok = true;

	printf("# failed VM entries: %" PRIu64 " for the guest state\n",
	       entry_bad_guest);
	for (e = 0; e < ARRAY_SIZE(vmfail); e++) {
		if (!vmfail[e])
			continue;
		printf("# %" PRIu64 " with VM-instruction error %u, the first in "
		       "program %lu (replay: --seed %" PRIu64 " --first %lu "
		       "--count %lu%s)\n", vmfail[e], e, vmfail_first[e],
		       opts.seed, vmfail_first[e] - vmfail_first[e] % BATCH,
		       vmfail_first[e] % BATCH + 1,
		       opts.flags & OPT_SKIP_CR8_WRITE ? " --skip-cr8-write" : "");
		ok = false;
	}
	return ok;
}

/* Exit counts for reasons the header does not name are a failure. */
static bool only_known_vmx_exits(void)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		if (vmx_seen[i] && !vmx_reason_known(i)) {
			printf("# %" PRIu64 " exits with reason %u\n",
			       vmx_seen[i], i);
			ok = false;
		}
	}
	return ok;
}

/*
 * The host after all that: its FS base, a fresh VM, the module, the
 * kernel log since @mark.
 */
static void host_checks(unsigned long fs_before, const char *mark)
{
	unsigned long fs = 0;
	const char *why = health_check();
	int ret;

	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	tap_result(&tap, fs == fs_before, "the host's FS base is intact");
	if (why)
		printf("# %s\n", why);
	tap_result(&tap, !why, "a fresh VM runs a guest to its HLT");
	ret = mvx_unload();
	if (ret)
		printf("# unload: %s\n", strerror(-ret));
	tap_result(&tap, !ret, "the module unloads afterwards");
	tap_result(&tap, kmsg_clean(mark),
		   "no warning or failed allocation in the kernel log");
}

static int fuzz(void)
{
	unsigned long i, end = opts.first + opts.count;
	struct vm vm;
	bool have_vm = false;

	for (i = opts.first; i < end; i++) {
		if (have_vm && i % BATCH == 0) {
			vm_destroy(&vm);
			have_vm = false;
		}
		if (!have_vm && vm_create(&vm))
			return -1;
		have_vm = true;
		one_program(&vm, i);
	}
	if (have_vm)
		vm_destroy(&vm);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long fs = 0;
	char mark[64];
	unsigned int m;
	double t0;
	int ret;

	fuzz_parse(argc, argv, &opts, OPT_FIRST | OPT_SKIP_CR8_WRITE);
	printf("TAP version 13\n");
	ret = mvx_load();
	if (ret && ret != -EEXIST) {
		printf("1..0 # SKIP minivmx.ko: %s\n", strerror(-ret));
		return 4;
	}
	printf("1..%d\n", NR_MODES + 6);
	printf("# seed %" PRIu64 ", programs %" PRIu64 " to %" PRIu64
	       " (replay: --seed %" PRIu64 " --first %" PRIu64
	       " --count %" PRIu64 "%s)\n", opts.seed, opts.first,
	       opts.first + opts.count - 1, opts.seed, opts.first, opts.count,
	       opts.flags & OPT_SKIP_CR8_WRITE ? " --skip-cr8-write" : "");
	fflush(stdout);
	kmsg_mark(mark, sizeof(mark));
	t0 = now_s();
	timer_signal_setup();
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	if (thread_timer_create(&timer) || fuzz()) {
		printf("Bail out! set-up: %s\n", strerror(errno));
		return 1;
	}
	for (m = 0; m < NR_MODES; m++)
		tap_result(&tap, !mode_fails[m], "%s: %lu runs, %lu failures",
			   mode_name[m], mode_runs[m], mode_fails[m]);
	print_histogram();
	printf("# %.1f s\n", now_s() - t0);
	tap_result(&tap, only_known_vmx_exits(),
		   "every VM exit has a reason the header names");
	tap_result(&tap, no_vmfail(),
		   "no VM entry failed on the module's own VMCS fields");
	host_checks(fs, mark);
	return tap_end(&tap);
}
