// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_kvm [-n] IMAGE: the peer of bench_minivmx on /dev/kvm.  Same guest
 * (tests/guests/bench.c, long mode), same memory, registers and userspace
 * devices (bench_common.c); one line on stdout
 *
 *   kvm cpuid_exit_cycles=N pio_exit_cycles=N create_to_first_exit_cycles=N ...
 *
 * create_to_first_exit_cycles spans KVM_CREATE_VM .. the return of the
 * first KVM_RUN: the memory slot, the vCPU, its run page, KVM_SET_CPUID2,
 * the registers, VM entry and the guest's first instructions up to its
 * first port write.  What does not depend on the VM (opening /dev/kvm,
 * KVM_GET_VCPU_MMAP_SIZE, KVM_GET_SUPPORTED_CPUID, guest RAM and the image)
 * happens before the clock starts.
 *
 * The vCPU gets KVM's supported CPUID (as any VMM gives it), so CPUID(0)
 * answers real values, as it does under minivmx; -n skips KVM_SET_CPUID2
 * (KVM then answers zeros).  CPUID exits stay in KVM's kernel either way.
 * The vCPU's "exits" and "io_exits" statistics (KVM_GET_STATS_FD) are
 * printed too, as the guest left them.
 *
 * Then, the guest ended, the same vCPU single-steps the step loop
 * (bench_step_init()) as bench_minivmx does, with KVM_SET_GUEST_DEBUG
 * (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP: RFLAGS.TF and #DB
 * intercepted on VMX): single_step_cycles is the host TSC per step of
 * BENCH_STEPS, one KVM_RUN per KVM_EXIT_DEBUG; single_steps counts the
 * KVM_EXIT_DEBUGs that were single-step traps (#DB with DR6.BS);
 * step_loop_iters is the loop's RAX at the end.  KVM has no step N.
 *
 * Exit status 0 if the guest ran to a clean end with its numbers, 1
 * otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench_common.h"

static void to_seg(struct kvm_segment *d, const struct bench_seg *s)
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

/* Keep what KVM_GET_SREGS gave for the rest (APIC base, CR8). */
static void to_sregs(struct kvm_sregs *s, const struct bench_cpu *c)
{
	to_seg(&s->cs, &c->cs);
	to_seg(&s->ds, &c->ds);
	to_seg(&s->es, &c->es);
	to_seg(&s->fs, &c->fs);
	to_seg(&s->gs, &c->gs);
	to_seg(&s->ss, &c->ss);
	to_seg(&s->tr, &c->tr);
	to_seg(&s->ldt, &c->ldt);
	memset(&s->gdt, 0, sizeof(s->gdt));
	memset(&s->idt, 0, sizeof(s->idt));
	s->gdt.base = c->gdt_base;
	s->gdt.limit = c->gdt_limit;
	s->idt.base = c->idt_base;
	s->idt.limit = c->idt_limit;
	s->cr0 = c->cr0;
	s->cr2 = 0;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->efer = c->efer;
}

static struct kvm_cpuid2 *supported_cpuid(int kvm)
{
	unsigned int nent = 64;

	for (;;) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
					      nent * sizeof(c->entries[0]));

		if (!c)
			return NULL;
		c->nent = nent;
		if (!ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG || nent >= 4096)
			return NULL;
		nent *= 2;
	}
}

/* The vCPU statistic @name from its binary stats fd, or -1. */
static long long vcpu_stat(int vcpu, const char *name)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	long long ret = -1;
	size_t dsize;
	uint32_t i;
	int fd = ioctl(vcpu, KVM_GET_STATS_FD, NULL);

	if (fd < 0)
		return -1;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	dsize = sizeof(*d) + h.name_size;
	d = malloc(dsize);
	if (!d)
		goto out;
	for (i = 0; i < h.num_desc; i++) {
		uint64_t v;

		if (pread(fd, d, dsize, h.desc_offset + i * dsize) != (ssize_t)dsize)
			break;
		d->name[h.name_size - 1] = 0;
		if (strcmp(d->name, name))
			continue;
		if (pread(fd, &v, sizeof(v), h.data_offset + d->offset) == sizeof(v))
			ret = v;
		break;
	}
	free(d);
out:
	close(fd);
	return ret;
}

#define DB_VECTOR	1
#define DR6_BS		(1U << 14)	/* single step (SDM 17.2.3) */

/*
 * BENCH_STEPS single steps of the step loop, one KVM_RUN each; see the
 * top of the file.  *@cycles is the host TSC per step, 0 on a failure
 * (with a message).
 */
static void bench_steps(struct bench_state *st, int vcpu, struct kvm_run *run,
			uint64_t *cycles, uint64_t *steps, uint64_t *iters)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};
	struct kvm_regs regs = {
		.rip = BENCH_STEP_CODE,
		.rcx = BENCH_STEP_ITERS,
		.rsp = BENCH_MEM,
		.rflags = 2,
	};
	unsigned int i = 0;
	uint64_t t0, t;

	bench_step_init(st->ram);
	/* A new RIP: KVM does not skip the exit port's OUT at the next run. */
	if (ioctl(vcpu, KVM_SET_REGS, &regs) ||
	    ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg)) {
		bench_err(st, "setting up the step loop: %s", strerror(errno));
		return;
	}
	t0 = bench_rdtsc();
	while (i < BENCH_STEPS) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			bench_err(st, "KVM_RUN while stepping: %s",
				  strerror(errno));
			return;
		}
		if (run->exit_reason != KVM_EXIT_DEBUG ||
		    run->debug.arch.exception != DB_VECTOR ||
		    !(run->debug.arch.dr6 & DR6_BS)) {
			bench_err(st, "stop %u: exit %u, exception %u, DR6 %#llx at %#llx",
				  i + 1, run->exit_reason,
				  run->debug.arch.exception,
				  (unsigned long long)run->debug.arch.dr6,
				  (unsigned long long)run->debug.arch.pc);
			return;
		}
		(*steps)++;
		i++;
	}
	t = bench_rdtsc() - t0;
	dbg.control = 0;
	if (ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) ||
	    ioctl(vcpu, KVM_GET_REGS, &regs)) {
		bench_err(st, "after stepping: %s", strerror(errno));
		return;
	}
	*cycles = t / BENCH_STEPS;
	*iters = regs.rax;
	if (regs.rip != BENCH_STEP_CODE)
		bench_err(st, "stepping ended at RIP %#llx, not at the loop's start",
			  (unsigned long long)regs.rip);
}

static void bad_exit(struct bench_state *st, struct kvm_run *run)
{
	bench_err(st, "unexpected exit %u", run->exit_reason);
	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		bench_err(st, "VM entry failed: hardware reason %#llx",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		bench_err(st, "internal error %u", run->internal.suberror);
		break;
	case KVM_EXIT_MMIO:
		bench_err(st, "MMIO at %#llx", (unsigned long long)run->mmio.phys_addr);
		break;
	}
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region mr = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = BENCH_MEM,
	};
	struct kvm_regs regs = { 0 };
	struct kvm_cpuid2 *cpuid = NULL;
	struct kvm_sregs sregs;
	struct kvm_run *run;
	struct bench_state st;
	struct bench_cpu cpu;
	uint64_t t0, t1 = 0, step_cycles = 0, steps = 0, iters = 0;
	int kvm, vm, vcpu, first = 1, set_cpuid = 1;
	long long exits, io_exits;
	long mmap_size;
	char extra[512];
	uint8_t *ram;

	if (argc == 3 && !strcmp(argv[1], "-n")) {
		set_cpuid = 0;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s [-n] IMAGE (tests/guests bench-long.bin)\n",
			argv[0]);
		return 2;
	}
	ram = bench_alloc_ram(BENCH_MEM);
	if (!ram) {
		perror("kvm: guest RAM");
		return 1;
	}
	bench_state_init(&st, "kvm", ram, BENCH_MEM);
	if (bench_guest_init(argv[1], ram, BENCH_MEM, &cpu))
		return 1;
	regs.rip = cpu.rip;
	regs.rsp = cpu.rsp;
	regs.rflags = cpu.rflags;
	mr.userspace_addr = (uintptr_t)ram;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("kvm: /dev/kvm");
		return 1;
	}
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		bench_err(&st, "KVM_GET_API_VERSION is not %d", KVM_API_VERSION);
		return 1;
	}
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(*run)) {
		perror("kvm: KVM_GET_VCPU_MMAP_SIZE");
		return 1;
	}
	if (set_cpuid) {
		cpuid = supported_cpuid(kvm);
		if (!cpuid) {
			perror("kvm: KVM_GET_SUPPORTED_CPUID");
			return 1;
		}
	}

	t0 = bench_rdtsc();
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("kvm: KVM_CREATE_VM");
		return 1;
	}
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr)) {
		perror("kvm: KVM_SET_USER_MEMORY_REGION");
		return 1;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		perror("kvm: KVM_CREATE_VCPU");
		return 1;
	}
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED) {
		perror("kvm: mmap of the run page");
		return 1;
	}
	if (cpuid && ioctl(vcpu, KVM_SET_CPUID2, cpuid)) {
		perror("kvm: KVM_SET_CPUID2");
		return 1;
	}
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs)) {
		perror("kvm: KVM_GET_SREGS");
		return 1;
	}
	to_sregs(&sregs, &cpu);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs)) {
		perror("kvm: KVM_SET_SREGS");
		return 1;
	}
	if (ioctl(vcpu, KVM_SET_REGS, &regs)) {
		perror("kvm: KVM_SET_REGS");
		return 1;
	}

	for (;;) {
		int ret = ioctl(vcpu, KVM_RUN, 0);

		if (first) {
			t1 = bench_rdtsc();
			first = 0;
		}
		if (ret) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("kvm: KVM_RUN");
			break;
		}
		if (run->exit_reason == KVM_EXIT_IO) {
			uint64_t off = run->io.data_offset;
			uint64_t len = (uint64_t)run->io.count * run->io.size;

			if (off > (uint64_t)mmap_size ||
			    len > (uint64_t)mmap_size - off) {
				bench_err(&st, "I/O data at %#llx + %llu is outside the run page",
					  (unsigned long long)off,
					  (unsigned long long)len);
				break;
			}
			if (bench_io(&st, run->io.direction == KVM_EXIT_IO_OUT,
				     run->io.size, run->io.port, run->io.count,
				     (uint8_t *)run + off))
				break;
			continue;
		}
		bad_exit(&st, run);
		break;
	}

	exits = vcpu_stat(vcpu, "exits");
	io_exits = vcpu_stat(vcpu, "io_exits");
	if (st.exited && !st.status)
		bench_steps(&st, vcpu, run, &step_cycles, &steps, &iters);
	snprintf(extra, sizeof(extra),
		 " vcpu_exits=%lld io_vmexits=%lld single_step_cycles=%llu single_steps=%llu step_loop_iters=%llu",
		 exits, io_exits, (unsigned long long)step_cycles,
		 (unsigned long long)steps, (unsigned long long)iters);
	return bench_report(&st, t1 - t0, extra);
}
