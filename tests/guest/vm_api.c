// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM and vCPU ioctls: one subtest per error path, object lifetimes in
 * every close order, ownership, signals, and what small guests written as
 * machine code see and do.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

FIXTURE(vm) {
	struct tvm t;
};

FIXTURE_SETUP(vm)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
}

FIXTURE_TEARDOWN(vm)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

/* ---- /dev/minivmx and the VM fd ---- */

/* The argument holds flags: MINIVMX_VM_SHADOW_PAGING is the only one. */
TEST_F(vm, create_vm_with_unknown_flags_is_einval)
{
	EXPECT_EQ(-1, ioctl(self->t.dev, MINIVMX_CREATE_VM, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->t.dev, MINIVMX_CREATE_VM, 1UL << 31));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vm, fds_are_cloexec)
{
	EXPECT_TRUE(fcntl(self->t.vm, F_GETFD) & FD_CLOEXEC);
	EXPECT_TRUE(fcntl(self->t.vcpu, F_GETFD) & FD_CLOEXEC);
}

TEST_F(vm, several_vms_per_process)
{
	int a = ioctl(self->t.dev, MINIVMX_CREATE_VM, 0);
	int b = ioctl(self->t.dev, MINIVMX_CREATE_VM, 0);
	int va = ioctl(a, MINIVMX_CREATE_VCPU, 0);
	int vb = ioctl(b, MINIVMX_CREATE_VCPU, 0);

	EXPECT_LE(0, a);
	EXPECT_LE(0, b);
	EXPECT_LE(0, va);
	EXPECT_LE(0, vb);
	close(va);
	close(vb);
	close(a);
	close(b);
}

TEST_F(vm, unknown_ioctls_are_enotty)
{
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_RUN, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_CREATE_VCPU, 1));
	EXPECT_EQ(ENOTTY, errno);
}

/* ---- memory regions ---- */

static int set_region(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		      uint64_t size, uint64_t uaddr)
{
	struct minivmx_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};

	return ioctl(vm, MINIVMX_SET_MEMORY_REGION, &r) ? errno : 0;
}

TEST_F(vm, region_errors)
{
	uintptr_t u = (uintptr_t)self->t.mem;
	void *hole = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 0, 0x400001, 4096, u));
	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 0, 0x400000, 4095, u));
	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 0, 0x400000, 4096, u + 1));
	EXPECT_EQ(EINVAL, set_region(self->t.vm, MINIVMX_MAX_MEM_SLOTS, 0,
				     0x400000, 4096, u));
	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 2, 0x400000, 4096, u));
	/* Overlaps slot 0 (0 - 2 MiB). */
	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 0, 0x1ff000, 8192, u));
	/* Wraps around, or ends beyond the largest guest-physical address. */
	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 0, -4096ULL, 8192, u));
	EXPECT_EQ(EINVAL, set_region(self->t.vm, 1, 0, MINIVMX_MAX_MEM_SIZE,
				     4096, u));
	EXPECT_EQ(EFAULT, set_region(self->t.vm, 1, 0, 0x400000, 8192,
				     (uintptr_t)hole));
	EXPECT_EQ(EEXIST, set_region(self->t.vm, 0, 0, 0x400000, 4096, u));
	EXPECT_EQ(ENOENT, set_region(self->t.vm, 5, 0, 0, 0, 0));
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_MEMORY_REGION, NULL));
	EXPECT_EQ(EFAULT, errno);
	munmap(hole, 8192);
}

/* mov al, [0x1000]; hlt -- reads guest memory through whatever maps it */
static const uint8_t read_byte[] = { 0xa0, 0x00, 0x10, 0xf4 };

TEST_F(vm, region_delete_and_readd)
{
	uint8_t *other = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct minivmx_regs r;

	ASSERT_EQ(0, tvm_setup(&self->t, 16, read_byte, sizeof(read_byte)));
	self->t.mem[0x1000] = 0x11;
	other[0x1000] = 0x22;
	/* Replace RAM with a 64 KiB region holding different bytes. */
	ASSERT_EQ(0, set_region(self->t.vm, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, set_region(self->t.vm, 0, 0, 0, 0x10000, (uintptr_t)other));
	ASSERT_EQ(0, set_region(self->t.vm, 1, 0, 0x10000, 0x10000,
				(uintptr_t)self->t.mem + 0x10000));
	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(0x22, r.rax & 0xff);
	munmap(other, 0x10000);
}

TEST_F(vm, readonly_region_writes_are_mmio)
{
	/* mov byte [0x8000], 0x5a (real mode: C6 06 00 80 5A); hlt */
	static const uint8_t code[] = { 0xc6, 0x06, 0x00, 0x80, 0x5a, 0xf4 };
	uint8_t *rom = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ASSERT_EQ(0, set_region(self->t.vm, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, set_region(self->t.vm, 0, 0, 0x10000, 0x10000,
				(uintptr_t)self->t.mem + 0x10000));
	ASSERT_EQ(0, set_region(self->t.vm, 1, MINIVMX_MEM_READONLY, 0x8000,
				4096, (uintptr_t)rom));
	ASSERT_EQ(0, tvm_setup(&self->t, 16, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, self->t.run->exit_reason);
	EXPECT_EQ(0x8000, self->t.run->mmio.phys_addr);
	EXPECT_EQ(1, self->t.run->mmio.is_write);
	EXPECT_EQ(1, self->t.run->mmio.len);
	EXPECT_EQ(0x5a, self->t.run->mmio.data[0]);
	EXPECT_EQ(0, rom[0]);
	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	munmap(rom, 4096);
}

/* ---- vCPUs ---- */

TEST_F(vm, vcpu_errors)
{
	void *p;

	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_CREATE_VCPU, MINIVMX_MAX_VCPUS));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_CREATE_VCPU, 0));
	EXPECT_EQ(EEXIST, errno);
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, self->t.vcpu, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->t.vcpu, 4096);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_RUN, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vm, regs_errors)
{
	struct minivmx_regs r = { .rflags = 2 };

	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_GET_REGS, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_REGS, NULL));
	EXPECT_EQ(EFAULT, errno);
	r.rflags = 0;		/* bit 1 must be 1 */
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &r));
	EXPECT_EQ(EINVAL, errno);
	r.rflags = 2 | (1ULL << 40);
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &r));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vm, regs_round_trip)
{
	struct minivmx_regs in, out;
	uint64_t *p = (uint64_t *)&in;
	unsigned int i;

	for (i = 0; i < 16; i++)
		p[i] = 0x1111111111111111ULL * (i + 1);
	in.rip = 0x1234;
	in.rflags = 0x202;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &in));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &out));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
}

static int set_sregs_with(int vcpu, void (*change)(struct minivmx_sregs *))
{
	struct minivmx_sregs s, after;
	int err = 0;

	ioctl(vcpu, MINIVMX_GET_SREGS, &s);
	change(&s);
	if (ioctl(vcpu, MINIVMX_SET_SREGS, &s))
		err = errno;
	/* A refused call changes nothing. */
	ioctl(vcpu, MINIVMX_GET_SREGS, &after);
	ioctl(vcpu, MINIVMX_GET_SREGS, &s);
	return err;
}

static void pg_without_pe(struct minivmx_sregs *s) { s->cr0 = 0x80000010; }
static void lma_without_pg(struct minivmx_sregs *s) { s->efer = 0x500; }
static void long_without_pae(struct minivmx_sregs *s)
{
	s->cr0 = 0x80000011;
	s->efer = 0x500;
}
static void cr4_vmxe(struct minivmx_sregs *s) { s->cr4 = 1 << 13; }
static void cr0_reserved(struct minivmx_sregs *s) { s->cr0 |= 1ULL << 40; }
static void efer_reserved(struct minivmx_sregs *s) { s->efer = 1 << 3; }
static void nw_without_cd(struct minivmx_sregs *s) { s->cr0 = 0x20000010; }
static void sregs_reserved(struct minivmx_sregs *s) { s->reserved[3] = 1; }
static void seg_pad(struct minivmx_sregs *s) { s->ds.pad = 1; }
static void seg_bad_dpl(struct minivmx_sregs *s) { s->ss.dpl = 4; }
static void gdt_pad(struct minivmx_sregs *s) { s->gdt.pad[0] = 1; }

TEST_F(vm, sregs_refused_like_a_cpu)
{
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, pg_without_pe));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, lma_without_pg));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, long_without_pae));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, cr4_vmxe));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, cr0_reserved));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, efer_reserved));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, nw_without_cd));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, sregs_reserved));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, seg_pad));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, seg_bad_dpl));
	EXPECT_EQ(EINVAL, set_sregs_with(self->t.vcpu, gdt_pad));
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(vm, refused_sregs_change_nothing)
{
	struct minivmx_sregs before, s, after;

	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &before));
	s = before;
	s.cs.base = 0x1234000;
	s.cr4 = 1 << 13;	/* refused */
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

TEST_F(vm, cpuid_errors_and_override)
{
	/* 32-bit: xor eax, eax; cpuid; hlt */
	static const uint8_t code[] = { 0x31, 0xc0, 0x0f, 0xa2, 0xf4 };
	struct minivmx_cpuid_entry e = {
		.function = 0, .eax = 7, .ebx = 0x6e696d21,
		.ecx = 0x21786d76, .edx = 0x216e6976,
	};
	struct minivmx_cpuid c = { .nr = MINIVMX_MAX_CPUID_ENTRIES + 1,
				   .entries = (uintptr_t)&e };
	struct minivmx_regs r;

	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_CPUID, &c));
	EXPECT_EQ(EINVAL, errno);
	c.nr = 1;
	c.entries = 8;
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_CPUID, &c));
	EXPECT_EQ(EFAULT, errno);
	c.entries = (uintptr_t)&e;
	e.pad = 1;
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_CPUID, &c));
	EXPECT_EQ(EINVAL, errno);
	e.pad = 0;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_CPUID, &c));

	ASSERT_EQ(0, tvm_setup(&self->t, 32, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(7, r.rax);
	EXPECT_EQ(0x6e696d21, r.rbx);
	EXPECT_EQ(1, self->t.run->exit_count[10]);	/* CPUID, in kernel */
}

TEST_F(vm, cpuid_hides_vmx)
{
	/* 64-bit: mov eax, 1; cpuid; hlt */
	static const uint8_t code[] = { 0xb8, 1, 0, 0, 0, 0x0f, 0xa2, 0xf4 };
	struct minivmx_regs r;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(0, r.rcx & (1 << 5));		/* VMX */
	EXPECT_NE(0, r.rcx & (1U << 31));	/* hypervisor */
}

TEST_F(vm, port_route_errors)
{
	struct minivmx_port_route r = { .first_port = 0xe9, .nr_ports = 1,
					.handler = MINIVMX_PORT_DEBUGCON };

	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	r.handler = MINIVMX_PORT_EXIT;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	EXPECT_EQ(EBUSY, errno);
	r.first_port = 0x100;
	r.nr_ports = 0;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	EXPECT_EQ(EINVAL, errno);
	r.first_port = 0xffff;
	r.nr_ports = 2;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	EXPECT_EQ(EINVAL, errno);
	r.first_port = 0x100;
	r.nr_ports = 1;
	r.flags = 1;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	EXPECT_EQ(EINVAL, errno);
	r.flags = 0;
	r.handler = 99;
	EXPECT_EQ(-1, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	EXPECT_EQ(EINVAL, errno);
	/* Give 0xe9 back to userspace, then claim it again. */
	r.first_port = 0xe9;
	r.handler = MINIVMX_PORT_USER;
	EXPECT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
	r.handler = MINIVMX_PORT_EXIT;
	EXPECT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &r));
}

/* ---- exits ---- */

TEST_F(vm, io_to_userspace_and_kernel_console)
{
	/* real mode: mov dx, 0x3f8; mov al, 'A'; out dx, al; in al, dx;
	 * mov bl, al; mov al, 'k'; out 0xe9, al; mov ax, 7; out 0xf4, ax; hlt
	 */
	static const uint8_t code[] = {
		0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xec, 0x88, 0xc3,
		0xb0, 0x6b, 0xe6, 0xe9, 0xb8, 7, 0, 0xe7, 0xf4, 0xf4,
	};
	struct minivmx_port_route con = { .first_port = 0xe9, .nr_ports = 1,
					  .handler = MINIVMX_PORT_DEBUGCON };
	struct minivmx_port_route ex = { .first_port = 0xf4, .nr_ports = 1,
					 .handler = MINIVMX_PORT_EXIT };
	struct minivmx_run *run = self->t.run;
	uint8_t *data = (uint8_t *)run + MINIVMX_IO_DATA_OFFSET;
	struct minivmx_regs r;

	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &con));
	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &ex));
	ASSERT_EQ(0, tvm_setup(&self->t, 16, code, sizeof(code)));

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
	EXPECT_EQ(MINIVMX_IO_OUT, run->io.direction);
	EXPECT_EQ(0x3f8, run->io.port);
	EXPECT_EQ(1, run->io.size);
	EXPECT_EQ('A', data[0]);
	EXPECT_EQ(30, run->vmx_exit_reason);

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_IO, run->exit_reason);
	EXPECT_EQ(MINIVMX_IO_IN, run->io.direction);
	data[0] = 0x99;

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_GUEST_EXIT, run->exit_reason);
	EXPECT_EQ(7, run->guest_exit.status);
	EXPECT_EQ(1, run->console_len);
	EXPECT_EQ('k', run->console[0]);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(7, r.rax & 0xffff);
	EXPECT_EQ(0x99, r.rbx & 0xff);		/* what IN returned */
	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(18, run->guest_rip);		/* the first HLT */
}

TEST_F(vm, full_console_ring_exits_and_resumes)
{
	/* 32-bit: mov ecx, 600; mov al, 'x'; l: out 0xe9, al; loop l; hlt */
	static const uint8_t code[] = {
		0xb9, 0x58, 0x02, 0, 0, 0xb0, 0x78, 0xe6, 0xe9, 0xe2, 0xfc, 0xf4,
	};
	struct minivmx_port_route con = { .first_port = 0xe9, .nr_ports = 1,
					  .handler = MINIVMX_PORT_DEBUGCON };
	struct minivmx_run *run = self->t.run;
	unsigned int total = 0;

	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_PORT_ROUTE, &con));
	ASSERT_EQ(0, tvm_setup(&self->t, 32, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_CONSOLE, run->exit_reason);
	EXPECT_EQ(MINIVMX_CONSOLE_SIZE, run->console_len);
	total += run->console_len;
	run->console_len = 0;
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	total += run->console_len;
	EXPECT_EQ(600, total);
}

TEST_F(vm, string_io_rep_outsb_and_insb)
{
	/* 16-bit: mov si, 0x2000; mov cx, 300; mov dx, 0x510; rep outsb;
	 * mov di, 0x3000; mov cx, 300; rep insb; hlt
	 */
	static const uint8_t code[] = {
		0xbe, 0x00, 0x20, 0xb9, 0x2c, 0x01, 0xba, 0x10, 0x05, 0xf3, 0x6e,
		0xbf, 0x00, 0x30, 0xb9, 0x2c, 0x01, 0xf3, 0x6c, 0xf4,
	};
	struct minivmx_run *run = self->t.run;
	uint8_t *data = (uint8_t *)run + MINIVMX_IO_DATA_OFFSET;
	uint8_t fifo[300];
	unsigned int got = 0, i;

	for (i = 0; i < 300; i++)
		self->t.mem[0x2000 + i] = i * 7;
	ASSERT_EQ(0, tvm_setup(&self->t, 16, code, sizeof(code)));
	for (;;) {
		ASSERT_EQ(0, tvm_run(&self->t));
		if (run->exit_reason != MINIVMX_EXIT_IO)
			break;
		ASSERT_EQ(0x510, run->io.port);
		ASSERT_LE(got + run->io.count, 300);
		if (run->io.direction == MINIVMX_IO_OUT) {
			memcpy(fifo + got, data, run->io.count);
			got += run->io.count;
			if (got == 300)
				got = 0;	/* now read it back */
		} else {
			memcpy(data, fifo + got, run->io.count);
			got += run->io.count;
		}
	}
	EXPECT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(0, memcmp(self->t.mem + 0x2000, self->t.mem + 0x3000, 300));
}

TEST_F(vm, mmio_mov_forms)
{
	/* 64-bit: mov dword [0xd0000000], 0x11223344; mov rbx, [0xd0000008];
	 * movzx ecx, byte [0xd0000010]; mov [0xd0000018], bh... via rax=addr
	 */
	static const uint8_t code[] = {
		0xb8, 0x00, 0x00, 0x00, 0xd0,		/* mov eax, 0xd0000000 */
		0xc7, 0x00, 0x44, 0x33, 0x22, 0x11,	/* mov dword [rax], imm */
		0x48, 0x8b, 0x58, 0x08,			/* mov rbx, [rax+8] */
		0x0f, 0xb6, 0x48, 0x10,			/* movzx ecx, byte [rax+16] */
		0x88, 0x78, 0x18,			/* mov [rax+24], bh */
		0xf4,
	};
	struct minivmx_run *run = self->t.run;
	struct minivmx_regs r;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	r.rcx = ~0ULL;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_REGS, &r));

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(0xd0000000, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0x11223344, *(uint32_t *)run->mmio.data);

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(0xd0000008, run->mmio.phys_addr);
	EXPECT_EQ(8, run->mmio.len);
	EXPECT_EQ(0, run->mmio.is_write);
	*(uint64_t *)run->mmio.data = 0x0102030405060708ULL;

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(1, run->mmio.len);
	run->mmio.data[0] = 0xab;

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(0xd0000018, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0x07, run->mmio.data[0]);	/* BH of 0x0102030405060708 */

	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(0x0102030405060708ULL, r.rbx);
	EXPECT_EQ(0xab, r.rcx);			/* zero-extended */
}

TEST_F(vm, hypercalls)
{
	/* 64-bit: mov eax, 0x100; mov ebx, 41; vmcall; mov r8, rax;
	 * mov eax, 0x42; vmcall; mov r9, rax; xor eax, eax; vmcall; hlt
	 */
	static const uint8_t code[] = {
		0xb8, 0x00, 0x01, 0, 0, 0xbb, 41, 0, 0, 0, 0x0f, 0x01, 0xc1,
		0x49, 0x89, 0xc0, 0xb8, 0x42, 0, 0, 0, 0x0f, 0x01, 0xc1,
		0x49, 0x89, 0xc1, 0x31, 0xc0, 0x0f, 0x01, 0xc1, 0xf4,
	};
	struct minivmx_run *run = self->t.run;
	struct minivmx_regs r;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HYPERCALL, run->exit_reason);
	EXPECT_EQ(0x100, run->hypercall.nr);
	EXPECT_EQ(41, run->hypercall.args[0]);
	run->hypercall.ret = run->hypercall.args[0] + 1;
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(42, r.r8);
	EXPECT_EQ(MINIVMX_HC_ENOSYS, r.r9);
	EXPECT_EQ(0, r.rax);			/* HC_NOP */
	EXPECT_EQ(3, run->exit_count[18]);	/* VMCALL */
}

/*
 * Long mode the way a kernel's trampoline enters it (Linux's application
 * processors do): 32-bit protected mode with CR4.PAE, CR3 at 4-level
 * tables and EFER.LME, then MOV to CR0 sets PG (EFER.LMA follows), then a
 * far jump to a 64-bit code segment.  The PML4 entries must not be taken
 * for PAE PDPTEs there (their R/W and U/S bits are reserved in a PDPTE).
 */
TEST_F(vm, mov_to_cr0_activates_long_mode)
{
	static const uint8_t code[] = {
		0x0f, 0x20, 0xc0,			/* mov %cr0, %eax */
		0x0d, 0x00, 0x00, 0x00, 0x80,		/* or $PG, %eax */
		0x0f, 0x22, 0xc0,			/* mov %eax, %cr0 */
		0xea, 0x12, 0x00, 0x01, 0x00, 0x08, 0x00, /* ljmp $8, $0x10012 */
		0xf4,					/* hlt (64-bit) */
	};
	uint64_t *gdt = (uint64_t *)(self->t.mem + TVM_GDT);
	struct minivmx_sregs s;

	/* tvm_setup's long mode: its tables, then back to 32-bit code. */
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	gdt[3] = 0x00cf9a000000ffffULL;			/* 32-bit code */
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	s.gdt.limit = 31;
	tvm_seg(&s.cs, 0x18, 0xb, 32);
	s.cr0 &= ~0x80000000ULL;			/* PG off */
	s.efer = 0x100;					/* LME only */
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	EXPECT_EQ(0x500, s.efer & 0x500);		/* LME and LMA */
	EXPECT_EQ(1, s.cs.l);
	EXPECT_EQ(8, s.cs.selector);
}

TEST_F(vm, triple_fault_is_a_shutdown_exit)
{
	/* 32-bit with an empty IDT: ud2 -> #UD -> #DF -> triple fault */
	static const uint8_t code[] = { 0x90, 0x0f, 0x0b };
	struct minivmx_run *run = self->t.run;

	ASSERT_EQ(0, tvm_setup(&self->t, 32, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_SHUTDOWN, run->exit_reason);
	EXPECT_EQ(TVM_CODE + 1, run->shutdown.regs.rip);
	EXPECT_EQ(1, run->shutdown.cr0 & 1);
}

TEST_F(vm, invalid_guest_state_is_refused_and_named)
{
	/*
	 * A TR that is not present would fail VM entry: SET_SREGS refuses
	 * it and names the check (entry_checks.c gives such states to the
	 * CPU too).
	 */
	static const uint8_t code[] = { 0xf4 };
	struct minivmx_run *run = self->t.run;
	struct minivmx_sregs s;

	ASSERT_EQ(0, tvm_setup(&self->t, 32, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	s.tr.present = 0;
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MINIVMX_CHECK_GUEST_TR, run->refused_check);
	/* Fixed, the same vCPU runs. */
	s.tr.present = 1;
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
	EXPECT_EQ(0, run->refused_check);
	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, run->exit_reason);
}

TEST_F(vm, guest_vmx_instruction_is_ud)
{
	/* 32-bit, empty IDT: vmxoff -> #UD -> triple fault at the VMXOFF */
	static const uint8_t code[] = { 0x0f, 0x01, 0xc4 };
	struct minivmx_run *run = self->t.run;

	ASSERT_EQ(0, tvm_setup(&self->t, 32, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_SHUTDOWN, run->exit_reason);
	EXPECT_EQ(TVM_CODE, run->shutdown.regs.rip);
	EXPECT_EQ(1, run->exit_count[26]);	/* VMXOFF */
}

/* RUN with xmm0 holding @in; return RUN's result, xmm0 after in @out. */
static long run_keeping_xmm0(int vcpu, const uint64_t in[2], uint64_t out[2])
{
	long ret;

	asm volatile("movdqu %[in], %%xmm0\n\t"
		     "syscall\n\t"
		     "movdqu %%xmm0, %[out]"
		     : "=a"(ret), [out] "=m"(*(uint64_t (*)[2])out)
		     : "a"((long)SYS_ioctl), "D"((long)vcpu),
		       "S"((long)MINIVMX_RUN), "d"(0L),
		       [in] "m"(*(const uint64_t (*)[2])in)
		     : "rcx", "r11", "memory", "xmm0");
	return ret;
}

static int read_msr(int fd, uint32_t msr, uint64_t *val)
{
	return pread(fd, val, 8, msr) == 8 ? 0 : -1;
}

/*
 * A 64-bit guest sets LSTAR, STAR, SFMASK, KERNEL_GS_BASE and FS_BASE,
 * executes SWAPGS and fills XMM0/XMM1; the host's own values must be
 * untouched after the exit, and the guest's still there when it runs on.
 */
TEST_F(vm, host_msrs_and_fpu_intact)
{
	static const uint8_t code[] = {
		0xb9, 0x82, 0, 0, 0xc0, 0xb8, 0x11, 0x11, 0x11, 0x11,
		0xba, 0x00, 0x80, 0xff, 0xff, 0x0f, 0x30,	/* LSTAR */
		0xb9, 0x81, 0, 0, 0xc0, 0xb8, 0x22, 0x22, 0x22, 0x22,
		0xba, 0x10, 0x00, 0x23, 0x00, 0x0f, 0x30,	/* STAR */
		0xb9, 0x84, 0, 0, 0xc0, 0xb8, 0x00, 0x77, 0x04, 0x00,
		0xba, 0, 0, 0, 0, 0x0f, 0x30,			/* SFMASK */
		0xb9, 0x02, 0x01, 0, 0xc0, 0xb8, 0x33, 0x33, 0x33, 0x33,
		0xba, 0x00, 0x80, 0xff, 0xff, 0x0f, 0x30,	/* KGSBASE */
		0x0f, 0x01, 0xf8,				/* swapgs */
		0xb9, 0x00, 0x01, 0, 0xc0, 0xb8, 0x44, 0x44, 0x44, 0x44,
		0xba, 0, 0, 0, 0, 0x0f, 0x30,			/* FS_BASE */
		0x66, 0x0f, 0x76, 0xc0,			/* pcmpeqd xmm0, xmm0 */
		0x66, 0x0f, 0x6f, 0xc8,			/* movdqa xmm1, xmm0 */
		0xf4,
		0xb9, 0x82, 0, 0, 0xc0, 0x0f, 0x32, 0xf4,	/* rdmsr LSTAR */
	};
	static const uint32_t msrs[] = { 0xc0000082, 0xc0000081, 0xc0000084 };
	uint64_t in[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	uint64_t out[2], before[3], after[3];
	unsigned long fs0, gs0, fs1, gs1;
	int msr_fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);
	struct minivmx_regs r;
	cpu_set_t cpu0;
	unsigned int i;

	/* Stay on CPU 0, whose MSRs we read. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	for (i = 0; msr_fd >= 0 && i < 3; i++)
		ASSERT_EQ(0, read_msr(msr_fd, msrs[i], &before[i]));
	ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_FS, &fs0));
	ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_GS, &gs0));

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, run_keeping_xmm0(self->t.vcpu, in, out));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);

	EXPECT_EQ(in[0], out[0]);
	EXPECT_EQ(in[1], out[1]);
	EXPECT_EQ(getpid(), syscall(SYS_getpid));	/* LSTAR is ours */
	ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_FS, &fs1));
	ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_GS, &gs1));
	EXPECT_EQ(fs0, fs1);
	EXPECT_EQ(gs0, gs1);
	for (i = 0; msr_fd >= 0 && i < 3; i++) {
		ASSERT_EQ(0, read_msr(msr_fd, msrs[i], &after[i]));
		EXPECT_EQ(before[i], after[i]) TH_LOG("MSR %#x", msrs[i]);
	}
	if (msr_fd >= 0)
		close(msr_fd);

	/* The guest's LSTAR survived the trip through the host. */
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r));
	EXPECT_EQ(0x11111111, r.rax);
	EXPECT_EQ(0xffff8000, r.rdx);
}

/* ---- signals, lifetimes, ownership ---- */

static void on_alarm(int sig)
{
}

/* 64-bit, interrupts off: l: inc qword [0x9000]; jmp l */
static const uint8_t spin[] = {
	0x48, 0xff, 0x04, 0x25, 0x00, 0x90, 0x00, 0x00, 0xeb, 0xf6,
};

TEST_F(vm, endless_guest_stops_on_signal_and_resumes)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	uint64_t *count = (uint64_t *)(self->t.mem + 0x9000);
	uint64_t first;

	sigaction(SIGALRM, &sa, NULL);
	ASSERT_EQ(0, tvm_setup(&self->t, 64, spin, sizeof(spin)));
	alarm_ms(100);
	EXPECT_EQ(-EINTR, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_INTR, self->t.run->exit_reason);
	first = *count;
	EXPECT_LT(0, first);
	alarm_ms(100);
	EXPECT_EQ(-EINTR, tvm_run(&self->t));
	EXPECT_LT(first, *count);
	self->t.run->immediate_exit = 1;
	first = *count;
	EXPECT_EQ(-EINTR, tvm_run(&self->t));
	EXPECT_EQ(first, *count);
}

static void *run_thread(void *arg)
{
	struct tvm *t = arg;

	return (void *)(long)tvm_run(t);
}

/* A guest that never leaves the kernel must not hold off a memory change. */
TEST_F(vm, memory_change_while_guest_spins)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	uint8_t *extra = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t *count = (uint64_t *)(self->t.mem + 0x9000);
	pthread_t th;
	void *ret;

	sigaction(SIGUSR1, &sa, NULL);
	ASSERT_EQ(0, tvm_setup(&self->t, 64, spin, sizeof(spin)));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_thread, &self->t));
	while (!*count)
		usleep(10000);
	/* The harness's timeout fails the test if this blocks. */
	EXPECT_EQ(0, set_region(self->t.vm, 1, 0, 0x400000, 4096,
				(uintptr_t)extra));
	EXPECT_EQ(0, set_region(self->t.vm, 1, 0, 0, 0, 0));
	pthread_kill(th, SIGUSR1);
	ASSERT_EQ(0, pthread_join(th, &ret));
	EXPECT_EQ(-EINTR, (long)ret);
	munmap(extra, 4096);
}

TEST_F(vm, other_process_cannot_drive)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		struct minivmx_regs r;
		int bad = ioctl(self->t.vcpu, MINIVMX_GET_REGS, &r) == 0 ||
			  errno != EIO ||
			  ioctl(self->t.vm, MINIVMX_CREATE_VCPU, 1) >= 0 ||
			  errno != EIO;

		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(vm, vm_fd_closed_first)
{
	static const uint8_t code[] = { 0xf4 };

	ASSERT_EQ(0, tvm_setup(&self->t, 16, code, sizeof(code)));
	close(self->t.vm);
	self->t.vm = -1;
	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	close(self->t.dev);
	self->t.dev = -1;
	/* The module stays while the vCPU exists. */
	EXPECT_EQ(-EWOULDBLOCK, mvx_unload());
}

/*
 * A VM whose fd number an earlier, still living VM had (its vCPU holds it)
 * would get the same debugfs name, <pid>-<fd>: it goes without a directory,
 * quietly, and the earlier VM keeps its own.
 */
TEST_F(vm, reused_fd_number_keeps_the_log_quiet)
{
	char dir[64], mark[64], *log;
	int old = self->t.vm, vm;

	if (access("/sys/kernel/debug/minivmx", F_OK))
		SKIP(return, "no debugfs");
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/minivmx/%d-%d", getpid(), old);
	ASSERT_EQ(0, access(dir, F_OK)) TH_LOG("%s: %s", dir, strerror(errno));
	close(old);
	kmsg_mark(mark, sizeof(mark));
	vm = ioctl(self->t.dev, MINIVMX_CREATE_VM, 0);
	ASSERT_EQ(old, vm) TH_LOG("the lowest free fd was not reused");
	log = kmsg_since(mark);
	EXPECT_EQ(NULL, strstr(log, "already present")) TH_LOG("log: %s", log);
	free(log);
	EXPECT_EQ(0, access(dir, F_OK));
	self->t.vm = vm;
	/* The earlier VM goes with its vCPU, and its directory with it. */
	munmap(self->t.run, MINIVMX_RUN_SIZE);
	self->t.run = NULL;
	close(self->t.vcpu);
	self->t.vcpu = -1;
	EXPECT_NE(0, access(dir, F_OK));
}

struct vcpu0_taker {
	int vm, fd;
};

/* Take vCPU id 0 as soon as it is free. */
static void *take_vcpu0(void *arg)
{
	struct vcpu0_taker *s = arg;
	long i;

	for (i = 0; i < 10000000 && s->fd < 0; i++) {
		int fd = ioctl(s->vm, MINIVMX_CREATE_VCPU, 0);

		if (fd >= 0)
			s->fd = fd;
		else if (errno != EEXIST)
			break;
	}
	return NULL;
}

/*
 * A vCPU id is free again only once its debugfs name, vcpu<id>, is: a
 * thread that takes id 0 while the old vCPU 0 is being released (its
 * local APIC makes that wait for RCU) finds the name free.
 */
TEST_F(vm, vcpu_id_freed_with_its_name)
{
	struct vcpu0_taker s = { .fd = -1 };
	char mark[64], *log;
	pthread_t th;
	int vcpu;

	s.vm = ioctl(self->t.dev, MINIVMX_CREATE_VM, 0);
	ASSERT_LE(0, s.vm);
	ASSERT_EQ(0, ioctl(s.vm, MINIVMX_CREATE_LAPIC, 0));
	vcpu = ioctl(s.vm, MINIVMX_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	kmsg_mark(mark, sizeof(mark));
	ASSERT_EQ(0, pthread_create(&th, NULL, take_vcpu0, &s));
	usleep(10000);
	close(vcpu);
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_LE(0, s.fd) TH_LOG("vCPU 0 was not created again: %s", strerror(errno));
	log = kmsg_since(mark);
	EXPECT_EQ(NULL, strstr(log, "already present")) TH_LOG("log: %s", log);
	free(log);
	if (s.fd >= 0)
		close(s.fd);
	close(s.vm);
}

TEST_F(vm, unload_refused_while_vm_exists)
{
	int vm = ioctl(self->t.dev, MINIVMX_CREATE_VM, 0);

	ASSERT_LE(0, vm);
	tvm_destroy(&self->t);
	memset(&self->t, 0, sizeof(self->t));
	EXPECT_EQ(-EWOULDBLOCK, mvx_unload());
	close(vm);
	/* The teardown unloads. */
}

TEST_F(vm, killed_while_running)
{
	int ready[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	/* kill(-1, SIGKILL) would end every process (failinject.sh's runs). */
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		struct tvm t;

		close(ready[0]);
		if (tvm_create(&t) || tvm_setup(&t, 64, spin, sizeof(spin)) ||
		    write(ready[1], "r", 1) != 1)
			_exit(1);
		tvm_run(&t);
		_exit(2);
	}
	close(ready[1]);
	/* The VM is set up and the run ioctl next: kill inside the run. */
	EXPECT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	usleep(20000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
}

TEST_HARNESS_MAIN
