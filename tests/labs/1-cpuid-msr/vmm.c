// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 1's VMM (Documentation/labs/1-cpuid-msr.rst): runs the lab's guest
 * in long mode with CPUID, RDMSR and WRMSR routed to userspace
 * (MINIVMX_SET_EXIT_ROUTES), where the student's handlers answer them
 * (handlers.c; the reference is solution.c).  Everything else is given:
 * the guest's memory and registers, its UART, the checks it reports by
 * hypercall, and the exit trace the grader compares.
 *
 *   vmm [--record TRACE] [GUEST]
 *
 * GUEST defaults to /minivmx/guests/lab1-long.bin (the testbed's).  Exit
 * status 0 when the guest ran to its end and passed every check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "../../../user-tools/devices.h"
#include "../../../user-tools/guest.h"
#include "../../../user-tools/libminivmx.h"
#include "../../../user-tools/trace-file.h"
#include "lab1.h"
#include "vmm.h"

#define GUEST_DEFAULT	"/minivmx/guests/lab1-long.bin"
#define RING_ENTRIES	4096
#define EXIT_CPUID	10
#define EXIT_RDMSR	31
#define EXIT_WRMSR	32

struct vmm {
	int dev, vm, vcpu;
	struct minivmx_run *run;
	__u8 *ram;
	struct guest_layout l;
	struct minivmx_bus bus;
	struct run_devices devs;
	/* the exit trace: the ring and the file it is copied to */
	struct minivmx_exit_ring *ring;
	__u64 tail;
	struct trace_writer w;
	bool recording;
	unsigned int passed, failed;
};

static int die(const char *what, int err)
{
	fprintf(stderr, "vmm: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 2;
}

static int load(struct vmm *v, const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	v->l.mode = GUEST_LONG;
	v->l.mem_size = GUEST_MEM_DEFAULT;
	v->l.load = v->l.entry = GUEST_LOAD_DEFAULT;
	v->ram = mmap(NULL, v->l.mem_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED) {
		fclose(f);
		return -ENOMEM;
	}
	v->l.image_size = fread(v->ram + v->l.load, 1,
				v->l.mem_size - v->l.load, f);
	fclose(f);
	guest_build_tables(v->ram, &v->l);
	return 0;
}

static int create(struct vmm *v)
{
	struct minivmx_sregs s;
	struct minivmx_regs r;
	int ret;

	devices_init(&v->devs, -1, STDOUT_FILENO);
	minivmx_bus_init(&v->bus);
	ret = devices_register(&v->bus, &v->devs, false);
	if (!ret)
		ret = minivmx_open(&v->dev);
	if (!ret)
		ret = minivmx_create_vm(v->dev, &v->vm);
	if (!ret)
		ret = minivmx_set_memory_region(v->vm, 0, 0, 0, v->l.mem_size,
						v->ram);
	if (!ret)
		ret = minivmx_set_port_route(v->vm, 0xf4, 1, MINIVMX_PORT_EXIT);
	if (!ret)
		ret = minivmx_create_vcpu(v->vm, 0, &v->vcpu, &v->run);
	if (ret)
		return ret;
	guest_init_sregs(&s, &v->l);
	guest_init_regs(&r, &v->l);
	ret = minivmx_set_sregs(v->vcpu, &s);
	if (!ret)
		ret = minivmx_set_regs(v->vcpu, &r);
	/* The lab: these three exits come here instead of the kernel. */
	if (!ret)
		ret = minivmx_set_exit_routes(v->vm, 1ULL << EXIT_CPUID |
					      1ULL << EXIT_RDMSR |
					      1ULL << EXIT_WRMSR);
	return ret;
}

static int record_start(struct vmm *v, const char *path)
{
	int ret = minivmx_set_exit_ring(v->vcpu, RING_ENTRIES, &v->ring);

	if (!ret)
		ret = trace_create(&v->w, path, RING_ENTRIES, 0);
	v->recording = !ret;
	return ret;
}

/* Copy the ring's new records into the trace (before each entry). */
static void record_drain(struct vmm *v)
{
	struct minivmx_exit_record *rec;
	__u64 head;

	if (!v->recording)
		return;
	rec = (void *)((char *)v->ring + MINIVMX_RING_RECORDS);
	head = __atomic_load_n(&v->ring->head, __ATOMIC_ACQUIRE);
	/* The newest record gets its re-entry time at the next entry. */
	for (; v->tail + 1 < head; v->tail++)
		trace_append(&v->w, &rec[v->tail % RING_ENTRIES], 1);
	v->ring->tail = v->tail;
}

static void record_finish(struct vmm *v)
{
	struct minivmx_exit_record *rec;

	if (!v->recording)
		return;
	rec = (void *)((char *)v->ring + MINIVMX_RING_RECORDS);
	for (; v->tail < v->ring->head; v->tail++)
		trace_append(&v->w, &rec[v->tail % RING_ENTRIES], 1);
	trace_finish(&v->w, 0);
}

/* A routed exit: the student's handler decides. */
static int routed(struct vmm *v)
{
	struct minivmx_regs r;
	int ret = minivmx_get_regs(v->vcpu, &r);

	if (ret)
		return ret;
	switch (v->run->vmx_exit_reason) {
	case EXIT_CPUID:
		v->run->routed.action = lab_cpuid(&r);
		break;
	case EXIT_RDMSR:
		v->run->routed.action = lab_rdmsr(&r);
		break;
	case EXIT_WRMSR:
		v->run->routed.action = lab_wrmsr(&r);
		break;
	default:
		return -EPROTO;
	}
	return minivmx_set_regs(v->vcpu, &r);
}

/* The guest's check N passed (RCX 1) or failed. */
static void check(struct vmm *v)
{
	bool ok = v->run->hypercall.args[1];

	if (ok)
		v->passed++;
	else
		v->failed++;
	printf("vmm: check %llu %s\n",
	       (unsigned long long)v->run->hypercall.args[0],
	       ok ? "passed" : "FAILED");
	v->run->hypercall.ret = 0;
}

/* Run to the guest's end: its exit status, or -errno. */
static long long run(struct vmm *v)
{
	int ret;

	for (;;) {
		record_drain(v);
		ret = minivmx_run(v->vcpu);
		if (ret)
			return ret;
		switch (v->run->exit_reason) {
		case MINIVMX_EXIT_IO:
		case MINIVMX_EXIT_MMIO:
			ret = minivmx_bus_handle_exit(&v->bus, v->run);
			break;
		case MINIVMX_EXIT_ROUTED:
			ret = routed(v);
			break;
		case MINIVMX_EXIT_HYPERCALL:
			if (v->run->hypercall.nr == LAB_HC_CHECK)
				check(v);
			else
				devices_hypercall(v->run);
			break;
		case MINIVMX_EXIT_GUEST_EXIT:
			return v->run->guest_exit.status;
		default:
			fprintf(stderr, "vmm: exit reason %u (VMX %u) at rip %#llx\n",
				v->run->exit_reason, v->run->vmx_exit_reason,
				(unsigned long long)v->run->guest_rip);
			return -EPROTO;
		}
		if (ret)
			return ret < 0 ? ret : -EPROTO;
	}
}

int main(int argc, char **argv)
{
	const char *trace = NULL, *guest = GUEST_DEFAULT;
	struct vmm v = { 0 };
	long long status;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--record") && i + 1 < argc)
			trace = argv[++i];
		else if (argv[i][0] != '-')
			guest = argv[i];
		else {
			fprintf(stderr, "usage: vmm [--record TRACE] [GUEST]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = load(&v, guest);
	if (ret)
		return die(guest, ret);
	ret = create(&v);
	if (ret)
		return die("creating the VM", ret);
	if (trace) {
		ret = record_start(&v, trace);
		if (ret)
			return die(trace, ret);
	}
	status = run(&v);
	record_finish(&v);
	if (status < 0)
		return die("MINIVMX_RUN", (int)status);
	printf("vmm: the guest exited with status %lld; %u checks passed, %u failed\n",
	       status, v.passed, v.failed);
	return status || v.failed || !v.passed;
}
