// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/minivmx system ioctls: what they answer, and one subtest per
 * error path (-ENOTTY, -EINVAL, -EFAULT, -E2BIG).  Each test loads the
 * module in its setup and unloads it in its teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define MAX_CPUS 64

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	self->fd = mvx_open();
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/minivmx: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
	EXPECT_EQ(0, mvx_unload());
}

/* Root's and its group's (udev makes that "minivmx"); nobody else's. */
TEST_F(dev, device_node_is_root_and_group_only)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/minivmx", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660, st.st_mode & 0777);
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(dev, api_version)
{
	EXPECT_EQ(MINIVMX_API_VERSION, ioctl(self->fd, MINIVMX_GET_API_VERSION, 0));
}

TEST_F(dev, api_version_with_argument_is_einval)
{
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, required_caps_are_present)
{
	EXPECT_EQ(1, ioctl(self->fd, MINIVMX_CHECK_CAP, MINIVMX_CAP_VMX_INFO));
	EXPECT_EQ(1, ioctl(self->fd, MINIVMX_CHECK_CAP, MINIVMX_CAP_EPT));
	EXPECT_EQ(1, ioctl(self->fd, MINIVMX_CHECK_CAP,
			   MINIVMX_CAP_UNRESTRICTED_GUEST));
}

TEST_F(dev, caps_agree_with_the_msrs)
{
	struct minivmx_vmx_info info;
	uint64_t ept = 0;
	int nr;

	ASSERT_EQ(0, mvx_info(self->fd, &info, NULL, 0));
	ept = info.msrs.ept_vpid_cap;
	EXPECT_EQ(!!(ept & (1ULL << 16)),
		  ioctl(self->fd, MINIVMX_CHECK_CAP, MINIVMX_CAP_EPT_2M));
	EXPECT_EQ(!!(ept & (1ULL << 21)),
		  ioctl(self->fd, MINIVMX_CHECK_CAP, MINIVMX_CAP_EPT_AD));
	nr = ioctl(self->fd, MINIVMX_CHECK_CAP, MINIVMX_CAP_NR_CPUS);
	EXPECT_LE((int)info.nr_cpus, nr);
}

TEST_F(dev, unknown_cap_answers_zero)
{
	EXPECT_EQ(0, ioctl(self->fd, MINIVMX_CHECK_CAP, 0));
	EXPECT_EQ(0, ioctl(self->fd, MINIVMX_CHECK_CAP, 4096));
	EXPECT_EQ(0, ioctl(self->fd, MINIVMX_CHECK_CAP, ~0UL));
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(MINIVMX_IO, 0x7f), 0));
	EXPECT_EQ(ENOTTY, errno);
	/* KVM_GET_API_VERSION: another driver's magic. */
	EXPECT_EQ(-1, ioctl(self->fd, _IO(0xAE, 0x00), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, info_with_wrong_size_is_enotty)
{
	char buf[8] = { 0 };

	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MINIVMX_IO, 0x02, uint64_t), buf));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, info_with_flags_is_einval)
{
	struct minivmx_vmx_info info = { .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_VMX_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, info_with_reserved_is_einval)
{
	struct minivmx_vmx_info info;
	unsigned int i;

	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++) {
		memset(&info, 0, sizeof(info));
		info.reserved[i] = 1ULL << i;
		EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_VMX_INFO, &info))
			TH_LOG("reserved[%u]", i);
		EXPECT_EQ(EINVAL, errno);
		/* Refused before anything was written back. */
		EXPECT_EQ(0, info.msrs.basic);
	}
}

TEST_F(dev, info_bad_pointer_is_efault)
{
	void *unmapped = mmap(NULL, 4096, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, unmapped);
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_VMX_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_VMX_INFO, unmapped));
	EXPECT_EQ(EFAULT, errno);
	munmap(unmapped, 4096);
}

TEST_F(dev, info_bad_cpus_pointer_is_efault)
{
	struct minivmx_vmx_info info = {
		.nr_cpus = MAX_CPUS,
		.cpus = 8,	/* never mapped */
	};

	EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_VMX_INFO, &info));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, info_small_array_is_e2big_with_count)
{
	struct minivmx_cpu_state one;
	struct minivmx_vmx_info info = {
		.nr_cpus = 0,
		.cpus = (uintptr_t)&one,
	};

	EXPECT_EQ(-1, ioctl(self->fd, MINIVMX_GET_VMX_INFO, &info));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_LE((unsigned int)online_cpus(), info.nr_cpus);
}

TEST_F(dev, info_count_only)
{
	struct minivmx_vmx_info info;

	ASSERT_EQ(0, mvx_info(self->fd, &info, NULL, 0));
	EXPECT_LE((unsigned int)online_cpus(), info.nr_cpus);
	EXPECT_EQ(online_cpus(), (int)info.nr_online);
	EXPECT_EQ(info.nr_online, info.nr_vmxon);
	EXPECT_NE(0, info.msrs.basic);
}

/* The point of the call: VMX is on, for real, on every online CPU. */
TEST_F(dev, vmx_on_on_every_online_cpu)
{
	struct minivmx_cpu_state cpus[MAX_CPUS];
	struct minivmx_vmx_info info;
	unsigned int i, online = 0;

	ASSERT_EQ(0, mvx_info(self->fd, &info, cpus, MAX_CPUS));
	ASSERT_LE(info.nr_cpus, MAX_CPUS);
	for (i = 0; i < info.nr_cpus; i++) {
		if (!(cpus[i].flags & MINIVMX_CPU_ONLINE)) {
			EXPECT_EQ(0, cpus[i].flags & MINIVMX_CPU_VMXON);
			continue;
		}
		online++;
		EXPECT_TRUE(cpus[i].flags & MINIVMX_CPU_VMXON)
			TH_LOG("cpu %u", cpus[i].cpu);
		EXPECT_TRUE(cpus[i].cr4 & CR4_VMXE)
			TH_LOG("cpu %u cr4 %#llx", cpus[i].cpu,
			       (unsigned long long)cpus[i].cr4);
		/* Locked, VMX outside SMX allowed. */
		EXPECT_EQ(5, cpus[i].feature_control & 5);
	}
	EXPECT_EQ(online_cpus(), (int)online);
	EXPECT_EQ(online, info.nr_vmxon);
}

/* The raw MSRs must be exactly what the CPU says (SDM A.1-A.11). */
TEST_F(dev, info_msrs_match_rdmsr)
{
	static const struct {
		uint32_t msr;
		size_t off;
	} map[] = {
#define M(nr, field) { nr, offsetof(struct minivmx_vmx_msrs, field) }
		M(0x3a, feature_control), M(0x480, basic),
		M(0x481, pinbased_ctls), M(0x482, procbased_ctls),
		M(0x483, exit_ctls), M(0x484, entry_ctls), M(0x485, misc),
		M(0x486, cr0_fixed0), M(0x487, cr0_fixed1),
		M(0x488, cr4_fixed0), M(0x489, cr4_fixed1),
		M(0x48a, vmcs_enum), M(0x48b, procbased_ctls2),
		M(0x48c, ept_vpid_cap),
#undef M
	};
	struct minivmx_vmx_info info;
	unsigned int i;
	int msr_fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);

	if (msr_fd < 0)
		SKIP(return, "no /dev/cpu/0/msr (CONFIG_X86_MSR)");
	ASSERT_EQ(0, mvx_info(self->fd, &info, NULL, 0));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		uint64_t want, got;

		memcpy(&got, (char *)&info.msrs + map[i].off, sizeof(got));
		ASSERT_EQ(8, pread(msr_fd, &want, 8, map[i].msr));
		EXPECT_EQ(want, got) TH_LOG("MSR %#x", map[i].msr);
	}
	close(msr_fd);
}

TEST_F(dev, unload_refused_while_open)
{
	EXPECT_EQ(-EWOULDBLOCK, mvx_unload());
	/* Still working afterwards. */
	EXPECT_EQ(MINIVMX_API_VERSION, ioctl(self->fd, MINIVMX_GET_API_VERSION, 0));
}

TEST_HARNESS_MAIN
