// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest set-up and userspace devices bench_minivmx and bench_kvm share
 * (bench_common.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_common.h"

/* CR0, CR4, EFER bits (SDM Vol. 3A 2.5, 2.2.1) */
#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

/* Paging-structure entry bits (SDM Vol. 3A Tables 4-15 to 4-18) */
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

#define SEG_TYPE_DATA	0x3	/* read/write, accessed */
#define SEG_TYPE_CODE	0xb	/* execute/read, accessed */
#define SEG_TYPE_TSS	0xb	/* busy 64-bit TSS */

/* 16550 registers (offsets from BENCH_COM1, DLAB clear) */
#define UART_THR	0
#define UART_LSR	5
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

uint8_t *bench_alloc_ram(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void seg_flat(struct bench_seg *s, uint16_t sel, uint8_t type, int l)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->s = 1;
	s->present = 1;
	s->l = l;
	s->db = !l;
	s->g = 1;
}

/* The GDT descriptor of @s (SDM Vol. 3A 3.4.5, Figure 3-8). */
static uint64_t seg_desc(const struct bench_seg *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t access = s->type | s->s << 4 | s->dpl << 5 | s->present << 7;
	uint64_t flags = s->avl | s->l << 1 | s->db << 2 | s->g << 3;

	return (limit & 0xffffULL) | (s->base & 0xffffffULL) << 16 |
	       access << 40 | ((limit >> 16) & 0xfULL) << 48 | flags << 52 |
	       ((s->base >> 24) & 0xffULL) << 56;
}

static void put64(uint8_t *ram, uint64_t gpa, uint64_t val)
{
	memcpy(ram + gpa, &val, sizeof(val));
}

static int load_image(const char *path, uint8_t *ram, uint64_t mem_size)
{
	struct stat sb;
	uint64_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb)) {
		int err = errno;

		fprintf(stderr, "%s: %s\n", path, strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	if (sb.st_size <= 0 || (uint64_t)sb.st_size > mem_size - BENCH_LOAD) {
		fprintf(stderr, "%s: %lld bytes do not fit at %#llx in %#llx bytes of RAM\n",
			path, (long long)sb.st_size,
			(unsigned long long)BENCH_LOAD,
			(unsigned long long)mem_size);
		close(fd);
		return -EFBIG;
	}
	while (done < (uint64_t)sb.st_size) {
		ssize_t n = read(fd, ram + BENCH_LOAD + done, sb.st_size - done);

		if (n <= 0) {
			int err = n ? errno : EIO;

			fprintf(stderr, "%s: read: %s\n", path,
				n ? strerror(err) : "short file");
			close(fd);
			return -err;
		}
		done += n;
	}
	close(fd);
	return 0;
}

int bench_guest_init(const char *path, uint8_t *ram, uint64_t mem_size,
		     struct bench_cpu *c)
{
	unsigned int i;
	int ret;

	ret = load_image(path, ram, mem_size);
	if (ret)
		return ret;

	/* guest-abi.rst "--mode long": flat segments from the GDT at 0x1000 */
	memset(c, 0, sizeof(*c));
	seg_flat(&c->cs, BENCH_SEL_CODE, SEG_TYPE_CODE, 1);
	seg_flat(&c->ds, BENCH_SEL_DATA, SEG_TYPE_DATA, 0);
	c->es = c->fs = c->gs = c->ss = c->ds;
	c->tr.selector = BENCH_SEL_TSS;
	c->tr.limit = 0x67;
	c->tr.type = SEG_TYPE_TSS;
	c->tr.present = 1;
	c->ldt.unusable = 1;
	c->gdt_base = BENCH_GDT;
	c->gdt_limit = 5 * 8 - 1;	/* null, code, data, 16-byte TSS */
	c->idt_limit = 0;		/* any exception: triple fault */
	c->cr0 = CR0_PE | CR0_ET | CR0_PG;
	c->cr3 = BENCH_PML4;
	c->cr4 = CR4_PAE;
	c->efer = EFER_LME | EFER_LMA;
	c->rip = BENCH_LOAD;
	c->rsp = mem_size;
	c->rflags = 2;

	memset(ram + BENCH_GDT, 0, BENCH_TABLES_END - BENCH_GDT);
	put64(ram, BENCH_GDT + BENCH_SEL_CODE, seg_desc(&c->cs));
	put64(ram, BENCH_GDT + BENCH_SEL_DATA, seg_desc(&c->ds));
	put64(ram, BENCH_GDT + BENCH_SEL_TSS, seg_desc(&c->tr));
	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 PDs of 2 MiB pages: 4 GiB 1:1 */
	put64(ram, BENCH_PML4, BENCH_PDPT | PTE_P | PTE_RW);
	for (i = 0; i < 4; i++)
		put64(ram, BENCH_PDPT + 8 * i,
		      (BENCH_PD + 0x1000ULL * i) | PTE_P | PTE_RW);
	for (i = 0; i < 4 * 512; i++)
		put64(ram, BENCH_PD + 8 * i,
		      ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS);
	return 0;
}

void bench_step_init(uint8_t *ram)
{
	static const uint8_t loop[] = {
		0x48, 0xff, 0xc0,	/* 1: inc %rax */
		0x48, 0x01, 0xc3,	/* add %rax, %rbx */
		0x48, 0xff, 0xc9,	/* dec %rcx */
		0x75, 0xf5,		/* jnz 1b */
		0xf4,			/* hlt */
	};

	memcpy(ram + BENCH_STEP_CODE, loop, sizeof(loop));
}

void bench_state_init(struct bench_state *st, const char *name,
		      uint8_t *ram, uint64_t mem_size)
{
	memset(st, 0, sizeof(*st));
	st->name = name;
	st->ram = ram;
	st->mem_size = mem_size;
}

/* A line the guest printed: onto stderr as a comment, and parse it. */
static void serial_line(struct bench_state *st)
{
	unsigned long long v;

	st->line[st->line_len] = 0;
	fprintf(stderr, "%s guest: %s\n", st->name, st->line);
	if (sscanf(st->line, "cpuid_cycles=%llu", &v) == 1) {
		st->serial_cpuid = v;
		st->have_serial_cpuid = 1;
	} else if (sscanf(st->line, "pio_cycles=%llu", &v) == 1) {
		st->serial_pio = v;
		st->have_serial_pio = 1;
	} else if (!strncmp(st->line, "not ok", 6)) {
		st->serial_not_ok = 1;
	}
	st->line_len = 0;
}

static void uart_io(struct bench_state *st, int is_out, unsigned int reg,
		    uint8_t *b)
{
	if (!is_out) {
		*b = reg == UART_LSR ? UART_LSR_THRE | UART_LSR_TEMT :
		     reg == UART_THR ? 0 : st->uart_regs[reg];
		return;
	}
	if (reg != UART_THR) {
		st->uart_regs[reg] = *b;
		return;
	}
	if (*b == '\n' || st->line_len == sizeof(st->line) - 1)
		serial_line(st);
	if (*b != '\n' && *b != '\r')
		st->line[st->line_len++] = *b;
}

static void ucall_io(struct bench_state *st, uint64_t gpa)
{
	struct ucall uc;

	if (gpa >= st->mem_size || st->mem_size - gpa < sizeof(uc)) {
		bench_err(st, "ucall at %#llx is outside RAM",
			  (unsigned long long)gpa);
		st->stray_ports++;
		return;
	}
	memcpy(&uc, st->ram + gpa, sizeof(uc));
	switch (uc.cmd) {
	case UCALL_PRINT:
		st->have_print = 1;
		memcpy(st->print_args, uc.args, sizeof(uc.args));
		break;
	case UCALL_ASSERT:
		st->guest_asserts++;
		bench_err(st, "guest assertion: %#llx %#llx",
			  (unsigned long long)uc.args[0],
			  (unsigned long long)uc.args[1]);
		break;
	default:
		break;
	}
}

int bench_io(struct bench_state *st, int is_out, unsigned int size,
	     uint16_t port, uint32_t count, uint8_t *data)
{
	uint32_t i;

	st->user_io_exits++;
	for (i = 0; i < count; i++, data += size) {
		uint64_t val = 0;

		if (port == BENCH_PORT && is_out) {
			st->bench_port_outs++;
		} else if (port >= BENCH_COM1 &&
			   port < BENCH_COM1 + BENCH_COM1_NR && size == 1) {
			uart_io(st, is_out, port - BENCH_COM1, data);
		} else if (port == UCALL_PORT && is_out && size == 4) {
			memcpy(&val, data, 4);
			ucall_io(st, val);
		} else if (port == BENCH_EXIT_PORT && is_out) {
			memcpy(&val, data, size);
			st->status = val;
			st->exited = 1;
			return 1;
		} else {
			/* An open bus: reads all ones, writes dropped. */
			if (!st->stray_ports++)
				bench_err(st, "unexpected %s of size %u at port %#x",
					  is_out ? "OUT" : "IN", size, port);
			if (!is_out)
				memset(data, 0xff, size);
		}
	}
	return 0;
}

int bench_report(struct bench_state *st, uint64_t create_to_first_exit,
		 const char *extra)
{
	uint64_t cpuid = st->print_args[0], pio = st->print_args[1];
	int bad = 0;

	if (st->line_len)
		serial_line(st);
	printf("%s cpuid_exit_cycles=%llu pio_exit_cycles=%llu create_to_first_exit_cycles=%llu status=%llu bench_port_exits=%llu user_io_exits=%llu%s\n",
	       st->name, (unsigned long long)cpuid, (unsigned long long)pio,
	       (unsigned long long)create_to_first_exit,
	       (unsigned long long)st->status,
	       (unsigned long long)st->bench_port_outs,
	       (unsigned long long)st->user_io_exits, extra ? extra : "");
	fflush(stdout);

	if (!st->exited) {
		bench_err(st, "the guest did not write the exit port");
		bad = 1;
	} else if (st->status) {
		bench_err(st, "the guest exited with status %llu",
			  (unsigned long long)st->status);
		bad = 1;
	}
	if (!st->have_print) {
		bench_err(st, "no UCALL_PRINT from the guest");
		bad = 1;
	}
	if (st->bench_port_outs != BENCH_PIO_ITERS) {
		bench_err(st, "%llu OUTs to port %#x reached userspace, expected %u",
			  (unsigned long long)st->bench_port_outs, BENCH_PORT,
			  BENCH_PIO_ITERS);
		bad = 1;
	}
	if (st->have_print &&
	    (!st->have_serial_cpuid || !st->have_serial_pio ||
	     st->serial_cpuid != cpuid || st->serial_pio != pio)) {
		bench_err(st, "the serial port's numbers do not match the ucall's");
		bad = 1;
	}
	if (st->serial_not_ok || st->guest_asserts || st->stray_ports) {
		bench_err(st, "the guest reported a failure or touched unexpected ports");
		bad = 1;
	}
	return bad;
}
