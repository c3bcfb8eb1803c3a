// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM half of the fake device (fake_device.h): VM and vCPU descriptors,
 * the run page, and MINIVMX_RUN playing a script of exits, so that
 * `minivmx run` goes through its whole loop without VT-x.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "fake_device.h"
#include "fake_vm.h"
#include "util.h"

#define MAX_ROUTES	8
#define STEP_MAX	256

/* Basic exit reasons the fake counts (SDM Vol. 3D, Appendix C) */
#define VMX_TRIPLE_FAULT	2
#define VMX_HLT			12
#define VMX_VMCALL		18
#define VMX_IO			30
#define VMX_EPT_VIOLATION	48
#define VMX_MTF			37

static int vm_fd = -1, vcpu_fd = -1;
static struct minivmx_run *run;
static struct minivmx_regs regs;
static struct minivmx_sregs sregs;
static struct minivmx_memory_region region;
static struct minivmx_port_route routes[MAX_ROUTES];
static unsigned int nr_routes;
static struct minivmx_guest_debug debug;
static const char *script;	/* the next step */
static bool started;

/* What the previous exit left for the tool to answer. */
static enum { ANSWER_NONE, ANSWER_IN, ANSWER_MMIO, ANSWER_HC } answer;

static bool logging(void)
{
	const char *s = getenv("FAKE_MINIVMX_LOG");

	return s && *s == '1';
}

static void fake_log(const char *fmt, ...) __printf(1, 2);
static void fake_log(const char *fmt, ...)
{
	va_list ap;

	if (!logging())
		return;
	fputs("fake: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static int new_fd(void)
{
	return __real_open("/dev/null", O_RDWR | O_CLOEXEC);
}

static int set_memory_region(const struct minivmx_memory_region *r)
{
	if (r->slot >= MINIVMX_MAX_MEM_SLOTS || r->flags)
		return fail(EINVAL);
	if (!r->memory_size) {
		memset(&region, 0, sizeof(region));
		return 0;
	}
	if ((r->guest_phys_addr | r->memory_size | r->userspace_addr) & 4095)
		return fail(EINVAL);
	region = *r;
	fake_log("region slot %u gpa %#llx size %#llx", r->slot,
		 (unsigned long long)r->guest_phys_addr,
		 (unsigned long long)r->memory_size);
	return 0;
}

static int set_port_route(const struct minivmx_port_route *r)
{
	if (r->flags || r->pad || !r->nr_ports ||
	    r->handler > MINIVMX_PORT_EXIT || nr_routes == MAX_ROUTES)
		return fail(EINVAL);
	routes[nr_routes++] = *r;
	fake_log("route %#x+%u -> %s", r->first_port, r->nr_ports,
		 r->handler == MINIVMX_PORT_DEBUGCON ? "debugcon" :
		 r->handler == MINIVMX_PORT_EXIT ? "exit" : "user");
	return 0;
}

static __u32 route_of(__u16 port)
{
	unsigned int i;

	for (i = 0; i < nr_routes; i++)
		if (port >= routes[i].first_port &&
		    port - routes[i].first_port < routes[i].nr_ports)
			return routes[i].handler;
	return MINIVMX_PORT_USER;
}

static void set_sregs(const struct minivmx_sregs *s)
{
	char line[512];

	sregs = *s;
	snprintf(line, sizeof(line),
		 "sregs cs=%#x/%#llx/%#x type %u l %u db %u ds=%#x tr=%#x type %u gdt=%#llx/%#x cr0=%#llx cr3=%#llx cr4=%#llx efer=%#llx",
		 s->cs.selector, (unsigned long long)s->cs.base, s->cs.limit,
		 s->cs.type, s->cs.l, s->cs.db, s->ds.selector,
		 s->tr.selector, s->tr.type, (unsigned long long)s->gdt.base,
		 s->gdt.limit, (unsigned long long)s->cr0,
		 (unsigned long long)s->cr3, (unsigned long long)s->cr4,
		 (unsigned long long)s->efer);
	fake_log("%s", line);
}

static void set_regs(const struct minivmx_regs *r)
{
	regs = *r;
	fake_log("regs rip=%#llx rsp=%#llx rflags=%#llx",
		 (unsigned long long)r->rip, (unsigned long long)r->rsp,
		 (unsigned long long)r->rflags);
}

/* Log what the tool answered to the previous exit. */
static void log_answer(void)
{
	__u64 val = 0;

	switch (answer) {
	case ANSWER_IN:
		memcpy(&val, (__u8 *)run + run->io.data_offset, run->io.size);
		fake_log("in %#x -> %#llx", run->io.port,
			 (unsigned long long)val);
		break;
	case ANSWER_MMIO:
		memcpy(&val, run->mmio.data, run->mmio.len);
		fake_log("mmio read %#llx -> %#llx",
			 (unsigned long long)run->mmio.phys_addr,
			 (unsigned long long)val);
		break;
	case ANSWER_HC:
		fake_log("hypercall %#llx -> %#llx",
			 (unsigned long long)run->hypercall.nr,
			 (unsigned long long)run->hypercall.ret);
		break;
	case ANSWER_NONE:
		break;
	}
	answer = ANSWER_NONE;
}

static void log_peek(void)
{
	const char *s = getenv("FAKE_MINIVMX_PEEK");
	__u64 gpa, val;

	if (!s || !*s)
		return;
	gpa = strtoull(s, NULL, 0);
	if (gpa + 8 > region.memory_size) {
		fake_log("peek %#llx: outside RAM", (unsigned long long)gpa);
		return;
	}
	memcpy(&val, (void *)(uintptr_t)(region.userspace_addr + gpa), 8);
	fake_log("peek %#llx = %#018llx", (unsigned long long)gpa,
		 (unsigned long long)val);
}

/* The next step's text in @step; false past the end of the script. */
static bool next_step(char *step)
{
	size_t len;

	if (!script || !*script)
		return false;
	len = strcspn(script, ";");
	if (len >= STEP_MAX)
		len = STEP_MAX - 1;
	memcpy(step, script, len);
	step[len] = '\0';
	script += strcspn(script, ";");
	if (*script)
		script++;
	return true;
}

/* Field @n (0 = the step's name) of a ':'-separated step, as a number. */
static __u64 num(const char *step, int n)
{
	while (n-- && step)
		step = strchr(step, ':') ? strchr(step, ':') + 1 : NULL;
	return step ? strtoull(step, NULL, 0) : 0;
}

/* What follows the @n-th ':' of a step ("" if there are fewer). */
static const char *text(const char *step, int n)
{
	while (n--) {
		step = strchr(step, ':');
		if (!step)
			return "";
		step++;
	}
	return step;
}

/*
 * The exit-record ring, as the module keeps it (kmod/ring.c), with a TSC
 * that moves by fixed steps: 1000 cycles in the guest before each exit,
 * then 200 for an exit handled "in the kernel", 5000 for one that came
 * to the tool.
 */
#define TSC_GUEST	1000
#define TSC_KERNEL	200
#define TSC_USER	5000

static struct minivmx_exit_ring *ring;
static __u32 ring_entries;	/* the ring's size; 0: none yet */
static bool recording;
static __u64 ring_counted, tsc = 1000000, tsc_next = TSC_KERNEL;

static struct minivmx_exit_record *ring_rec(__u64 seq)
{
	return (struct minivmx_exit_record *)((char *)ring +
					      MINIVMX_RING_RECORDS) +
	       (seq & (ring_entries - 1));
}

static int set_exit_ring(const struct minivmx_ring_config *c)
{
	size_t len;

	if (c->flags || c->reserved[0] || c->reserved[1] || c->reserved[2] ||
	    (c->entries & (c->entries - 1)) ||
	    c->entries > MINIVMX_MAX_RING_ENTRIES)
		return fail(EINVAL);
	if (c->entries && ring && c->entries != ring_entries)
		return fail(EBUSY);
	recording = c->entries;
	fake_log("exit ring %u entries", c->entries);
	if (!c->entries || ring)
		return 0;
	len = MINIVMX_RING_RECORDS + c->entries * sizeof(struct minivmx_exit_record);
	ring = __real_mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED) {
		ring = NULL;
		return -1;
	}
	ring_entries = c->entries;
	ring->entries = c->entries;
	ring->record_size = sizeof(struct minivmx_exit_record);
	return 0;
}

/* Count an exit and, when recording, write its record. */
static void count_exit(__u32 reason, __u64 qual, __u64 gpa)
{
	struct minivmx_exit_record *e;

	run->exit_count[reason % MINIVMX_NR_VMX_EXIT_REASONS]++;
	if (!recording)
		return;
	if (ring->head)		/* the entry after the last exit */
		ring_rec(ring->head - 1)->tsc_entry = tsc += tsc_next;
	tsc_next = TSC_KERNEL;
	e = ring_rec(ring->head);
	memset(e, 0, sizeof(*e));
	e->seq = ring->head;
	e->tsc_exit = tsc += TSC_GUEST;
	e->reason = reason;
	e->qualification = qual;
	e->rip = regs.rip;
	e->gpa = gpa;
	if (qual & 0x80)		/* EPT violation, GLA valid */
		e->gla = gpa;
	e->where = MINIVMX_RING_KERNEL;
	ring->head++;
}

/* MINIVMX_RUN returns for the last exit: count what was overwritten. */
static void ring_user(void)
{
	__u64 gone, from;

	if (!recording || !ring->head)
		return;
	ring_rec(ring->head - 1)->where = MINIVMX_RING_USER;
	tsc_next = TSC_USER;
	if (ring->head <= ring_entries)
		return;
	gone = ring->head - ring_entries;
	from = ring_counted > ring->tail ? ring_counted : ring->tail;
	if (gone > from)
		ring->overruns += gone - from;
	if (gone > ring_counted)
		ring_counted = gone;
}

/* SDM Table 28-5: size - 1, IN, string; the port in bits 31:16 */
static __u64 io_qual(__u16 port, __u8 size, bool in, __u32 count)
{
	return ((__u64)port << 16) | ((size - 1) & 7) | (in ? 1 << 3 : 0) |
	       (count > 1 ? 1 << 4 : 0);
}

static void exit_io(__u16 port, __u8 dir, __u8 size, __u32 count)
{
	run->exit_reason = MINIVMX_EXIT_IO;
	run->vmx_exit_reason = VMX_IO;
	count_exit(VMX_IO, io_qual(port, size, dir == MINIVMX_IO_IN, count), 0);
	run->io.port = port;
	run->io.direction = dir;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = MINIVMX_IO_DATA_OFFSET;
}

static void console_put(const char *s, size_t len)
{
	while (len-- && run->console_len < MINIVMX_CONSOLE_SIZE)
		run->console[run->console_len++] = *s++;
}

/* An OUT of @len bytes in @count items: true if it exits to the tool. */
static bool do_out(__u16 port, __u8 size, const void *data, __u32 count)
{
	__u64 status = 0;
	__u32 i;

	switch (route_of(port)) {
	case MINIVMX_PORT_DEBUGCON:
		count_exit(VMX_IO, io_qual(port, size, false, count), 0);
		for (i = 0; i < count; i++)
			console_put((const char *)data + i * size, 1);
		return false;
	case MINIVMX_PORT_EXIT:
		count_exit(VMX_IO, io_qual(port, size, false, count), 0);
		memcpy(&status, data, size);
		run->exit_reason = MINIVMX_EXIT_GUEST_EXIT;
		run->vmx_exit_reason = VMX_IO;
		run->guest_exit.status = status;
		return true;
	default:
		exit_io(port, MINIVMX_IO_OUT, size, count);
		memcpy((__u8 *)run + MINIVMX_IO_DATA_OFFSET, data,
		       (size_t)size * count);
		return true;
	}
}

static int spin(void)
{
	while (!run->immediate_exit)
		usleep(1000);
	run->exit_reason = MINIVMX_EXIT_INTR;
	return fail(EINTR);
}

/* The steps that always exit to the tool.  Return: false if unknown. */
static bool play_exit(const char *step)
{
	__u64 v;

	if (!strncmp(step, "in:", 3)) {
		exit_io(num(step, 1), MINIVMX_IO_IN, num(step, 2), 1);
		memset((__u8 *)run + MINIVMX_IO_DATA_OFFSET, 0x5a, 4);
		answer = ANSWER_IN;
	} else if (!strncmp(step, "mmio", 4)) {
		run->exit_reason = MINIVMX_EXIT_MMIO;
		run->vmx_exit_reason = VMX_EPT_VIOLATION;
		run->mmio.phys_addr = num(step, 1);
		run->mmio.len = num(step, 2);
		run->mmio.is_write = step[4] == 'w';
		/* read or write, GLA valid and translated, not present */
		count_exit(VMX_EPT_VIOLATION,
			   (run->mmio.is_write ? 0x2 : 0x1) | 0x180,
			   run->mmio.phys_addr);
		v = num(step, 3);
		memset(run->mmio.data, 0x5a, sizeof(run->mmio.data));
		if (run->mmio.is_write)
			memcpy(run->mmio.data, &v, sizeof(v));
		else
			answer = ANSWER_MMIO;
	} else if (!strcmp(step, "hlt")) {
		run->exit_reason = MINIVMX_EXIT_HLT;
		run->vmx_exit_reason = VMX_HLT;
		count_exit(VMX_HLT, 0, 0);
	} else if (!strncmp(step, "hc:", 3)) {
		run->exit_reason = MINIVMX_EXIT_HYPERCALL;
		run->vmx_exit_reason = VMX_VMCALL;
		count_exit(VMX_VMCALL, 0, 0);
		run->hypercall.nr = num(step, 1);
		run->hypercall.args[0] = num(step, 2);
		run->hypercall.ret = MINIVMX_HC_ENOSYS;
		answer = ANSWER_HC;
	} else if (!strcmp(step, "shutdown")) {
		run->exit_reason = MINIVMX_EXIT_SHUTDOWN;
		run->vmx_exit_reason = VMX_TRIPLE_FAULT;
		count_exit(VMX_TRIPLE_FAULT, 0, 0);
		run->shutdown.regs = regs;
		run->shutdown.cr0 = sregs.cr0;
		run->shutdown.cr3 = sregs.cr3;
		run->shutdown.cr4 = sregs.cr4;
		run->shutdown.efer = sregs.efer;
	} else if (!strncmp(step, "fail:", 5)) {
		run->exit_reason = MINIVMX_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_exit_reason = num(step, 1);
		run->fail_entry.qualification = num(step, 2);
		run->fail_entry.vm_instruction_error = num(step, 3);
	} else if (!strncmp(step, "internal:", 9)) {
		run->exit_reason = MINIVMX_EXIT_INTERNAL_ERROR;
		run->internal.suberror = num(step, 1);
		run->internal.ndata = 3;
		run->internal.data[0] = num(step, 2);
		run->internal.data[1] = num(step, 3);
		run->internal.data[2] = num(step, 4);
	} else if (!strncmp(step, "step:", 5)) {
		/* one instruction of LEN bytes ran and left RAX */
		run->exit_reason = MINIVMX_EXIT_DEBUG;
		run->vmx_exit_reason = VMX_MTF;
		count_exit(VMX_MTF, 0, 0);
		memset(&run->debug, 0, sizeof(run->debug));
		regs.rip += num(step, 1);
		regs.rax = num(step, 2);
		run->debug.reasons = MINIVMX_DEBUG_STEP;
		run->debug.steps = debug.steps ? debug.steps : 1;
		run->debug.rip = regs.rip;
	} else if (!strncmp(step, "brk:", 4)) {
		/* an exit breakpoint: REASON with QUAL, handled "in kernel" */
		run->exit_reason = MINIVMX_EXIT_DEBUG;
		run->vmx_exit_reason = num(step, 1);
		count_exit(num(step, 1), num(step, 2), 0);
		memset(&run->debug, 0, sizeof(run->debug));
		run->debug.reasons = MINIVMX_DEBUG_EXIT;
		run->debug.vmx_exit_reason = num(step, 1);
		run->debug.exit_qualification = num(step, 2);
		run->debug.exit_rip = regs.rip;
		run->debug.rip = regs.rip;
	} else if (!strncmp(step, "console:", 8)) {
		console_put(text(step, 1), strlen(text(step, 1)));
		run->exit_reason = MINIVMX_EXIT_CONSOLE;
		run->vmx_exit_reason = VMX_IO;
	} else {
		return false;
	}
	return true;
}

/* Play one step.  Return: 1 if it exits to the tool, 0 to go on, or -1. */
static int play(const char *step)
{
	__u64 v;

	if (!strcmp(step, "spin"))
		return spin();
	if (!strncmp(step, "sleep:", 6)) {
		usleep(num(step, 1) * 1000);
		return 0;
	}
	if (!strncmp(step, "errno:", 6))
		return fail(num(step, 1));
	if (!strncmp(step, "outs:", 5))
		return do_out(num(step, 1), 1, text(step, 2),
			      strlen(text(step, 2)));
	if (!strncmp(step, "out:", 4)) {
		v = num(step, 3);
		return do_out(num(step, 1), num(step, 2), &v, 1);
	}
	if (play_exit(step))
		return 1;
	fprintf(stderr, "fake: bad script step '%s'\n", step);
	return fail(EINVAL);
}

static int do_run(void)
{
	char step[STEP_MAX];
	int ret;

	if (!run)
		return fail(EINVAL);
	if (!started) {
		started = true;
		script = getenv("FAKE_MINIVMX_SCRIPT");
		log_peek();
	}
	log_answer();
	if (run->immediate_exit) {
		run->exit_reason = MINIVMX_EXIT_INTR;
		return fail(EINTR);
	}
	run->guest_rip = regs.rip;
	for (;;) {
		if (!next_step(step)) {
			run->exit_reason = MINIVMX_EXIT_UNKNOWN;
			return 0;
		}
		ret = play(step);
		if (ret > 0)
			ring_user();
		if (ret)
			return ret < 0 ? ret : 0;
	}
}

static int set_guest_debug(const struct minivmx_guest_debug *d)
{
	if (d->control & ~0x3fU)
		return fail(EINVAL);
	debug = *d;
	fake_log("guest debug control=%#x steps=%llu exits=%#llx,%#llx",
		 d->control, (unsigned long long)d->steps,
		 (unsigned long long)d->exit_bitmap[0],
		 (unsigned long long)d->exit_bitmap[1]);
	return 0;
}

/*
 * A few fields with values, the rest 0; TERTIARY_VM_EXEC_CONTROL stands
 * for a field this "CPU" lacks.  The whole read fails as the module's.
 */
static int get_vmcs(const struct minivmx_vmcs_read *r)
{
	struct minivmx_vmcs_field *f = (void *)(uintptr_t)r->fields;
	__u32 i;

	if (r->pad || r->nr > MINIVMX_MAX_VMCS_FIELDS)
		return fail(EINVAL);
	for (i = 0; i < r->nr; i++) {
		if (((f[i].encoding >> 10) & 3) == 3)
			return fail(EPERM);
		if (f[i].encoding == 0x2034 || f[i].pad)
			return fail(EINVAL);
	}
	for (i = 0; i < r->nr; i++) {
		switch (f[i].encoding) {
		case 0x681e:		/* GUEST_RIP */
			f[i].value = regs.rip;
			break;
		case 0x4816:		/* GUEST_CS_AR_BYTES */
			f[i].value = 0xa09b;
			break;
		case 0x4402:		/* VM_EXIT_REASON */
			f[i].value = run ? run->vmx_exit_reason : 0;
			break;
		case 0x6400:		/* EXIT_QUALIFICATION */
			f[i].value = 0xf40000;
			break;
		default:
			f[i].value = 0;
		}
	}
	return 0;
}

/**
 * fake_vm_ioctl() - the VM and vCPU ioctls
 * @fd: the descriptor
 * @request: the ioctl
 * @arg: its argument
 * @handled: out: false if @request is none of them
 *
 * Return: what ioctl() returns.
 */
int fake_vm_ioctl(int fd, unsigned long request, unsigned long arg,
		  bool *handled)
{
	void *p = (void *)arg;

	*handled = true;
	switch (request) {
	case MINIVMX_CREATE_VM:
		if (vm_fd >= 0)
			return fail(EBUSY);
		vm_fd = new_fd();
		return vm_fd;
	case MINIVMX_SET_MEMORY_REGION:
		return fd == vm_fd ? set_memory_region(p) : fail(ENOTTY);
	case MINIVMX_SET_PORT_ROUTE:
		return fd == vm_fd ? set_port_route(p) : fail(ENOTTY);
	case MINIVMX_CREATE_VCPU:
		if (fd != vm_fd)
			return fail(ENOTTY);
		if (vcpu_fd >= 0 || arg >= MINIVMX_MAX_VCPUS)
			return fail(vcpu_fd >= 0 ? EEXIST : EINVAL);
		vcpu_fd = new_fd();
		return vcpu_fd;
	}
	if (fd != vcpu_fd || fd < 0) {
		*handled = false;
		return -1;
	}
	switch (request) {
	case MINIVMX_SET_SREGS:
		set_sregs(p);
		return 0;
	case MINIVMX_GET_SREGS:
		memcpy(p, &sregs, sizeof(sregs));
		return 0;
	case MINIVMX_SET_REGS:
		set_regs(p);
		return 0;
	case MINIVMX_GET_REGS:
		memcpy(p, &regs, sizeof(regs));
		return 0;
	case MINIVMX_SET_CPUID:
		return 0;
	case MINIVMX_SET_GUEST_DEBUG:
		return set_guest_debug(p);
	case MINIVMX_GET_VMCS:
		return get_vmcs(p);
	case MINIVMX_SET_EXIT_RING:
		return set_exit_ring(p);
	case MINIVMX_RUN:
		return do_run();
	}
	*handled = false;
	return -1;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset)
{
	if (fd < 0 || fd != vcpu_fd)
		return __real_mmap(addr, len, prot, flags, fd, offset);
	/* the ring: its one mapping */
	if (offset == MINIVMX_RING_OFFSET && ring &&
	    len <= MINIVMX_RING_RECORDS +
		   ring_entries * sizeof(struct minivmx_exit_record))
		return ring;
	if (len != MINIVMX_RUN_SIZE || offset) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	run = __real_mmap(addr, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return run;
}
