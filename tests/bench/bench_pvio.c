// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped against paravirtual I/O, measured (Documentation/pvio.rst): runs
 * the pvio guest (tests/guests/pvio.c) on the devices of `minivmx run`
 * (with the labs' VMM scaffolding, tests/labs/common/labvmm.c) and,
 * between the guest's phase marks (ucall PRINT: phase, bytes), counts
 * the VM exits (the run structure's exit_count[], in-kernel ones
 * included), those that reached this program, and the host's TSC.
 * Prints a table -- bytes, exits, exits per KiB, host cycles, MB/s -- for
 * the console through the 16550 and through the paravirtual ring, and for
 * the disk a word at a time, by REP INSW/OUTSW and through the ring.
 *
 *   bench_pvio [GUEST]    (default /minivmx/guests/pvio-long.bin)
 *
 * TAP: the guest passed its own checks, and each paravirtual device took
 * fewer exits per KiB than its trapped counterpart.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <x86intrin.h>

#include "../labs/common/labvmm.h"
#include "../guests/ucall.h"
#include "../guest/testlib.h"

#define GUEST_DEFAULT	"/minivmx/guests/pvio-long.bin"
#define NR_PHASES	5

static const char * const phase_name[NR_PHASES + 1] = {
	[1] = "console, trapped (16550)",
	[2] = "console, paravirtual ring",
	[3] = "disk, trapped, a word a time",
	[4] = "disk, trapped, REP INSW/OUTSW",
	[5] = "disk, paravirtual ring",
};

struct mark {
	unsigned int phase;
	unsigned long long bytes, exits, tsc;
};

/* The guest's phase marks, as the ucall port received them. */
static struct mark marks[NR_PHASES + 2];
static unsigned int nr_marks;

static unsigned long long all_exits(const struct minivmx_run *run)
{
	unsigned long long n = 0;
	unsigned int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		n += run->exit_count[i];
	return n;
}

/* A phase mark (ucall PRINT); other ucalls are ignored. */
static int ucall_pio(void *opaque, __u16 port, __u8 *data, __u32 size,
		     bool is_write)
{
	struct lab_vmm *v = opaque;
	struct mark *m;
	struct ucall uc;
	__u32 gpa;

	if (!is_write || size != 4)
		return 0;
	memcpy(&gpa, data, 4);
	if (gpa + sizeof(uc) > v->l.mem_size)
		return -EINVAL;
	memcpy(&uc, v->ram + gpa, sizeof(uc));
	if (uc.cmd != UCALL_PRINT || nr_marks == NR_PHASES + 1)
		return 0;
	m = &marks[nr_marks++];
	m->phase = uc.args[0];
	m->bytes = uc.args[1];
	m->exits = all_exits(v->run);
	m->tsc = __rdtsc();
	return 0;
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], argc > 1 ? argv[1] : GUEST_DEFAULT, NULL };
	double hz = trace_tsc_hz(), kib[NR_PHASES + 1] = { 0 };
	struct lab_vmm v = { .quiet = true };
	unsigned int i, n = 0, fails = 0;
	bool loaded;
	int ret;

	printf("TAP version 13\n");
	ret = mvx_load();
	if (ret && ret != -EEXIST) {
		printf("1..0 # SKIP minivmx.ko: %s\n", strerror(-ret));
		return 4;
	}
	loaded = !ret;
	printf("1..3\n");
	/* The text goes nowhere: the bench measures, it does not show. */
	v.out_fd = open("/dev/null", O_WRONLY);
	if (lab_vmm_start(&v, 2, args, GUEST_DEFAULT) ||
	    minivmx_register_pio(&v.bus, UCALL_PORT, 1, ucall_pio, &v)) {
		printf("not ok 1 the pvio guest ran # set-up failed\n");
		printf("0 passed, 3 failed\n");
		return 1;
	}
	lab_vmm_run(&v, NULL);	/* the tool's devices do the I/O */
	printf("%sok %u the pvio guest ran and passed its checks (status %lld)\n",
	       v.status ? "not " : "", ++n, v.status);
	fails += v.status != 0;

	printf("# %-30s %7s %7s %9s %9s %8s\n", "PHASE", "BYTES", "EXITS",
	       "EXITS/KiB", "Mcycles", "MB/s");
	for (i = 0; i + 1 < nr_marks; i++) {
		const struct mark *m = &marks[i], *next = &marks[i + 1];
		unsigned long long exits = next->exits - m->exits;
		double cycles = next->tsc - m->tsc;

		if (m->phase < 1 || m->phase > NR_PHASES || !m->bytes)
			continue;
		kib[m->phase] = exits / (m->bytes / 1024.0);
		printf("# %-30s %7llu %7llu %9.1f %9.2f ", phase_name[m->phase],
		       m->bytes, exits, kib[m->phase], cycles / 1e6);
		if (hz)
			printf("%8.2f\n", m->bytes / (cycles / hz) / 1e6);
		else
			printf("%8s\n", "-");
	}
	printf("# (exits between the guest's marks, in-kernel ones included; host TSC cycles)\n");
	printf("%sok %u the paravirtual console takes fewer exits per KiB than the UART\n",
	       kib[2] > 0 && kib[2] < kib[1] ? "" : "not ", ++n);
	fails += !(kib[2] > 0 && kib[2] < kib[1]);
	printf("%sok %u the paravirtual disk takes fewer exits per KiB than word or string I/O\n",
	       kib[5] > 0 && kib[5] < kib[3] && kib[5] < kib[4] ? "" : "not ", ++n);
	fails += !(kib[5] > 0 && kib[5] < kib[3] && kib[5] < kib[4]);
	printf("%u passed, %u failed\n", n - fails, fails);
	minivmx_destroy_vcpu(v.vcpu, v.run);
	close(v.vm);
	close(v.dev);
	if (loaded)
		mvx_unload();
	return fails ? 1 : 0;
}
