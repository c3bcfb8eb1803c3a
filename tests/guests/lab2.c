// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab2: the guest of Documentation/labs/2-pv-block.rst, a paravirtual
 * block driver: it writes sectors through the ring (user-tools/pvio.h,
 * VMCALL PVIO_HC_BLOCK) and reads them back, then hands over requests a
 * careful device must refuse -- a buffer outside RAM, a sector past the
 * disk, a length that is not whole sectors, an unknown operation, a ring
 * that claims too much or lies outside RAM.  Each check ends in one of
 * two VMCALLs (labguest.h) for the grader's trace.
 *
 * Long mode.  Host: tests/labs/2-pv-block/vmm.c.  Serial: the reports;
 * exit status 0 when every check passed.
 */
#include "libguest.h"
#include "../labs/2-pv-block/lab2.h"
#include "../labs/labguest.h"
#include "pvring.h"

#define N	8		/* sectors written and read back */
#define FIRST	10		/* the first of them */
#define EINVAL_	(-22)

static u8 out[N * PVIO_SECTOR], in[N * PVIO_SECTOR];
static struct pvio_ring ring __attribute__((aligned(8)));

/* Descriptor @back places before the head: its status. */
static int status(unsigned int back)
{
	return ring.desc[(ring.head - back) % PVIO_RING_SIZE].status;
}

int main(void)
{
	unsigned int i, ok;
	long n;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i / PVIO_SECTOR * 31 + i);

	/* N sectors, one descriptor each, one VMCALL. */
	for (i = 0; i < N; i++)
		pvring_add(&ring, virt_to_phys(out + i * PVIO_SECTOR),
			   PVIO_SECTOR, PVIO_OP_WRITE, FIRST + i);
	n = pvring_kick(&ring, PVIO_HC_BLOCK);
	for (ok = 1, i = 1; i <= N; i++)
		ok &= !status(i) &&
		      ring.desc[(ring.head - i) % PVIO_RING_SIZE].done ==
		      PVIO_SECTOR;
	lab_check(n == N && ring.tail == ring.head && ok,
		  "8 writes in one VMCALL: all done, status 0, 512 bytes each");

	/* Back in one descriptor of 8 sectors. */
	pvring_add(&ring, virt_to_phys(in), sizeof(in), PVIO_OP_READ, FIRST);
	n = pvring_kick(&ring, PVIO_HC_BLOCK);
	lab_check(n == 1 && !status(1) && !memcmp(in, out, sizeof(in)),
		  "one read of 8 sectors brings back what was written");

	/* One sector from the middle: the sector number counts. */
	memset(in, 0, sizeof(in));
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, PVIO_OP_READ,
		   FIRST + 5);
	pvring_kick(&ring, PVIO_HC_BLOCK);
	lab_check(!memcmp(in, out + 5 * PVIO_SECTOR, PVIO_SECTOR),
		  "a read of sector 15 alone: sector 15's bytes");

	/*
	 * Four bad requests between two good ones, each refused alone:
	 * outside RAM, past the disk, not whole sectors, no such op.
	 */
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, PVIO_OP_READ, FIRST);
	pvring_add(&ring, 0xffff000, PVIO_SECTOR, PVIO_OP_READ, 0);
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, PVIO_OP_READ,
		   LAB2_SECTORS);
	pvring_add(&ring, virt_to_phys(in), 100, PVIO_OP_WRITE, 0);
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, 9, 0);
	pvring_add(&ring, virt_to_phys(in), PVIO_SECTOR, PVIO_OP_READ, FIRST);
	n = pvring_kick(&ring, PVIO_HC_BLOCK);
	lab_check(n == 6 && !status(6) && status(5) == EINVAL_ &&
		  status(4) == EINVAL_ && status(3) == EINVAL_ &&
		  status(2) == EINVAL_ && !status(1),
		  "bad requests fail with -EINVAL, the good ones around them work");

	/* Rings a device must refuse whole. */
	ring.head = ring.tail + PVIO_RING_SIZE + 1;
	n = pvring_kick(&ring, PVIO_HC_BLOCK);
	ring.head = ring.tail;
	lab_check(n == EINVAL_, "a ring claiming 65 requests: -EINVAL");
	n = vmcall(PVIO_HC_BLOCK, 0x7ffffff8, 0, 0, 0);
	lab_check(n == EINVAL_, "a ring outside RAM: -EINVAL");
	return report_summary();
}
