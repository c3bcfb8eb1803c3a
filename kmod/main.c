// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx - a minimal Intel VT-x hypervisor.
 *
 * Module entry points and /dev/minivmx, the system ioctls.  VMX mechanics
 * live in vmx_*.c; this file is policy: what userspace may ask and how
 * bad input is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/tlbflush.h>

#include "minivmx.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static long minivmx_check_cap(unsigned long cap)
{
	switch (cap) {
	case MINIVMX_CAP_VMX_INFO:
	case MINIVMX_CAP_EPT:
	case MINIVMX_CAP_UNRESTRICTED_GUEST:
	case MINIVMX_CAP_RUN:
		return 1;
	case MINIVMX_CAP_MAX_VCPUS:
		return MINIVMX_MAX_VCPUS;
	case MINIVMX_CAP_MEM_SLOTS:
		return MINIVMX_MAX_MEM_SLOTS;
	case MINIVMX_CAP_VPID:
		return vmx_has_vpid();
	case MINIVMX_CAP_PREEMPTION_TIMER:
		/* The rate is TSC >> IA32_VMX_MISC[4:0]; + 1 keeps 0 = "no". */
		return vmx_has_preemption_timer() ?
		       (vmx_config.msrs.misc & 0x1f) + 1 : 0;
	case MINIVMX_CAP_MTF:
		return vmx_has_mtf();
	case MINIVMX_CAP_EPT_2M:
		return vmx_has_ept_2m();
	case MINIVMX_CAP_EPT_AD:
		return vmx_has_ept_ad();
	case MINIVMX_CAP_NR_CPUS:
		return nr_cpu_ids;
	case MINIVMX_CAP_GUEST_DEBUG:
		return mvx_guest_debug_caps();
	case MINIVMX_CAP_GET_VMCS:
	case MINIVMX_CAP_TRANSLATE:
		return 1;
	case MINIVMX_CAP_INTERRUPT:
	case MINIVMX_CAP_LAPIC:
	case MINIVMX_CAP_EXIT_ROUTES:
	case MINIVMX_CAP_SHADOW_PAGING:
		return 1;
	case MINIVMX_CAP_NMI:
		return mvx_has_vnmi();
	case MINIVMX_CAP_EXIT_RING:
		return MINIVMX_MAX_RING_ENTRIES;
	default:
		return 0;
	}
}

static void minivmx_read_cpu_state(void *data)
{
	struct minivmx_cpu_state *st = data;

	st->cr4 = cr4_read_shadow();
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &st->feature_control))
		st->feature_control = 0;
}

/*
 * Count online and VMX-on CPUs; with @st, also read CR4 and
 * IA32_FEATURE_CONTROL on each online CPU into @st[possible CPU index].
 * CPU hotplug is held off meanwhile.
 */
static void minivmx_survey_cpus(struct minivmx_vmx_info *info,
				struct minivmx_cpu_state *st)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		bool online = cpu_online(cpu), on = vmx_cpu_is_on(cpu);

		info->nr_online += online;
		info->nr_vmxon += on;
		if (!st)
			continue;
		st->cpu = cpu;
		st->flags = (online ? MINIVMX_CPU_ONLINE : 0) |
			    (on ? MINIVMX_CPU_VMXON : 0);
		if (online)
			smp_call_function_single(cpu, minivmx_read_cpu_state,
						 st, 1);
		st++;
	}
	cpus_read_unlock();
}

static long minivmx_get_vmx_info(struct minivmx_vmx_info __user *uinfo)
{
	struct minivmx_cpu_state *st = NULL;
	struct minivmx_vmx_info info;
	u32 nr = num_possible_cpus();
	long ret = 0;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if (info.flags || memchr_inv(info.reserved, 0, sizeof(info.reserved)))
		return -EINVAL;
	if (info.cpus && info.nr_cpus < nr) {
		/* Tell the caller how many entries to make room for. */
		if (put_user(nr, &uinfo->nr_cpus))
			return -EFAULT;
		return -E2BIG;
	}
	if (info.cpus) {
		st = kcalloc(nr, sizeof(*st), GFP_KERNEL);
		if (!st)
			return -ENOMEM;
	}

	info.nr_cpus = nr;
	info.nr_online = 0;
	info.nr_vmxon = 0;
	info.msrs = vmx_config.msrs;
	minivmx_survey_cpus(&info, st);

	if ((st && copy_to_user(u64_to_user_ptr(info.cpus), st,
				nr * sizeof(*st))) ||
	    copy_to_user(uinfo, &info, sizeof(info)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

static long minivmx_dev_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	switch (cmd) {
	case MINIVMX_GET_API_VERSION:
		return arg ? -EINVAL : MINIVMX_API_VERSION;
	case MINIVMX_CHECK_CAP:
		return minivmx_check_cap(arg);
	case MINIVMX_GET_VMX_INFO:
		return minivmx_get_vmx_info((void __user *)arg);
	case MINIVMX_CREATE_VM:
		return mvx_create_vm(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations minivmx_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = minivmx_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice minivmx_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "minivmx",
	.fops = &minivmx_dev_fops,
	/* udev gives the device to group "minivmx" (udev/60-minivmx.rules). */
	.mode = 0660,
};

static int __init minivmx_init(void)
{
	int ret;

	ret = vmx_read_config(&vmx_config);
	if (ret)
		return ret;
	ret = mvx_vcpu_init();
	if (ret)
		return ret;
	ept_setup();
	vmcs_init_cr4_reserved();

	ret = vmx_cpus_enable();
	if (ret)
		return ret;

	mvx_stat_init();
	ret = misc_register(&minivmx_dev);
	if (ret)
		goto err_stat;

	pr_info("VMX enabled on %u CPUs; VMCS revision %#x, %s\n",
		num_online_cpus(), vmx_config.vmcs_revision,
		vmx_has_vpid() ? "EPT, VPID" : "EPT");
	return 0;

err_stat:
	mvx_stat_exit();
	vmx_cpus_disable();
	return ret;
}

static void __exit minivmx_exit(void)
{
	misc_deregister(&minivmx_dev);
	mvx_stat_exit();
	vmx_cpus_disable();
}

module_init(minivmx_init);
module_exit(minivmx_exit);

MODULE_DESCRIPTION("minivmx: a minimal Intel VT-x hypervisor");
MODULE_LICENSE("GPL");
MODULE_VERSION(MINIVMX_VERSION);
