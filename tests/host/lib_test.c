// SPDX-License-Identifier: GPL-2.0-only
/*
 * libminivmx against the fake device (fake_device.c): the contract of each
 * function, the -E2BIG retry of minivmx_get_vmx_info(), and that errors come
 * back as -errno.  Then the VM API (fake_vm.c), the console helper and the
 * device registry (bus.c) with hand-made exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "fake_device.h"
#include "libminivmx.h"

#define BOCHS_BASIC	0x00d810000000002bULL
#define BOCHS_EPT_VPID	0x00000f0106734141ULL

/* Each test runs in its own child, so setenv() does not leak between them. */
static int open_fake(void)
{
	int fd = -1;

	setenv("MINIVMX_DEVICE", "/dev/null", 1);
	if (minivmx_open(&fd))
		return -1;
	return fd;
}

TEST(device_path_default_and_override)
{
	unsetenv("MINIVMX_DEVICE");
	EXPECT_STREQ("/dev/minivmx", minivmx_device_path());
	setenv("MINIVMX_DEVICE", "", 1);
	EXPECT_STREQ("/dev/minivmx", minivmx_device_path());
	setenv("MINIVMX_DEVICE", "/tmp/other", 1);
	EXPECT_STREQ("/tmp/other", minivmx_device_path());
}

TEST(open_missing_node_is_enoent)
{
	int fd = 12345;

	setenv("MINIVMX_DEVICE", "/nonexistent/minivmx", 1);
	EXPECT_EQ(-ENOENT, minivmx_open(&fd));
	EXPECT_EQ(12345, fd);
}

TEST(open_error_is_negative_errno)
{
	int fd;

	setenv("FAKE_MINIVMX_OPEN_ERRNO", "13", 1);
	EXPECT_EQ(-EACCES, minivmx_open_path("/dev/null", &fd));
}

TEST(open_is_close_on_exec)
{
	int fd = open_fake();

	ASSERT_LE(0, fd);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	minivmx_close(fd);
}

TEST(api_version)
{
	int fd = open_fake(), version = -1;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, minivmx_get_api_version(fd, &version));
	EXPECT_EQ(MINIVMX_API_VERSION, version);
	minivmx_close(fd);
}

TEST(api_version_of_a_non_minivmx_node_is_enotty)
{
	int fd = open_fake(), version = -1;

	ASSERT_LE(0, fd);
	setenv("FAKE_MINIVMX_PASSTHROUGH", "1", 1);	/* the real /dev/null */
	EXPECT_EQ(-ENOTTY, minivmx_get_api_version(fd, &version));
	EXPECT_EQ(-1, version);
	minivmx_close(fd);
}

TEST(check_cap)
{
	int fd = open_fake(), value = -1;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, minivmx_check_cap(fd, MINIVMX_CAP_VMX_INFO, &value));
	EXPECT_EQ(1, value);
	EXPECT_EQ(0, minivmx_check_cap(fd, MINIVMX_CAP_NR_CPUS, &value));
	EXPECT_EQ(4, value);
	EXPECT_EQ(0, minivmx_check_cap(fd, 0xdead, &value));
	EXPECT_EQ(0, value);
	minivmx_close(fd);
}

TEST(vmx_info_counts_then_fills)
{
	struct minivmx_cpu_state *cpus = NULL;
	struct minivmx_vmx_info info;
	int fd = open_fake();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, minivmx_get_vmx_info(fd, &info, &cpus));
	EXPECT_EQ(2, fake_vmx_info_calls);
	ASSERT_EQ(4U, info.nr_cpus);
	ASSERT_NE(NULL, cpus);
	EXPECT_EQ(3U, info.nr_online);
	EXPECT_EQ(3U, info.nr_vmxon);
	EXPECT_EQ(BOCHS_BASIC, info.msrs.basic);
	EXPECT_EQ(BOCHS_EPT_VPID, info.msrs.ept_vpid_cap);
	EXPECT_EQ(0U, cpus[0].cpu);
	EXPECT_EQ(MINIVMX_CPU_ONLINE | MINIVMX_CPU_VMXON, cpus[0].flags);
	EXPECT_EQ(1ULL << 13, cpus[0].cr4);
	EXPECT_EQ(3U, cpus[3].cpu);
	EXPECT_EQ(0U, cpus[3].flags);
	free(cpus);
	minivmx_close(fd);
}

TEST(vmx_info_retries_on_e2big_with_count)
{
	struct minivmx_cpu_state *cpus = NULL;
	struct minivmx_vmx_info info;
	int fd = open_fake();

	ASSERT_LE(0, fd);
	setenv("FAKE_MINIVMX_NR_CPUS", "6", 1);
	setenv("FAKE_MINIVMX_GROW", "1", 1);	/* first count says 5 */
	ASSERT_EQ(0, minivmx_get_vmx_info(fd, &info, &cpus));
	EXPECT_EQ(3, fake_vmx_info_calls);
	ASSERT_EQ(6U, info.nr_cpus);
	EXPECT_EQ(5U, cpus[5].cpu);
	EXPECT_EQ(5U, info.nr_online);
	free(cpus);
	minivmx_close(fd);
}

TEST(vmx_info_grows_when_e2big_has_no_count)
{
	struct minivmx_cpu_state *cpus = NULL;
	struct minivmx_vmx_info info;
	int fd = open_fake();

	ASSERT_LE(0, fd);
	setenv("FAKE_MINIVMX_NR_CPUS", "200", 1);
	setenv("FAKE_MINIVMX_GROW", "1", 1);
	setenv("FAKE_MINIVMX_E2BIG_NO_COUNT", "1", 1);
	ASSERT_EQ(0, minivmx_get_vmx_info(fd, &info, &cpus));
	ASSERT_EQ(200U, info.nr_cpus);
	EXPECT_EQ(199U, cpus[199].cpu);
	free(cpus);
	minivmx_close(fd);
}

TEST(vmx_info_error_is_negative_errno)
{
	struct minivmx_cpu_state *cpus = (void *)1;
	struct minivmx_vmx_info info;
	int fd = open_fake();

	ASSERT_LE(0, fd);
	setenv("FAKE_MINIVMX_INFO_ERRNO", "22", 1);
	EXPECT_EQ(-EINVAL, minivmx_get_vmx_info(fd, &info, &cpus));
	EXPECT_EQ(NULL, cpus);
	minivmx_close(fd);
}

TEST(vmx_info_with_no_cpus)
{
	struct minivmx_cpu_state *cpus = (void *)1;
	struct minivmx_vmx_info info;
	int fd = open_fake();

	ASSERT_LE(0, fd);
	setenv("FAKE_MINIVMX_NR_CPUS", "0", 1);
	ASSERT_EQ(0, minivmx_get_vmx_info(fd, &info, &cpus));
	EXPECT_EQ(0U, info.nr_cpus);
	EXPECT_EQ(NULL, cpus);
	EXPECT_EQ(BOCHS_BASIC, info.msrs.basic);
	minivmx_close(fd);
}

/* The VM API. */

TEST(vm_vcpu_and_run)
{
	struct minivmx_regs regs = { .rip = 0x1234, .rflags = 2 }, got;
	struct minivmx_cpuid_entry leaf = { .function = 1 };
	int fd = open_fake(), vm_fd = -1, vcpu_fd = -1;
	struct minivmx_sregs sregs = { .cr0 = 0x11 };
	struct minivmx_run *run = NULL;
	void *ram;

	ASSERT_LE(0, fd);
	setenv("FAKE_MINIVMX_SCRIPT", "hlt;out:0xf4:1:3", 1);
	ASSERT_EQ(0, minivmx_create_vm(fd, &vm_fd));
	ASSERT_LE(0, vm_fd);
	EXPECT_TRUE(fcntl(vm_fd, F_GETFD) & FD_CLOEXEC);
	ram = mmap(NULL, 0x100000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ram);
	EXPECT_EQ(-EINVAL, minivmx_set_memory_region(vm_fd, 0, 0, 0, 0, ram));
	EXPECT_EQ(-EINVAL, minivmx_set_memory_region(vm_fd, 0, 0, 0x800,
						     0x100000, ram));
	EXPECT_EQ(0, minivmx_set_memory_region(vm_fd, 0, 0, 0, 0x100000, ram));
	EXPECT_EQ(0, minivmx_set_port_route(vm_fd, 0xf4, 1, MINIVMX_PORT_EXIT));
	EXPECT_EQ(-EINVAL, minivmx_set_port_route(vm_fd, 0xf4, 0,
						  MINIVMX_PORT_EXIT));
	EXPECT_EQ(-EINVAL, minivmx_create_vcpu(vm_fd, MINIVMX_MAX_VCPUS,
					       &vcpu_fd, &run));
	EXPECT_EQ(-ENOTTY, minivmx_create_vcpu(fd, 0, &vcpu_fd, &run));
	ASSERT_EQ(0, minivmx_create_vcpu(vm_fd, 0, &vcpu_fd, &run));
	ASSERT_NE(NULL, run);
	EXPECT_TRUE(fcntl(vcpu_fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, minivmx_set_sregs(vcpu_fd, &sregs));
	memset(&sregs, 0, sizeof(sregs));
	EXPECT_EQ(0, minivmx_get_sregs(vcpu_fd, &sregs));
	EXPECT_EQ(0x11ULL, sregs.cr0);
	EXPECT_EQ(0, minivmx_set_regs(vcpu_fd, &regs));
	EXPECT_EQ(0, minivmx_get_regs(vcpu_fd, &got));
	EXPECT_EQ(0x1234ULL, got.rip);
	EXPECT_EQ(0, minivmx_set_cpuid(vcpu_fd, &leaf, 1));
	EXPECT_EQ(-ENOTTY, minivmx_run(vm_fd));
	EXPECT_EQ(0, minivmx_run(vcpu_fd));
	EXPECT_EQ((__u32)MINIVMX_EXIT_HLT, run->exit_reason);
	EXPECT_EQ(0, minivmx_run(vcpu_fd));
	EXPECT_EQ((__u32)MINIVMX_EXIT_GUEST_EXIT, run->exit_reason);
	EXPECT_EQ(3ULL, run->guest_exit.status);
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, minivmx_run(vcpu_fd));
	EXPECT_EQ((__u32)MINIVMX_EXIT_INTR, run->exit_reason);
	EXPECT_EQ(0, minivmx_delete_memory_region(vm_fd, 0));
	minivmx_destroy_vcpu(vcpu_fd, run);
	minivmx_destroy_vcpu(-1, NULL);
	minivmx_close(vm_fd);
	minivmx_close(fd);
	munmap(ram, 0x100000);
}

/* The console helper. */

static union {
	struct minivmx_run run;
	__u8 page[MINIVMX_RUN_SIZE];
} page __attribute((aligned(4096)));

TEST(console_drain)
{
	char buf[MINIVMX_CONSOLE_SIZE + 1];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	memcpy(page.run.console, "hello\n", 6);
	page.run.console_len = 6;
	EXPECT_EQ(0, minivmx_console_drain(&page.run, p[1]));
	EXPECT_EQ(0U, page.run.console_len);
	EXPECT_EQ(6, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "hello\n", 6));
	EXPECT_EQ(0, minivmx_console_drain(&page.run, p[1]));	/* empty */
	memset(page.run.console, 'x', MINIVMX_CONSOLE_SIZE);
	page.run.console_len = 100000;		/* never past the ring */
	EXPECT_EQ(0, minivmx_console_drain(&page.run, p[1]));
	EXPECT_EQ(MINIVMX_CONSOLE_SIZE, read(p[0], buf, sizeof(buf)));
	close(p[0]);
	close(p[1]);
	page.run.console_len = 3;
	EXPECT_EQ(-EBADF, minivmx_console_drain(&page.run, p[1]));
	EXPECT_EQ(0U, page.run.console_len);	/* emptied all the same */
}

/* The device registry. */

struct access {
	unsigned int calls;
	__u64 addr[8];
	__u32 size[8];
	bool write[8];
	__u8 data[8][8];
	int ret;		/* what the handler returns */
};

static int pio_cb(void *opaque, __u16 port, __u8 *data, __u32 size,
		  bool is_write)
{
	struct access *a = opaque;
	unsigned int i = a->calls++ & 7;

	a->addr[i] = port;
	a->size[i] = size;
	a->write[i] = is_write;
	memcpy(a->data[i], data, size);
	if (!is_write)
		memset(data, 0x40 + i, size);
	return a->ret;
}

static int mmio_cb(void *opaque, __u64 gpa, __u8 *data, __u32 len,
		   bool is_write)
{
	struct access *a = opaque;
	unsigned int i = a->calls++ & 7;

	a->addr[i] = gpa;
	a->size[i] = len;
	a->write[i] = is_write;
	memcpy(a->data[i], data, len);
	if (!is_write)
		memset(data, 0x60, len);
	return a->ret;
}

static __u8 *io_data(void)
{
	return page.page + MINIVMX_IO_DATA_OFFSET;
}

static void io_exit(__u16 port, __u8 dir, __u8 size, __u32 count)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_IO;
	page.run.io.port = port;
	page.run.io.direction = dir;
	page.run.io.size = size;
	page.run.io.count = count;
	page.run.io.data_offset = MINIVMX_IO_DATA_OFFSET;
}

static void mmio_exit(__u64 gpa, __u32 len, bool is_write)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_MMIO;
	page.run.mmio.phys_addr = gpa;
	page.run.mmio.len = len;
	page.run.mmio.is_write = is_write;
}

TEST(bus_register)
{
	struct minivmx_bus bus;
	struct access a = { 0 };
	unsigned int i;

	minivmx_bus_init(&bus);
	EXPECT_EQ(-EINVAL, minivmx_register_pio(&bus, 0x10, 1, NULL, &a));
	EXPECT_EQ(-EINVAL, minivmx_register_pio(&bus, 0x10, 0, pio_cb, &a));
	EXPECT_EQ(-EINVAL, minivmx_register_pio(&bus, 0xfff0, 0x11, pio_cb, &a));
	EXPECT_EQ(0, minivmx_register_pio(&bus, 0xfff0, 0x10, pio_cb, &a));
	EXPECT_EQ(0, minivmx_register_pio(&bus, 0x3f8, 8, pio_cb, &a));
	EXPECT_EQ(-EBUSY, minivmx_register_pio(&bus, 0x3ff, 1, pio_cb, &a));
	EXPECT_EQ(-EBUSY, minivmx_register_pio(&bus, 0x3f0, 9, pio_cb, &a));
	EXPECT_EQ(0, minivmx_register_pio(&bus, 0x3f0, 8, pio_cb, &a));
	EXPECT_EQ(0, minivmx_register_pio(&bus, 0x400, 1, pio_cb, &a));
	for (i = bus.nr_pio; i < MINIVMX_BUS_MAX_RANGES; i++)
		ASSERT_EQ(0, minivmx_register_pio(&bus, 0x1000 + i, 1, pio_cb,
						  &a));
	EXPECT_EQ(-ENOSPC, minivmx_register_pio(&bus, 0x2000, 1, pio_cb, &a));

	EXPECT_EQ(-EINVAL, minivmx_register_mmio(&bus, 0x1000, 0, mmio_cb, &a));
	EXPECT_EQ(-EINVAL, minivmx_register_mmio(&bus, ~0ULL, 2, mmio_cb, &a));
	EXPECT_EQ(-EINVAL, minivmx_register_mmio(&bus, 0, 1, NULL, &a));
	EXPECT_EQ(0, minivmx_register_mmio(&bus, 0xd0000000, 0x1000, mmio_cb,
					   &a));
	EXPECT_EQ(-EBUSY, minivmx_register_mmio(&bus, 0xd0000fff, 1, mmio_cb,
						&a));
	EXPECT_EQ(0, minivmx_register_mmio(&bus, 0xd0001000, 1, mmio_cb, &a));
	EXPECT_EQ(0U, a.calls);
}

TEST(bus_port_io)
{
	struct minivmx_bus bus;
	struct access a = { 0 };

	minivmx_bus_init(&bus);
	ASSERT_EQ(0, minivmx_register_pio(&bus, 0x510, 8, pio_cb, &a));
	io_exit(0x512, MINIVMX_IO_OUT, 2, 1);
	memcpy(io_data(), "\x34\x12", 2);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	ASSERT_EQ(1U, a.calls);
	EXPECT_EQ(0x512ULL, a.addr[0]);
	EXPECT_EQ(2U, a.size[0]);
	EXPECT_TRUE(a.write[0]);
	EXPECT_EQ(0, memcmp(a.data[0], "\x34\x12", 2));

	/* String IN: one call per item, each filling its own slot. */
	a.calls = 0;
	io_exit(0x517, MINIVMX_IO_IN, 4, 3);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	EXPECT_EQ(3U, a.calls);
	EXPECT_FALSE(a.write[2]);
	EXPECT_EQ(0, memcmp(io_data(), "@@@@AAAABBBB", 12));

	/* A handler's verdict stops the walk and comes back. */
	a.calls = 0;
	a.ret = MINIVMX_BUS_STOP;
	io_exit(0x510, MINIVMX_IO_OUT, 1, 5);
	EXPECT_EQ(MINIVMX_BUS_STOP, minivmx_bus_handle_exit(&bus, &page.run));
	EXPECT_EQ(1U, a.calls);
	a.ret = -EIO;
	EXPECT_EQ(-EIO, minivmx_bus_handle_exit(&bus, &page.run));
}

TEST(bus_unclaimed_ports_float)
{
	struct minivmx_bus bus;
	unsigned int i;

	minivmx_bus_init(&bus);
	io_exit(0x80, MINIVMX_IO_IN, 2, 3);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0xff, io_data()[i]);
	EXPECT_EQ(0, io_data()[6]);		/* nothing past the items */
	io_exit(0x80, MINIVMX_IO_OUT, 1, 1);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
}

TEST(bus_mmio)
{
	struct minivmx_bus bus;
	struct access a = { 0 };

	minivmx_bus_init(&bus);
	ASSERT_EQ(0, minivmx_register_mmio(&bus, 0xd0000000, 0x1000, mmio_cb,
					   &a));
	mmio_exit(0xd0000ff8, 8, false);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	EXPECT_EQ(0xd0000ff8ULL, a.addr[0]);
	EXPECT_EQ(8U, a.size[0]);
	EXPECT_EQ(0, memcmp(page.run.mmio.data, "````````", 8));
	mmio_exit(0xd0000004, 2, true);
	memcpy(page.run.mmio.data, "\xaa\xbb", 2);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	EXPECT_TRUE(a.write[1]);
	EXPECT_EQ(0, memcmp(a.data[1], "\xaa\xbb", 2));

	/* Open bus outside the range. */
	mmio_exit(0xd0001000, 4, false);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	EXPECT_EQ(0, memcmp(page.run.mmio.data, "\xff\xff\xff\xff\0", 5));
	mmio_exit(0xe0000000, 8, true);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	EXPECT_EQ(2U, a.calls);
}

TEST(bus_malformed_exits)
{
	struct minivmx_bus bus;

	minivmx_bus_init(&bus);
	mmio_exit(0xe0000000, 0, false);
	EXPECT_EQ(-EPROTO, minivmx_bus_handle_exit(&bus, &page.run));
	mmio_exit(0xe0000000, 9, false);
	EXPECT_EQ(-EPROTO, minivmx_bus_handle_exit(&bus, &page.run));
	io_exit(0x80, MINIVMX_IO_IN, 3, 1);
	EXPECT_EQ(-EPROTO, minivmx_bus_handle_exit(&bus, &page.run));
	io_exit(0x80, MINIVMX_IO_IN, 4, 513);	/* past the run page */
	EXPECT_EQ(-EPROTO, minivmx_bus_handle_exit(&bus, &page.run));
	io_exit(0x80, MINIVMX_IO_IN, 4, 512);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&bus, &page.run));
	io_exit(0x80, MINIVMX_IO_IN, 1, 1);
	page.run.io.data_offset = 16;		/* inside the header */
	EXPECT_EQ(-EPROTO, minivmx_bus_handle_exit(&bus, &page.run));
	page.run.exit_reason = MINIVMX_EXIT_HLT;
	EXPECT_EQ(-ENOENT, minivmx_bus_handle_exit(&bus, &page.run));
}

TEST_HARNESS_MAIN
