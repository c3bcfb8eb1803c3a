// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx run: load a flat binary into a new VM and run it in one of the
 * modes Documentation/guest-abi.rst defines, or a kernel by its format
 * (run-kernel.c, Documentation/loaders.rst), until it exits.
 *
 * The vCPU loop is kvmtool's: MINIVMX_RUN, print the kernel's console
 * ring, then act on the exit: port and MMIO accesses go through the device
 * registry (bus.c, devices.c), HLT resumes the guest, user hypercalls are
 * answered here.  A run ends with one summary line on stderr.
 *
 * With --lapic (or --cpus N > 1) the VM gets the kernel's local APICs,
 * the platform devices and an MP table; HLT with interrupts off ends the
 * run then, and vCPUs 1 to N - 1 run in threads of their own (run-smp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "devices.h"
#include "exit-report.h"
#include "gdbstub.h"
#include "guest.h"
#include "libminivmx.h"
#include "mptable.h"
#include "parse.h"
#include "run-debug.h"
#include "run-kernel.h"
#include "run-record.h"
#include "run-smp.h"
#include "term.h"

#define DEFAULT_TIMEOUT	10.0
#define HUGE_PAGE	(2ULL << 20)	/* EPT maps 2 MiB pages when aligned */
#define OPT_GDB			0x100	/* long options without a short one */
#define OPT_RECORD		0x101
#define OPT_RING_ENTRIES	0x102
#define OPT_KERNEL		0x103
#define OPT_INITRD		0x104
#define OPT_APPEND		0x105
#define OPT_LAPIC		0x110
#define OPT_CPUS		0x111
#define OPT_SHADOW		0x112

static const char run_usage[] =
	"usage: minivmx run [OPTIONS] IMAGE\n"
	"\n"
	"Load the flat binary IMAGE into a new VM with one vCPU and run it in\n"
	"the mode Documentation/guest-abi.rst describes, until it writes its\n"
	"exit status to port 0xf4.\n"
	"\n"
	"  -m, --mode MODE        real, protected, paged or long (default: long)\n"
	"  -M, --mem SIZE         guest RAM from address 0: 1M to 4G, a multiple\n"
	"                         of 4K (default: 2M)\n"
	"  -l, --load ADDR        where the image goes (default: 0x10000)\n"
	"  -e, --entry ADDR       the first instruction (default: the load address)\n"
	"      --kernel FILE      instead of IMAGE: a kernel in the format its\n"
	"                         contents show, ELF (32- or 64-bit), Multiboot or\n"
	"                         a Linux bzImage, loaded as that format's boot\n"
	"                         protocol says (Documentation/loaders.rst); any\n"
	"                         other file runs as a flat IMAGE\n"
	"      --initrd FILE      with --kernel: the bzImage's initrd, or a\n"
	"                         Multiboot module, repeatable; a module's string\n"
	"                         is the whole argument (\"FILE ARGS\")\n"
	"      --append TEXT      with --kernel: the kernel's command line\n"
	"  -t, --timeout SECONDS  stop the guest after this long; 0: never\n"
	"                         (default: 10)\n"
	"  -s, --stats            at the end, print the VM exits by reason (a\n"
	"                         column per vCPU with --cpus)\n"
	"      --gdb PORT|PATH    wait for gdb on 127.0.0.1:PORT or the unix\n"
	"                         socket PATH, the guest stopped at its first\n"
	"                         instruction (Documentation/gdb.rst); no\n"
	"                         timeout unless --timeout is given\n"
	"      --lapic            give the VM local APICs in the kernel, an I/O\n"
	"                         APIC, the UART's interrupt (IRQ 4), the legacy\n"
	"                         PC ports and an MP table at 0xf0000\n"
	"                         (Documentation/guest-abi.rst); a HLT with\n"
	"                         interrupts off then ends the run\n"
	"      --cpus N           N vCPUs, 1 to 8, one thread each (implies\n"
	"                         --lapic when N > 1): vCPU 0 starts at the\n"
	"                         entry, the others wait for INIT and start-up\n"
	"                         IPIs (default: 1)\n"
	"      --shadow           shadow paging instead of EPT: the kernel keeps\n"
	"                         the page tables the CPU walks, built from the\n"
	"                         guest's (Documentation/shadow.rst); not in\n"
	"                         real mode\n"
	"  -u, --user-devices     handle the debug console (0xe9) and the exit\n"
	"                         port (0xf4) in the tool instead of the kernel\n"
	"  -T, --trace            print each exit that reaches the tool\n"
	"  -S, --step [N]         print each instruction as it runs, with the\n"
	"                         registers it changed and the exits between;\n"
	"                         with N, stop every N instructions instead\n"
	"  -B, --break-exit LIST  stop at each exit of these reasons and print\n"
	"                         it in words (names or numbers, comma-separated:\n"
	"                         CPUID,IO,CR_ACCESS,EPT_VIOLATION,48)\n"
	"  -V, --vmcs             at the end, print the vCPU's VMCS by name\n"
	"      --record FILE      write every VM exit to FILE from the exit-record\n"
	"                         ring, for 'minivmx trace FILE'\n"
	"      --ring-entries N   the ring's size, a power of 2 (default: 65536)\n"
	"  -h, --help             show this help\n"
	"\n"
	"SIZE and ADDR: bytes in decimal or 0x-hex, optionally with a K, M or G\n"
	"suffix (64K, 2M, 0x10000).\n"
	"\n"
	"The guest's UART (0x3f8) and debug console (0xe9) write to stdout; the\n"
	"UART reads stdin.  Traces, statistics, steps, breaks, the VMCS and the\n"
	"final summary line go to stderr.\n"
	"\n"
	"When stdin is a terminal, the UART has it in raw mode, as a serial\n"
	"console: each key goes to the guest as it is typed, unechoed, Ctrl-C\n"
	"and Ctrl-Z included.  Ctrl-A is the escape: Ctrl-A x ends the run (exit\n"
	"code 130), Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h prints these keys.\n"
	"The terminal gets its settings back when the run ends.\n"
	"\n"
	"Exit codes: the guest's exit status (0-255) when it exits; 0 when it\n"
	"halts with interrupts off or resets the machine (--lapic); 1 runtime\n"
	"failure; 2 usage error; 3 the guest triple-faulted; 4 VM entry failed\n"
	"or minivmx met an exit it cannot handle; 124 timeout; 130 Ctrl-A x.\n";

struct run_opts {
	struct guest_layout layout;
	bool entry_set;
	bool layout_set;	/* --mode, --load or --entry */
	struct run_kernel kernel;
	double timeout;
	bool stats;
	const char *gdb;
	bool timeout_set;
	bool user_devices;
	bool lapic;
	bool shadow;
	unsigned int cpus;
	bool trace;
	int argc;
	struct run_debug_opts dbg;
	struct run_record_opts record;
	const char *image;
};

/* Everything one run holds; -1 and NULL mean "not set up". */
struct vm {
	int dev_fd;
	int vm_fd;
	int vcpu_fd;
	struct gdb_stub *gdb;	/* --gdb */
	struct minivmx_run *run;
	void *map;		/* the whole RAM mapping, with alignment slack */
	size_t map_len;
	void *ram;		/* guest-physical 0, 2 MiB aligned */
	struct minivmx_bus bus;
	struct run_devices devices;
	struct run_debug debug;
	struct run_record record;
	struct loader_output boot;	/* --kernel: the first state */
	bool booted;			/* --kernel loaded, RAM allocated */
	struct run_smp smp;		/* --cpus: vCPUs 1 to N - 1 */
	bool lapic;
	struct run_result *ap_res;	/* one per vCPU, for the APs */
	struct term term;		/* stdin, raw if a terminal */
};

/* How a run ended, and what is left to report. */
struct run_result {
	int code;		/* the tool's exit code */
	bool guest_exited;	/* the guest wrote its status */
	__u64 status;
	bool halted;		/* --lapic: HLT with interrupts off */
	bool reset;		/* --lapic: 0xfe to port 0x64 */
	unsigned int ended_by;	/* the vCPU whose exit ended the run */
	bool timed_out;
	bool user_quit;		/* Ctrl-A x */
	__u64 user_exits[NR_MINIVMX_EXITS];
	__u64 nr_user_exits;
	double seconds;
};

/*
 * Shared with the SIGALRM handler (on_alarm()).  timed_out is a lock-free
 * atomic, which is async-signal-safe; alarm_run is set before the timer is
 * armed and cleared after it is stopped, so the handler never races it.
 */
static atomic_bool timed_out;
static struct minivmx_run *alarm_run;

/*
 * Ctrl-A x, from the terminal's thread (term.c): it sets user_quit and
 * sends vCPU 0's thread the timer's signal, whose handler stops the run as
 * a timeout does; the loop looks at user_quit first.
 */
static atomic_bool user_quit;
static pthread_t main_thread;

/* Return: -1 to go on, else the exit code to return at once. */
static int parse_number(const char *opt, const char *arg, __u64 *val)
{
	int ret = parse_size(arg, val);

	if (ret == -ERANGE)
		return usage_error("run", "%s '%s': too large", opt, arg);
	if (ret)
		return usage_error("run",
				   "%s '%s': expected bytes in decimal or 0x-hex, optionally with a K, M or G suffix",
				   opt, arg);
	return -1;
}

/*
 * --step takes an optional N: "--step=N", "-SN", or "--step N" when N is a
 * number and IMAGE still follows it.
 */
static int parse_step(struct run_opts *o, char **argv)
{
	const char *arg = optarg;
	char *end;

	if (!arg && optind + 1 < o->argc && argv[optind][0] >= '0' &&
	    argv[optind][0] <= '9')
		arg = argv[optind++];
	o->dbg.steps = 1;
	if (!arg)
		return -1;
	errno = 0;
	o->dbg.steps = strtoull(arg, &end, 0);
	if (*end || errno || !o->dbg.steps || arg[0] == '-')
		return usage_error("run",
				   "--step '%s': expected a number of instructions per stop, 1 or more",
				   arg);
	return -1;
}

static int parse_break(struct run_opts *o, const char *arg)
{
	char bad[64];

	if (parse_exit_reasons(arg, o->dbg.break_exits, bad, sizeof(bad)))
		return usage_error("run",
				   "--break-exit '%s': unknown exit reason '%s' (names as in MINIVMX_VMX_EXIT_REASONS, IO, CR, DR, MSR, EPT, MTF, or numbers below %d)",
				   arg, bad, MINIVMX_NR_VMX_EXIT_REASONS);
	return -1;
}

static int parse_cpus(struct run_opts *o, const char *arg)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (*end || errno || !n || n > MINIVMX_MAX_VCPUS || arg[0] == '-')
		return usage_error("run", "--cpus '%s': expected 1 to %d vCPUs",
				   arg, MINIVMX_MAX_VCPUS);
	o->cpus = n;
	if (n > 1)
		o->lapic = true;
	return -1;
}

/* Return: -1 to go on, else the exit code to return at once. */
static int parse_opt(int c, struct run_opts *o, char **argv)
{
	struct guest_layout *l = &o->layout;

	if (c == 'm' || c == 'l' || c == 'e')
		o->layout_set = true;
	switch (c) {
	case 'm':
		if (guest_mode_parse(optarg, &l->mode))
			return usage_error("run",
					   "--mode '%s': expected real, protected, paged or long",
					   optarg);
		return -1;
	case 'M':
		return parse_number("--mem", optarg, &l->mem_size);
	case 'l':
		return parse_number("--load", optarg, &l->load);
	case 'e':
		o->entry_set = true;
		return parse_number("--entry", optarg, &l->entry);
	case 't':
		o->timeout_set = true;
		if (parse_seconds(optarg, &o->timeout))
			return usage_error("run",
					   "--timeout '%s': expected seconds (such as 10 or 0.5, at most a day; 0: no timeout)",
					   optarg);
		return -1;
	case 's':
		o->stats = true;
		return -1;
	case OPT_GDB:
		o->gdb = optarg;
		return -1;
	case 'u':
		o->user_devices = true;
		return -1;
	case OPT_LAPIC:
		o->lapic = true;
		return -1;
	case OPT_SHADOW:
		o->shadow = true;
		return -1;
	case OPT_CPUS:
		return parse_cpus(o, optarg);
	case 'T':
		o->trace = true;
		return -1;
	case 'S':
		return parse_step(o, argv);
	case 'B':
		return parse_break(o, optarg);
	case 'V':
		o->dbg.vmcs = true;
		return -1;
	case OPT_RECORD:
		o->record.path = optarg;
		return -1;
	case OPT_RING_ENTRIES:
		return run_record_parse_entries(&o->record, optarg);
	case OPT_KERNEL:
		o->kernel.path = optarg;
		return -1;
	case OPT_INITRD:
		return run_kernel_add_initrd(&o->kernel, optarg);
	case OPT_APPEND:
		o->kernel.append = optarg;
		return -1;
	case 'h':
		fputs(run_usage, stdout);
		return MV_EXIT_OK;
	default:
		return option_error("run", c, argv);
	}
}

/* Return: -1 to go on, else the exit code to return at once. */
static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "mem", required_argument, NULL, 'M' },
		{ "load", required_argument, NULL, 'l' },
		{ "entry", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ "gdb", required_argument, NULL, OPT_GDB },
		{ "user-devices", no_argument, NULL, 'u' },
		{ "lapic", no_argument, NULL, OPT_LAPIC },
		{ "shadow", no_argument, NULL, OPT_SHADOW },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "trace", no_argument, NULL, 'T' },
		{ "step", optional_argument, NULL, 'S' },
		{ "break-exit", required_argument, NULL, 'B' },
		{ "vmcs", no_argument, NULL, 'V' },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "ring-entries", required_argument, NULL, OPT_RING_ENTRIES },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	o->argc = argc;
	while ((c = getopt_long(argc, argv, ":m:M:l:e:t:suTS::B:Vh", opts,
				NULL)) != -1) {
		ret = parse_opt(c, o, argv);
		if (ret >= 0)
			return ret;
	}
	if (o->kernel.path && optind < argc)
		return usage_error("run", "unexpected argument '%s': --kernel names the image",
				   argv[optind]);
	if (!o->kernel.path && (o->kernel.nr_initrds || o->kernel.append))
		return usage_error("run", "--initrd and --append need --kernel");
	if (optind >= argc && !o->kernel.path)
		return usage_error("run", "missing IMAGE, the flat binary to run");
	if (optind + 1 < argc)
		return usage_error("run", "unexpected argument '%s'",
				   argv[optind + 1]);
	o->image = o->kernel.path ? o->kernel.path : argv[optind];
	if (!o->entry_set)
		o->layout.entry = o->layout.load;
	if (o->gdb && run_debug_active(&o->dbg))
		return usage_error("run",
				   "--gdb with --step or --break-exit: gdb drives the guest then (stepi, monitor break-exit)");
	/* gdb's "monitor exits" has a ring of its own on the vCPU */
	if (o->gdb && o->record.path)
		return usage_error("run",
				   "--gdb with --record: gdb's \"monitor exits\" reads the exit-record ring then");
	/* The stub and the debugging options drive vCPU 0 alone. */
	if (o->cpus > 1 && (o->gdb || run_debug_active(&o->dbg)))
		return usage_error("run",
				   "--cpus with --gdb, --step or --break-exit: they debug one vCPU");
	if (o->gdb && !o->timeout_set)
		o->timeout = 0;		/* a debugging session takes its time */
	/* Without EPT there is no unrestricted guest (shadow.rst). */
	if (o->shadow && o->layout.mode == GUEST_REAL && !o->kernel.path)
		return usage_error("run",
				   "--shadow with --mode real: shadow paging runs protected, paged and long mode only");
	if (o->shadow && o->cpus > 1)
		return usage_error("run",
				   "--shadow with --cpus: the other vCPUs would start in real mode, which shadow paging cannot run");
	return -1;
}

/* Open the image and check the layout.  Return: -1 to go on, else a code. */
static int open_image(struct run_opts *o, int *fd)
{
	char why[256];
	struct stat st;

	*fd = open(o->image, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == EACCES ||
			errno == ELOOP || errno == ENAMETOOLONG))
		return usage_error("run", "%s: cannot open the image: %s",
				   o->image, strerror(errno));
	if (*fd < 0) {
		/* not the name's fault (ENOMEM, EMFILE, EIO...): no --help */
		pr_err("%s: cannot open the image: %s", o->image, strerror(errno));
		return MV_EXIT_FAIL;
	}
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode)) {
		close(*fd);
		return usage_error("run", "%s: not a regular file", o->image);
	}
	o->layout.image_size = st.st_size;
	if (guest_layout_check(&o->layout, why, sizeof(why))) {
		close(*fd);
		return usage_error("run", "%s: %s", o->image, why);
	}
	return -1;
}

static int load_image(int fd, const struct run_opts *o, void *ram)
{
	char *dst = (char *)ram + o->layout.load;
	__u64 done = 0, size = o->layout.image_size;
	ssize_t n;

	while (done < size) {
		n = pread(fd, dst + done, size - done, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pr_err("%s: cannot read the image: %s", o->image,
			       n ? strerror(errno) : "it got shorter");
			return MV_EXIT_FAIL;
		}
		done += n;
	}
	return MV_EXIT_OK;
}

static void vm_init(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->dev_fd = -1;
	vm->vm_fd = -1;
	vm->vcpu_fd = -1;
	vm->map = MAP_FAILED;
	run_smp_init(&vm->smp);
	term_init(&vm->term, STDIN_FILENO);
}

static void vm_destroy(struct vm *vm)
{
	term_stop(&vm->term);
	run_record_destroy(&vm->record);
	gdb_stub_close(vm->gdb, false, 0);
	run_smp_destroy(&vm->smp);
	free(vm->ap_res);
	minivmx_destroy_vcpu(vm->vcpu_fd, vm->run);
	minivmx_close(vm->vm_fd);
	if (vm->map != MAP_FAILED)
		munmap(vm->map, vm->map_len);
	minivmx_close(vm->dev_fd);
	devices_free(&vm->devices);
}

/* MemAvailable from /proc/meminfo in bytes, or 0 if it cannot be read. */
static __u64 mem_available(void)
{
	unsigned long long kib = 0;
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib * 1024;
}

/*
 * The kernel pins all of guest RAM up front: asking for more than the host
 * can spare invites the OOM killer, so say so instead.
 */
static int check_ram_available(__u64 size)
{
	__u64 avail = mem_available();

	if (!avail || size <= avail)
		return MV_EXIT_OK;
	pr_err("--mem %llu MiB is more than the %llu MiB this machine has available: minivmx pins all guest RAM",
	       (unsigned long long)size >> 20,
	       (unsigned long long)avail >> 20);
	return MV_EXIT_FAIL;
}

/* Anonymous RAM, 2 MiB aligned so that EPT can use 2 MiB pages. */
static int alloc_ram(struct vm *vm, __u64 size)
{
	uintptr_t start;

	vm->map_len = size + HUGE_PAGE;
	vm->map = mmap(NULL, vm->map_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->map == MAP_FAILED) {
		pr_err("cannot allocate %llu bytes of guest RAM: %s",
		       (unsigned long long)size, strerror(errno));
		return MV_EXIT_FAIL;
	}
	start = ((uintptr_t)vm->map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	vm->ram = (void *)start;
	madvise(vm->ram, size, MADV_HUGEPAGE);	/* a hint: failure is fine */
	return MV_EXIT_OK;
}

static void explain_region_error(__u64 size, int err)
{
	struct rlimit rl;

	if (err == -ENOMEM && !getrlimit(RLIMIT_MEMLOCK, &rl) &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < size) {
		pr_err("cannot pin %llu bytes of guest RAM: over RLIMIT_MEMLOCK (%llu bytes): run as root or raise it (ulimit -l)",
		       (unsigned long long)size,
		       (unsigned long long)rl.rlim_cur);
		return;
	}
	pr_err("MINIVMX_SET_MEMORY_REGION (%llu bytes at 0): %s",
	       (unsigned long long)size, strerror(-err));
}

/* Claim the in-kernel devices, or keep them for the tool. */
static int set_routes(struct vm *vm, const struct run_opts *o)
{
	static const struct {
		__u16 port;
		__u32 handler;
		const char *name;
	} routes[] = {
		{ DEBUGCON_PORT, MINIVMX_PORT_DEBUGCON, "debug console" },
		{ EXIT_PORT, MINIVMX_PORT_EXIT, "exit port" },
	};
	size_t i;
	int ret;

	if (o->user_devices)
		return MV_EXIT_OK;
	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		ret = minivmx_set_port_route(vm->vm_fd, routes[i].port, 1,
					     routes[i].handler);
		if (ret) {
			pr_err("MINIVMX_SET_PORT_ROUTE (%s at %#x): %s",
			       routes[i].name, routes[i].port, strerror(-ret));
			return MV_EXIT_FAIL;
		}
	}
	return MV_EXIT_OK;
}

static int set_cpu_state(struct vm *vm, const struct run_opts *o)
{
	struct minivmx_sregs sregs;
	struct minivmx_regs regs;
	int ret;

	guest_init_sregs(&sregs, &o->layout);
	guest_init_regs(&regs, &o->layout);
	if (vm->booted) {
		sregs = vm->boot.sregs;
		regs = vm->boot.regs;
	}
	ret = minivmx_set_sregs(vm->vcpu_fd, &sregs);
	if (ret) {
		pr_err("MINIVMX_SET_SREGS refused the %s-mode state: %s",
		       vm->booted ? vm->boot.desc :
		       guest_mode_name(o->layout.mode), strerror(-ret));
		report_refused_check(stderr, vm->run);
		return MV_EXIT_FAIL;
	}
	ret = minivmx_set_regs(vm->vcpu_fd, &regs);
	if (ret) {
		pr_err("MINIVMX_SET_REGS: %s", strerror(-ret));
		report_refused_check(stderr, vm->run);
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

static int check_run_cap(int fd)
{
	int ret, has;

	ret = minivmx_check_cap(fd, MINIVMX_CAP_RUN, &has);
	if (ret) {
		pr_err("MINIVMX_CHECK_CAP: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if (!has) {
		pr_err("%s: the loaded module cannot run guests (no MINIVMX_CAP_RUN)",
		       minivmx_device_path());
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

static int send_msi(void *opaque, __u64 address, __u32 data)
{
	struct vm *vm = opaque;

	return minivmx_signal_msi(vm->vm_fd, address, data);
}

/* --lapic: the local APICs (before any vCPU exists) and the MP table. */
static int setup_lapic(struct vm *vm, const struct run_opts *o)
{
	int ret = minivmx_create_lapic(vm->vm_fd);

	if (ret) {
		pr_err("MINIVMX_CREATE_LAPIC: %s%s", strerror(-ret),
		       ret == -ENOTTY || ret == -EINVAL ?
		       " (the loaded module has no local APICs)" : "");
		return MV_EXIT_FAIL;
	}
	ret = mptable_write(vm->ram, o->layout.mem_size, o->cpus);
	if (ret < 0) {
		pr_err("cannot write the MP table at %#llx: %s",
		       MPTABLE_BASE, strerror(-ret));
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

/* --cpus N: vCPUs 1 to N - 1, after vCPU 0. */
static int setup_aps(struct vm *vm, const struct run_opts *o)
{
	if (o->cpus < 2)
		return MV_EXIT_OK;
	vm->ap_res = calloc(o->cpus, sizeof(*vm->ap_res));
	if (!vm->ap_res) {
		pr_err("out of memory");
		return MV_EXIT_FAIL;
	}
	return run_smp_create(&vm->smp, vm->vm_fd, o->cpus);
}

/* The VM, its RAM holding the image and tables, the vCPU, the devices. */
static int vm_setup(struct vm *vm, const struct run_opts *o, int image_fd)
{
	__u64 mem = o->layout.mem_size;
	int ret;

	ret = device_open(&vm->dev_fd);
	if (!ret)
		ret = check_run_cap(vm->dev_fd);
	if (ret)
		return ret;
	ret = minivmx_create_vm_flags(vm->dev_fd, o->shadow ?
				      MINIVMX_VM_SHADOW_PAGING : 0, &vm->vm_fd);
	if (ret) {
		pr_err("MINIVMX_CREATE_VM: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if (!vm->booted) {
		ret = check_ram_available(mem);
		if (!ret)
			ret = alloc_ram(vm, mem);
		if (!ret)
			ret = load_image(image_fd, o, vm->ram);
		if (ret)
			return ret;
		guest_build_tables(vm->ram, &o->layout);
	}
	ret = minivmx_set_memory_region(vm->vm_fd, 0, 0, 0, mem, vm->ram);
	if (ret) {
		explain_region_error(mem, ret);
		return MV_EXIT_FAIL;
	}
	ret = set_routes(vm, o);
	if (!ret && o->lapic)
		ret = setup_lapic(vm, o);
	if (ret)
		return ret;
	vm->lapic = o->lapic;
	ret = minivmx_create_vcpu(vm->vm_fd, 0, &vm->vcpu_fd, &vm->run);
	if (ret) {
		pr_err("MINIVMX_CREATE_VCPU: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	ret = setup_aps(vm, o);
	if (!ret)
		ret = set_cpu_state(vm, o);
	if (!ret && o->record.path)
		ret = run_record_setup(&vm->record, &o->record, vm->dev_fd,
				       vm->vcpu_fd);
	if (ret)
		return ret;
	devices_init(&vm->devices, STDIN_FILENO, STDOUT_FILENO);
	pvio_set_ram(&vm->devices.pvio, vm->ram, o->layout.mem_size);
	minivmx_bus_init(&vm->bus);
	ret = devices_register(&vm->bus, &vm->devices, o->user_devices);
	if (!ret && o->lapic)
		ret = devices_register_platform(&vm->bus, &vm->devices,
						send_msi, vm);
	if (ret) {
		pr_err("cannot register the devices: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if (run_debug_active(&o->dbg))
		return run_debug_setup(&vm->debug, &o->dbg, vm->dev_fd,
				       vm->vcpu_fd, vm->run, vm->ram, mem);
	return MV_EXIT_OK;
}

/*
 * A kernel goes into RAM before the device is opened, so that a bad file
 * is refused (exit code 2) without VT-x.
 */
static int load_kernel(struct vm *vm, struct run_opts *o)
{
	__u64 mem = o->layout.mem_size;
	int ret;

	ret = check_ram_available(mem);
	if (!ret)
		ret = alloc_ram(vm, mem);
	if (!ret)
		ret = run_kernel_load(&o->kernel, vm->ram, mem, &vm->boot);
	vm->booted = !ret;
	return ret;
}

static int start_gdb(struct vm *vm, const char *where, __u64 mem)
{
	struct gdb_target t = {
		.dev_fd = vm->dev_fd,
		.vcpu_fd = vm->vcpu_fd,
		.run = vm->run,
		.ram = vm->ram,
		.mem_size = mem,
	};

	return gdb_stub_open(&vm->gdb, where, &t);
}

/*
 * The handler only records the timeout and sets immediate_exit: a signal
 * that arrives between the loop's check and the ioctl still stops the
 * next MINIVMX_RUN at once, and one that arrives inside it makes the
 * kernel return -EINTR (no SA_RESTART).
 */
static void on_alarm(int sig __always_unused)
{
	atomic_store(&timed_out, true);
	if (alarm_run)
		alarm_run->immediate_exit = 1;
}

static int arm_timeout(struct vm *vm, double seconds)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { 0 };

	atomic_store(&timed_out, false);
	alarm_run = vm->run;
	main_thread = pthread_self();
	/* Ctrl-A x sends it without a timeout too. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL)) {
		pr_err("cannot handle SIGALRM: %s", strerror(errno));
		return MV_EXIT_FAIL;
	}
	if (seconds <= 0)
		return MV_EXIT_OK;
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - it.it_value.tv_sec) * 1e6);
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	if (setitimer(ITIMER_REAL, &it, NULL)) {
		pr_err("cannot set the timeout: %s", strerror(errno));
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

static void disarm_timeout(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
	alarm_run = NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Act on one exit of any vCPU.  Return: -1 to run the guest again, else
 * an exit code.
 */
static int handle_exit(struct vm *vm, struct minivmx_run *run,
		       struct run_result *res)
{
	int ret;

	switch (run->exit_reason) {
	case MINIVMX_EXIT_IO:
	case MINIVMX_EXIT_MMIO:
		ret = devices_handle_exit(&vm->bus, &vm->devices, run);
		if (ret == MINIVMX_BUS_STOP && vm->devices.exited) {
			res->guest_exited = true;
			res->status = vm->devices.status;
			return res->status & 0xff;
		}
		if (ret == MINIVMX_BUS_STOP && vm->devices.legacy.reset) {
			res->reset = true;
			return MV_EXIT_OK;
		}
		if (ret) {
			pr_err("device error at %s %#llx: %s",
			       run->exit_reason == MINIVMX_EXIT_IO ? "port" : "gpa",
			       run->exit_reason == MINIVMX_EXIT_IO ?
			       (unsigned long long)run->io.port :
			       (unsigned long long)run->mmio.phys_addr,
			       strerror(ret < 0 ? -ret : EPROTO));
			return MV_EXIT_FAIL;
		}
		return -1;
	case MINIVMX_EXIT_HLT:
		/* With local APICs only a HLT that never ends comes here. */
		if (vm->lapic) {
			res->halted = true;
			return MV_EXIT_OK;
		}
		return -1;
	case MINIVMX_EXIT_EOI:
	case MINIVMX_EXIT_HYPERCALL:
		devices_handle_exit(&vm->bus, &vm->devices, run);
		return -1;
	case MINIVMX_EXIT_CONSOLE:	/* the ring is drained already */
	case MINIVMX_EXIT_DEBUG:	/* run-debug.c printed it */
		return -1;
	case MINIVMX_EXIT_INTR:		/* the loop checks for the timeout */
		if (!atomic_load(&timed_out))
			run->immediate_exit = 0;
		return -1;
	case MINIVMX_EXIT_GUEST_EXIT:
		res->guest_exited = true;
		res->status = run->guest_exit.status;
		return res->status & 0xff;
	case MINIVMX_EXIT_SHUTDOWN:
		report_shutdown(stderr, run);
		return MV_EXIT_SHUTDOWN;
	case MINIVMX_EXIT_FAIL_ENTRY:
		report_fail_entry(stderr, run);
		return MV_EXIT_INTERNAL;
	case MINIVMX_EXIT_INTERNAL_ERROR:
		report_internal(stderr, run);
		return MV_EXIT_INTERNAL;
	default:
		pr_err("MINIVMX_RUN returned the unknown exit reason %u",
		       run->exit_reason);
		return MV_EXIT_FAIL;
	}
}

/* An AP's exit, from its thread; each AP has its own result. */
static int ap_exit(void *opaque, unsigned int id, struct minivmx_run *run)
{
	struct vm *vm = opaque;
	struct run_result *res = &vm->ap_res[id];

	res->nr_user_exits++;
	if (run->exit_reason < NR_MINIVMX_EXITS)
		res->user_exits[run->exit_reason]++;
	return handle_exit(vm, run, res);
}

/* --stats: every vCPU's table, vCPU 0's counts in @res. */
static void print_stats(struct vm *vm, const struct run_result *res)
{
	__u64 user[MINIVMX_MAX_VCPUS][NR_MINIVMX_EXITS];
	struct minivmx_run *runs[MINIVMX_MAX_VCPUS];
	unsigned int id, nr = vm->smp.nr_cpus;

	runs[0] = vm->run;
	memcpy(user[0], res->user_exits, sizeof(user[0]));
	for (id = 1; id < nr; id++) {
		runs[id] = vm->smp.run[id];
		memcpy(user[id], vm->ap_res[id].user_exits, sizeof(user[id]));
	}
	report_stats(stderr, runs, user, nr);
}

/* Did an AP end the run?  Then its result is the run's. */
static bool ap_ended(struct vm *vm, struct run_result *res, int *code)
{
	const struct run_result *ap;
	unsigned int id;

	if (!run_smp_ended(&vm->smp, code, &id))
		return false;
	ap = &vm->ap_res[id];
	res->guest_exited = ap->guest_exited;
	res->status = ap->status;
	res->halted = ap->halted;
	res->reset = ap->reset;
	res->ended_by = id;
	return true;
}

static void on_user_quit(void *opaque __always_unused)
{
	atomic_store(&user_quit, true);
	pthread_kill(main_thread, SIGALRM);
}

/*
 * The threads beside vCPU 0's: the terminal's, the APs', the UART's
 * reader.  After arm_timeout(): Ctrl-A x needs its handler.
 */
static int start_threads(struct vm *vm)
{
	struct uart16550 *uart = &vm->devices.uart;
	int ret;

	ret = term_start(&vm->term, on_user_quit, NULL);
	if (ret) {
		pr_err("cannot put the terminal in raw mode: %s",
		       strerror(-ret));
		return MV_EXIT_FAIL;
	}
	uart->in_fd = vm->term.in_fd;
	ret = devices_start(&vm->devices);
	if (ret) {
		pr_err("cannot start the UART's input thread: %s",
		       strerror(-ret));
		return MV_EXIT_FAIL;
	}
	return run_smp_start(&vm->smp, vm->run, ap_exit, vm);
}

static void stop_threads(struct vm *vm)
{
	run_smp_stop(&vm->smp);
	devices_stop(&vm->devices);
	term_stop(&vm->term);
}

/* Run until the guest exits, fails or times out; fill @res. */
static void run_loop(struct vm *vm, const struct run_opts *o,
		     struct run_result *res)
{
	struct minivmx_run *run = vm->run;
	bool dbg = run_debug_active(&o->dbg);
	double start = now();
	int ret, code = -1;

	while (code < 0) {
		/* Stopped for gdb: serve it until it resumes the guest. */
		if (vm->gdb) {
			code = gdb_stub_before_run(vm->gdb);
			if (code >= 0)
				break;
		}
		if (atomic_load(&user_quit)) {
			res->user_quit = true;
			code = MV_EXIT_QUIT;
			break;
		}
		if (atomic_load(&timed_out)) {
			res->timed_out = true;
			code = MV_EXIT_TIMEOUT;
			break;
		}
		if (ap_ended(vm, res, &code))
			break;
		if (dbg)
			run_debug_before(&vm->debug);
		ret = minivmx_run(vm->vcpu_fd);
		minivmx_console_drain(run, STDOUT_FILENO);
		if (o->record.path)
			run_record_drain(&vm->record, false);
		if (vm->gdb && gdb_stub_after_run(vm->gdb, ret))
			continue;	/* a stop for gdb, or Ctrl-C */
		if (ret == -EINTR) {
			/* Not our timer (a stop signal, ptrace): go on. */
			if (!atomic_load(&timed_out))
				run->immediate_exit = 0;
			continue;
		}
		if (ret) {
			pr_err("MINIVMX_RUN: %s", strerror(-ret));
			code = MV_EXIT_FAIL;
			break;
		}
		res->nr_user_exits++;
		if (run->exit_reason < NR_MINIVMX_EXITS)
			res->user_exits[run->exit_reason]++;
		if (o->trace)
			report_trace(stderr, run);
		if (dbg)
			run_debug_after(&vm->debug);
		code = handle_exit(vm, run, res);
	}
	res->seconds = now() - start;
	res->code = code;
}

static void print_summary(struct vm *vm, const struct run_opts *o,
			  const struct run_result *res)
{
	unsigned long long exits = total_exits(vm->run);
	unsigned long long user = res->nr_user_exits;
	unsigned int id;
	unsigned long long hlt = res->user_exits[MINIVMX_EXIT_HLT];
	struct minivmx_regs regs;
	char hlts[48] = "", who[32] = "";

	for (id = 1; id < vm->smp.nr_cpus; id++) {
		exits += total_exits(vm->smp.run[id]);
		user += vm->ap_res[id].nr_user_exits;
	}
	if (hlt)
		snprintf(hlts, sizeof(hlts), ", %llu HLT", hlt);
	if (res->ended_by)
		snprintf(who, sizeof(who), " (vCPU %u)", res->ended_by);
	if (res->guest_exited) {
		fprintf(stderr,
			"minivmx: guest exited with status %llu%s after %llu exits (%llu to userspace%s) in %.2f s\n",
			(unsigned long long)res->status, who, exits, user, hlts,
			res->seconds);
	} else if (res->halted || res->reset) {
		fprintf(stderr,
			"minivmx: the guest %s%s after %llu exits (%llu to userspace%s) in %.2f s\n",
			res->halted ? "halted with interrupts off" :
			"reset the machine (0xfe to port 0x64)", who, exits,
			user, hlts, res->seconds);
	} else if (res->timed_out || res->user_quit) {
		if (minivmx_get_regs(vm->vcpu_fd, &regs))
			regs.rip = vm->run->guest_rip;
		if (res->user_quit)
			fprintf(stderr,
				"minivmx: Ctrl-A x: the run ended after %.2f s (%llu exits, %llu to userspace%s), the guest stopped at rip %#llx\n",
				res->seconds, exits, user, hlts,
				(unsigned long long)regs.rip);
		else
			fprintf(stderr,
				"minivmx: timeout: the guest was still running after %g s (%llu exits, %llu to userspace%s), stopped at rip %#llx\n",
				o->timeout, exits, user, hlts,
				(unsigned long long)regs.rip);
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.layout = {
			.mode = GUEST_LONG,
			.mem_size = GUEST_MEM_DEFAULT,
			.load = GUEST_LOAD_DEFAULT,
		},
		.timeout = DEFAULT_TIMEOUT,
		.cpus = 1,
	};
	struct run_result res = { .code = MV_EXIT_FAIL };
	int ret, image_fd = -1;
	struct vm vm;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	vm_init(&vm);
	if (o.kernel.path) {
		ret = run_kernel_open(&o.kernel, &o.layout, o.layout_set);
		if (!ret && o.kernel.loader)
			ret = load_kernel(&vm, &o);
		run_kernel_free(&o.kernel);
		if (ret)
			goto out_destroy;
	}
	if (!vm.booted) {
		ret = open_image(&o, &image_fd);
		if (ret >= 0)
			goto out_destroy;
	}
	ret = vm_setup(&vm, &o, image_fd);
	if (image_fd >= 0)
		close(image_fd);
	if (!ret && o.gdb)
		ret = start_gdb(&vm, o.gdb, o.layout.mem_size);
	if (!ret)
		ret = arm_timeout(&vm, o.timeout);
	if (ret)
		goto out_destroy;
	ret = start_threads(&vm);
	if (ret) {
		stop_threads(&vm);
		disarm_timeout();
		goto out_destroy;
	}
	run_loop(&vm, &o, &res);
	disarm_timeout();
	stop_threads(&vm);
	if (run_debug_active(&o.dbg))
		run_debug_finish(&vm.debug, res.guest_exited);
	if (o.dbg.vmcs && run_debug_print_vmcs(vm.vcpu_fd, stderr))
		res.code = res.code ? res.code : MV_EXIT_FAIL;
	if (o.record.path && run_record_finish(&vm.record))
		res.code = res.code ? res.code : MV_EXIT_FAIL;
	if (o.stats)
		print_stats(&vm, &res);
	print_summary(&vm, &o, &res);
	gdb_stub_close(vm.gdb, res.guest_exited, res.status);
	vm.gdb = NULL;
	ret = res.code;
out_destroy:
	vm_destroy(&vm);
	return ret;
}
