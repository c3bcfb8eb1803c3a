// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest programs of tests/guests/, run through libminivmx with the
 * tool's own guest set-up and UART, plus the test devices of
 * tests/guests/testdev.h (echo ports, a FIFO, an MMIO echo window) and the
 * ucall channel.  Each test checks the guest's own verdict (exit status 0
 * and "0 failed" on its serial port) and what the host saw.  Every test
 * runs twice: in a VM on EPT, and in one with shadow paging
 * (MINIVMX_VM_SHADOW_PAGING), which refuses real mode.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "testlib.h"
#include "../../user-tools/devices.h"
#include "../../user-tools/guest.h"
#include "../guests/testdev.h"
#include "../guests/ucall.h"

#define GUEST_DIR_DEFAULT "/minivmx/guests"
#define OUT_MAX 65536

/* What a guest did, as the host saw it. */
struct outcome {
	int exit;		/* MINIVMX_EXIT_* that ended the run */
	uint64_t status;	/* its exit status */
	char out[OUT_MAX];	/* UART and console output */
	unsigned int ucalls[8];	/* count by command */
	uint64_t ucall_args[8][2];
	unsigned int mmio_writes, fifo_bytes, hlts;
	struct minivmx_run run;	/* the run structure at the end */
};

struct testdevs {
	uint8_t echo[8];
	uint8_t fifo[4096];
	unsigned int head, tail;
	uint8_t window[MMIO_ECHO_SIZE];
	uint8_t *ram;
	uint64_t ram_size;
	struct outcome *o;
};

static int echo_pio(void *opaque, __u16 port, __u8 *data, __u32 size,
		    bool is_write)
{
	struct testdevs *t = opaque;
	__u32 i;

	for (i = 0; i < size && port - ECHO_PORT + i < 8; i++) {
		if (is_write)
			t->echo[port - ECHO_PORT + i] = data[i];
		else
			data[i] = t->echo[port - ECHO_PORT + i];
	}
	return 0;
}

static int fifo_pio(void *opaque, __u16 port, __u8 *data, __u32 size,
		    bool is_write)
{
	struct testdevs *t = opaque;
	__u32 i;

	for (i = 0; i < size; i++) {
		if (is_write) {
			t->fifo[t->tail++ % sizeof(t->fifo)] = data[i];
			t->o->fifo_bytes++;
		} else {
			data[i] = t->head < t->tail ?
				  t->fifo[t->head++ % sizeof(t->fifo)] : 0xff;
		}
	}
	return 0;
}

static int window_mmio(void *opaque, __u64 gpa, __u8 *data, __u32 len,
		       bool is_write)
{
	struct testdevs *t = opaque;
	__u64 off = gpa - MMIO_ECHO_BASE;

	if (off + len > sizeof(t->window))
		return -EINVAL;
	if (is_write) {
		memcpy(t->window + off, data, len);
		t->o->mmio_writes++;
	} else {
		memcpy(data, t->window + off, len);
	}
	return 0;
}

static int ucall_pio(void *opaque, __u16 port, __u8 *data, __u32 size,
		     bool is_write)
{
	struct testdevs *t = opaque;
	struct ucall uc;
	uint32_t gpa;

	if (!is_write || size != 4)
		return -EINVAL;
	memcpy(&gpa, data, 4);
	if (gpa + sizeof(uc) > t->ram_size)
		return -EINVAL;
	memcpy(&uc, t->ram + gpa, sizeof(uc));
	if (uc.cmd < 8) {
		t->o->ucalls[uc.cmd]++;
		t->o->ucall_args[uc.cmd][0] = uc.args[0];
		t->o->ucall_args[uc.cmd][1] = uc.args[1];
	}
	return uc.cmd == UCALL_SYNC ? MINIVMX_BUS_STOP : 0;
}

static const char *guest_dir(void)
{
	const char *d = getenv("MINIVMX_GUESTS");

	return d ? d : GUEST_DIR_DEFAULT;
}

/* MINIVMX_CREATE_VM's flags for this test's variant. */
static unsigned int vm_flags;

/* Everything one run needs; torn down by guest_close(). */
struct guest {
	int dev, vm, vcpu, out_fd;
	struct minivmx_run *run;
	uint8_t *ram;
	struct guest_layout l;
	struct minivmx_bus bus;
	struct run_devices devs;
	struct testdevs td;
};

static int guest_open(struct guest *g, const char *name, enum guest_mode mode,
		      struct outcome *o)
{
	char path[256];
	FILE *f;
	int ret;

	memset(g, 0, sizeof(*g));
	memset(o, 0, sizeof(*o));
	g->l.mode = mode;
	g->l.mem_size = GUEST_MEM_DEFAULT;
	g->l.load = g->l.entry = GUEST_LOAD_DEFAULT;
	g->ram = mmap(NULL, g->l.mem_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	snprintf(path, sizeof(path), "%s/%s-%s.bin", guest_dir(), name,
		 guest_mode_name(mode));
	f = fopen(path, "rb");
	if (!f || g->ram == MAP_FAILED)
		return -ENOENT;
	g->l.image_size = fread(g->ram + g->l.load, 1,
				g->l.mem_size - g->l.load, f);
	fclose(f);
	guest_build_tables(g->ram, &g->l);

	g->out_fd = memfd_create("guest-out", 0);
	devices_init(&g->devs, -1, g->out_fd);
	pvio_set_ram(&g->devs.pvio, g->ram, g->l.mem_size);
	minivmx_bus_init(&g->bus);
	g->td.ram = g->ram;
	g->td.ram_size = g->l.mem_size;
	g->td.o = o;
	ret = devices_register(&g->bus, &g->devs, false);
	if (!ret)
		ret = minivmx_register_pio(&g->bus, ECHO_PORT, 8, echo_pio, &g->td);
	if (!ret)
		ret = minivmx_register_pio(&g->bus, FIFO_PORT, 1, fifo_pio, &g->td);
	if (!ret)
		ret = minivmx_register_pio(&g->bus, UCALL_PORT, 1, ucall_pio,
					   &g->td);
	if (!ret)
		ret = minivmx_register_mmio(&g->bus, MMIO_ECHO_BASE, MMIO_ECHO_SIZE,
					    window_mmio, &g->td);
	if (!ret)
		ret = minivmx_open(&g->dev);
	if (!ret)
		ret = minivmx_create_vm_flags(g->dev, vm_flags, &g->vm);
	if (!ret)
		ret = minivmx_set_memory_region(g->vm, 0, 0, 0, g->l.mem_size,
						g->ram);
	if (!ret)
		ret = minivmx_set_port_route(g->vm, DEBUGCON_PORT, 1,
					     MINIVMX_PORT_DEBUGCON);
	if (!ret)
		ret = minivmx_set_port_route(g->vm, EXIT_PORT, 1,
					     MINIVMX_PORT_EXIT);
	if (!ret)
		ret = minivmx_create_vcpu(g->vm, 0, &g->vcpu, &g->run);
	if (!ret) {
		struct minivmx_sregs s;
		struct minivmx_regs r;

		guest_init_sregs(&s, &g->l);
		guest_init_regs(&r, &g->l);
		ret = minivmx_set_sregs(g->vcpu, &s);
		if (!ret)
			ret = minivmx_set_regs(g->vcpu, &r);
	}
	return ret;
}

/* Run until the guest ends, a device stops it, or RUN fails (-errno). */
static int guest_run(struct guest *g, struct outcome *o)
{
	int ret;

	for (;;) {
		ret = minivmx_run(g->vcpu);
		minivmx_console_drain(g->run, g->out_fd);
		if (ret)
			break;
		switch (g->run->exit_reason) {
		case MINIVMX_EXIT_IO:
		case MINIVMX_EXIT_MMIO:
			ret = minivmx_bus_handle_exit(&g->bus, g->run);
			if (ret == MINIVMX_BUS_STOP) {
				ret = 0;
				goto out;
			}
			if (ret)
				goto out;
			continue;
		case MINIVMX_EXIT_HLT:
			o->hlts++;
			continue;
		case MINIVMX_EXIT_CONSOLE:
			continue;
		case MINIVMX_EXIT_HYPERCALL:
			if (!pvio_hypercall(&g->devs.pvio, g->run))
				devices_hypercall(g->run);
			continue;
		default:
			goto out;
		}
	}
out:
	o->exit = g->run->exit_reason;
	o->status = g->run->guest_exit.status;
	o->run = *g->run;
	memset(o->out, 0, sizeof(o->out));
	pread(g->out_fd, o->out, sizeof(o->out) - 1, 0);
	return ret;
}

static void guest_close(struct guest *g)
{
	if (g->run)
		minivmx_destroy_vcpu(g->vcpu, g->run);
	if (g->vm > 0)
		close(g->vm);
	if (g->dev > 0)
		close(g->dev);
	if (g->out_fd > 0)
		close(g->out_fd);
	if (g->ram && g->ram != MAP_FAILED)
		munmap(g->ram, g->l.mem_size);
	devices_free(&g->devs);
}

FIXTURE(guests) {
	struct guest g;
	struct outcome o;
};

FIXTURE_VARIANT(guests) {
	unsigned int vm_flags;
};

FIXTURE_VARIANT_ADD(guests, ept) {
	.vm_flags = 0,
};

FIXTURE_VARIANT_ADD(guests, shadow) {
	.vm_flags = MINIVMX_VM_SHADOW_PAGING,
};

FIXTURE_SETUP(guests)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	vm_flags = variant->vm_flags;
}

FIXTURE_TEARDOWN(guests)
{
	guest_close(&self->g);
	EXPECT_EQ(0, mvx_unload());
}

/*
 * Run @name in @mode to its end; assert the guest's own verdict.  Return
 * false for real mode with shadow paging, asserting that it is refused.
 */
static bool run_passing(struct __test_metadata *_metadata, struct guest *g,
			struct outcome *o, const char *name,
			enum guest_mode mode)
{
	if (vm_flags && mode == GUEST_REAL) {
		EXPECT_EQ(-EINVAL, guest_open(g, name, mode, o));
		return false;
	}
	ASSERT_EQ(0, guest_open(g, name, mode, o))
		TH_LOG("%s-%s", name, guest_mode_name(mode));
	ASSERT_EQ(0, guest_run(g, o));
	EXPECT_EQ(MINIVMX_EXIT_GUEST_EXIT, o->exit) TH_LOG("output: %s", o->out);
	EXPECT_EQ(0, o->status) TH_LOG("output: %s", o->out);
	EXPECT_NE(NULL, strstr(o->out, " 0 failed")) TH_LOG("output: %s", o->out);
	return true;
}

static void hello(struct __test_metadata *_metadata, struct guest *g,
		  struct outcome *o, enum guest_mode mode, const char *words)
{
	char want[64];
	const char *first;

	if (!run_passing(_metadata, g, o, "hello", mode))
		return;
	snprintf(want, sizeof(want), "Hello from %s mode", words);
	/* Once on the UART, once through the kernel's console ring. */
	first = strstr(o->out, want);
	ASSERT_NE(NULL, first) TH_LOG("output: %s", o->out);
	EXPECT_NE(NULL, strstr(first + 1, want)) TH_LOG("output: %s", o->out);
}

TEST_F(guests, hello_real)
{
	hello(_metadata, &self->g, &self->o, GUEST_REAL, "real");
}

TEST_F(guests, hello_protected)
{
	hello(_metadata, &self->g, &self->o, GUEST_PROTECTED, "protected");
}

TEST_F(guests, hello_paged)
{
	hello(_metadata, &self->g, &self->o, GUEST_PAGED, "paged");
}

TEST_F(guests, hello_long)
{
	hello(_metadata, &self->g, &self->o, GUEST_LONG, "long");
}

TEST_F(guests, cpuid_long)
{
	run_passing(_metadata, &self->g, &self->o, "cpuid", GUEST_LONG);
	EXPECT_LE(2, self->o.run.exit_count[10]);	/* CPUID in kernel */
}

TEST_F(guests, cpuid_protected)
{
	run_passing(_metadata, &self->g, &self->o, "cpuid", GUEST_PROTECTED);
}

/*
 * Popek and Goldberg (Documentation/concepts.rst): at CPL 3, CLI traps but
 * POPF, MOV from CS and SGDT do not; CPUID exits at CPL 0 and CPL 3 alike
 * (8 of each in the guest, and none before its main()).
 */
TEST_F(guests, popek_protected)
{
	run_passing(_metadata, &self->g, &self->o, "popek", GUEST_PROTECTED);
	EXPECT_EQ(16, self->o.run.exit_count[10]);
}

TEST_F(guests, portio_long)
{
	run_passing(_metadata, &self->g, &self->o, "portio", GUEST_LONG);
	EXPECT_LE(900, self->o.fifo_bytes);		/* the string tests */
}

TEST_F(guests, portio_real)
{
	if (run_passing(_metadata, &self->g, &self->o, "portio", GUEST_REAL))
		EXPECT_LE(900, self->o.fifo_bytes);
}

TEST_F(guests, mmio_long)
{
	run_passing(_metadata, &self->g, &self->o, "mmio", GUEST_LONG);
	EXPECT_LT(0, self->o.mmio_writes);
	/* MMIO is found by EPT violations, or by the shadow's #PFs. */
	if (vm_flags) {
		EXPECT_EQ(0, self->o.run.exit_count[48]);
		EXPECT_LT(0, self->o.run.exit_count[0]);
	} else {
		EXPECT_LT(0, self->o.run.exit_count[48]);
	}
}

TEST_F(guests, mmio_paged)
{
	run_passing(_metadata, &self->g, &self->o, "mmio", GUEST_PAGED);
	EXPECT_LT(0, self->o.mmio_writes);
}

TEST_F(guests, hypercall_long)
{
	run_passing(_metadata, &self->g, &self->o, "hypercall", GUEST_LONG);
	EXPECT_NE(NULL, strstr(self->o.out, "hc\n"));	/* HC_PUTCHAR */
}

TEST_F(guests, hypercall_protected)
{
	run_passing(_metadata, &self->g, &self->o, "hypercall",
		    GUEST_PROTECTED);
}

TEST_F(guests, hlt_resumes)
{
	run_passing(_metadata, &self->g, &self->o, "hlt", GUEST_LONG);
	EXPECT_EQ(1, self->o.hlts);
	EXPECT_NE(NULL, strstr(self->o.out, "after hlt"));
}

TEST_F(guests, triple_fault)
{
	unsigned long long rip = 0;
	const char *p;

	ASSERT_EQ(0, guest_open(&self->g, "triplefault", GUEST_LONG, &self->o));
	ASSERT_EQ(0, guest_run(&self->g, &self->o));
	ASSERT_EQ(MINIVMX_EXIT_SHUTDOWN, self->o.exit);
	/* The guest printed where its ud2 is; the shutdown must be there. */
	p = strstr(self->o.out, "ud2 at ");
	ASSERT_NE(NULL, p) TH_LOG("output: %s", self->o.out);
	rip = strtoull(p + 7, NULL, 16);
	EXPECT_EQ(rip, self->o.run.shutdown.regs.rip);
	EXPECT_EQ(0x500, self->o.run.shutdown.efer & 0x500);
}

/*
 * A guest that works its own page tables: the same verdicts with EPT and
 * with shadow paging, where its 7 INVLPGs and the #PFs of the shadow's
 * misses exit -- and none of them with EPT.
 */
TEST_F(guests, pagetables_long)
{
	__u64 *n = self->o.run.exit_count;

	run_passing(_metadata, &self->g, &self->o, "pagetables", GUEST_LONG);
	if (vm_flags) {
		EXPECT_EQ(7, n[14]);			/* INVLPG */
		EXPECT_LT(20, n[0]);			/* #PF */
		EXPECT_LE(4, n[28]);			/* MOV to CR3, CR0 */
	} else {
		EXPECT_EQ(0, n[14]);
		EXPECT_EQ(0, n[0]);
	}
}

/*
 * Trapped against paravirtual I/O (Documentation/pvio.rst): the text
 * through the UART and the paravirtual console, the sectors through the
 * trapped disk and the paravirtual ring, each read checked by the guest.
 */
TEST_F(guests, pvio_long)
{
	const char *first;

	run_passing(_metadata, &self->g, &self->o, "pvio", GUEST_LONG);
	first = strstr(self->o.out, "pvio line 63 ");
	ASSERT_NE(NULL, first) TH_LOG("output: %s", self->o.out);
	EXPECT_NE(NULL, strstr(first + 1, "pvio line 63 "));
	/* The marks: five phases and the end. */
	EXPECT_EQ(6, self->o.ucalls[UCALL_PRINT]);
}

TEST_F(guests, memtest_every_page)
{
	run_passing(_metadata, &self->g, &self->o, "memtest", GUEST_LONG);
}

TEST_F(guests, beyond_ram_is_open_bus)
{
	run_passing(_metadata, &self->g, &self->o, "beyond", GUEST_LONG);
}

static void on_alarm(int sig)
{
}

TEST_F(guests, endless_loop_stops_on_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	uint64_t rip;
	struct minivmx_regs r;

	sigaction(SIGALRM, &sa, NULL);
	ASSERT_EQ(0, guest_open(&self->g, "loop", GUEST_LONG, &self->o));
	ASSERT_EQ(0, guest_run(&self->g, &self->o));
	ASSERT_EQ(1, self->o.ucalls[UCALL_SYNC]);	/* about to spin */
	alarm_ms(100);
	EXPECT_EQ(-EINTR, minivmx_run(self->g.vcpu));
	EXPECT_EQ(MINIVMX_EXIT_INTR, self->g.run->exit_reason);
	ASSERT_EQ(0, minivmx_get_regs(self->g.vcpu, &r));
	rip = r.rip;
	/* Resumes where it stopped, and is stopped again. */
	alarm_ms(100);
	EXPECT_EQ(-EINTR, minivmx_run(self->g.vcpu));
	ASSERT_EQ(0, minivmx_get_regs(self->g.vcpu, &r));
	EXPECT_EQ(rip, r.rip);
}

TEST_HARNESS_MAIN
