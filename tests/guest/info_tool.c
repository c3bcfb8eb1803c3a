// SPDX-License-Identifier: GPL-2.0-only
/*
 * `minivmx info` against the CPU: every raw MSR line must equal what
 * /dev/cpu/0/msr reads, and the per-CPU summary must say VMX is on
 * everywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "testlib.h"

static const char *tool(void)
{
	const char *t = getenv("MINIVMX_TOOL");

	return t ? t : "minivmx";
}

FIXTURE(info) {
	int unused;
};

FIXTURE_SETUP(info)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
}

FIXTURE_TEARDOWN(info)
{
	EXPECT_EQ(0, mvx_unload());
}

TEST_F(info, raw_lines_match_rdmsr)
{
	int msr_fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);
	char cmd[256], line[256], name[64];
	unsigned int lines = 0;
	FILE *p;

	if (msr_fd < 0)
		SKIP(return, "no /dev/cpu/0/msr (CONFIG_X86_MSR)");
	snprintf(cmd, sizeof(cmd), "%s info --raw", tool());
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long val, want = 0;
		unsigned int addr;

		if (sscanf(line, "%63s (0x%x) = 0x%llx", name, &addr, &val) != 3)
			continue;
		ASSERT_EQ(8, pread(msr_fd, &want, 8, addr)) TH_LOG("%s", name);
		EXPECT_EQ(want, val) TH_LOG("%s (%#x)", name, addr);
		lines++;
	}
	EXPECT_EQ(0, pclose(p));
	/* BASIC .. VMCS_ENUM and FEATURE_CONTROL at least. */
	EXPECT_LE(12, lines);
	close(msr_fd);
}

TEST_F(info, summary_says_vmx_on_every_cpu)
{
	char cmd[256], line[256], want[64];
	int found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s info", tool());
	snprintf(want, sizeof(want), "VMX on: %d of %d online CPUs",
		 online_cpus(), online_cpus());
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p))
		found |= !!strstr(line, want);
	EXPECT_EQ(0, pclose(p));
	EXPECT_TRUE(found) TH_LOG("no line \"%s\"", want);
}

TEST(missing_device_is_explained)
{
	char line[512] = "";
	FILE *p;

	ASSERT_EQ(-1, access("/dev/minivmx", F_OK));
	snprintf(line, sizeof(line), "%s info 2>&1", tool());
	p = popen(line, "r");
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, fgets(line, sizeof(line), p));
	EXPECT_NE(NULL, strstr(line, "insmod")) TH_LOG("%s", line);
	EXPECT_NE(0, pclose(p));
}

TEST_HARNESS_MAIN
