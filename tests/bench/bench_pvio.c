// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped against paravirtual I/O, measured (Documentation/pvio.rst): runs
 * the pvio guest (tests/guests/pvio.c) on the devices of `minivmx run`
 * and, between the guest's phase marks (ucall PRINT: phase, bytes), counts
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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#include "../../user-tools/devices.h"
#include "../../user-tools/guest.h"
#include "../../user-tools/trace-file.h"
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
	unsigned long long bytes, exits, user, tsc;
};

struct bench {
	__u8 *ram;
	struct guest_layout l;
	struct minivmx_bus bus;
	struct run_devices devs;
	int dev, vm, vcpu, null_fd;
	struct minivmx_run *run;
	struct mark marks[NR_PHASES + 2];
	unsigned int nr_marks;
	unsigned long long user;
};

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
	struct bench *b = opaque;
	struct mark *m;
	struct ucall uc;
	__u32 gpa;

	if (!is_write || size != 4)
		return 0;
	memcpy(&gpa, data, 4);
	if (gpa + sizeof(uc) > b->l.mem_size)
		return -EINVAL;
	memcpy(&uc, b->ram + gpa, sizeof(uc));
	if (uc.cmd != UCALL_PRINT || b->nr_marks == NR_PHASES + 1)
		return 0;
	m = &b->marks[b->nr_marks++];
	m->phase = uc.args[0];
	m->bytes = uc.args[1];
	m->exits = all_exits(b->run);
	m->user = b->user;
	m->tsc = __rdtsc();
	return 0;
}

static int setup(struct bench *b, const char *path)
{
	struct minivmx_sregs s;
	struct minivmx_regs r;
	FILE *f = fopen(path, "rb");
	int ret;

	if (!f)
		return -errno;
	b->l.mode = GUEST_LONG;
	b->l.mem_size = GUEST_MEM_DEFAULT;
	b->l.load = b->l.entry = GUEST_LOAD_DEFAULT;
	b->ram = mmap(NULL, b->l.mem_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b->ram == MAP_FAILED) {
		fclose(f);
		return -ENOMEM;
	}
	b->l.image_size = fread(b->ram + b->l.load, 1,
				b->l.mem_size - b->l.load, f);
	fclose(f);
	guest_build_tables(b->ram, &b->l);
	/* The text goes nowhere: the bench measures, it does not show. */
	b->null_fd = open("/dev/null", O_WRONLY);
	devices_init(&b->devs, -1, b->null_fd);
	pvio_set_ram(&b->devs.pvio, b->ram, b->l.mem_size);
	minivmx_bus_init(&b->bus);
	ret = devices_register(&b->bus, &b->devs, false);
	if (!ret)
		ret = minivmx_register_pio(&b->bus, UCALL_PORT, 1, ucall_pio, b);
	if (!ret)
		ret = minivmx_open(&b->dev);
	if (!ret)
		ret = minivmx_create_vm(b->dev, &b->vm);
	if (!ret)
		ret = minivmx_set_memory_region(b->vm, 0, 0, 0, b->l.mem_size,
						b->ram);
	if (!ret)
		ret = minivmx_set_port_route(b->vm, 0xf4, 1, MINIVMX_PORT_EXIT);
	if (!ret)
		ret = minivmx_create_vcpu(b->vm, 0, &b->vcpu, &b->run);
	if (ret)
		return ret;
	guest_init_sregs(&s, &b->l);
	guest_init_regs(&r, &b->l);
	ret = minivmx_set_sregs(b->vcpu, &s);
	return ret ? ret : minivmx_set_regs(b->vcpu, &r);
}

/* Run to the guest's end: its exit status, or -errno. */
static long long run(struct bench *b)
{
	int ret;

	for (;;) {
		ret = minivmx_run(b->vcpu);
		if (ret)
			return ret;
		b->user++;
		switch (b->run->exit_reason) {
		case MINIVMX_EXIT_IO:
		case MINIVMX_EXIT_MMIO:
		case MINIVMX_EXIT_HYPERCALL:
			ret = devices_handle_exit(&b->bus, &b->devs, b->run);
			if (ret)
				return ret < 0 ? ret : -EPROTO;
			break;
		case MINIVMX_EXIT_GUEST_EXIT:
			return b->run->guest_exit.status;
		default:
			return -EPROTO;
		}
	}
}

int main(int argc, char **argv)
{
	double hz = trace_tsc_hz(), kib[NR_PHASES + 1] = { 0 };
	struct bench b = { 0 };
	unsigned int i, n = 0, fails = 0;
	long long status;
	int ret;

	bool loaded;

	printf("TAP version 13\n");
	ret = mvx_load();
	if (ret && ret != -EEXIST) {
		printf("1..0 # SKIP minivmx.ko: %s\n", strerror(-ret));
		return 4;
	}
	loaded = !ret;
	printf("1..3\n");
	ret = setup(&b, argc > 1 ? argv[1] : GUEST_DEFAULT);
	if (ret) {
		printf("not ok 1 the pvio guest ran # %s\n", strerror(-ret));
		printf("0 passed, 3 failed\n");
		return 1;
	}
	status = run(&b);
	printf("%sok %u the pvio guest ran and passed its checks (status %lld)\n",
	       status ? "not " : "", ++n, status);
	fails += status != 0;

	printf("# %-30s %7s %7s %9s %9s %8s\n", "PHASE", "BYTES", "EXITS",
	       "EXITS/KiB", "Mcycles", "MB/s");
	for (i = 0; i + 1 < b.nr_marks; i++) {
		const struct mark *m = &b.marks[i], *next = &b.marks[i + 1];
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
	minivmx_destroy_vcpu(b.vcpu, b.run);
	close(b.vm);
	close(b.dev);
	devices_free(&b.devs);
	if (loaded)
		mvx_unload();
	return fails ? 1 : 0;
}
