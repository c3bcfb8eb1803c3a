// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvio: I/O by trapping against paravirtual I/O (Documentation/pvio.rst),
 * on the devices of `minivmx run` (user-tools/pvio.h).  The same text goes
 * out through the trapped 16550 (an exit per byte, and per poll of its
 * line status) and through the paravirtual console (one VMCALL); the same
 * sectors go to the disk and back a word at a time (an exit per word), by
 * REP OUTSW/INSW (the kernel moves up to 1 KiB an exit), and through the
 * paravirtual block ring (one VMCALL per batch of 32 sectors).  Every
 * read is checked against what was written, and reported after the last
 * phase, so that a phase's exits are its I/O's alone.  Before each phase a ucall
 * PRINT (phase, bytes) marks it for tests/bench/bench_pvio.c, which
 * counts the exits and cycles between the marks.  Last, bad rings and
 * descriptors must be refused.
 *
 * Long mode.  Host: the tool's devices.  Serial and the paravirtual
 * console: the text twice, the reports; exit status 0.
 */
#include "libguest.h"
#include "pvring.h"

#define TEXT_LINES	64
#define TEXT_BYTES	(TEXT_LINES * 64)
#define SECTORS		32
#define DISK_BYTES	(SECTORS * PVIO_SECTOR)

/* The phases, as the ucall PRINT marks them (bench_pvio.c's table). */
enum { PH_CON_TRAP = 1, PH_CON_PV, PH_DISK_WORD, PH_DISK_STRING, PH_DISK_PV,
       PH_END };

static char text[TEXT_BYTES + 1];
static u8 out[DISK_BYTES], in[DISK_BYTES];
static struct pvio_ring ring __attribute__((aligned(8)));

static void mark(unsigned int phase, unsigned long bytes)
{
	ucall(UCALL_PRINT, phase, bytes);
}

static void make_text(void)
{
	unsigned int i, j;
	char *p = text;

	for (i = 0; i < TEXT_LINES; i++) {
		/* 64 bytes: "pvio line NN " then letters, then a newline */
		memcpy(p, "pvio line ", 10);
		p[10] = '0' + i / 10;
		p[11] = '0' + i % 10;
		p[12] = ' ';
		for (j = 13; j < 63; j++)
			p[j] = 'a' + (i + j) % 26;
		p[63] = '\n';
		p += 64;
	}
}

static void disk_cmd(u32 sector, u8 cmd)
{
	outl(PVIO_DISK_PORT, sector);
	outb(PVIO_DISK_PORT + 4, cmd);
}

static void fill(u8 *buf, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < DISK_BYTES; i++)
		buf[i] = (u8)(i * 7 + seed + (i >> 9));
}

int main(void)
{
	bool con_pv, disk_word, disk_string, disk_pv;
	unsigned int s, i, bad;
	u16 *w;
	long n;

	make_text();

	/* The console, trapped: the UART, a byte at a time. */
	mark(PH_CON_TRAP, TEXT_BYTES);
	serial_puts(text);

	/* The console, paravirtual: one descriptor, one VMCALL. */
	mark(PH_CON_PV, TEXT_BYTES);
	pvring_add(&ring, virt_to_phys(text), TEXT_BYTES, PVIO_OP_WRITE, 0);
	n = pvring_kick(&ring, PVIO_HC_CONSOLE);
	con_pv = n == 1 && ring.tail == ring.head && !ring.desc[0].status &&
		 ring.desc[0].done == TEXT_BYTES;

	/* The disk, trapped: OUTW and INW, a word a time. */
	mark(PH_DISK_WORD, 2 * DISK_BYTES);
	fill(out, 1);
	for (s = 0; s < SECTORS; s++) {
		w = (u16 *)(out + s * PVIO_SECTOR);
		for (i = 0; i < PVIO_SECTOR / 2; i++)
			outw(PVIO_DISK_PORT + 6, w[i]);
		disk_cmd(s, PVIO_DISK_WRITE);
	}
	for (s = 0; s < SECTORS; s++) {
		disk_cmd(s, PVIO_DISK_READ);
		w = (u16 *)(in + s * PVIO_SECTOR);
		for (i = 0; i < PVIO_SECTOR / 2; i++)
			w[i] = inw(PVIO_DISK_PORT + 6);
	}
	disk_word = !memcmp(in, out, DISK_BYTES) && !inb(PVIO_DISK_PORT + 4);

	/* The disk, trapped: REP OUTSW and REP INSW, a sector each. */
	mark(PH_DISK_STRING, 2 * DISK_BYTES);
	fill(out, 2);
	for (s = 0; s < SECTORS; s++) {
		w = (u16 *)(out + s * PVIO_SECTOR);
		asm volatile("rep outsw" : "+S"(w), "=c"(i)
			     : "d"(PVIO_DISK_PORT + 6), "1"(PVIO_SECTOR / 2)
			     : "memory");
		disk_cmd(s + SECTORS, PVIO_DISK_WRITE);
	}
	for (s = 0; s < SECTORS; s++) {
		disk_cmd(s + SECTORS, PVIO_DISK_READ);
		w = (u16 *)(in + s * PVIO_SECTOR);
		asm volatile("rep insw" : "+D"(w), "=c"(i)
			     : "d"(PVIO_DISK_PORT + 6), "1"(PVIO_SECTOR / 2)
			     : "memory");
	}
	disk_string = !memcmp(in, out, DISK_BYTES);

	/* The disk, paravirtual: 32 sectors a VMCALL, each way. */
	mark(PH_DISK_PV, 2 * DISK_BYTES);
	fill(out, 3);
	for (s = 0; s < SECTORS; s++)
		pvring_add(&ring, virt_to_phys(out + s * PVIO_SECTOR),
			   PVIO_SECTOR, PVIO_OP_WRITE, 2 * SECTORS + s);
	n = pvring_kick(&ring, PVIO_HC_BLOCK);
	for (s = 0; s < SECTORS; s++)
		pvring_add(&ring, virt_to_phys(in + s * PVIO_SECTOR),
			   PVIO_SECTOR, PVIO_OP_READ, 2 * SECTORS + s);
	n += pvring_kick(&ring, PVIO_HC_BLOCK);
	for (bad = 0, i = 0; i < PVIO_RING_SIZE; i++)
		bad += ring.desc[i].status != 0;
	disk_pv = n == 2 * SECTORS && !bad && !memcmp(in, out, DISK_BYTES);
	mark(PH_END, 0);

	report(con_pv, "paravirtual console: 4 KiB in one VMCALL");
	report(disk_word,
	       "trapped disk, a word at a time: 16 KiB written and read back");
	report(disk_string,
	       "trapped disk, REP OUTSW/INSW: 16 KiB written and read back");
	report(disk_pv, "paravirtual block: 16 KiB each way, 32 sectors a VMCALL");

	/* What the device must refuse. */
	/* Outside RAM, not whole sectors, past the disk, no such op. */
	pvring_add(&ring, 0xfffff000, PVIO_SECTOR, PVIO_OP_READ, 0);
	pvring_add(&ring, virt_to_phys(in), 100, PVIO_OP_READ, 0);
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, PVIO_OP_READ,
		   PVIO_DISK_SECTORS);
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, 7, 0);
	n = pvring_kick(&ring, PVIO_HC_BLOCK);
	for (bad = 0, i = 0; i < 4; i++)
		bad += ring.desc[(ring.tail - 4 + i) % PVIO_RING_SIZE].status == -22;
	report(n == 4 && bad == 4,
	       "bad descriptors: each done with -EINVAL (outside RAM, not sectors, past the disk, unknown op)");
	ring.head = ring.tail + PVIO_RING_SIZE + 1;
	report(pvring_kick(&ring, PVIO_HC_BLOCK) == -22,
	       "a ring claiming more than 64 descriptors: -EINVAL");
	ring.head = ring.tail;
	report(vmcall(PVIO_HC_CONSOLE, 0x7ffffff8, 0, 0, 0) == (unsigned long)-22,
	       "a ring outside RAM: -EINVAL");
	outl(PVIO_DISK_PORT, PVIO_DISK_SECTORS);
	outb(PVIO_DISK_PORT + 4, PVIO_DISK_READ);
	report(inb(PVIO_DISK_PORT + 4) == PVIO_DISK_ERROR,
	       "trapped disk: a sector past the end sets the error status");
	return report_summary();
}
