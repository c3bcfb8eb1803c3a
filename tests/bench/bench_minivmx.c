// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_minivmx [-r ENTRIES] IMAGE: run the bench guest
 * (tests/guests/bench.c, long mode) under /dev/minivmx and print one line
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
 * Then, the guest ended, the same vCPU single-steps the step loop
 * (bench_step_init()) with MINIVMX_SET_GUEST_DEBUG (the monitor trap
 * flag): single_step_cycles is the host TSC per step of BENCH_STEPS, one
 * MINIVMX_RUN each (steps = 1), single_steps the steps the kernel
 * reported; stepn_insn_cycles is the host TSC per instruction over
 * BENCH_STEPN_RUNS runs of steps = BENCH_STEPN, stepn_steps the steps
 * reported; step_loop_iters is the loop's RAX at the end, the iterations
 * the guest really ran.  A stop that is not exactly the steps asked for
 * ends the stepping with a message; the figures stay 0.
 *
 * -r ENTRIES turns the exit-record ring on (MINIVMX_SET_EXIT_RING,
 * mapped, nobody reading) before the guest runs, names the line
 * "minivmx-ring", adds ring_entries, ring_records and ring_overruns, and
 * leaves the stepping out: what it measures is the guest's CPUID exit with
 * every exit recorded.
 *
 * No port is routed to the kernel: the UART, BENCH_PORT, the ucall channel
 * and the exit port 0xf4 all exit to userspace (bench_common.c).
 * vmexits is every VM exit the kernel counted.  The guest's serial output
 * and any problem go to stderr.  Exit status 0 if the guest ran to a clean
 * end with its numbers, 1 otherwise.
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

/* The stepping's figures (0: not measured). */
struct step_result {
	uint64_t step_cycles;	/* host TSC per single step, a run each */
	uint64_t steps;		/* single steps the kernel reported */
	uint64_t stepn_cycles;	/* host TSC per instruction, step N */
	uint64_t stepn_steps;	/* steps the kernel reported, step N */
	uint64_t loop_iters;	/* the step loop's RAX at the end */
};

static int set_steps(int vcpu, uint64_t steps)
{
	struct minivmx_guest_debug d = {
		.control = steps ? MINIVMX_GUESTDBG_ENABLE |
				   MINIVMX_GUESTDBG_SINGLESTEP : 0,
		.steps = steps,
	};

	return ioctl(vcpu, MINIVMX_SET_GUEST_DEBUG, &d);
}

/*
 * @runs MINIVMX_RUNs of @steps steps each; each must stop with exactly
 * that.  Return the host TSC they took, 0 on a failure (with a message).
 * The steps the kernel reported are added to @done.
 */
static uint64_t step_runs(struct bench_state *st, int vcpu,
			  struct minivmx_run *run, unsigned int runs,
			  uint64_t steps, uint64_t *done)
{
	unsigned int i = 0;
	uint64_t t0;

	if (set_steps(vcpu, steps)) {
		bench_err(st, "MINIVMX_SET_GUEST_DEBUG(SINGLESTEP, %llu steps): %s",
			  (unsigned long long)steps, strerror(errno));
		return 0;
	}
	t0 = bench_rdtsc();
	while (i < runs) {
		if (ioctl(vcpu, MINIVMX_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;	/* the count goes on */
			bench_err(st, "MINIVMX_RUN while stepping: %s",
				  strerror(errno));
			return 0;
		}
		if (run->exit_reason != MINIVMX_EXIT_DEBUG ||
		    run->debug.reasons != MINIVMX_DEBUG_STEP ||
		    run->debug.steps != steps) {
			bench_err(st, "stop %u: exit %u, reasons %#x, %llu steps (asked %llu) at RIP %#llx",
				  i + 1, run->exit_reason, run->debug.reasons,
				  (unsigned long long)run->debug.steps,
				  (unsigned long long)steps,
				  (unsigned long long)run->guest_rip);
			return 0;
		}
		*done += run->debug.steps;
		i++;
	}
	return bench_rdtsc() - t0;
}

/* Single steps, then step N, on the step loop; see the top of the file. */
static void bench_steps(struct bench_state *st, int vcpu,
			struct minivmx_run *run, struct step_result *r)
{
	struct minivmx_regs regs = {
		.rip = BENCH_STEP_CODE,
		.rcx = BENCH_STEP_ITERS,
		.rsp = BENCH_MEM,
		.rflags = 2,
	};
	uint64_t steps = 0, stepn_steps = 0, t;

	bench_step_init(st->ram);
	/* New registers also drop what the exit port's OUT left pending. */
	if (ioctl(vcpu, MINIVMX_SET_REGS, &regs)) {
		bench_err(st, "MINIVMX_SET_REGS for the step loop: %s",
			  strerror(errno));
		return;
	}
	t = step_runs(st, vcpu, run, BENCH_STEPS, 1, &steps);
	if (!t)
		return;
	r->step_cycles = t / BENCH_STEPS;
	r->steps = steps;
	t = step_runs(st, vcpu, run, BENCH_STEPN_RUNS, BENCH_STEPN,
		      &stepn_steps);
	if (!t)
		return;
	r->stepn_cycles = t / ((uint64_t)BENCH_STEPN_RUNS * BENCH_STEPN);
	r->stepn_steps = stepn_steps;
	if (set_steps(vcpu, 0) || ioctl(vcpu, MINIVMX_GET_REGS, &regs)) {
		bench_err(st, "after stepping: %s", strerror(errno));
		return;
	}
	r->loop_iters = regs.rax;
	if (regs.rip != BENCH_STEP_CODE)
		bench_err(st, "stepping ended at RIP %#llx, not at the loop's start",
			  (unsigned long long)regs.rip);
}

/* The ring's mapping: its header, then the records. */
static struct minivmx_exit_ring *map_ring(struct bench_state *st, int vcpu,
					  uint32_t entries)
{
	struct minivmx_ring_config c = { .entries = entries };
	void *p;

	if (ioctl(vcpu, MINIVMX_SET_EXIT_RING, &c)) {
		bench_err(st, "MINIVMX_SET_EXIT_RING(%u): %s", entries,
			  strerror(errno));
		return NULL;
	}
	p = mmap(NULL, MINIVMX_RING_RECORDS +
		 (size_t)entries * sizeof(struct minivmx_exit_record),
		 PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, MINIVMX_RING_OFFSET);
	if (p == MAP_FAILED) {
		bench_err(st, "mmap of the exit ring: %s", strerror(errno));
		return NULL;
	}
	return p;
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
	struct minivmx_exit_ring *ring = NULL;
	struct step_result sr = { 0 };
	struct minivmx_run *run;
	struct bench_state st;
	struct bench_cpu cpu;
	uint64_t t0, t1 = 0, vmexits = 0;
	char extra[512];
	int dev, vm, vcpu, first = 1;
	uint32_t ring_entries = 0;
	size_t len;
	uint8_t *ram;
	int i;

	if (argc == 4 && !strcmp(argv[1], "-r")) {
		char *end;
		unsigned long n = strtoul(argv[2], &end, 0);

		if (!*argv[2] || *end || !n || n > MINIVMX_MAX_RING_ENTRIES) {
			fprintf(stderr, "%s: -r wants 1 to %u entries\n",
				argv[0], MINIVMX_MAX_RING_ENTRIES);
			return 2;
		}
		ring_entries = n;
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s [-r ENTRIES] IMAGE (tests/guests bench-long.bin)\n",
			argv[0]);
		return 2;
	}
	ram = bench_alloc_ram(BENCH_MEM);
	if (!ram) {
		perror("minivmx: guest RAM");
		return 1;
	}
	bench_state_init(&st, ring_entries ? "minivmx-ring" : "minivmx", ram,
			 BENCH_MEM);
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
	if (ring_entries) {
		ring = map_ring(&st, vcpu, ring_entries);
		if (!ring)
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

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		vmexits += run->exit_count[i];
	len = snprintf(extra, sizeof(extra),
		       " cpuid_vmexits=%llu io_vmexits=%llu vmexits=%llu",
		       (unsigned long long)run->exit_count[VMX_EXIT_CPUID],
		       (unsigned long long)run->exit_count[VMX_EXIT_IO],
		       (unsigned long long)vmexits);
	if (ring) {
		snprintf(extra + len, sizeof(extra) - len,
			 " ring_entries=%u ring_records=%llu ring_overruns=%llu",
			 ring->entries, (unsigned long long)ring->head,
			 (unsigned long long)ring->overruns);
	} else {
		/* The guest is done: its exit counts are taken above. */
		if (st.exited && !st.status)
			bench_steps(&st, vcpu, run, &sr);
		snprintf(extra + len, sizeof(extra) - len,
			 " single_step_cycles=%llu single_steps=%llu stepn_insn_cycles=%llu stepn_steps=%llu step_loop_iters=%llu",
			 (unsigned long long)sr.step_cycles,
			 (unsigned long long)sr.steps,
			 (unsigned long long)sr.stepn_cycles,
			 (unsigned long long)sr.stepn_steps,
			 (unsigned long long)sr.loop_iters);
	}
	return bench_report(&st, t1 - t0, extra);
}
