// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx and KVM on one machine: whoever holds VMX first keeps it, and the
 * other is refused cleanly - no oops, no CPU left half in VMX operation -
 * and succeeds once the first has let go.
 *
 * In Linux 6.1 kvm_intel turns VMX on only while a KVM VM exists (since
 * 6.12 it does so as soon as it loads, unless booted with
 * kvm.enable_virt_at_load=0), so holding a VM open is what makes KVM the
 * owner here.  The KVM modules get the kernel command line's options for
 * them, as modprobe would give them: the stock612 suite boots 6.12 with
 * kvm.enable_virt_at_load=0, and this test then holds there as on 6.1
 * (vmx_owner.sh checks the default).
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

/*
 * The kernel command line's options for module @name ("kvm.x=1" gives
 * "x=1"), space-separated in @buf, as modprobe passes them.
 */
static void cmdline_options(const char *name, char *buf, size_t len)
{
	char cmdline[4096], *tok, *save;
	size_t n = strlen(name), used = 0;
	FILE *f = fopen("/proc/cmdline", "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(cmdline, sizeof(cmdline), f))
		cmdline[0] = '\0';
	fclose(f);
	for (tok = strtok_r(cmdline, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save)) {
		if (strncmp(tok, name, n) || tok[n] != '.')
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? " " : "", tok + n + 1);
		if (used >= len) {
			buf[0] = '\0';
			return;
		}
	}
}

FIXTURE(kvm) {
	int kvm_fd;
};

FIXTURE_SETUP(kvm)
{
	static const char * const mods[][2] = {
		{ "irqbypass.ko", "irqbypass" }, { "kvm.ko", "kvm" },
		{ "kvm-intel.ko", "kvm_intel" }
	};
	char path[256], opts[512];
	unsigned int i;
	int ret;

	self->kvm_fd = -1;
	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", kvm_dir(), mods[i][0]);
		cmdline_options(mods[i][1], opts, sizeof(opts));
		ret = load_module_params(path, opts);
		ASSERT_TRUE(ret == 0 || ret == -EEXIST)
			TH_LOG("%s %s: %s", path, opts, strerror(-ret));
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
	int vm, err;

	ASSERT_EQ(0, mvx_load());
	vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	err = errno;
	EXPECT_EQ(-1, vm);
	/*
	 * kvm_intel finds CR4.VMXE set: 6.1 passes its -EBUSY on, 6.12's
	 * kvm_enable_virtualization_cpu() turns any failure into -EIO.
	 */
	EXPECT_TRUE(err == EBUSY || err == EIO)
		TH_LOG("KVM_CREATE_VM: %s", strerror(err));
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
