// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading and unloading minivmx, and CPU hotplug while it is loaded.
 *
 * "VMX on" is checked on every online CPU through the VMX information
 * ioctl (CR4.VMXE read on that CPU, and minivmx's own VMXON flag).  "VMX
 * off" after an unload is checked by the next load: minivmx refuses to load
 * while CR4.VMXE is set on any CPU, so a load that succeeds proves the
 * previous unload left every CPU out of VMX operation.  kvm_peer checks the
 * last unload the same way with KVM.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define MAX_CPUS 64
#define CYCLES 50

/* Assert VMX is on on exactly the online CPUs; return the online count. */
static int check_vmx_on(struct __test_metadata *_metadata)
{
	struct minivmx_cpu_state cpus[MAX_CPUS];
	struct minivmx_vmx_info info;
	int fd = mvx_open(), online = 0;
	unsigned int i;

	if (fd < 0) {
		TH_LOG("open /dev/minivmx: %s", strerror(errno));
		return -1;
	}
	EXPECT_EQ(0, mvx_info(fd, &info, cpus, MAX_CPUS));
	close(fd);
	for (i = 0; i < info.nr_cpus; i++) {
		int is_online = !!(cpus[i].flags & MINIVMX_CPU_ONLINE);

		online += is_online;
		EXPECT_EQ(is_online, !!(cpus[i].flags & MINIVMX_CPU_VMXON))
			TH_LOG("cpu %u flags %#x", cpus[i].cpu, cpus[i].flags);
		EXPECT_EQ(is_online, !!(cpus[i].cr4 & CR4_VMXE))
			TH_LOG("cpu %u cr4 %#llx", cpus[i].cpu,
			       (unsigned long long)cpus[i].cr4);
	}
	EXPECT_EQ(online_cpus(), online);
	EXPECT_EQ(online, (int)info.nr_vmxon);
	return online;
}

TEST(load_unload_50_times)
{
	int i;

	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, mvx_load()) TH_LOG("load %d", i);
		ASSERT_EQ(online_cpus(), check_vmx_on(_metadata)) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, mvx_unload()) TH_LOG("unload %d", i);
		ASSERT_EQ(-1, access("/dev/minivmx", F_OK));
	}
}

TEST(double_load_is_eexist)
{
	ASSERT_EQ(0, mvx_load());
	EXPECT_EQ(-EEXIST, mvx_load());
	check_vmx_on(_metadata);
	EXPECT_EQ(0, mvx_unload());
}

FIXTURE(hotplug) {
	int cpu;
};

/*
 * The 6.1 harness runs the test body even when the setup skips, so the
 * bodies check self->cpu too.
 */
#define NEED_CPU1() do {						\
	if (!self->cpu)							\
		SKIP(return, "needs a second CPU that can go offline");	\
} while (0)

FIXTURE_SETUP(hotplug)
{
	self->cpu = 0;
	if (online_cpus() < 2 ||
	    access("/sys/devices/system/cpu/cpu1/online", W_OK))
		return;
	self->cpu = 1;
	ASSERT_EQ(0, mvx_load());
}

FIXTURE_TEARDOWN(hotplug)
{
	if (!self->cpu)
		return;
	set_cpu_online(self->cpu, 1);
	EXPECT_EQ(0, mvx_unload());
}

TEST_F(hotplug, offline_and_online_while_loaded)
{
	int i, all = online_cpus();

	NEED_CPU1();
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, set_cpu_online(self->cpu, 0));
		ASSERT_EQ(all - 1, check_vmx_on(_metadata));
		ASSERT_EQ(0, set_cpu_online(self->cpu, 1));
		ASSERT_EQ(all, check_vmx_on(_metadata));
	}
}

TEST_F(hotplug, cpu_offline_across_unload_and_load)
{
	int all = online_cpus();

	NEED_CPU1();
	ASSERT_EQ(0, set_cpu_online(self->cpu, 0));
	ASSERT_EQ(0, mvx_unload());
	ASSERT_EQ(0, set_cpu_online(self->cpu, 1));
	/* The CPU came up without minivmx: the next load must take it. */
	ASSERT_EQ(0, mvx_load());
	ASSERT_EQ(all, check_vmx_on(_metadata));
}

TEST_HARNESS_MAIN
