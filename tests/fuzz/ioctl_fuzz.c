// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioctl fuzzer: seeded random sequences of every minivmx ioctl (and unknown
 * ones) on /dev/minivmx, VM and vCPU fds from several threads at once, with
 * random sizes, flags and pointers (valid, NULL, unmapped, read-only, kernel,
 * misaligned, straddling an unmapped page), memory-region churn while vCPUs
 * spin in the guest (in real, protected, PAE-paged or long mode), closes
 * and reuse of fds, mmaps of the run page and the exit-record ring, the
 * debugger's ioctls (guest debug, VMCS fields, the ring, the 2D walk), and
 * forked children that must get EIO on their parent's fds and then exit,
 * or get killed, with VMs of their own open.
 *
 * Every call must succeed or fail with one of the errnos errno_expected()
 * lists; anything else is printed with the seed, the thread and the step.
 * Each thread draws from its own stream of the seed, so --seed S --threads 1
 * replays a run exactly; with more threads the interleaving varies.
 * Afterwards /dev/minivmx must still open, a fresh VM must run a tiny guest
 * to its HLT, and the module must unload (no reference left behind).
 *
 *   ioctl_fuzz [--seed N] [--count IOCTLS] [--threads N]
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/minivmx.h>

#include "fuzzlib.h"

#define MAX_OBJS	40	/* fds the threads share */
#define MAX_MAPS	4	/* run-page mappings each thread keeps */
#define BUF_SIZE	0x2000	/* each thread's argument buffer */
#define AREA_SIZE	0x10000	/* the read-only and the unmapped areas */
#define MAX_FAIL_LINES	20	/* per thread */
#define NR_ERRNO	135
#define PAE_PDPT	0x5000	/* in guest_ram, after vmlib's tables */

enum kind { K_DEV, K_VM, K_VCPU, NR_KINDS };

static const char * const kind_name[NR_KINDS] = { "dev", "vm", "vcpu" };

struct obj {
	int fd;
	enum kind kind;
};

static struct {
	pthread_mutex_t lock;
	struct obj o[MAX_OBJS];
	unsigned int n;
} objs = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct map {
	void *p;
	size_t len;
	int prot;
	bool ring;	/* the exit-record ring, not the run page */
};

struct thr {
	unsigned int id;
	struct rng rng;
	uint64_t step, steps, calls, fails;
	timer_t timer;
	uint8_t *buf;		/* BUF_SIZE bytes, then an unmapped page */
	struct map maps[MAX_MAPS];
	pthread_t th;
};

static struct fuzz_opts opts = { .count = 20000, .threads = 4 };
static uint8_t *guest_ram;	/* TVM_MEM bytes every VM maps at GPA 0 */
static uint8_t *ro_area, *hole;
static uint64_t errno_seen[NR_ERRNO];
static struct tap tap = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* 64-bit: jmp . */
static const uint8_t spin[] = { 0xeb, 0xfe };

/* ---- judging results ---- */

static void fail(struct thr *t, const char *fmt, ...)
{
	va_list ap;

	if (t->fails++ >= MAX_FAIL_LINES)
		return;
	pthread_mutex_lock(&tap.lock);
	printf("# FAIL seed=%" PRIu64 " thread=%u step=%" PRIu64 ": ",
	       opts.seed, t->id, t->step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&tap.lock);
}

/*
 * Count an errno (0: success) and fail on one outside the expected set
 * and @also.
 */
static void judge_errno(struct thr *t, const char *what, int e, int also)
{
	t->calls++;
	__atomic_add_fetch(&errno_seen[e < NR_ERRNO ? e : NR_ERRNO - 1], 1,
			   __ATOMIC_RELAXED);
	if (e && e != also && !errno_expected(e))
		fail(t, "%s: unexpected errno %d (%s)", what, e, strerror(e));
}

static long judge(struct thr *t, const char *what, long ret)
{
	int e = errno;

	judge_errno(t, what, ret < 0 ? e : 0, 0);
	errno = e;
	return ret;
}

/* ---- the shared table of fds ---- */

/* Add @fd; when the table is full, close a random entry to make room. */
static void obj_add(struct thr *t, int fd, enum kind kind)
{
	unsigned int i;

	if (fd < 0)
		return;
	pthread_mutex_lock(&objs.lock);
	if (objs.n == MAX_OBJS) {
		i = rnd(&t->rng, MAX_OBJS);
		close(objs.o[i].fd);
		objs.o[i] = objs.o[--objs.n];
	}
	objs.o[objs.n++] = (struct obj){ .fd = fd, .kind = kind };
	pthread_mutex_unlock(&objs.lock);
}

/*
 * Pick a random entry of @kind (mostly; any kind one time in ten).
 * Returns false when there is none.
 */
static bool obj_pick(struct thr *t, enum kind kind, struct obj *out)
{
	unsigned int i, start, match = 0;
	bool any = one_in(&t->rng, 10);

	pthread_mutex_lock(&objs.lock);
	start = objs.n ? rnd(&t->rng, objs.n) : 0;
	for (i = 0; i < objs.n; i++) {
		struct obj *o = &objs.o[(start + i) % objs.n];

		if (any || o->kind == kind) {
			*out = *o;
			match = 1;
			break;
		}
	}
	pthread_mutex_unlock(&objs.lock);
	return match;
}

/* Close entry @fd, or (one time in four) any fd number from 3 to 63. */
static void op_close(struct thr *t)
{
	unsigned int i;
	int fd = -1;

	pthread_mutex_lock(&objs.lock);
	if (one_in(&t->rng, 4))
		fd = 3 + rnd(&t->rng, 61);
	else if (objs.n)
		fd = objs.o[rnd(&t->rng, objs.n)].fd;
	for (i = 0; i < objs.n; i++) {
		if (objs.o[i].fd == fd) {
			objs.o[i] = objs.o[--objs.n];
			break;
		}
	}
	if (fd >= 0)
		judge(t, "close", close(fd));
	pthread_mutex_unlock(&objs.lock);
}

/* ---- arguments ---- */

enum ptr_kind {
	P_VALID, P_NULL, P_UNMAPPED, P_READONLY, P_KERNEL, P_MISALIGNED,
	P_STRADDLE, P_RANDOM, P_NONCANONICAL, P_SMALL, NR_PTR_KINDS
};

static const uint8_t ptr_weights[NR_PTR_KINDS] = {
	60, 5, 5, 5, 5, 5, 5, 4, 3, 3,
};

/*
 * A pointer for an argument of @size bytes: mostly t->buf, which the caller
 * fills (and which is returned as well when the choice is P_VALID).
 */
static uint64_t pick_ptr(struct thr *t, size_t size)
{
	switch (rnd_weighted(&t->rng, ptr_weights, NR_PTR_KINDS)) {
	case P_VALID:
		return (uintptr_t)t->buf;
	case P_NULL:
		return 0;
	case P_UNMAPPED:
		return (uintptr_t)hole + rnd(&t->rng, AREA_SIZE);
	case P_READONLY:
		return (uintptr_t)ro_area + (rnd(&t->rng, AREA_SIZE) & ~7UL);
	case P_KERNEL:
		return 0xffffffff81000000ULL + (rnd(&t->rng, 0x1000) << 12);
	case P_MISALIGNED:
		return (uintptr_t)t->buf + 1 + rnd(&t->rng, 7);
	case P_STRADDLE:
		return (uintptr_t)t->buf + BUF_SIZE - 1 -
		       rnd(&t->rng, size > 1 ? size - 1 : 1);
	case P_RANDOM:
		return rnd64(&t->rng);
	case P_NONCANONICAL:
		return 0x8000000000000000ULL | (rnd64(&t->rng) >> 20);
	default:
		return rnd(&t->rng, 0x10000);
	}
}

/* Mostly 0 or a small number; sometimes anything. */
static uint64_t pick_int(struct thr *t)
{
	switch (rnd(&t->rng, 8)) {
	case 0:
	case 1:
	case 2:
		return 0;
	case 3:
	case 4:
		return rnd(&t->rng, 16);
	case 5:
		return -(uint64_t)rnd(&t->rng, 4);
	default:
		return rnd64(&t->rng) >> rnd(&t->rng, 64);
	}
}

/* Zero usually, a random value sometimes (flags, pads, reserved). */
static uint64_t mostly_zero(struct thr *t)
{
	return one_in(&t->rng, 16) ? rnd64(&t->rng) >> rnd(&t->rng, 64) : 0;
}

/* ---- one ioctl ---- */

static const struct {
	unsigned long cmd;
	const char *name;
} known_cmds[] = {
	{ MINIVMX_GET_API_VERSION, "GET_API_VERSION" },
	{ MINIVMX_CHECK_CAP, "CHECK_CAP" },
	{ MINIVMX_GET_VMX_INFO, "GET_VMX_INFO" },
	{ MINIVMX_CREATE_VM, "CREATE_VM" },
	{ MINIVMX_SET_MEMORY_REGION, "SET_MEMORY_REGION" },
	{ MINIVMX_CREATE_VCPU, "CREATE_VCPU" },
	{ MINIVMX_SET_PORT_ROUTE, "SET_PORT_ROUTE" },
	{ MINIVMX_RUN, "RUN" },
	{ MINIVMX_GET_REGS, "GET_REGS" },
	{ MINIVMX_SET_REGS, "SET_REGS" },
	{ MINIVMX_GET_SREGS, "GET_SREGS" },
	{ MINIVMX_SET_SREGS, "SET_SREGS" },
	{ MINIVMX_SET_CPUID, "SET_CPUID" },
	{ MINIVMX_SET_GUEST_DEBUG, "SET_GUEST_DEBUG" },
	{ MINIVMX_GET_VMCS, "GET_VMCS" },
	{ MINIVMX_SET_EXIT_RING, "SET_EXIT_RING" },
	{ MINIVMX_TRANSLATE, "TRANSLATE" },
	{ MINIVMX_INTERRUPT, "INTERRUPT" },
	{ MINIVMX_NMI, "NMI" },
	{ MINIVMX_CREATE_LAPIC, "CREATE_LAPIC" },
	{ MINIVMX_SIGNAL_MSI, "SIGNAL_MSI" },
	{ MINIVMX_SET_EXIT_ROUTES, "SET_EXIT_ROUTES" },
	{ MINIVMX_GET_LAPIC, "GET_LAPIC" },
};

static const char *cmd_name(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known_cmds); i++)
		if (known_cmds[i].cmd == cmd)
			return known_cmds[i].name;
	return "unknown";
}

/*
 * ioctl @cmd on @o and judge the result; a RUN is bounded by this thread's
 * timer (1 to 10 ms).  Returns the ioctl's result.
 */
static long do_ioctl(struct thr *t, const struct obj *o, unsigned long cmd,
		     uint64_t arg)
{
	char what[96];
	long ret;

	snprintf(what, sizeof(what), "ioctl(%s fd %d, %s %#lx, %#" PRIx64 ")",
		 kind_name[o->kind], o->fd, cmd_name(cmd), cmd, arg);
	if (cmd == MINIVMX_RUN)
		thread_timer_arm(t->timer, 1000 + rnd(&t->rng, 9000));
	ret = ioctl(o->fd, cmd, (unsigned long)arg);
	if (cmd == MINIVMX_RUN)
		thread_timer_arm(t->timer, 0);
	return judge(t, what, ret);
}

/*
 * CREATE_VM or CREATE_VCPU on @o: the new fd joins the table if @o is what
 * it claims to be (its number may have been closed and reused since).
 */
static void do_create(struct thr *t, const struct obj *o, unsigned long cmd,
		      uint64_t arg)
{
	enum kind made = cmd == MINIVMX_CREATE_VM ? K_VM : K_VCPU;
	long fd = do_ioctl(t, o, cmd, arg);

	if (fd >= 0 && o->kind + 1 == made)
		obj_add(t, fd, made);
	else if (fd >= 0)
		close(fd);
}

/* ---- /dev/minivmx ---- */

static void op_open(struct thr *t)
{
	int fd = mvx_open();

	judge(t, "open /dev/minivmx", fd);
	obj_add(t, fd, K_DEV);
}

static void vmx_info_arg(struct thr *t)
{
	struct minivmx_vmx_info *vi = (void *)t->buf;

	rnd_bytes(&t->rng, vi, sizeof(*vi));
	vi->flags = mostly_zero(t);
	vi->nr_cpus = one_in(&t->rng, 4) ? rnd64(&t->rng) : rnd(&t->rng, 8);
	vi->cpus = one_in(&t->rng, 4) ? 0 : pick_ptr(t, vi->nr_cpus * 24);
	memset(vi->reserved, 0, sizeof(vi->reserved));
	vi->reserved[rnd(&t->rng, 8)] = mostly_zero(t);
}

static void op_dev(struct thr *t)
{
	struct obj o;
	uint64_t arg = pick_int(t);

	if (!obj_pick(t, K_DEV, &o))
		return op_open(t);
	switch (rnd(&t->rng, 4)) {
	case 0:
		do_ioctl(t, &o, MINIVMX_GET_API_VERSION, arg);
		break;
	case 1:
		do_ioctl(t, &o, MINIVMX_CHECK_CAP, arg);
		break;
	case 2:
		vmx_info_arg(t);
		do_ioctl(t, &o, MINIVMX_GET_VMX_INFO,
			 pick_ptr(t, sizeof(struct minivmx_vmx_info)));
		break;
	default:
		/* Half of them on shadow paging. */
		do_create(t, &o, MINIVMX_CREATE_VM,
			  one_in(&t->rng, 8) ? arg : rnd(&t->rng, 2));
	}
}

/* ---- VMs ---- */

static uint64_t region_gpa(struct thr *t)
{
	switch (rnd(&t->rng, 10)) {
	case 0:
		return 0;
	case 1:
		return rnd64(&t->rng) & ~0xfffULL;
	case 2:
		return MINIVMX_MAX_MEM_SIZE - ((uint64_t)rnd(&t->rng, 4) << 12);
	case 3:
		return rnd64(&t->rng) >> rnd(&t->rng, 64);
	default:
		return (uint64_t)rnd(&t->rng, 0x800) << 12;	/* < 8 MiB */
	}
}

static uint64_t region_size(struct thr *t)
{
	switch (rnd(&t->rng, 20)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		return 0;				/* delete */
	case 5:
		return 1 + rnd(&t->rng, 0x2000);	/* unaligned */
	case 6:
		if (opts.flags & OPT_SKIP_HUGE_REGIONS)
			return 0x1000;
		/* Up to MINIVMX_MAX_MEM_SIZE: a huge page array. */
		return (rnd64(&t->rng) & (MINIVMX_MAX_MEM_SIZE - 1)) &
		       ~0xfffULL;
	case 7:
		return rnd64(&t->rng);
	default:
		return (uint64_t)(1 + rnd(&t->rng, 512)) << 12;
	}
}

static uint64_t region_uaddr(struct thr *t, uint64_t size)
{
	uint64_t pages = TVM_MEM >> 12, off;

	switch (rnd(&t->rng, 10)) {
	case 0:
		return (uintptr_t)ro_area;
	case 1:
		return (uintptr_t)t->buf;
	case 2:
	case 3:
		return pick_ptr(t, size);
	default:
		/* Inside guest_ram where it fits, so that pinning succeeds. */
		if (size < TVM_MEM)
			pages -= size >> 12;
		off = (uint64_t)rnd(&t->rng, pages) << 12;
		return (uintptr_t)guest_ram + off;
	}
}

static void region_arg(struct thr *t, struct minivmx_memory_region *r)
{
	r->slot = one_in(&t->rng, 16) ? rnd64(&t->rng) : rnd(&t->rng, 34);
	r->flags = one_in(&t->rng, 5) ? MINIVMX_MEM_READONLY : 0;
	r->flags |= mostly_zero(t);
	r->guest_phys_addr = region_gpa(t);
	r->memory_size = region_size(t);
	r->userspace_addr = region_uaddr(t, r->memory_size);
}

static void route_arg(struct thr *t, struct minivmx_port_route *r)
{
	r->first_port = one_in(&t->rng, 2) ? rnd(&t->rng, 0x10000) :
					     0xe0 + rnd(&t->rng, 32);
	r->nr_ports = one_in(&t->rng, 4) ? rnd(&t->rng, 0x10000) :
					   rnd(&t->rng, 8);
	r->handler = one_in(&t->rng, 10) ? rnd64(&t->rng) : rnd(&t->rng, 3);
	r->flags = mostly_zero(t);
	r->pad = mostly_zero(t);
}

/* Exit routes: mostly a subset of the routable reasons. */
static void exit_routes_arg(struct thr *t, struct minivmx_exit_routes *r)
{
	rnd_bytes(&t->rng, r, sizeof(*r));
	if (!one_in(&t->rng, 4))
		r->user[0] &= MINIVMX_ROUTABLE_EXITS;
	r->user[1] = mostly_zero(t);
	r->reserved[0] = mostly_zero(t);
	r->reserved[1] = mostly_zero(t);
}

/* An MSI: mostly well-formed, to any of the first APIC IDs, any mode. */
static void msi_arg(struct thr *t, struct minivmx_msi *m)
{
	rnd_bytes(&t->rng, m, sizeof(*m));
	if (!one_in(&t->rng, 4)) {
		m->address = 0xfee00000 | rnd(&t->rng, 4) << 12 |
			     rnd(&t->rng, 2) << 2;
		m->data = rnd(&t->rng, 256) | rnd(&t->rng, 8) << 8 |
			  rnd(&t->rng, 4) << 14;
	}
	m->flags = mostly_zero(t);
	if (!one_in(&t->rng, 8))
		memset(m->pad, 0, sizeof(m->pad));
}

/* Give VM @o guest_ram at GPA 0, for vCPUs that spin. */
static void vm_add_ram(struct thr *t, const struct obj *o)
{
	struct minivmx_memory_region r = {
		.memory_size = TVM_MEM, .userspace_addr = (uintptr_t)guest_ram,
	};

	do_ioctl(t, o, MINIVMX_SET_MEMORY_REGION, (uintptr_t)&r);
}

static void op_vm(struct thr *t)
{
	struct obj o;
	uint64_t ptr;

	if (!obj_pick(t, K_VM, &o))
		return op_dev(t);
	switch (rnd(&t->rng, 11)) {
	case 10:
		exit_routes_arg(t, (void *)t->buf);
		ptr = pick_ptr(t, sizeof(struct minivmx_exit_routes));
		do_ioctl(t, &o, MINIVMX_SET_EXIT_ROUTES, ptr);
		break;
	case 8:
		do_ioctl(t, &o, MINIVMX_CREATE_LAPIC,
			 one_in(&t->rng, 8) ? pick_int(t) : 0);
		break;
	case 9:
		msi_arg(t, (void *)t->buf);
		ptr = pick_ptr(t, sizeof(struct minivmx_msi));
		do_ioctl(t, &o, MINIVMX_SIGNAL_MSI, ptr);
		break;
	case 0:
	case 1:
	case 2:
		region_arg(t, (void *)t->buf);
		ptr = pick_ptr(t, sizeof(struct minivmx_memory_region));
		do_ioctl(t, &o, MINIVMX_SET_MEMORY_REGION, ptr);
		break;
	case 3:
		vm_add_ram(t, &o);
		break;
	case 4:
	case 5:
		do_create(t, &o, MINIVMX_CREATE_VCPU,
			  one_in(&t->rng, 8) ? pick_int(t) : rnd(&t->rng, 10));
		break;
	default:
		route_arg(t, (void *)t->buf);
		ptr = pick_ptr(t, sizeof(struct minivmx_port_route));
		do_ioctl(t, &o, MINIVMX_SET_PORT_ROUTE, ptr);
	}
}

/* ---- vCPUs ---- */

/*
 * 32-bit paging with PAE on top of vmlib's 32-bit set-up: SET_SREGS then
 * reads the page-directory pointers from guest memory, which other threads
 * may be taking away.  Returns 0 or -errno.
 */
static int set_pae(int vcpu)
{
	struct minivmx_sregs s;

	if (ioctl(vcpu, MINIVMX_GET_SREGS, &s))
		return -errno;
	s.cr3 = PAE_PDPT;
	s.cr4 |= 0x20;			/* PAE */
	s.cr0 |= 0x80000000;		/* PG */
	return ioctl(vcpu, MINIVMX_SET_SREGS, &s) ? -errno : 0;
}

/* Point vCPU @o at the spinning guest in one of the four modes. */
static void vcpu_spin(struct thr *t, const struct obj *o)
{
	static const int bits[] = { 16, 32, 32, 64 };
	struct tvm tv = { .vcpu = o->fd, .mem = guest_ram };
	unsigned int mode = rnd(&t->rng, 4);
	char what[64];
	int ret;

	ret = tvm_setup(&tv, bits[mode], spin, sizeof(spin));
	if (!ret && mode == 2)
		ret = set_pae(o->fd);
	snprintf(what, sizeof(what), "spin set-up of %s fd %d",
		 kind_name[o->kind], o->fd);
	judge_errno(t, what, -ret, 0);
}

static void regs_arg(struct thr *t, struct minivmx_regs *r)
{
	rnd_bytes(&t->rng, r, sizeof(*r));
	if (!one_in(&t->rng, 4))
		r->rflags = 2 | (r->rflags & 0x3f7fd5);
	if (one_in(&t->rng, 2))
		r->rip = TVM_CODE;
}

/* SET_SREGS: what GET_SREGS said with a few random changes, or noise. */
static void sregs_arg(struct thr *t, const struct obj *o,
		      struct minivmx_sregs *s)
{
	unsigned int i, n = 1 + rnd(&t->rng, 4);
	uint8_t *p = (uint8_t *)s;

	if (one_in(&t->rng, 5) || ioctl(o->fd, MINIVMX_GET_SREGS, s)) {
		rnd_bytes(&t->rng, s, sizeof(*s));
		return;
	}
	for (i = 0; i < n; i++)
		p[rnd(&t->rng, sizeof(*s))] = rnd64(&t->rng);
}

static void cpuid_arg(struct thr *t, struct minivmx_cpuid *c)
{
	struct minivmx_cpuid_entry *e = (void *)(t->buf + 64);
	unsigned int i, max = (BUF_SIZE - 64) / sizeof(*e);

	c->nr = one_in(&t->rng, 8) ? rnd64(&t->rng) : rnd(&t->rng, 70);
	c->pad = mostly_zero(t);
	c->entries = one_in(&t->rng, 2) ? (uintptr_t)e :
		     pick_ptr(t, c->nr * sizeof(*e));
	rnd_bytes(&t->rng, e, max * sizeof(*e));
	for (i = 0; i < max; i++) {
		e[i].flags &= one_in(&t->rng, 20) ? ~0U : 1;
		e[i].pad = mostly_zero(t);
	}
}

/* Interrupts and NMIs: vectors around the valid range, pads, windows. */
static void op_vcpu_event(struct thr *t, const struct obj *o)
{
	struct minivmx_interrupt *irq = (void *)t->buf;

	if (one_in(&t->rng, 4)) {
		do_ioctl(t, o, MINIVMX_GET_LAPIC,
			 pick_ptr(t, sizeof(struct minivmx_lapic_state)));
		return;
	}
	if (one_in(&t->rng, 3)) {
		uint64_t arg = one_in(&t->rng, 8) ? pick_int(t) : 0;
		long ret = ioctl(o->fd, MINIVMX_NMI, (unsigned long)arg);

		/* ENODEV: a CPU without virtual NMIs. */
		judge_errno(t, "ioctl(MINIVMX_NMI)", ret < 0 ? errno : 0,
			    ENODEV);
		return;
	}
	irq->vector = one_in(&t->rng, 8) ? rnd64(&t->rng) :
		      rnd(&t->rng, 256);
	irq->pad = mostly_zero(t);
	do_ioctl(t, o, MINIVMX_INTERRUPT,
		 pick_ptr(t, sizeof(struct minivmx_interrupt)));
}

static void op_vcpu_set(struct thr *t, const struct obj *o)
{
	void *arg = t->buf;

	switch (rnd(&t->rng, 4)) {
	case 0:
		regs_arg(t, arg);
		do_ioctl(t, o, MINIVMX_SET_REGS,
			 pick_ptr(t, sizeof(struct minivmx_regs)));
		break;
	case 1:
		sregs_arg(t, o, arg);
		do_ioctl(t, o, MINIVMX_SET_SREGS,
			 pick_ptr(t, sizeof(struct minivmx_sregs)));
		break;
	case 2:
		cpuid_arg(t, arg);
		do_ioctl(t, o, MINIVMX_SET_CPUID,
			 pick_ptr(t, sizeof(struct minivmx_cpuid)));
		break;
	default:
		op_vcpu_event(t, o);
	}
}

/* ---- the debugger's ioctls ---- */

/* VMCS encodings worth asking for: guest, control, exit, host, none. */
static const uint32_t vmcs_encodings[] = {
	0x0802, 0x681e, 0x6820, 0x6800, 0x4002, 0x401e, 0x201a, 0x201b,
	0x2000, 0x2004, 0x4402, 0x6400, 0x2400, 0x6c00, 0x6c16, 0x4c00,
	0x43fe, 0x7fff, 0x1000, 0x10000,
};

static void guest_debug_arg(struct thr *t, struct minivmx_guest_debug *d)
{
	rnd_bytes(&t->rng, d, sizeof(*d));
	if (!one_in(&t->rng, 8))
		d->control &= 0x3f;
	d->pad = mostly_zero(t);
	if (!one_in(&t->rng, 4))
		d->steps = rnd(&t->rng, 64);
	if (!one_in(&t->rng, 4)) {
		d->dr7 &= 0xffff03ffULL;
		d->db[0] = TVM_CODE + rnd(&t->rng, 64);
		d->db[1] = rnd(&t->rng, TVM_MEM);
	}
	d->exit_bitmap[1] &= one_in(&t->rng, 8) ? ~0ULL : 0xffff;
	memset(d->reserved, 0, sizeof(d->reserved));
	d->reserved[rnd(&t->rng, 4)] = mostly_zero(t);
}

static void vmcs_read_arg(struct thr *t, struct minivmx_vmcs_read *r)
{
	struct minivmx_vmcs_field *f = (void *)(t->buf + 64);
	unsigned int i, max = (BUF_SIZE - 64) / sizeof(*f);

	r->nr = one_in(&t->rng, 8) ? rnd64(&t->rng) : rnd(&t->rng, 12);
	r->pad = mostly_zero(t);
	r->fields = one_in(&t->rng, 2) ? (uintptr_t)f :
		    pick_ptr(t, r->nr * sizeof(*f));
	for (i = 0; i < max; i++) {
		f[i].encoding = one_in(&t->rng, 8) ? rnd64(&t->rng) :
			vmcs_encodings[rnd(&t->rng, ARRAY_SIZE(vmcs_encodings))];
		f[i].pad = mostly_zero(t);
	}
}

static void ring_config_arg(struct thr *t, struct minivmx_ring_config *c)
{
	memset(c, 0, sizeof(*c));
	/* Mostly small powers of 2; the largest rarely (memory). */
	if (one_in(&t->rng, 64))
		c->entries = MINIVMX_MAX_RING_ENTRIES;
	else if (one_in(&t->rng, 8))
		c->entries = rnd64(&t->rng);
	else
		c->entries = one_in(&t->rng, 4) ? 0 : 1U << rnd(&t->rng, 9);
	c->flags = mostly_zero(t);
	c->reserved[rnd(&t->rng, 3)] = mostly_zero(t);
}

static void translate_arg(struct thr *t, struct minivmx_translate *tr)
{
	rnd_bytes(&t->rng, tr, sizeof(*tr));
	if (!one_in(&t->rng, 4))
		tr->gva = rnd(&t->rng, 2) ? rnd(&t->rng, TVM_MEM) :
			  rnd64(&t->rng) >> rnd(&t->rng, 64);
	tr->access &= one_in(&t->rng, 8) ? ~0U : 0x16;
	tr->flags = mostly_zero(t);
	memset(tr->reserved, 0, sizeof(tr->reserved));
	tr->reserved[rnd(&t->rng, 4)] = mostly_zero(t);
}

static void op_vcpu_debug(struct thr *t, const struct obj *o)
{
	void *arg = t->buf;

	switch (rnd(&t->rng, 4)) {
	case 0:
		guest_debug_arg(t, arg);
		do_ioctl(t, o, MINIVMX_SET_GUEST_DEBUG,
			 pick_ptr(t, sizeof(struct minivmx_guest_debug)));
		break;
	case 1:
		vmcs_read_arg(t, arg);
		do_ioctl(t, o, MINIVMX_GET_VMCS,
			 pick_ptr(t, sizeof(struct minivmx_vmcs_read)));
		break;
	case 2:
		ring_config_arg(t, arg);
		do_ioctl(t, o, MINIVMX_SET_EXIT_RING,
			 pick_ptr(t, sizeof(struct minivmx_ring_config)));
		break;
	default:
		translate_arg(t, arg);
		do_ioctl(t, o, MINIVMX_TRANSLATE,
			 pick_ptr(t, sizeof(struct minivmx_translate)));
	}
}

static void op_vcpu(struct thr *t)
{
	struct obj o;

	if (!obj_pick(t, K_VCPU, &o))
		return op_vm(t);
	switch (rnd(&t->rng, 9)) {
	case 0:
	case 1:
		do_ioctl(t, &o, MINIVMX_RUN, one_in(&t->rng, 8) ?
			 pick_int(t) : 0);
		break;
	case 8:
		op_vcpu_debug(t, &o);
		break;
	case 2:
		vcpu_spin(t, &o);
		break;
	case 3:
		do_ioctl(t, &o, MINIVMX_GET_REGS,
			 pick_ptr(t, sizeof(struct minivmx_regs)));
		break;
	case 4:
		do_ioctl(t, &o, MINIVMX_GET_SREGS,
			 pick_ptr(t, sizeof(struct minivmx_sregs)));
		break;
	default:
		op_vcpu_set(t, &o);
	}
}

/* ---- unknown and misdirected commands ---- */

/* Command types the VFS answers itself for any file: not ours to try. */
static bool vfs_type(unsigned int type)
{
	return type == 0 || type == 'T' || type == 'X' || type == 'f' ||
	       type == 0x94;
}

static unsigned long unknown_cmd(struct thr *t)
{
	unsigned long cmd;
	unsigned int nr;

	switch (rnd(&t->rng, 3)) {
	case 0:		/* our magic, a number we do not use */
		do {
			nr = rnd(&t->rng, 256);
		} while (nr <= 0x03 || (nr >= 0x10 && nr <= 0x12) ||
			 (nr >= 0x20 && nr <= 0x29));
		return _IOC(rnd(&t->rng, 4), MINIVMX_IO, nr,
			    rnd(&t->rng, 1 << 14));
	case 1:		/* a known number with another size or direction */
		cmd = known_cmds[rnd(&t->rng, ARRAY_SIZE(known_cmds))].cmd;
		return cmd ^ ((unsigned long)(1 + rnd(&t->rng, 0x3fff)) << 16);
	default:
		do {
			cmd = (uint32_t)rnd64(&t->rng);
		} while (vfs_type(_IOC_TYPE(cmd)) ||
			 _IOC_TYPE(cmd) == MINIVMX_IO);
		return cmd;
	}
}

static void op_odd_cmd(struct thr *t)
{
	struct obj o;
	unsigned long cmd;

	if (!obj_pick(t, rnd(&t->rng, NR_KINDS), &o))
		return;
	if (one_in(&t->rng, 2))
		cmd = unknown_cmd(t);
	else	/* a known command on whatever fd this is */
		cmd = known_cmds[rnd(&t->rng, ARRAY_SIZE(known_cmds))].cmd;
	if (cmd == MINIVMX_CREATE_VM || cmd == MINIVMX_CREATE_VCPU)
		do_create(t, &o, cmd, pick_int(t));
	else
		do_ioctl(t, &o, cmd, one_in(&t->rng, 2) ? pick_int(t) :
			 pick_ptr(t, 256));
}

/* ---- the run page ---- */

static void map_drop(struct map *m)
{
	if (m->p)
		munmap(m->p, m->len);
	m->p = NULL;
}

/* Read a kept mapping, poke immediate_exit, or drop it. */
static void map_touch(struct thr *t, struct map *m)
{
	volatile struct minivmx_run *run = m->p;

	switch (rnd(&t->rng, 3)) {
	case 0:
		map_drop(m);
		break;
	case 1:
		if (m->ring) {
			volatile struct minivmx_exit_ring *r = m->p;

			if (m->prot & PROT_READ && r->record_size &&
			    r->record_size != sizeof(struct minivmx_exit_record))
				fail(t, "ring: record_size %u", r->record_size);
		} else if (m->prot & PROT_READ &&
			   run->exit_reason > MINIVMX_EXIT_ROUTED) {
			fail(t, "run page: exit_reason %u", run->exit_reason);
		}
		break;
	default:
		/* The ring's consumer may write anything to its tail. */
		if (m->prot & PROT_WRITE && m->ring)
			((volatile struct minivmx_exit_ring *)m->p)->tail =
				rnd64(&t->rng);
		else if (m->prot & PROT_WRITE && one_in(&t->rng, 3))
			run->routed.action = rnd(&t->rng, 7);
		else if (m->prot & PROT_WRITE && one_in(&t->rng, 2))
			run->immediate_exit = rnd(&t->rng, 2);
		else if (m->prot & PROT_WRITE)
			run->request_interrupt_window = rnd(&t->rng, 2);
	}
}

static const size_t map_lens[] = { 4096, 4096, 4096, 1, 4095, 8192, 0 };
static const int map_prots[] = {
	PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ,
	PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC,
};

static void op_mmap(struct thr *t)
{
	struct map *m = &t->maps[rnd(&t->rng, MAX_MAPS)];
	size_t len = map_lens[rnd(&t->rng, ARRAY_SIZE(map_lens))];
	int prot = map_prots[rnd(&t->rng, ARRAY_SIZE(map_prots))];
	int flags = one_in(&t->rng, 4) ? MAP_PRIVATE : MAP_SHARED;
	off_t off = one_in(&t->rng, 4) ? pick_int(t) << rnd(&t->rng, 13) :
		    one_in(&t->rng, 3) ? MINIVMX_RING_OFFSET : 0;
	char what[96];
	struct obj o;
	void *p;
	int e;

	if (m->p)
		return map_touch(t, m);
	if (!obj_pick(t, K_VCPU, &o))
		return;
	p = mmap(NULL, len, prot, flags, o.fd, off);
	snprintf(what, sizeof(what),
		 "mmap(%zu, prot %d, flags %d, %s fd %d, %#llx)", len, prot,
		 flags, kind_name[o.kind], o.fd, (long long)off);
	e = p == MAP_FAILED ? errno : 0;
	/*
	 * The VFS's own answers: ENODEV for a VM or /dev/minivmx fd (a reused
	 * number), EOVERFLOW for an offset whose pages wrap around.
	 */
	judge_errno(t, what, e, e == ENODEV || e == EOVERFLOW ? e : 0);
	if (p == MAP_FAILED)
		return;
	m->p = p;
	m->len = len;
	m->prot = prot;
	m->ring = off == MINIVMX_RING_OFFSET;
	if (prot & PROT_WRITE && flags == MAP_PRIVATE && one_in(&t->rng, 2))
		((volatile uint8_t *)p)[1] = 1;		/* copy on write */
}

/* ---- fork ---- */

static void say(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(STDOUT_FILENO, line, n) < 0)
		_exit(3);
}

/* In a child: @o belongs to the parent, so every ioctl must be EIO. */
static bool child_refused(const struct obj *o)
{
	struct minivmx_memory_region r = {
		.slot = 31, .guest_phys_addr = 1ULL << 30,
		.memory_size = 4096, .userspace_addr = (uintptr_t)guest_ram,
	};
	struct minivmx_regs regs;
	void *p;

	switch (o->kind) {
	case K_DEV:	/* the system fd has no owner */
		return ioctl(o->fd, MINIVMX_GET_API_VERSION, 0) ==
		       MINIVMX_API_VERSION;
	case K_VM:
		if (ioctl(o->fd, MINIVMX_CREATE_VCPU, 7) >= 0 || errno != EIO)
			return false;
		return ioctl(o->fd, MINIVMX_SET_MEMORY_REGION, &r) &&
		       errno == EIO;
	default:
		if (!ioctl(o->fd, MINIVMX_GET_REGS, &regs) || errno != EIO)
			return false;
		if (!ioctl(o->fd, MINIVMX_RUN, 0) || errno != EIO)
			return false;
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, o->fd, 0);
		return p == MAP_FAILED && errno == EIO;
	}
}

/*
 * What @fd is now, from /proc/self/fd: another thread may have closed it
 * and got the number back for an object of another kind before the table
 * caught up.  NR_KINDS when it is none of ours.
 */
static enum kind fd_kind(int fd)
{
	static const char * const targets[NR_KINDS] = {
		"/dev/minivmx", "anon_inode:minivmx-vm", "anon_inode:minivmx-vcpu",
	};
	char path[64], target[64];
	ssize_t n;
	int k;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return NR_KINDS;
	target[n] = 0;
	for (k = 0; k < NR_KINDS; k++)
		if (!strcmp(target, targets[k]))
			return k;
	return NR_KINDS;
}

/*
 * The child: try the parent's fds, then run a VM of its own and exit with
 * its fds open, or spin in the guest until the parent kills it.
 */
static void child(bool wait_for_kill)
{
	struct itimerval it = {		/* periodic: see thread_timer_arm() */
		.it_value.tv_usec = 5000, .it_interval.tv_usec = 5000,
	};
	unsigned int i;
	struct tvm tv;

	for (i = 0; i < objs.n; i++) {
		if (fd_kind(objs.o[i].fd) != objs.o[i].kind)
			continue;	/* the number was reused meanwhile */
		if (!child_refused(&objs.o[i])) {
			say("# FAIL seed=%" PRIu64 ": a child's ioctl on its "
			    "parent's %s fd %d: errno %d\n", opts.seed,
			    kind_name[objs.o[i].kind], objs.o[i].fd, errno);
			_exit(1);
		}
	}
	if (tvm_create(&tv) || tvm_setup(&tv, 64, spin, sizeof(spin)))
		_exit(2);
	setitimer(ITIMER_REAL, &it, NULL);
	if (tvm_run(&tv) != -EINTR)
		_exit(2);
	while (wait_for_kill)
		tvm_run(&tv);
	_exit(0);
}

static void op_fork(struct thr *t)
{
	bool kill_it = one_in(&t->rng, 2);
	int status;
	pid_t pid;

	pthread_mutex_lock(&objs.lock);
	pid = fork();
	if (!pid)
		child(kill_it);
	pthread_mutex_unlock(&objs.lock);
	if (pid < 0)
		return (void)judge(t, "fork", -1);
	if (kill_it) {
		usleep(1000 + rnd(&t->rng, 20000));
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status))
		fail(t, "child %d exited with %d", pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && (!kill_it || WTERMSIG(status) != SIGKILL))
		fail(t, "child %d killed by signal %d", pid, WTERMSIG(status));
}

/* ---- the threads ---- */

enum op { OP_OPEN, OP_DEV, OP_VM, OP_VCPU, OP_ODD, OP_CLOSE, OP_MMAP,
	  OP_FORK, NR_OPS };

static const uint8_t op_weights[NR_OPS] = { 2, 8, 25, 45, 10, 4, 5, 1 };

static void step(struct thr *t)
{
	switch (rnd_weighted(&t->rng, op_weights, NR_OPS)) {
	case OP_OPEN:
		op_open(t);
		break;
	case OP_DEV:
		op_dev(t);
		break;
	case OP_VM:
		op_vm(t);
		break;
	case OP_VCPU:
		op_vcpu(t);
		break;
	case OP_ODD:
		op_odd_cmd(t);
		break;
	case OP_CLOSE:
		op_close(t);
		break;
	case OP_MMAP:
		op_mmap(t);
		break;
	default:
		/* Forks cost: one in a few hundred steps. */
		if (one_in(&t->rng, 20))
			op_fork(t);
	}
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	unsigned int i;

	t->buf = mmap(NULL, BUF_SIZE + 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->buf == MAP_FAILED || thread_timer_create(&t->timer)) {
		fail(t, "set-up: %s", strerror(errno));
		return NULL;
	}
	mprotect(t->buf + BUF_SIZE, 4096, PROT_NONE);
	while (t->calls < t->steps) {
		step(t);
		t->step++;
		/* Thread 0 tells a long run's progress, a line per tenth. */
		if (!t->id && t->steps >= 10000 && t->step % (t->steps / 10) == 0) {
			printf("# thread 0: %" PRIu64 " steps, %" PRIu64 " calls\n",
			       t->step, t->calls);
			fflush(stdout);
		}
	}
	for (i = 0; i < MAX_MAPS; i++)
		map_drop(&t->maps[i]);
	timer_delete(t->timer);
	munmap(t->buf, BUF_SIZE + 4096);
	tap_result(&tap, !t->fails, "thread %u: %" PRIu64 " steps, %" PRIu64
		   " calls, %" PRIu64 " unexpected", t->id, t->step, t->calls,
		   t->fails);
	return NULL;
}

/* ---- set-up, the run, the checks after it ---- */

/* PAE page tables in guest_ram: four PDs mapping 4 GiB with 2 MiB pages. */
static void pae_tables(void)
{
	uint64_t *pdpt = (uint64_t *)(guest_ram + PAE_PDPT);
	uint64_t *pd = pdpt + 512;
	unsigned int i;

	for (i = 0; i < 4; i++)
		pdpt[i] = (PAE_PDPT + 0x1000 * (i + 1)) | 1;
	for (i = 0; i < 2048; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;
}

static int setup_areas(void)
{
	guest_ram = mmap(NULL, TVM_MEM, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ro_area = mmap(NULL, AREA_SIZE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, AREA_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guest_ram == MAP_FAILED || ro_area == MAP_FAILED ||
	    hole == MAP_FAILED)
		return -1;
	memcpy(guest_ram + TVM_CODE, spin, sizeof(spin));
	pae_tables();
	return 0;
}

/* Two VMs with RAM and two spinning vCPUs each, to start with. */
static void seed_objects(struct thr *t)
{
	struct obj dev = { .fd = mvx_open(), .kind = K_DEV };
	struct obj vm = { .kind = K_VM }, vcpu = { .kind = K_VCPU };
	unsigned int i, j;

	obj_add(t, dev.fd, K_DEV);
	for (i = 0; i < 2; i++) {
		vm.fd = ioctl(dev.fd, MINIVMX_CREATE_VM, 0);
		obj_add(t, vm.fd, K_VM);
		vm_add_ram(t, &vm);
		for (j = 0; j < 2; j++) {
			vcpu.fd = ioctl(vm.fd, MINIVMX_CREATE_VCPU, j);
			obj_add(t, vcpu.fd, K_VCPU);
			vcpu_spin(t, &vcpu);
		}
	}
}

static void close_all(void)
{
	while (objs.n)
		close(objs.o[--objs.n].fd);
}

static void print_errnos(void)
{
	unsigned int e;

	printf("# results: %" PRIu64 " successes", errno_seen[0]);
	for (e = 1; e < NR_ERRNO; e++)
		if (errno_seen[e])
			printf(", %s %" PRIu64, strerrorname_np(e) ?: "?",
			       errno_seen[e]);
	printf("\n");
}

/* After everything is closed the module must unload. */
static bool module_unloads(void)
{
	int i, ret = 0;

	for (i = 0; i < 50; i++) {
		ret = mvx_unload();
		if (ret != -EWOULDBLOCK && ret != -EAGAIN)
			break;
		usleep(100000);
	}
	if (ret)
		printf("# unload: %s\n", strerror(-ret));
	return !ret;
}

static void final_checks(const char *mark)
{
	const char *why;
	int fd = mvx_open();

	tap_result(&tap, fd >= 0, "/dev/minivmx still opens");
	if (fd >= 0)
		close(fd);
	why = health_check();
	if (why)
		printf("# %s\n", why);
	tap_result(&tap, !why, "a fresh VM runs a guest to its HLT");
	tap_result(&tap, module_unloads(), "the module unloads afterwards");
	tap_result(&tap, kmsg_clean(mark),
		   "no warning or failed allocation in the kernel log");
}

int main(int argc, char **argv)
{
	struct thr *thr, setup_thr = { .id = ~0U };
	char mark[64];
	unsigned int i;
	double t0;
	int ret;

	fuzz_parse(argc, argv, &opts, OPT_THREADS | OPT_SKIP_HUGE_REGIONS);
	if (!opts.threads || opts.threads > 64)
		fuzz_usage(argv[0], OPT_THREADS | OPT_SKIP_HUGE_REGIONS);
	printf("TAP version 13\n");
	ret = mvx_load();
	if (ret && ret != -EEXIST) {
		printf("1..0 # SKIP minivmx.ko: %s\n", strerror(-ret));
		return 4;
	}
	printf("1..%" PRIu64 "\n", opts.threads + 4);
	printf("# seed %" PRIu64 ", %" PRIu64 " calls, %" PRIu64 " threads "
	       "(replay: --seed %" PRIu64 " --count %" PRIu64 " --threads %"
	       PRIu64 "%s)\n", opts.seed, opts.count, opts.threads, opts.seed,
	       opts.count, opts.threads,
	       opts.flags & OPT_SKIP_HUGE_REGIONS ? " --skip-huge-regions" : "");
	fflush(stdout);
	kmsg_mark(mark, sizeof(mark));
	t0 = now_s();
	timer_signal_setup();
	signal(SIGPIPE, SIG_IGN);
	thr = calloc(opts.threads, sizeof(*thr));
	if (!thr || setup_areas()) {
		printf("Bail out! set-up: %s\n", strerror(errno));
		return 1;
	}
	rng_init(&setup_thr.rng, opts.seed, ~0ULL);
	seed_objects(&setup_thr);
	for (i = 0; i < opts.threads; i++) {
		thr[i].id = i;
		thr[i].steps = opts.count / opts.threads;
		rng_init(&thr[i].rng, opts.seed, i);
		pthread_create(&thr[i].th, NULL, thread_main, &thr[i]);
	}
	for (i = 0; i < opts.threads; i++)
		pthread_join(thr[i].th, NULL);
	close_all();
	print_errnos();
	printf("# %.1f s\n", now_s() - t0);
	final_checks(mark);
	return tap_end(&tap);
}
