// SPDX-License-Identifier: GPL-2.0-only
/*
 * The given part of the labs' VMMs (labvmm.h, Documentation/labs/).
 *
 *   vmm [--shadow] [--record TRACE] [GUEST]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lab.h"
#include "labvmm.h"

#define RING_ENTRIES	4096

static int die(const char *what, int err)
{
	fprintf(stderr, "vmm: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 2;
}

static int load(struct lab_vmm *v, const char *path)
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

static int create(struct lab_vmm *v)
{
	struct minivmx_sregs s;
	struct minivmx_regs r;
	int ret;

	devices_init(&v->devs, -1, v->out_fd ?: STDOUT_FILENO);
	pvio_set_ram(&v->devs.pvio, v->ram, v->l.mem_size);
	minivmx_bus_init(&v->bus);
	ret = devices_register(&v->bus, &v->devs, false);
	if (!ret)
		ret = minivmx_open(&v->dev);
	if (!ret)
		ret = minivmx_create_vm_flags(v->dev, v->shadow ?
					      MINIVMX_VM_SHADOW_PAGING : 0,
					      &v->vm);
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
	return ret ? ret : minivmx_set_regs(v->vcpu, &r);
}

static int record_start(struct lab_vmm *v, const char *path)
{
	int ret = minivmx_set_exit_ring(v->vcpu, RING_ENTRIES, &v->ring);

	if (!ret)
		ret = trace_create(&v->w, path, RING_ENTRIES, 0);
	v->recording = !ret;
	return ret;
}

/* Copy the ring's records into the trace; the newest waits unless @all. */
static void record_drain(struct lab_vmm *v, bool all)
{
	struct minivmx_exit_record *rec;
	__u64 head;

	if (!v->recording)
		return;
	rec = (void *)((char *)v->ring + MINIVMX_RING_RECORDS);
	head = __atomic_load_n(&v->ring->head, __ATOMIC_ACQUIRE);
	/* The newest record gets its re-entry time at the next entry. */
	for (; v->tail + !all < head; v->tail++)
		trace_append(&v->w, &rec[v->tail % RING_ENTRIES], 1);
	__atomic_store_n(&v->ring->tail, v->tail, __ATOMIC_RELEASE);
}

/**
 * lab_vmm_start() - parse the command line, load the guest, make the VM
 * @v: the VMM, zeroed
 * @argc: main()'s
 * @argv: main()'s: [--shadow] [--record TRACE] [GUEST]
 * @guest: the guest when none is given
 *
 * Return: 0, or the exit status to end with (2) after saying why.
 */
int lab_vmm_start(struct lab_vmm *v, int argc, char **argv,
		  const char *guest)
{
	const char *trace = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--record") && i + 1 < argc) {
			trace = argv[++i];
		} else if (!strcmp(argv[i], "--shadow")) {
			v->shadow = true;
		} else if (argv[i][0] != '-') {
			guest = argv[i];
		} else {
			fprintf(stderr, "usage: vmm [--shadow] [--record TRACE] [GUEST]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = load(v, guest);
	if (ret)
		return die(guest, ret);
	ret = create(v);
	if (ret)
		return die("creating the VM", ret);
	if (trace) {
		ret = record_start(v, trace);
		if (ret)
			return die(trace, ret);
	}
	return 0;
}

static int regs32(void *opaque, __u16 port, __u8 *data, __u32 size,
		  bool is_write)
{
	struct lab_vmm *v = opaque;
	__u32 val = ~0U;

	if (size != 4) {
		if (!is_write)
			memset(data, 0xff, size);
		return 0;
	}
	if (is_write)
		memcpy(&val, data, 4);
	v->regs_fn(v, port - v->regs_port, &val, is_write);
	if (!is_write)
		memcpy(data, &val, 4);
	return 0;
}

/**
 * lab_vmm_add_regs32() - a device of 32-bit registers behind ports
 * @v: the VMM, started
 * @port: the first port
 * @nr_ports: how many
 * @fn: called for each 4-byte IN or OUT with the offset from @port; other
 *	sizes read all ones and write nothing
 *
 * One such device per VMM (labs 4 and 6).
 *
 * Return: 0, or -errno.
 */
int lab_vmm_add_regs32(struct lab_vmm *v, __u16 port, __u16 nr_ports,
		       void (*fn)(struct lab_vmm *v, __u16 reg, __u32 *val,
				  bool is_write))
{
	v->regs_port = port;
	v->regs_fn = fn;
	return minivmx_register_pio(&v->bus, port, nr_ports, regs32, v);
}

/**
 * lab_vmm_inject() - MINIVMX_INTERRUPT
 * @v: the VMM, started
 * @vector: the external interrupt's vector
 *
 * Return: 0 when @vector is queued for the guest; -EEXIST while an
 * earlier one still is; another -errno.
 */
int lab_vmm_inject(struct lab_vmm *v, __u8 vector)
{
	struct minivmx_interrupt irq = { .vector = vector };

	return ioctl(v->vcpu, MINIVMX_INTERRUPT, &irq) ? -errno : 0;
}

/* The guest's check N passed (RCX 1) or failed. */
static void check(struct lab_vmm *v)
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

static int one_exit(struct lab_vmm *v, lab_exit_fn exit_fn)
{
	int ret = exit_fn ? exit_fn(v) : -ENOENT;

	if (ret != -ENOENT)
		return ret;
	switch (v->run->exit_reason) {
	case MINIVMX_EXIT_HYPERCALL:
		if (v->run->hypercall.nr != LAB_HC_CHECK)
			break;
		check(v);
		return 0;
	case MINIVMX_EXIT_IO:
	case MINIVMX_EXIT_MMIO:
		break;
	default:
		goto unknown;
	}
	/* The tool's devices: ports, MMIO, the paravirtual rings. */
	ret = devices_handle_exit(&v->bus, &v->devs, v->run);
	return ret > 0 ? -EPROTO : ret;

unknown:
	fprintf(stderr, "vmm: exit reason %u (VMX %u) at rip %#llx\n",
		v->run->exit_reason, v->run->vmx_exit_reason,
		(unsigned long long)v->run->guest_rip);
	return -EPROTO;
}

/**
 * lab_vmm_run() - run the guest to its end and say how it went
 * @v: the VMM, started
 * @exit_fn: the lab's exits
 *
 * Return: the exit status: 0 when the guest ended with status 0 and
 * passed every check, 1 otherwise, 2 when it could not run.
 */
int lab_vmm_run(struct lab_vmm *v, lab_exit_fn exit_fn)
{
	long long status;
	int ret;

	for (;;) {
		record_drain(v, false);
		ret = v->entry_fn ? v->entry_fn(v) : 0;
		if (!ret)
			ret = minivmx_run(v->vcpu);
		if (ret == -EINTR)	/* a signal: a lab's alarm */
			continue;
		if (ret) {
			status = ret;
			break;
		}
		if (v->run->exit_reason == MINIVMX_EXIT_GUEST_EXIT) {
			status = v->run->guest_exit.status;
			break;
		}
		ret = one_exit(v, exit_fn);
		if (ret) {
			status = ret;
			break;
		}
	}
	record_drain(v, true);
	if (v->recording)
		trace_finish(&v->w, 0);
	devices_free(&v->devs);
	v->status = status;
	if (status < 0)
		return v->quiet ? 2 : die("MINIVMX_RUN", (int)status);
	if (!v->quiet)
		printf("vmm: the guest exited with status %lld; %u checks passed, %u failed\n",
		       status, v->passed, v->failed);
	return status || v->failed || !v->passed;
}
