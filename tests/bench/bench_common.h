/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What bench_minivmx and bench_kvm share: the guest they build (a flat image
 * at 0x10000 in 2 MiB of RAM, started in 64-bit mode exactly as
 * Documentation/guest-abi.rst's "--mode long" promises), the devices they
 * answer in userspace (the 16550 at 0x3f8, BENCH_PORT, the ucall channel,
 * the exit port 0xf4), and the timing helpers.
 *
 * The register state is described once, in hypervisor-neutral structs,
 * and each program converts it to its own ABI (struct minivmx_sregs or
 * struct kvm_sregs).
 *
 * Once the bench guest has ended, both programs single-step the same step
 * loop (bench_step_init()) in the same vCPU: BENCH_STEPS steps, one run
 * each, and bench_minivmx then BENCH_STEPN_RUNS runs of BENCH_STEPN steps.
 */
#ifndef MINIVMX_BENCH_COMMON_H
#define MINIVMX_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../guests/testdev.h"
#include "../guests/ucall.h"

#define BENCH_MEM	0x200000ULL	/* 2 MiB of guest RAM at GPA 0 */
#define BENCH_LOAD	0x10000ULL	/* image load address and entry */

/* guest-abi.rst's layout */
#define BENCH_GDT	0x1000ULL
#define BENCH_PML4	0x2000ULL
#define BENCH_PDPT	0x3000ULL
#define BENCH_PD	0x4000ULL	/* four page directories */
#define BENCH_TABLES_END 0x9000ULL
#define BENCH_SEL_CODE	0x08
#define BENCH_SEL_DATA	0x10
#define BENCH_SEL_TSS	0x18

/* Ports (guest-abi.rst, "Devices"; tests/guests/testdev.h) */
#define BENCH_COM1	0x3f8
#define BENCH_COM1_NR	8
#define BENCH_EXIT_PORT	0xf4

/* Sanity bounds: a figure outside (0, bound) is not a measurement. */
#define BENCH_MAX_EXIT_CYCLES	10000000ULL	/* 10^7 per exit */
#define BENCH_MAX_CREATE_CYCLES	100000000000ULL	/* 10^11 */

/* The guest's loop counts (tests/guests/bench.c) */
#define BENCH_PIO_ITERS	10000

/*
 * The step loop: BENCH_STEP_LOOP_INSNS instructions per iteration, no
 * exits, written at BENCH_STEP_CODE (free RAM below the image); RAX counts
 * the iterations, RCX counts down from BENCH_STEP_ITERS and HLT ends it,
 * far beyond the steps taken.
 */
#define BENCH_STEP_CODE		0x9000ULL
#define BENCH_STEP_LOOP_INSNS	4
#define BENCH_STEP_ITERS	1000000ULL
#define BENCH_STEPS		10000	/* single steps, one run each */
#define BENCH_STEPN		1000	/* instructions per run, step N */
#define BENCH_STEPN_RUNS	100

/* A segment register with its hidden part. */
struct bench_seg {
	uint64_t base;
	uint32_t limit;			/* bytes, granularity applied */
	uint16_t selector;
	uint8_t type, s, dpl, present, avl, l, db, g, unusable;
};

/* The state at the first instruction. */
struct bench_cpu {
	struct bench_seg cs, ds, es, fs, gs, ss, tr, ldt;
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rip, rsp, rflags;
};

/* What the userspace devices saw; bench_io() updates it. */
struct bench_state {
	const char *name;		/* "minivmx" or "kvm", for messages */
	uint8_t *ram;
	uint64_t mem_size;

	uint64_t bench_port_outs;	/* OUTs to BENCH_PORT */
	uint64_t user_io_exits;		/* every port exit seen here */
	uint64_t stray_ports;		/* exits on ports nobody claims */

	int have_print;			/* UCALL_PRINT received */
	uint64_t print_args[UCALL_NR_ARGS];
	int guest_asserts;		/* UCALL_ASSERT received */

	int exited;			/* the guest wrote the exit port */
	uint64_t status;

	/* The UART's output, a line at a time; what the guest printed. */
	char line[256];
	size_t line_len;
	int have_serial_cpuid, have_serial_pio, serial_not_ok;
	uint64_t serial_cpuid, serial_pio;
	uint8_t uart_regs[BENCH_COM1_NR];
};

static inline uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;

	/* LFENCE orders RDTSC after everything before it (SDM RDTSC). */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* Anonymous, zeroed, page-aligned guest RAM; NULL on failure. */
uint8_t *bench_alloc_ram(uint64_t size);

/*
 * Load @path at BENCH_LOAD, write the GDT and page tables into @ram, and
 * describe the 64-bit state at the first instruction.  0 or -errno, with a
 * message on stderr.
 */
int bench_guest_init(const char *path, uint8_t *ram, uint64_t mem_size,
		     struct bench_cpu *cpu);

/*
 * Write the step loop at BENCH_STEP_CODE.  The vCPU enters it with
 * RIP = BENCH_STEP_CODE, RAX = 0, RCX = BENCH_STEP_ITERS; after N steps,
 * N a multiple of BENCH_STEP_LOOP_INSNS, RIP is back there and RAX is
 * N / BENCH_STEP_LOOP_INSNS.
 */
void bench_step_init(uint8_t *ram);

void bench_state_init(struct bench_state *st, const char *name,
		      uint8_t *ram, uint64_t mem_size);

/*
 * A port exit: @count items of @size bytes at @data (for IN, fill them).
 * Return 0 to resume the guest, 1 when the guest wrote the exit port.
 */
int bench_io(struct bench_state *st, int is_out, unsigned int size,
	     uint16_t port, uint32_t count, uint8_t *data);

/*
 * The result line on stdout and the checks on stderr.  Return the
 * program's exit status: 0 if the guest ran to a clean end with its
 * numbers, 1 otherwise.
 */
int bench_report(struct bench_state *st, uint64_t create_to_first_exit,
		 const char *extra);

#define bench_err(st, fmt, ...) \
	fprintf(stderr, "%s: " fmt "\n", (st)->name, ##__VA_ARGS__)

#endif /* MINIVMX_BENCH_COMMON_H */
