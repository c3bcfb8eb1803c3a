// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx and KVM on one machine: whoever holds VMX first keeps it, and the
 * other is refused cleanly - no oops, no CPU left half in VMX operation -
 * and succeeds once the first has let go.
 *
 * In Linux 6.1 kvm_intel turns VMX on only while a KVM VM exists (since
 * 6.12 it does so as soon as it loads), so holding a VM open is what makes
 * KVM the owner here.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "testlib.h"

static const char *kvm_dir(void)
{
	const char *d = getenv("KVM_MODULE_DIR");

	return d ? d : "/minivmx/kvm";
}

FIXTURE(kvm) {
	int kvm_fd;
};

FIXTURE_SETUP(kvm)
{
	static const char * const mods[] = {
		"irqbypass.ko", "kvm.ko", "kvm-intel.ko"
	};
	char path[256];
	unsigned int i;
	int ret;

	self->kvm_fd = -1;
	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", kvm_dir(), mods[i]);
		ret = load_module(path);
		ASSERT_TRUE(ret == 0 || ret == -EEXIST)
			TH_LOG("%s: %s", path, strerror(-ret));
	}
	self->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->kvm_fd) TH_LOG("/dev/kvm: %s", strerror(errno));
}

FIXTURE_TEARDOWN(kvm)
{
	if (self->kvm_fd < 0)
		return;
	close(self->kvm_fd);
	mvx_unload();
	EXPECT_EQ(0, unload_module("kvm_intel"));
	EXPECT_EQ(0, unload_module("kvm"));
	EXPECT_EQ(0, unload_module("irqbypass"));
}

TEST_F(kvm, minivmx_refused_while_kvm_holds_vmx)
{
	char mark[64], *log;
	int vm;

	vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));

	kmsg_mark(mark, sizeof(mark));
	EXPECT_EQ(-EBUSY, mvx_load());
	EXPECT_EQ(-1, access("/dev/minivmx", F_OK));
	log = kmsg_since(mark);
	EXPECT_NE(NULL, strstr(log, "VMX is already in use")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "rmmod kvm_intel")) TH_LOG("log: %s", log);
	free(log);

	/* KVM lets go of VMX when its last VM is gone. */
	close(vm);
	ASSERT_EQ(0, mvx_load());
	EXPECT_EQ(0, mvx_unload());
}

TEST_F(kvm, kvm_refused_while_minivmx_loaded)
{
	int vm;

	ASSERT_EQ(0, mvx_load());
	vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	EXPECT_EQ(-1, vm);
	EXPECT_EQ(EBUSY, errno);
	if (vm >= 0)
		close(vm);

	/* After the unload KVM gets VMX on every CPU. */
	ASSERT_EQ(0, mvx_unload());
	vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	EXPECT_LE(0, vm) TH_LOG("KVM_CREATE_VM after unload: %s", strerror(errno));
	if (vm >= 0)
		close(vm);
}

TEST_HARNESS_MAIN
