// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench: the cost of two exits seen from the guest, in TSC cycles per
 * iteration (the TSC delta over the whole loop divided by the iterations):
 * CPUID, which the kernel answers, and an OUT to a port the host program
 * answers in userspace.  Long mode.
 *
 * Host: any handler for OUT to BENCH_PORT (0x511).  Serial:
 * "cpuid_cycles=N", "pio_cycles=N", the reports; then UCALL_PRINT with
 * args[0] = cpuid cycles, args[1] = pio cycles; exit status 0.
 */
#include "libguest.h"
#include "testdev.h"

#define CPUID_ITERS	100000
#define PIO_ITERS	10000

int main(void)
{
	u64 t0, t_cpuid, t_pio, cpuid_cycles, pio_cycles;
	unsigned int i;

	/*
	 * RDTSC is not serializing, but over 10^4-10^5 iterations the skew
	 * at either end is noise; CPUID itself is serializing.
	 */
	t0 = rdtsc();
	for (i = 0; i < CPUID_ITERS; i++)
		cpuid(0, 0);
	t_cpuid = rdtsc() - t0;

	t0 = rdtsc();
	for (i = 0; i < PIO_ITERS; i++)
		outb(BENCH_PORT, i);
	t_pio = rdtsc() - t0;

	cpuid_cycles = t_cpuid / CPUID_ITERS;
	pio_cycles = t_pio / PIO_ITERS;
	printf("cpuid_cycles=%llu\n", cpuid_cycles);
	printf("pio_cycles=%llu\n", pio_cycles);
	report(cpuid_cycles > 0 && pio_cycles > 0, "the TSC advanced");
	ucall(UCALL_PRINT, cpuid_cycles, pio_cycles);
	return report_summary();
}
