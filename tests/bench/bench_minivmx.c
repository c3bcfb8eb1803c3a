// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_minivmx IMAGE: run the bench guest (tests/guests/bench.c, long mode)
 * under /dev/minivmx and print one line
 *
 *   minivmx cpuid_exit_cycles=N pio_exit_cycles=N create_to_first_exit_cycles=N ...
 *
 * cpuid_exit_cycles and pio_exit_cycles are what the guest measured with
 * RDTSC (its UCALL_PRINT): a CPUID exit answered in the kernel, and an OUT
 * to BENCH_PORT answered here in userspace.  create_to_first_exit_cycles is
 * the host TSC from just before MINIVMX_CREATE_VM to the return of the
 * first MINIVMX_RUN (the guest's first exit is its UART set-up, a port
 * write): VM, memory region, vCPU, run page, registers, VM entry and the
 * guest's first instructions.  Guest RAM is allocated and the image loaded
 * before the clock starts, as for bench_kvm.
 *
 * No port is routed to the kernel: the UART, BENCH_PORT, the ucall channel
 * and the exit port 0xf4 all exit to userspace (bench_common.c).
 * The guest's serial output and any problem go to stderr.  Exit status 0
 * if the guest ran to a clean end with its numbers, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "bench_common.h"

#define VMX_EXIT_CPUID		10
#define VMX_EXIT_IO		30

static void to_seg(struct minivmx_segment *d, const struct bench_seg *s)
{
	memset(d, 0, sizeof(*d));
	d->base = s->base;
	d->limit = s->limit;
	d->selector = s->selector;
	d->type = s->type;
	d->s = s->s;
	d->dpl = s->dpl;
	d->present = s->present;
	d->avl = s->avl;
	d->l = s->l;
	d->db = s->db;
	d->g = s->g;
	d->unusable = s->unusable;
}

static void to_sregs(struct minivmx_sregs *s, const struct bench_cpu *c)
{
	memset(s, 0, sizeof(*s));
	to_seg(&s->cs, &c->cs);
	to_seg(&s->ds, &c->ds);
	to_seg(&s->es, &c->es);
	to_seg(&s->fs, &c->fs);
	to_seg(&s->gs, &c->gs);
	to_seg(&s->ss, &c->ss);
	to_seg(&s->tr, &c->tr);
	to_seg(&s->ldt, &c->ldt);
	s->gdt.base = c->gdt_base;
	s->gdt.limit = c->gdt_limit;
	s->idt.base = c->idt_base;
	s->idt.limit = c->idt_limit;
	s->cr0 = c->cr0;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->efer = c->efer;
}

/* Print what the kernel put in the console ring (nothing routes there). */
static void drain_console(struct minivmx_run *run)
{
	uint32_t n = run->console_len;

	if (n > MINIVMX_CONSOLE_SIZE)
		n = MINIVMX_CONSOLE_SIZE;
	if (n)
		fprintf(stderr, "minivmx console: %.*s\n", (int)n,
			(const char *)run->console);
	run->console_len = 0;
}

/* A run that ended some other way than by the exit port. */
static void bad_exit(struct bench_state *st, struct minivmx_run *run)
{
	bench_err(st, "unexpected exit %u (VMX reason %u, qualification %#llx) at RIP %#llx",
		  run->exit_reason, run->vmx_exit_reason,
		  (unsigned long long)run->exit_qualification,
		  (unsigned long long)run->guest_rip);
	switch (run->exit_reason) {
	case MINIVMX_EXIT_FAIL_ENTRY:
		bench_err(st, "VM entry failed: instruction error %u, hardware reason %#llx",
			  run->fail_entry.vm_instruction_error,
			  (unsigned long long)run->fail_entry.hardware_exit_reason);
		break;
	case MINIVMX_EXIT_INTERNAL_ERROR:
		bench_err(st, "internal error %u, data %#llx %#llx",
			  run->internal.suberror,
			  (unsigned long long)run->internal.data[0],
			  (unsigned long long)run->internal.data[1]);
		break;
	case MINIVMX_EXIT_SHUTDOWN:
		bench_err(st, "triple fault at RIP %#llx",
			  (unsigned long long)run->shutdown.regs.rip);
		break;
	case MINIVMX_EXIT_MMIO:
		bench_err(st, "MMIO at %#llx", (unsigned long long)run->mmio.phys_addr);
		break;
	}
}

int main(int argc, char **argv)
{
	struct minivmx_memory_region mr = { .memory_size = BENCH_MEM };
	struct minivmx_regs regs = { 0 };
	struct minivmx_sregs sregs;
	struct minivmx_run *run;
	struct bench_state st;
	struct bench_cpu cpu;
	uint64_t t0, t1 = 0;
	char extra[128];
	int dev, vm, vcpu, first = 1;
	uint8_t *ram;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IMAGE (tests/guests bench-long.bin)\n",
			argv[0]);
		return 2;
	}
	ram = bench_alloc_ram(BENCH_MEM);
	if (!ram) {
		perror("minivmx: guest RAM");
		return 1;
	}
	bench_state_init(&st, "minivmx", ram, BENCH_MEM);
	if (bench_guest_init(argv[1], ram, BENCH_MEM, &cpu))
		return 1;
	to_sregs(&sregs, &cpu);
	regs.rip = cpu.rip;
	regs.rsp = cpu.rsp;
	regs.rflags = cpu.rflags;
	mr.userspace_addr = (uintptr_t)ram;

	dev = open("/dev/minivmx", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("minivmx: /dev/minivmx");
		return 1;
	}

	t0 = bench_rdtsc();
	vm = ioctl(dev, MINIVMX_CREATE_VM, 0);
	if (vm < 0) {
		perror("minivmx: MINIVMX_CREATE_VM");
		return 1;
	}
	if (ioctl(vm, MINIVMX_SET_MEMORY_REGION, &mr)) {
		perror("minivmx: MINIVMX_SET_MEMORY_REGION");
		return 1;
	}
	vcpu = ioctl(vm, MINIVMX_CREATE_VCPU, 0);
	if (vcpu < 0) {
		perror("minivmx: MINIVMX_CREATE_VCPU");
		return 1;
	}
	run = mmap(NULL, MINIVMX_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED) {
		perror("minivmx: mmap of the run page");
		return 1;
	}
	if (ioctl(vcpu, MINIVMX_SET_SREGS, &sregs)) {
		perror("minivmx: MINIVMX_SET_SREGS");
		return 1;
	}
	if (ioctl(vcpu, MINIVMX_SET_REGS, &regs)) {
		perror("minivmx: MINIVMX_SET_REGS");
		return 1;
	}

	for (;;) {
		int ret = ioctl(vcpu, MINIVMX_RUN, 0);

		if (first) {
			t1 = bench_rdtsc();
			first = 0;
		}
		if (ret) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("minivmx: MINIVMX_RUN");
			break;
		}
		if (run->console_len)
			drain_console(run);
		if (run->exit_reason == MINIVMX_EXIT_IO) {
			uint64_t off = run->io.data_offset;
			uint64_t len = (uint64_t)run->io.count * run->io.size;

			if (off > MINIVMX_RUN_SIZE || len > MINIVMX_RUN_SIZE - off) {
				bench_err(&st, "I/O data at %#llx + %llu is outside the run page",
					  (unsigned long long)off,
					  (unsigned long long)len);
				break;
			}
			if (bench_io(&st, run->io.direction == MINIVMX_IO_OUT,
				     run->io.size, run->io.port, run->io.count,
				     (uint8_t *)run + off))
				break;
			continue;
		}
		if (run->exit_reason == MINIVMX_EXIT_CONSOLE)
			continue;
		if (run->exit_reason == MINIVMX_EXIT_GUEST_EXIT) {
			st.exited = 1;
			st.status = run->guest_exit.status;
			break;
		}
		bad_exit(&st, run);
		break;
	}

	snprintf(extra, sizeof(extra), " cpuid_vmexits=%llu io_vmexits=%llu",
		 (unsigned long long)run->exit_count[VMX_EXIT_CPUID],
		 (unsigned long long)run->exit_count[VMX_EXIT_IO]);
	return bench_report(&st, t1 - t0, extra);
}
