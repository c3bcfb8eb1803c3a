// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for the /dev/minivmx ioctls; see fake_device.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <linux/minivmx.h>

#include "fake_device.h"
#include "fake_vm.h"
#include "util.h"

int fake_vmx_info_calls;

/* Bochs 3.0 corei7_skylake_x, as in fixtures/bochs-3.0-corei7_skylake_x.msrs */
static const struct minivmx_vmx_msrs fake_msrs = {
	.feature_control = 0x0000000000000005ULL,
	.basic = 0x00d810000000002bULL,
	.pinbased_ctls = 0x000000ff00000016ULL,
	.procbased_ctls = 0xfff9fffe0401e172ULL,
	.exit_ctls = 0x407fffff00036dffULL,
	.entry_ctls = 0x0000ffff000011ffULL,
	.misc = 0x00000000600401e0ULL,
	.cr0_fixed0 = 0x0000000080000021ULL,
	.cr0_fixed1 = 0x00000000ffffffffULL,
	.cr4_fixed0 = 0x0000000000002000ULL,
	.cr4_fixed1 = 0x00000000003727ffULL,
	.vmcs_enum = 0x0000000000000050ULL,
	.procbased_ctls2 = 0x02577fff00000000ULL,
	.ept_vpid_cap = 0x00000f0106734141ULL,
	.true_pinbased_ctls = 0x000000ff00000016ULL,
	.true_procbased_ctls = 0xfff9fffe04006172ULL,
	.true_exit_ctls = 0x407fffff00036dfbULL,
	.true_entry_ctls = 0x0000ffff000011fbULL,
	.vmfunc = 0x0000000000000001ULL,
};

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : dflt;
}

int __wrap_open(const char *path, int flags, ...)
{
	long err = env_long("FAKE_MINIVMX_OPEN_ERRNO", 0);
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (err) {
		errno = err;
		return -1;
	}
	return __real_open(path, flags, mode);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static void fill_cpu(struct minivmx_cpu_state *s, __u32 cpu)
{
	memset(s, 0, sizeof(*s));
	s->cpu = cpu;
	if (cpu == env_long("FAKE_MINIVMX_OFFLINE", 3))
		return;
	s->flags = MINIVMX_CPU_ONLINE;
	s->feature_control = fake_msrs.feature_control;
	if (cpu == env_long("FAKE_MINIVMX_NO_VMXON", -1))
		return;
	s->flags |= MINIVMX_CPU_VMXON;
	s->cr4 = 1ULL << 13;	/* CR4.VMXE */
}

static int get_vmx_info(struct minivmx_vmx_info *info)
{
	__u32 nr = env_long("FAKE_MINIVMX_NR_CPUS", 4);
	struct minivmx_cpu_state *cpus;
	size_t i;
	__u32 n;

	fake_vmx_info_calls++;
	if (info->flags)
		return fail(EINVAL);
	for (i = 0; i < ARRAY_SIZE(info->reserved); i++)
		if (info->reserved[i])
			return fail(EINVAL);
	if (env_long("FAKE_MINIVMX_INFO_ERRNO", 0))
		return fail(env_long("FAKE_MINIVMX_INFO_ERRNO", 0));
	if (env_long("FAKE_MINIVMX_GROW", 0) && fake_vmx_info_calls == 1)
		nr--;	/* a CPU "appears" after the first count */
	info->nr_online = 0;
	info->nr_vmxon = 0;
	for (n = 0; n < nr; n++) {
		struct minivmx_cpu_state s;

		fill_cpu(&s, n);
		info->nr_online += !!(s.flags & MINIVMX_CPU_ONLINE);
		info->nr_vmxon += !!(s.flags & MINIVMX_CPU_VMXON);
	}
	info->msrs = fake_msrs;
	if (info->cpus && info->nr_cpus < nr) {
		if (!env_long("FAKE_MINIVMX_E2BIG_NO_COUNT", 0))
			info->nr_cpus = nr;
		return fail(E2BIG);
	}
	cpus = (struct minivmx_cpu_state *)(uintptr_t)info->cpus;
	for (n = 0; cpus && n < nr; n++)
		fill_cpu(&cpus[n], n);
	info->nr_cpus = nr;
	return 0;
}

static int check_cap(unsigned long cap)
{
	switch (cap) {
	case MINIVMX_CAP_VMX_INFO:
		return !env_long("FAKE_MINIVMX_NO_INFO_CAP", 0);
	case MINIVMX_CAP_EPT:
	case MINIVMX_CAP_UNRESTRICTED_GUEST:
		return 1;
	case MINIVMX_CAP_NR_CPUS:
		return env_long("FAKE_MINIVMX_NR_CPUS", 4);
	case MINIVMX_CAP_RUN:
		return !env_long("FAKE_MINIVMX_NO_RUN_CAP", 0);
	case MINIVMX_CAP_GUEST_DEBUG:
		return env_long("FAKE_MINIVMX_DEBUG_CAP", 0x3f);
	case MINIVMX_CAP_GET_VMCS:
		return 1;
	case MINIVMX_CAP_EXIT_RING:
		return env_long("FAKE_MINIVMX_RING_CAP", MINIVMX_MAX_RING_ENTRIES);
	default:
		return 0;
	}
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	bool handled;
	va_list ap;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (_IOC_TYPE(request) != MINIVMX_IO ||
	    env_long("FAKE_MINIVMX_PASSTHROUGH", 0))
		return __real_ioctl(fd, request, arg);
	switch (request) {
	case MINIVMX_GET_API_VERSION:
		return env_long("FAKE_MINIVMX_API", MINIVMX_API_VERSION);
	case MINIVMX_CHECK_CAP:
		return check_cap(arg);
	case MINIVMX_GET_VMX_INFO:
		return get_vmx_info((struct minivmx_vmx_info *)arg);
	default:
		ret = fake_vm_ioctl(fd, request, arg, &handled);
		return handled ? ret : fail(ENOTTY);
	}
}
