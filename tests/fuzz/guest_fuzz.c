// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest fuzzer: random guest programs in real mode, 32-bit protected mode,
 * 32-bit PAE paging and 64-bit long mode, from random initial registers:
 * random bytes mixed with a weighted generator of privileged and exiting
 * instructions (MOV CR/DR, RDMSR/WRMSR, XSETBV, INVLPG, CPUID, port and
 * string I/O, HLT, VMX instructions, INT n/IRET, LGDT/LIDT/LTR with random
 * tables, SYSCALL/SYSENTER, RDPMC, mode switches, self-modifying code and
 * MMIO, the local APIC's page in the VMs that have one).  Every MINIVMX_RUN
 * is bounded by a 200 us timer and each program by MAX_RUNS runs; I/O,
 * MMIO and hypercall exits are answered with random data.  Every third VM
 * routes all the exits it may to userspace (MINIVMX_SET_EXIT_ROUTES),
 * which answers each with a random action; every fourth runs on shadow
 * paging (MINIVMX_VM_SHADOW_PAGING), which must refuse real mode.
 *
 * Fails on an errno other than the expected ones, on an exit reason that
 * the uapi header does not define, or on an exit whose fields break the
 * ABI; prints a histogram of the exits seen.  Program I draws from its own
 * stream of the seed; the VM is created anew every BATCH programs, so
 * --seed S --first I-I%BATCH --count I%BATCH+1 replays program I exactly.
 *
 *   guest_fuzz [--seed N] [--count PROGRAMS] [--first N] [--skip-cr8-write]
 */
#include <asm/prctl.h>
#include <sys/mman.h>
#include <linux/minivmx.h>

#include "guest_fuzz.h"

static const struct {
	unsigned int nr;
	const char *name;
} vmx_reasons[] = { MINIVMX_VMX_EXIT_REASONS };

static const char * const exit_names[] = {
	"UNKNOWN", "IO", "MMIO", "HLT", "HYPERCALL", "SHUTDOWN", "FAIL_ENTRY",
	"INTERNAL_ERROR", "GUEST_EXIT", "CONSOLE", "INTR", "DEBUG",
	"IRQ_WINDOW_OPEN", "EOI", "ROUTED",
};

static struct fuzz_opts opts = { .count = 2000 };
static struct tap tap = { .lock = PTHREAD_MUTEX_INITIALIZER };
static uint64_t exits_seen[ARRAY_SIZE(exit_names)];
static uint64_t real_refused;	/* real-mode programs a shadow VM refused */
static uint64_t vmx_seen[MINIVMX_NR_VMX_EXIT_REASONS];
static uint64_t sregs_refused, intr_seen, entry_bad_guest;
/* VM-entry failures by VM-instruction error: minivmx's own VMCS fields */
static uint64_t vmfail[32];
static unsigned long vmfail_first[32];
static unsigned int fail_lines;
static unsigned long mode_fails[NR_MODES], mode_runs[NR_MODES];
static timer_t timer;

struct vm {
	struct tvm t;
	uint8_t *rom;
	bool shadow;
};

static void prog_fail(struct prog *p, const char *fmt, ...)
{
	va_list ap;

	mode_fails[p->mode]++;
	if (p->fails++ || fail_lines++ >= MAX_FAIL_LINES)
		return;
	printf("# FAIL seed=%" PRIu64 " program=%lu (%s): ", opts.seed,
	       p->index, mode_name[p->mode]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (replay: --seed %" PRIu64 " --first %lu --count %lu%s)\n",
	       opts.seed, p->index - p->index % BATCH, p->index % BATCH + 1,
	       opts.flags & OPT_SKIP_CR8_WRITE ? " --skip-cr8-write" : "");
	fflush(stdout);
}

/* vmlib's set-up of the mode, then an IDT, the TSS, PAE, a larger GDT. */
static int set_mode(struct prog *p, struct tvm *t)
{
	static const int tvm_bits[NR_MODES] = { 16, 32, 32, 64 };
	struct minivmx_sregs s;

	if (tvm_setup(t, tvm_bits[p->mode], p->code, 0) ||
	    ioctl(t->vcpu, MINIVMX_GET_SREGS, &s))
		return -1;
	s.gdt.limit = 63;
	s.tr.base = G_TSS;
	s.idt.limit = one_in(&p->rng, 8) ? 0 : p->mode == M_LONG ? 4095 :
		      p->mode == M_REAL ? 1023 : 2047;
	s.idt.base = p->mode == M_REAL ? 0 : G_IDT;
	if (p->mode == M_REAL) {
		s.ds.selector = G_CODE >> 4;
		s.ds.base = G_CODE;
	}
	if (p->mode == M_PAE) {
		s.cr3 = G_PAE_PDPT;
		s.cr4 |= 0x20;
		s.cr0 |= 0x80000000;
	}
	if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s))
		return -1;
	/* Now and then a random bit of the special registers flipped. */
	if (one_in(&p->rng, 8)) {
		((uint8_t *)&s)[rnd(&p->rng, sizeof(s))] ^= 1 << rnd(&p->rng, 8);
		if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s)) {
			if (errno != EINVAL)
				return -1;
			sregs_refused++;
		}
	}
	return 0;
}

static uint64_t rnd_reg(struct prog *p)
{
	return one_in(&p->rng, 2) ? rnd_addr(p) : rnd_val(&p->rng);
}

static int set_regs(struct prog *p, struct tvm *t)
{
	struct minivmx_regs r;
	uint64_t *gpr = (uint64_t *)&r;
	unsigned int i;

	if (ioctl(t->vcpu, MINIVMX_GET_REGS, &r))
		return -1;
	for (i = 0; i < 16; i++)
		if (&gpr[i] != (uint64_t *)&r.rsp)
			gpr[i] = rnd_reg(p);
	r.rflags = 2 | (rnd64(&p->rng) & 0xcd5);	/* arithmetic, DF */
	if (one_in(&p->rng, 2))
		r.rflags |= 0x200;			/* IF */
	if (one_in(&p->rng, 16))
		r.rflags |= 1ULL << (8 + rnd(&p->rng, 14)); /* TF ... ID */
	if (ioctl(t->vcpu, MINIVMX_SET_REGS, &r) && errno != EINVAL)
		return -1;
	return 0;
}

/* ---- running ---- */

static bool vmx_reason_known(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_reasons); i++)
		if (vmx_reasons[i].nr == nr)
			return true;
	return false;
}

/* The ABI's promises about one exit; false (and a message) if broken. */
static bool exit_valid(struct prog *p, const struct minivmx_run *run)
{
	uint64_t bytes = (uint64_t)run->io.count * run->io.size;

	if (run->exit_reason >= ARRAY_SIZE(exit_names))
		prog_fail(p, "exit reason %u", run->exit_reason);
	else if (!vmx_reason_known(run->vmx_exit_reason & 0xffff))
		prog_fail(p, "VMX exit reason %#x", run->vmx_exit_reason);
	else if (run->exit_reason == MINIVMX_EXIT_IO &&
		 ((run->io.size != 1 && run->io.size != 2 &&
		   run->io.size != 4) ||
		  run->io.data_offset + bytes > MINIVMX_RUN_SIZE))
		prog_fail(p, "I/O exit: size %u count %u offset %llu",
			  run->io.size, run->io.count,
			  (unsigned long long)run->io.data_offset);
	else if (run->exit_reason == MINIVMX_EXIT_ROUTED &&
		 (run->vmx_exit_reason >= 64 ||
		  !(MINIVMX_ROUTABLE_EXITS & 1ULL << run->vmx_exit_reason) ||
		  run->routed.action != MINIVMX_ROUTED_RESUME))
		prog_fail(p, "routed exit: reason %u action %u",
			  run->vmx_exit_reason, run->routed.action);
	else if (run->exit_reason == MINIVMX_EXIT_MMIO &&
		 (run->mmio.len < 1 || run->mmio.len > 8))
		prog_fail(p, "MMIO exit: length %u", run->mmio.len);
	else
		return true;
	return false;
}

/*
 * A failed VM entry: bad guest state (exit reason bit 31) is what the
 * guest or the fuzzer asked for; VMfailValid is the module's doing.
 */
static void note_fail_entry(struct prog *p, const struct minivmx_run *run)
{
	unsigned int e = run->fail_entry.vm_instruction_error;

	if (run->fail_entry.hardware_exit_reason & (1ULL << 31)) {
		entry_bad_guest++;
		return;
	}
	e = e < ARRAY_SIZE(vmfail) ? e : 0;
	if (!vmfail[e]++)
		vmfail_first[e] = p->index;
}

/* Answer an exit; false when the program is over. */
static bool answer(struct prog *p, struct minivmx_run *run)
{
	uint8_t *page = (uint8_t *)run;

	switch (run->exit_reason) {
	case MINIVMX_EXIT_IO:
		if (run->io.direction == MINIVMX_IO_IN)
			rnd_bytes(&p->rng, page + run->io.data_offset,
				  run->io.count * run->io.size);
		return true;
	case MINIVMX_EXIT_MMIO:
		if (!run->mmio.is_write)
			rnd_bytes(&p->rng, run->mmio.data, 8);
		return true;
	case MINIVMX_EXIT_HYPERCALL:
		run->hypercall.ret = rnd_val(&p->rng);
		return true;
	case MINIVMX_EXIT_CONSOLE:
		run->console_len = 0;
		return true;
	case MINIVMX_EXIT_HLT:
		return one_in(&p->rng, 2);
	case MINIVMX_EXIT_ROUTED:
		/*
		 * RESUME, SKIP, KERNEL, GP, UD; now and then an unknown one.
		 * SKIP is refused for an EPT violation (no length).
		 */
		run->routed.action = one_in(&p->rng, 16) ?
				     5 + rnd(&p->rng, 100) : rnd(&p->rng, 5);
		p->bad_action = run->routed.action > MINIVMX_ROUTED_UD ||
				(run->routed.action == MINIVMX_ROUTED_SKIP &&
				 !run->routed.insn_len);
		return true;
	default:
		return false;
	}
}

static void run_prog(struct prog *p, struct tvm *t)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MAX_RUNS; i++) {
		thread_timer_arm(timer, RUN_USEC);
		ret = ioctl(t->vcpu, MINIVMX_RUN, 0);
		thread_timer_arm(timer, 0);
		mode_runs[p->mode]++;
		if (ret && errno == EINTR) {
			intr_seen++;
			return;
		}
		/* An unknown action is refused and the exit kept. */
		if (p->bad_action) {
			p->bad_action = false;
			if (!ret || errno != EINVAL ||
			    t->run->exit_reason != MINIVMX_EXIT_ROUTED)
				prog_fail(p, "unknown action: RUN %d (%s)", ret,
					  strerror(errno));
			t->run->routed.action = MINIVMX_ROUTED_KERNEL;
			continue;
		}
		if (ret) {
			prog_fail(p, "RUN: %s", strerror(errno));
			return;
		}
		if (!exit_valid(p, t->run))
			return;
		exits_seen[t->run->exit_reason]++;
		if (t->run->exit_reason == MINIVMX_EXIT_FAIL_ENTRY)
			note_fail_entry(p, t->run);
		if (!answer(p, t->run))
			return;
	}
}


static void one_program(struct vm *vm, unsigned long index)
{
	struct prog p = { .no_cr8_write = opts.flags & OPT_SKIP_CR8_WRITE };

	gen_program(&p, opts.seed, index, vm->t.mem);
	rnd_bytes(&p.rng, vm->rom + rnd(&p.rng, ROM_SIZE / 256) * 256, 256);
	/*
	 * A routed exit the last program left pending (its last run may have
	 * been interrupted) is completed by this one's first run, against
	 * its registers: with a valid action, SKIP aside (refused for an EPT
	 * violation).
	 */
	vm->t.run->routed.action = rnd(&p.rng, 5);
	if (vm->t.run->routed.action == MINIVMX_ROUTED_SKIP)
		vm->t.run->routed.action = MINIVMX_ROUTED_RESUME;
	/* Shadow paging has no real mode: refused, not run. */
	if (vm->shadow && p.mode == M_REAL) {
		if (!set_mode(&p, &vm->t) || errno != EINVAL)
			prog_fail(&p, "real mode with shadow paging: not refused");
		real_refused++;
		return;
	}
	if (set_mode(&p, &vm->t) || set_regs(&p, &vm->t)) {
		prog_fail(&p, "set-up: %s", strerror(errno));
		return;
	}
	run_prog(&p, &vm->t);
}

/* ---- the VM ---- */

static void count_vmx_exits(const struct minivmx_run *run)
{
	unsigned int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		vmx_seen[i] += run->exit_count[i];
}

static void vm_destroy(struct vm *vm)
{
	count_vmx_exits(vm->t.run);
	tvm_destroy(&vm->t);
	munmap(vm->rom, ROM_SIZE);
}

/*
 * RAM, a read-only slot, the debug console and the exit port; every other
 * batch with a local APIC (MINIVMX_CREATE_LAPIC), whose page the programs
 * write at random, and whose HLT sleeps until the run's timer.
 */
static int vm_create(struct vm *vm, bool lapic, bool routed, bool shadow)
{
	struct minivmx_exit_routes routes = {
		.user = { routed ? MINIVMX_ROUTABLE_EXITS : 0 },
	};
	struct minivmx_memory_region r = {
		.slot = 1, .flags = MINIVMX_MEM_READONLY,
		.guest_phys_addr = G_ROM, .memory_size = ROM_SIZE,
	};
	struct minivmx_port_route con = {
		.first_port = 0xe9, .nr_ports = 1,
		.handler = MINIVMX_PORT_DEBUGCON,
	};
	struct minivmx_port_route ex = {
		.first_port = 0xf4, .nr_ports = 1,
		.handler = MINIVMX_PORT_EXIT,
	};

	vm->shadow = shadow;
	if (tvm_create_flags(&vm->t, lapic,
			     shadow ? MINIVMX_VM_SHADOW_PAGING : 0))
		return -1;
	vm->rom = mmap(NULL, ROM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm->rom == MAP_FAILED)
		return -1;
	r.userspace_addr = (uintptr_t)vm->rom;
	if (ioctl(vm->t.vm, MINIVMX_SET_MEMORY_REGION, &r) ||
	    ioctl(vm->t.vm, MINIVMX_SET_PORT_ROUTE, &con) ||
	    ioctl(vm->t.vm, MINIVMX_SET_PORT_ROUTE, &ex) ||
	    ioctl(vm->t.vm, MINIVMX_SET_EXIT_ROUTES, &routes))
		return -1;
	return 0;
}

/* ---- the report ---- */

static void print_histogram(void)
{
	unsigned int i;

	printf("# exits to userspace:");
	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exits_seen[i])
			printf(" %s %" PRIu64, exit_names[i], exits_seen[i]);
	printf("; RUN interrupted by the timer %" PRIu64 "\n", intr_seen);
	printf("# real-mode programs refused by shadow-paging VMs: %" PRIu64 "\n",
	       real_refused);
	printf("# VM exits by basic reason (in-kernel ones included):\n");
	for (i = 0; i < ARRAY_SIZE(vmx_reasons); i++)
		if (vmx_seen[vmx_reasons[i].nr])
			printf("#   %-20s %" PRIu64 "\n", vmx_reasons[i].name,
			       vmx_seen[vmx_reasons[i].nr]);
	printf("# special registers refused after a flipped bit: %" PRIu64
	       "\n", sregs_refused);
}

/* VMfailValid from VMLAUNCH/VMRESUME is a failure, with a reproducer. */
static bool no_vmfail(void)
{
	unsigned int e;
	bool ok = true;

	printf("# failed VM entries: %" PRIu64 " for the guest state\n",
	       entry_bad_guest);
	for (e = 0; e < ARRAY_SIZE(vmfail); e++) {
		if (!vmfail[e])
			continue;
		printf("# %" PRIu64 " with VM-instruction error %u, the first in "
		       "program %lu (replay: --seed %" PRIu64 " --first %lu "
		       "--count %lu%s)\n", vmfail[e], e, vmfail_first[e],
		       opts.seed, vmfail_first[e] - vmfail_first[e] % BATCH,
		       vmfail_first[e] % BATCH + 1,
		       opts.flags & OPT_SKIP_CR8_WRITE ? " --skip-cr8-write" : "");
		ok = false;
	}
	return ok;
}

/* Exit counts for reasons the header does not name are a failure. */
static bool only_known_vmx_exits(void)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		if (vmx_seen[i] && !vmx_reason_known(i)) {
			printf("# %" PRIu64 " exits with reason %u\n",
			       vmx_seen[i], i);
			ok = false;
		}
	}
	return ok;
}

/*
 * The host after all that: its FS base, a fresh VM, the module, the
 * kernel log since @mark.
 */
static void host_checks(unsigned long fs_before, const char *mark)
{
	unsigned long fs = 0;
	const char *why = health_check();
	int ret;

	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	tap_result(&tap, fs == fs_before, "the host's FS base is intact");
	if (why)
		printf("# %s\n", why);
	tap_result(&tap, !why, "a fresh VM runs a guest to its HLT");
	ret = mvx_unload();
	if (ret)
		printf("# unload: %s\n", strerror(-ret));
	tap_result(&tap, !ret, "the module unloads afterwards");
	tap_result(&tap, kmsg_clean(mark),
		   "no warning or failed allocation in the kernel log");
}

static int fuzz(void)
{
	unsigned long i, end = opts.first + opts.count;
	struct vm vm;
	bool have_vm = false;

	for (i = opts.first; i < end; i++) {
		if (have_vm && i % BATCH == 0) {
			vm_destroy(&vm);
			have_vm = false;
		}
		if (!have_vm && vm_create(&vm, i / BATCH % 2, i / BATCH % 3 == 2,
				   i / BATCH % 4 == 3))
			return -1;
		have_vm = true;
		one_program(&vm, i);
		/* A line per tenth: a long run shows how far it is. */
		if (opts.count >= 1000 && (i - opts.first + 1) % (opts.count / 10) == 0) {
			printf("# %lu of %" PRIu64 " programs\n", i - opts.first + 1,
			       opts.count);
			fflush(stdout);
		}
	}
	if (have_vm)
		vm_destroy(&vm);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long fs = 0;
	char mark[64];
	unsigned int m;
	double t0;
	int ret;

	fuzz_parse(argc, argv, &opts, OPT_FIRST | OPT_SKIP_CR8_WRITE);
	printf("TAP version 13\n");
	ret = mvx_load();
	if (ret && ret != -EEXIST) {
		printf("1..0 # SKIP minivmx.ko: %s\n", strerror(-ret));
		return 4;
	}
	printf("1..%d\n", NR_MODES + 6);
	printf("# seed %" PRIu64 ", programs %" PRIu64 " to %" PRIu64
	       " (replay: --seed %" PRIu64 " --first %" PRIu64
	       " --count %" PRIu64 "%s)\n", opts.seed, opts.first,
	       opts.first + opts.count - 1, opts.seed, opts.first, opts.count,
	       opts.flags & OPT_SKIP_CR8_WRITE ? " --skip-cr8-write" : "");
	fflush(stdout);
	kmsg_mark(mark, sizeof(mark));
	t0 = now_s();
	timer_signal_setup();
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	if (thread_timer_create(&timer) || fuzz()) {
		printf("Bail out! set-up: %s\n", strerror(errno));
		return 1;
	}
	for (m = 0; m < NR_MODES; m++)
		tap_result(&tap, !mode_fails[m], "%s: %lu runs, %lu failures",
			   mode_name[m], mode_runs[m], mode_fails[m]);
	print_histogram();
	printf("# %.1f s\n", now_s() - t0);
	tap_result(&tap, only_known_vmx_exits(),
		   "every VM exit has a reason the header names");
	tap_result(&tap, no_vmfail(),
		   "no VM entry failed on the module's own VMCS fields");
	host_checks(fs, mark);
	return tap_end(&tap);
}
